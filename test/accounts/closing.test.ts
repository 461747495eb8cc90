// Issue 22, rule 26a: a candidate closes their own account. It counts as deactivated at once (rule 1, through the
// AccountChanges hook), every session, link and token ends, the closing is audited and confirmed by mail, an attempt in
// progress is finalised first, and nothing ever reactivates it (rule 26 is for retention only).
import { describe, expect, it } from 'vitest';
import type { AccountDeactivationColumn } from '../../server/auth/tables.ts';
import { answerAll, examWorld, startAttempt } from '../support/exams.ts';
import { followRedirect } from '../support/flash.ts';
import {
  call,
  createAccount,
  makeApp,
  outbox,
  STRONG_PASSWORD,
  sessionCookieFor,
  signInCookie,
  type TestContext,
  useBulkReads,
} from '../support/server.ts';

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

async function internalUsed(ctx: TestContext, cookie: string): Promise<number> {
  const summary = await json<{ internal: { used: number } }>(
    await call(ctx, 'GET', '/api/v1/licence/summary', { cookie }),
  );
  return summary.internal.used;
}

const close = (ctx: TestContext, cookie: string, password = STRONG_PASSWORD, headers: Record<string, string> = {}) =>
  call(ctx, 'POST', '/api/v1/me/closure', { cookie, json: { password }, headers });

async function storedAccount(ctx: TestContext, id: string) {
  return ctx.deps.db
    .withTables<AccountDeactivationColumn>()
    .selectFrom('accounts')
    .select(['active', 'deactivated_at', 'deactivation_reason'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

describe("closing one's own account (rule 26a)", () => {
  it.each([
    ['through the hook, asynchronously', false],
    ['with the raw handle, before the request returns', true],
  ])(
    'deactivates with the reason "closed", drops the live figure at once (%s), ends every session, link and token, audits and mails',
    async (_, bulk) => {
      const ctx = await makeApp();
      if (bulk) useBulkReads(ctx);
      const world = await examWorld(ctx);
      const otherDevice = await sessionCookieFor(ctx, world.candidate);
      // A password reset link issued before closing must not survive it.
      await call(ctx, 'POST', '/api/v1/password-resets', { json: { email: world.candidate.email } });
      expect(
        await ctx.deps.db
          .selectFrom('one_time_tokens')
          .select('id')
          .where('account_id', '=', world.candidate.id)
          .execute(),
      ).toHaveLength(1);
      const before = await internalUsed(ctx, world.adminCookie);
      expect(before).toBe(2);

      const wrong = await close(ctx, world.cookie, 'not the password at all');
      expect(wrong.status).toBe(400);
      expect((await json<{ error: { fields: Record<string, string> } }>(wrong)).error.fields.password).toContain(
        'not the password',
      );
      expect((await storedAccount(ctx, world.candidate.id)).active).toBe(1);

      const closed = await close(ctx, world.cookie);
      expect(closed.status).toBe(200);
      expect(await json(closed)).toEqual({
        status: 'closed',
        closedAt: ctx.now().toISOString(),
        erasureOn: '2026-12-24',
        attemptsFinalised: 0,
      });
      expect(closed.headers.get('set-cookie')).toMatch(/^seatkeeper_session=;.*Max-Age=0/);
      // Rule 1 through the hook: the very next read of the figures has the account out, no waiting.
      expect(await internalUsed(ctx, world.adminCookie)).toBe(before - 1);

      expect(await storedAccount(ctx, world.candidate.id)).toEqual({
        active: 0,
        deactivated_at: ctx.now().toISOString(),
        deactivation_reason: 'closed',
      });
      for (const cookie of [world.cookie, otherDevice]) {
        expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(401);
      }
      expect(
        await ctx.deps.db.selectFrom('sessions').select('id').where('account_id', '=', world.candidate.id).execute(),
      ).toEqual([]);
      expect(
        await ctx.deps.db
          .selectFrom('one_time_tokens')
          .select('id')
          .where('account_id', '=', world.candidate.id)
          .execute(),
      ).toEqual([]);

      const audit = await ctx.deps.db
        .selectFrom('audit_events')
        .selectAll()
        .where('target_account_id', '=', world.candidate.id)
        .where('action', '=', 'account.closed')
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_account_id: world.candidate.id, actor_email: world.candidate.email });
      expect(JSON.parse(audit[0]?.details ?? '{}')).toEqual({ by: 'the person', attemptsFinalised: 0 });

      const mail = (await outbox(ctx, world.candidate.email)).at(-1);
      expect(mail?.subject).toBe('Your Seatkeeper account is closed');
      expect(mail?.body).toContain('24 December 2026');
      expect(mail?.body).toContain('cannot be reopened');
      expect(mail?.body).toContain('verify');

      // Closing twice: there is no session left to do it with.
      expect((await close(ctx, world.cookie)).status).toBe(401);
    },
  );

  it('never reactivates: signing in is refused saying so, and an administrator cannot reactivate it', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    expect((await close(ctx, world.cookie)).status).toBe(200);

    const refused = await signInCookie(ctx, world.candidate.email);
    expect(refused.status).toBe(403);
    const body = await json<{ error: { code: string; message: string } }>(refused);
    expect(body.error.code).toBe('account_closed');
    expect(body.error.message).toContain('closed by its owner');
    expect(refused.headers.get('set-cookie')).toBeNull();
    // A wrong password learns nothing about the account's state.
    expect((await signInCookie(ctx, world.candidate.email, 'a wrong password entirely')).status).toBe(401);
    const failed = await ctx.deps.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'sign_in.failed')
      .where('target_account_id', '=', world.candidate.id)
      .execute();
    expect(failed.map((f) => JSON.parse(f.details).reason)).toEqual(['closed', 'wrong_password']);

    // The sign-in page says it in the person's language.
    const page = await call(ctx, 'POST', '/sign-in', {
      form: { email: world.candidate.email, password: STRONG_PASSWORD },
      headers: { 'accept-language': 'ja' },
    });
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('このアカウントは退会済みのため、サインインできません。');

    const reactivate = await call(ctx, 'POST', `/api/v1/users/${world.candidate.id}/activate`, {
      cookie: world.adminCookie,
    });
    expect(reactivate.status).toBe(409);
    expect((await json<{ error: { code: string } }>(reactivate)).error.code).toBe('account_closed');
    expect((await storedAccount(ctx, world.candidate.id)).active).toBe(0);
    // The person's page offers no reactivation.
    const person = await (
      await call(ctx, 'GET', `/portal/users/${world.candidate.id}`, { cookie: world.adminCookie })
    ).text();
    expect(person).not.toContain('Reactivate account');
    expect(person).toContain('closed by the person');
    expect(person).toContain('Its personal data is erased on 24 December 2026, 30 days after closing');
  });

  it('finalises an attempt in progress first: a passing one gets its certificate, which stays valid', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const attempt = await startAttempt(ctx, world);
    expect((await answerAll(ctx, world.cookie, attempt)).status).toBe(200);

    const closed = await close(ctx, world.cookie);
    expect(closed.status).toBe(200);
    expect((await json<{ attemptsFinalised: number }>(closed)).attemptsFinalised).toBe(1);

    const stored = await ctx.deps.db
      .selectFrom('exam_attempts')
      .select(['status', 'passed', 'score_percent'])
      .where('id', '=', attempt.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'submitted', passed: 1, score_percent: 100 });
    const certificate = await ctx.deps.db
      .selectFrom('certificates')
      .select(['id', 'holder_name'])
      .where('attempt_id', '=', attempt.id)
      .executeTakeFirstOrThrow();
    const verified = await call(ctx, 'GET', `/api/v1/verify/${certificate.id}`);
    expect(verified.status).toBe(200);
    expect((await json<{ certificate: { status: string; holderName: string } }>(verified)).certificate).toMatchObject({
      status: 'valid',
      holderName: 'Candidate Person',
    });
    // Retention exempts accounts with an exam in progress; a closed account has none left.
    expect((await ctx.licensing.accountsWithExamInProgress()).has(world.candidate.id)).toBe(false);
  });

  it('is for candidates: staff are refused; wrong passwords are throttled like sign-in', async () => {
    const ctx = await makeApp();
    const support = await createAccount(ctx, 'support');
    const staff = await close(ctx, await sessionCookieFor(ctx, support));
    expect(staff.status).toBe(403);
    expect((await json<{ error: { code: string } }>(staff)).error.code).toBe('staff_account');

    const candidate = await createAccount(ctx, 'candidate');
    const cookie = await sessionCookieFor(ctx, candidate);
    for (let i = 0; i < 5; i++) expect((await close(ctx, cookie, `wrong password ${i}`)).status).toBe(400);
    const limited = await close(ctx, cookie);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await storedAccount(ctx, candidate.id)).active).toBe(1);
    const missing = await call(ctx, 'POST', '/api/v1/me/closure', { cookie, json: {} });
    expect(missing.status).toBe(400);
  });
});

