// The mail queue (issue 23, item 11) against a real SMTP server that is down, then up: nothing answered 202 is lost,
// retries wait longer each time, failures show in the portal and can be sent again, and several instances sharing the
// database deliver each mail once.
import { describe, expect, it } from 'vitest';
import { smtpTransport } from '../../server/mail/mailer.ts';
import { MAX_ATTEMPTS, MailQueue, retryWaitSeconds } from '../../server/mail/queue.ts';
import {
  anotherInstance,
  call,
  createAccount,
  linkToken,
  makeApp,
  outbox,
  STRONG_PASSWORD,
  sessionCookieFor,
  signInCookie,
  type TestContext,
} from '../support/server.ts';
import { decodeQuotedPrintable, startSmtp, type TestSmtp } from '../support/smtp.ts';

const FROM = 'Seatkeeper <no-reply@seatkeeper.test>';

/** An app whose mail goes through the queue to the test's SMTP server (rounds run by the test, not by a timer). */
async function appWithSmtp(smtp: TestSmtp, lines: string[] = []) {
  const ctx = await makeApp({
    env: { SMTP_URL: smtp.url },
    log: (line) => lines.push(line),
    mailer: (db, { clock, logger }) => new MailQueue(db, clock, { transport: smtpTransport(smtp.url, FROM), logger }),
  });
  return { ctx, queue: ctx.deps.mailer as MailQueue };
}

const resetRequest = (ctx: TestContext, email: string) =>
  call(ctx, 'POST', '/api/v1/password-resets', { json: { email } });

