// Issue 22, rule 26a: erasure. Personal data is removed or replaced in every table (a scan of every row of every table
// proves it) while the certificate's holder name, its verification and the exam statistics stay; an erased account
// is gone from the live figures, the recount, the directory and the lookups, and links to no one (rule 14).

import { describe, expect, it } from 'vitest';
import type { AccountErasureColumn } from '../../server/auth/tables.ts';
import { runDailyJob } from '../../server/licensing/history.ts';
import { ownRef, publicRef } from '../../server/licensing/records.ts';
import { answerAll, examWorld, startAttempt, submit } from '../support/exams.ts';
import { followRedirect } from '../support/flash.ts';
import { importJson } from '../support/imports.ts';
import {
  call,
  createAccount,
  makeApp,
  outbox,
  STRONG_PASSWORD,
  sessionCookieFor,
  sessionCookieFrom,
  signInCookie,
  type TestContext,
  useBulkReads,
} from '../support/server.ts';
import { rowsHolding } from '../support/table-dump.ts';

const DAY = 86_400;
/** The candidate's network address: TRUST_PROXY=1 takes it from X-Forwarded-For (a documentation range, RFC 5737). */
const CANDIDATE_IP = '198.51.100.23';
const fromCandidate = { 'x-forwarded-for': CANDIDATE_IP };

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

async function recountAgrees(ctx: TestContext, cookie: string) {
  const body = await json<{ agrees: boolean; differences: string[] }>(
    await call(ctx, 'POST', '/api/v1/licence/recount', { cookie }),
  );
  expect(body.differences).toEqual([]);
  expect(body.agrees).toBe(true);
}

/** A candidate who passed an exam, signed in from their own address, asked for a password link, and closed the account. */
async function candidateWhoLeft(ctx: TestContext) {
  const world = await examWorld(ctx);
  const { email } = world.candidate;
  expect((await signInCookie(ctx, email, 'a wrong password entirely', CANDIDATE_IP)).status).toBe(401);
  const signedIn = await signInCookie(ctx, email, STRONG_PASSWORD, CANDIDATE_IP);
  expect(signedIn.status).toBe(200);
  const cookie = sessionCookieFrom(signedIn);
  const attempt = await startAttempt(ctx, { cookie, examId: world.examId });
  await answerAll(ctx, cookie, attempt);
  const passed = await submit(ctx, cookie, attempt.id);
  expect(passed.certificateId).toBeTruthy();
  await call(ctx, 'POST', '/api/v1/password-resets', { json: { email }, headers: fromCandidate });
  const closed = await call(ctx, 'POST', '/api/v1/me/closure', {
    cookie,
    json: { password: STRONG_PASSWORD },
    headers: fromCandidate,
  });
  expect(closed.status).toBe(200);
  // Someone tries the closed account with a wrong password: the throttle now holds a key with the address.
  expect((await signInCookie(ctx, email, 'another wrong password', CANDIDATE_IP)).status).toBe(401);
  return { ...world, certificateId: passed.certificateId as string, attemptId: attempt.id };
}