describe('the close-account page', () => {
  it('says in plain words what happens, asks for the password, and closes', async () => {
    const ctx = await makeApp();
    const candidate = await createAccount(ctx, 'candidate');
    const cookie = await sessionCookieFor(ctx, candidate);

    const my = await (await call(ctx, 'GET', '/my', { cookie })).text();
    expect(my).toContain('href="/my/close"');
    expect(my).toContain('href="/api/v1/me/personal-data"');
    expect(my).toContain('href="/api/v1/me/personal-data.zip"');

    const page = await call(ctx, 'GET', '/my/close', { cookie });
    expect(page.status).toBe(200);
    const text = await page.text();
    for (const words of [
      'You can no longer sign in',
      'this cannot be undone',
      'anyone who has their link can still verify them',
      "kept as the organisation's records, under its retention rules",
      'erased on 24 December 2026 (30 days after closing)',
      `We send a confirmation to ${candidate.email}`,
      'autocomplete="current-password"',
    ]) {
      expect(text).toContain(words);
    }

    const empty = await call(ctx, 'POST', '/my/close', { cookie, form: {} });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Enter your password to confirm.');
    const wrong = await call(ctx, 'POST', '/my/close', { cookie, form: { password: 'not my password at all' } });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('This is not the password of your account. Nothing was changed.');

    const done = await call(ctx, 'POST', '/my/close', { cookie, form: { password: STRONG_PASSWORD } });
    expect(done.headers.get('set-cookie')).toMatch(/^seatkeeper_session=;/);
    // Answered with a redirect (a reload closes nothing twice); the page after it says what was done, once.
    const { text: closed, location } = await followRedirect(ctx, done, '');
    expect(location).toBe('/my/closed');
    expect(closed).toContain('Your account is closed');
    expect(closed).toContain('24 December 2026');
    expect((await call(ctx, 'GET', '/my/close', { cookie })).status).toBe(303);
  });

  it('speaks Japanese to a Japanese browser', async () => {
    const ctx = await makeApp();
    const candidate = await createAccount(ctx, 'candidate');
    const cookie = await sessionCookieFor(ctx, candidate);
    const text = await (
      await call(ctx, 'GET', '/my/close', { cookie, headers: { 'accept-language': 'ja-JP,ja;q=0.9' } })
    ).text();
    expect(text).toContain('退会するとどうなりますか');
    expect(text).toContain('2026年12月24日に消去されます（退会から30日後）');
  });
});
