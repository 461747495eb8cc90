import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutboxMailer, createSmtpMailer } from '../../server/mail/mailer.ts';
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

interface Received {
  from: string;
  to: string[];
  raw: string;
}

const servers: SMTPServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

/** A real SMTP server on loopback that keeps every message it accepts. */
async function startSmtp(): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        raw += chunk;
      });
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        callback();
      });
    },
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received };
}

/** Undoes quoted-printable soft line breaks and escapes so links can be read from the raw message. */
const decodeQuotedPrintable = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

describe('email over SMTP', () => {
  it('delivers the verification mail to a real SMTP server and its link verifies the address', async () => {
    const smtp = await startSmtp();
    const ctx = await makeApp({
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Seatkeeper <no-reply@seatkeeper.test>' },
      mailer: () => createSmtpMailer(smtp.url, 'Seatkeeper <no-reply@seatkeeper.test>'),
    });
    const registered = await call(ctx, 'POST', '/register', {
      form: { name: 'Smtp Tester', email: 'smtp.tester@example.com', password: STRONG_PASSWORD },
    });
    expect(registered.status).toBe(200);
    expect(await registered.text()).toContain('Check your email');

    expect(smtp.received).toHaveLength(1);
    const [message] = smtp.received;
    expect(message?.from).toBe('no-reply@seatkeeper.test');
    expect(message?.to).toEqual(['smtp.tester@example.com']);
    const raw = decodeQuotedPrintable(message?.raw ?? '');
    expect(raw).toMatch(/^Subject: Confirm your email address for Seatkeeper/m);
    const token = linkToken(raw, '/verify-email');
    expect(await outbox(ctx)).toHaveLength(0);

    const landing = await call(ctx, 'GET', `/verify-email?token=${encodeURIComponent(token)}`);
    expect(await landing.text()).toContain(`value="${token}"`);
    const confirmed = await call(ctx, 'POST', '/verify-email', { form: { token } });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('Email address confirmed');

    const signedIn = await signInCookie(ctx, 'smtp.tester@example.com');
    const me = await call(ctx, 'GET', '/api/v1/me', { cookie: sessionCookieFrom(signedIn) });
    expect((await accountOf(me)).emailVerifiedAt).not.toBeNull();
  });
});

describe('email without SMTP', () => {
  it('keeps mail in the outbox, printed to the console and readable by admins via API and portal', async () => {
    const ctx = await makeApp();
    const printed: string[] = [];
    await createOutboxMailer(ctx.deps.db, ctx.now, (text) => printed.push(text)).send({
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