describe('mail queue', () => {
  it('keeps a reset mail while the SMTP server is down and delivers it once the server is back', async () => {
    const smtp = await startSmtp();
    await smtp.stop();
    const lines: string[] = [];
    const { ctx, queue } = await appWithSmtp(smtp, lines);
    const account = await createAccount(ctx, 'candidate');

    expect((await resetRequest(ctx, account.email)).status).toBe(202);
    const [queued] = await outbox(ctx);
    expect(queued).toMatchObject({ status: 'queued', attempts: 0, to_address: account.email });

    // The server is down: the first round fails, the mail waits 30 seconds.
    expect(await queue.deliverDue()).toEqual({ sent: 0, retrying: 1, failed: 0 });
    const [waiting] = await outbox(ctx);
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1 });
    expect(waiting?.last_error).toMatch(/ECONNREFUSED/);
    expect(waiting?.next_attempt_at).toBe(new Date(ctx.now().getTime() + retryWaitSeconds(1) * 1000).toISOString());
    const logged = lines.filter((line) => line.includes('mail delivery failed'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).not.toContain('reset-password');

    // Admins see it waiting, with the error.
    const admin = await createAccount(ctx, 'admin');
    const page = await (
      await call(ctx, 'GET', '/portal/outbox', { cookie: await sessionCookieFor(ctx, admin) })
    ).text();
    expect(page).toContain('Waiting to be sent');
    expect(page).toContain('1 attempt failed');
    expect(page).toContain('ECONNREFUSED');

    // Back up: nothing is sent before the wait is over, then the mail arrives and its link works.
    await smtp.start();
    expect(await queue.deliverDue()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    ctx.advance(retryWaitSeconds(1));
    expect(await queue.deliverDue()).toEqual({ sent: 1, retrying: 0, failed: 0 });
    const [message] = await smtp.receivedCount(1);
    expect(message?.to).toEqual([account.email]);
    const token = linkToken(decodeQuotedPrintable(message?.raw ?? ''), '/reset-password');
    const confirmed = await call(ctx, 'POST', '/api/v1/password-resets/confirm', {
      json: { token, password: 'a brand new passphrase' },
    });
    expect(confirmed.status).toBe(200);
    expect(await outbox(ctx)).toMatchObject([{ status: 'sent', attempts: 2, sent_at: ctx.now().toISOString() }]);
  });

  it('gives up after the last retry, shows the failure, and sends it again when an admin asks', async () => {
    const smtp = await startSmtp();
    await smtp.stop();
    const { ctx, queue } = await appWithSmtp(smtp);
    const account = await createAccount(ctx, 'candidate');
    await resetRequest(ctx, account.email);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const round = await queue.deliverDue();
      expect(round.sent).toBe(0);
      const [row] = await outbox(ctx);
      if (attempt < MAX_ATTEMPTS) {
        expect(row).toMatchObject({ status: 'queued', attempts: attempt });
        const wait = (Date.parse(row?.next_attempt_at ?? '') - ctx.now().getTime()) / 1000;
        waits.push(wait);
        ctx.advance(wait);
      } else {
        expect(round.failed).toBe(1);
        expect(row).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, next_attempt_at: null });
      }
    }
    // Each wait doubles, up to an hour.
    expect(waits).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);

    const admin = await createAccount(ctx, 'admin');
    const cookie = await sessionCookieFor(ctx, admin);
    const page = await (await call(ctx, 'GET', '/portal/outbox', { cookie })).text();
    expect(page).toContain('Delivery failed');
    const [failed] = await outbox(ctx);
    expect(page).toContain(`action="/portal/outbox/${failed?.id}/resend"`);

    await smtp.start();
    const resent = await call(ctx, 'POST', `/portal/outbox/${failed?.id}/resend`, { cookie, form: {} });
    expect(resent.status).toBe(303);
    expect(await outbox(ctx)).toMatchObject([{ status: 'queued', attempts: 0, last_error: null }]);
    expect(await queue.deliverDue()).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(await smtp.receivedCount(1)).toHaveLength(1);

    // Only a failed mail can be sent again; the API says why.
    const again = await call(ctx, 'POST', `/api/v1/outbox/${failed?.id}/resend`, { cookie });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('mail_not_failed');
    expect((await call(ctx, 'POST', '/api/v1/outbox/999999/resend', { cookie })).status).toBe(404);
    const audited = await ctx.deps.db.selectFrom('audit_events').select('action').execute();
    expect(audited.map((row) => row.action)).toContain('mail.sent_again');
  });

  it('delivers each mail once when two instances send from the same queue at the same time', async () => {
    const smtp = await startSmtp();
    const { ctx, queue } = await appWithSmtp(smtp);
    const other = await anotherInstance(ctx, {
      mailer: (db, { clock, logger }) => new MailQueue(db, clock, { transport: smtpTransport(smtp.url, FROM), logger }),
    });
    const otherQueue = other.deps.mailer as MailQueue;
    for (let n = 0; n < 30; n++) {
      await (n % 2 ? queue : otherQueue).send({ to: `person${n}@example.com`, subject: `Mail ${n}`, text: 'Hello' });
    }
    const rounds = await Promise.all([queue.deliverDue(), otherQueue.deliverDue(), queue.deliverDue()]);
    const received = await smtp.receivedCount(30);
    // The third round asked for while the first ran is folded into it: the first two sent everything between them.
    expect((rounds[0]?.sent ?? 0) + (rounds[1]?.sent ?? 0)).toBe(30);
    expect(received).toHaveLength(30);
    expect(new Set(received.map((mail) => mail.to[0])).size).toBe(30);
    expect((await outbox(ctx)).every((mail) => mail.status === 'sent' && mail.attempts === 1)).toBe(true);
  });

  it('answers a sign-in while mail cannot be delivered: a queued mail never holds a request up', async () => {
    const smtp = await startSmtp();
    await smtp.stop();
    const { ctx } = await appWithSmtp(smtp);
    const response = await call(ctx, 'POST', '/api/v1/registrations', {
      json: { name: 'Queued Person', email: 'queued@example.com', password: STRONG_PASSWORD },
    });
    expect(response.status).toBe(202);
    expect((await signInCookie(ctx, 'queued@example.com')).status).toBe(200);
    expect(await outbox(ctx)).toMatchObject([{ status: 'queued', to_address: 'queued@example.com' }]);
  });
});