async function erasedRow(ctx: TestContext, id: string) {
  return ctx.deps.db
    .withTables<AccountErasureColumn>()
    .selectFrom('accounts')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

describe('erasure by the daily job, N days after closing (rule 26a)', () => {
  it('erases on the policy day, leaving no address of the person in any table, while the certificate verifies', async () => {
    const ctx = await makeApp({ env: { TRUST_PROXY: '1' } });
    const left = await candidateWhoLeft(ctx);
    const { email, id } = left.candidate;
    // Before erasure the address is in many places: what the scan below must find nothing of.
    const before = await rowsHolding(ctx.deps.db, email);
    for (const table of ['accounts', 'audit_events', 'outbox', 'licence_accounts', 'rate_limits']) {
      expect(
        before.some((line) => line.startsWith(`${table}:`)),
        table,
      ).toBe(true);
    }
    expect((await rowsHolding(ctx.deps.db, CANDIDATE_IP)).length).toBeGreaterThan(0);
    // The password link and the closing's confirmation.
    expect((await outbox(ctx, email)).map((m) => m.subject)).toEqual([
      'Reset your Seatkeeper password',
      'Your Seatkeeper account is closed',
    ]);

    // Day 29 after closing: not yet.
    ctx.advance(29 * DAY);
    expect(await runDailyJob(ctx.licensing)).toBe(true);
    expect((await erasedRow(ctx, id)).erased_at).toBeNull();
    // Day 30: the default policy erases it.
    ctx.advance(DAY);
    expect(await runDailyJob(ctx.licensing)).toBe(true);
    await ctx.licensing.licensing.current();

    // Thirty days on, the administrator signs in again.
    const adminCookie = await sessionCookieFor(ctx, left.admin);
    const row = await erasedRow(ctx, id);
    expect(row).toMatchObject({
      email: `erased:${id}`,
      name: '',
      password_hash: null,
      active: 0,
      last_sign_in_at: null,
      email_verified_at: null,
      erased_at: ctx.now().toISOString(),
    });
    expect(await rowsHolding(ctx.deps.db, email)).toEqual([]);
    expect(await rowsHolding(ctx.deps.db, CANDIDATE_IP)).toEqual([]);
    for (const table of ['sessions', 'one_time_tokens', 'access_tokens', 'sign_in_events'] as const) {
      const left = await ctx.deps.db.selectFrom(table).select('account_id').where('account_id', '=', id).execute();
      expect(left, table).toEqual([]);
    }

    // Kept: the certificate as printed and signed, its public verification, the attempt for the statistics.
    const verified = await json<{ certificate: { status: string; holderName: string } }>(
      await call(ctx, 'GET', `/api/v1/verify/${left.certificateId}`),
    );
    expect(verified.certificate).toMatchObject({ status: 'valid', holderName: 'Candidate Person' });
    const page = await call(ctx, 'GET', `/verify/${left.certificateId}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Candidate Person');
    const attempt = await ctx.deps.db
      .selectFrom('exam_attempts')
      .select(['status', 'score_percent'])
      .where('id', '=', left.attemptId)
      .executeTakeFirstOrThrow();
    expect(attempt).toEqual({ status: 'submitted', score_percent: 100 });
    const report = await json<{ attempts: number; passed: number }>(
      await call(ctx, 'GET', `/api/v1/exams/${left.examId}/report`, { cookie: adminCookie }),
    );
    expect(report).toMatchObject({ attempts: 1, passed: 1 });

    // Recorded without the erased data.
    const audit = await ctx.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'account.erased')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ target_account_id: id, actor_email: 'erasure job', ip: 'system' });
    expect(JSON.parse(audit.details)).toEqual({
      via: 'erasure policy',
      closedByThePerson: true,
      role: 'candidate',
      mailsRemoved: 2,
    });

    // Gone from every count and every link; the old address signs in to nothing and may register anew.
    expect(ctx.licensing.licensing.live.account(ownRef(id))).toBeNull();
    await recountAgrees(ctx, adminCookie);
    expect((await signInCookie(ctx, email)).status).toBe(401);
    await call(ctx, 'POST', '/api/v1/registrations', {
      json: { name: 'Back Again', email, password: STRONG_PASSWORD },
    });
    expect((await outbox(ctx, email)).at(-1)?.subject).toBe('Confirm your email address for Seatkeeper');
  });

  it('follows the organisation setting: 0 days erases at the next daily run; the setting is audited', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const adminCookie = await sessionCookieFor(ctx, admin);
    const refused = await call(ctx, 'PUT', '/api/v1/licence/erasure-policy', {
      cookie: adminCookie,
      json: { closedAccountsAfterDays: -1 },
    });
    expect(refused.status).toBe(400);
    const saved = await call(ctx, 'PUT', '/api/v1/licence/erasure-policy', {
      cookie: adminCookie,
      json: { closedAccountsAfterDays: 0 },
    });
    expect(await json(saved)).toEqual({ closedAccountsAfterDays: 0 });
    const setting = await ctx.deps.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'configuration.changed')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(setting.details)).toEqual({ what: 'erasure-policy', closedAccountsAfterDays: 0, before: 30 });

    const candidate = await createAccount(ctx, 'candidate');
    const cookie = await sessionCookieFor(ctx, candidate);
    const closed = await json<{ erasureOn: string }>(
      await call(ctx, 'POST', '/api/v1/me/closure', { cookie, json: { password: STRONG_PASSWORD } }),
    );
    expect(closed.erasureOn).toBe('2026-11-24');
    expect(await runDailyJob(ctx.licensing)).toBe(true);
    expect((await erasedRow(ctx, candidate.id)).erased_at).not.toBeNull();
    // Accounts that were not closed are never erased by the job.
    expect((await erasedRow(ctx, admin.id)).erased_at).toBeNull();
  });
});

describe('erasure by an administrator', () => {
  it("erases from the person's page after a confirmation; the account then links to no one", async () => {
    const ctx = await makeApp();
    useBulkReads(ctx);
    const world = await examWorld(ctx);
    const { email, id } = world.candidate;
    // The same person in another provider of the production environment: one person while the own account exists.
    const imported = await importJson(ctx, { cookie: world.adminCookie }, 'own', 'Okta', [
      { username: 'okta-person', email },
    ]);
    expect(imported.status).toBe('done');
    const oktaRef = (ctx.licensing.licensing.live.account(ownRef(id))?.mergedWith ?? [])[0];
    // Imported accounts are numbered inside the live count; the API names them `import:<id>` (publicRef).
    expect(publicRef(oktaRef as number)).toMatch(/^import:/);

    const unconfirmed = await call(ctx, 'POST', `/portal/users/${id}/erasure`, { cookie: world.adminCookie, form: {} });
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain('Tick the box to confirm the erasure; nothing was erased.');
    expect((await erasedRow(ctx, id)).erased_at).toBeNull();

    const erased = await call(ctx, 'POST', `/portal/users/${id}/erasure`, {
      cookie: world.adminCookie,
      form: { confirm: 'erase' },
    });
    const { location, text: page } = await followRedirect(ctx, erased, world.adminCookie);
    expect(location).toBe(`/portal/users/${id}`);
    expect(page).toContain('Erased account');
    expect(page).toContain('Personal data erased.');
    expect(page).not.toContain(email);
    expect(await rowsHolding(ctx.deps.db, email)).toEqual([
      // The imported account is another account, of another provider: it keeps its own data.
      expect.stringMatching(/^licence_accounts: .*"source":"import"/),
    ]);

    // Rule 14 no more: the imported account counts alone, and a lookup of the address finds only it.
    expect(ctx.licensing.licensing.live.account(ownRef(id))).toBeNull();
    expect(ctx.licensing.licensing.live.account(oktaRef as number)).toMatchObject({ counted: true, mergedWith: [] });
    const lookup = await json<{ results: { matches: { ref: string }[] }[] }>(
      await call(ctx, 'POST', '/api/v1/lookup', { cookie: world.adminCookie, json: { accounts: [{ email }] } }),
    );
    expect(lookup.results[0]?.matches.map((m) => m.ref)).toEqual([publicRef(oktaRef as number)]);
    await recountAgrees(ctx, world.adminCookie);

    // Visible as such in the users list: not among the closed, among the erased.
    const list = await (await call(ctx, 'GET', '/portal/users?status=erased', { cookie: world.adminCookie })).text();
    expect(list).toContain(`href="/portal/users/${id}"`);
    expect(list).toContain('erased by an administrator');
    const closedList = await (
      await call(ctx, 'GET', '/portal/users?status=closed', { cookie: world.adminCookie })
    ).text();
    expect(closedList).not.toContain(id);
    expect(closedList).toContain('0 matching accounts');
    const audit = await ctx.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'account.erased')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_account_id: world.admin.id, actor_email: world.admin.email });
    expect(JSON.parse(audit.details)).toMatchObject({ via: 'administrator', closedByThePerson: false });
  });

  it("through the API: once, never one's own account, administrators only; an erased account cannot be changed", async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const adminCookie = await sessionCookieFor(ctx, admin);
    const support = await createAccount(ctx, 'support');
    const candidate = await createAccount(ctx, 'candidate');
    const erase = (id: string, cookie = adminCookie) => call(ctx, 'POST', `/api/v1/users/${id}/erasure`, { cookie });

    expect((await erase(candidate.id, await sessionCookieFor(ctx, support))).status).toBe(403);
    const self = await erase(admin.id);
    expect(self.status).toBe(409);
    expect((await json<{ error: { code: string } }>(self)).error.code).toBe('cannot_change_self');
    const supportSession = await sessionCookieFor(ctx, support);
    const done = await erase(support.id);
    expect(done.status).toBe(200);
    expect(await json(done)).toEqual({ accountId: support.id, erasedAt: ctx.now().toISOString() });
    // An active account erased: its sessions end with it.
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie: supportSession })).status).toBe(401);
    const again = await erase(support.id);
    expect(again.status).toBe(409);
    expect((await json<{ error: { code: string } }>(again)).error.code).toBe('account_erased');
    for (const [method, path, body] of [
      ['PATCH', `/api/v1/users/${support.id}`, { name: 'Back' }],
      ['POST', `/api/v1/users/${support.id}/activate`, undefined],
    ] as const) {
      const response = await call(ctx, method, path, { cookie: adminCookie, json: body });
      expect(response.status, path).toBe(409);
    }
    expect((await erase('no-such-account')).status).toBe(404);
  });
});
