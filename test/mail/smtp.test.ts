import { describe, expect, it } from 'vitest';
import { smtpTransport } from '../../server/mail/mailer.ts';
import { createOutboxMailer, MailQueue } from '../../server/mail/queue.ts';
import { followRedirect } from '../support/flash.ts';
import {
  accountOf,
  call,
  createAccount,
  linkToken,
  makeApp,
  outbox,
  STRONG_PASSWORD,
  sessionCookieFor,
  sessionCookieFrom,
  signInCookie,
} from '../support/server.ts';
import { decodeQuotedPrintable, startSmtp } from '../support/smtp.ts';

describe('email over SMTP', () => {
  it('delivers the verification mail to a real SMTP server and its link verifies the address', async () => {
    const smtp = await startSmtp();
    const ctx = await makeApp({
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Seatkeeper <no-reply@seatkeeper.test>' },
      mailer: (db, { clock, logger }) =>
        new MailQueue(db, clock, {
          transport: smtpTransport(smtp.url, 'Seatkeeper <no-reply@seatkeeper.test>'),
          logger,
        }),
    });
    (ctx.deps.mailer as MailQueue).start();
    const registered = await call(ctx, 'POST', '/register', {
      form: { name: 'Smtp Tester', email: 'smtp.tester@example.com', password: STRONG_PASSWORD },
    });
    expect((await followRedirect(ctx, registered, '')).text).toContain('We sent a confirmation link');

    // Delivered from the queue by the running sender, without waiting for its next round.
    const [message] = await smtp.receivedCount(1);
    expect(message?.from).toBe('no-reply@seatkeeper.test');
    expect(message?.to).toEqual(['smtp.tester@example.com']);
    const raw = decodeQuotedPrintable(message?.raw ?? '');
    expect(raw).toMatch(/^Subject: Confirm your email address for Seatkeeper/m);
    const token = linkToken(raw, '/verify-email');
    await (ctx.deps.mailer as MailQueue).stop();
    expect((await outbox(ctx)).map((mail) => mail.status)).toEqual(['sent']);

    const landing = await call(ctx, 'GET', `/verify-email?token=${encodeURIComponent(token)}`);
    expect(await landing.text()).toContain(`value="${token}"`);
    const confirmed = await call(ctx, 'POST', '/verify-email', { form: { token } });
    expect((await followRedirect(ctx, confirmed, '')).text).toContain('your email address is confirmed');

    const signedIn = await signInCookie(ctx, 'smtp.tester@example.com');
    const me = await call(ctx, 'GET', '/api/v1/me', { cookie: sessionCookieFrom(signedIn) });
    expect((await accountOf(me)).emailVerifiedAt).not.toBeNull();
  });
});

describe('email without SMTP', () => {
  it('keeps mail in the outbox, printed to the console and readable by admins via API and portal', async () => {
    const ctx = await makeApp();
    const printed: string[] = [];
    await createOutboxMailer(ctx.deps.db, ctx.now, (text: string) => printed.push(text)).send({
      to: 'someone@example.com',
      subject: 'Hello',
      text: 'Body with a link http://seatkeeper.test/verify-email?token=abc',
    });
    expect(printed[0]).toContain('Subject: Hello');
    expect(printed[0]).toContain('verify-email?token=abc');

    await call(ctx, 'POST', '/api/v1/password-resets', { json: { email: 'nobody@example.com' } });
    const admin = await createAccount(ctx, 'admin');
    await call(ctx, 'POST', '/api/v1/password-resets', { json: { email: admin.email } });
    const cookie = await sessionCookieFor(ctx, admin);
    const api = (await (await call(ctx, 'GET', '/api/v1/outbox', { cookie })).json()) as {
      items: { to: string; subject: string; body: string }[];
      total: number;
    };
    expect(api.total).toBe(2);
    expect(api.items[0]).toMatchObject({ to: admin.email, subject: 'Reset your Seatkeeper password' });
    const page = await call(ctx, 'GET', '/portal/outbox', { cookie });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Reset your Seatkeeper password');
  });
});
