// A person's whole story on their page (issue 18), and the lookup box that answers for any address.

import { describe, expect, it } from 'vitest';
import { hitThrottle, RULES } from '../../server/auth/throttle.ts';
import { answerAll, examWorld, startAttempt, submit } from '../support/exams.ts';
import { followRedirect } from '../support/flash.ts';
import { importJson } from '../support/imports.ts';
import {
  call,
  createAccount,
  linkToken,
  makeApp,
  outbox,
  sessionCookieFor,
  type TestContext,
} from '../support/server.ts';

async function page(ctx: TestContext, path: string, cookie: string) {
  const response = await call(ctx, 'GET', path, { cookie });
  expect(response.status, path).toBe(200);
  return response.text();
}

describe('a person’s page', () => {
  it('tells their attempts, results, certificates, mail and sign-in pause, with help actions by role', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx, { cooldownMinutes: 0 });
    const support = await createAccount(ctx, 'support', 'help@mycompany.com');
    const supportCookie = await sessionCookieFor(ctx, support);
    const attempt = await startAttempt(ctx, world);
    await answerAll(ctx, world.cookie, attempt);
    const finished = await submit(ctx, world.cookie, attempt.id);
    await startAttempt(ctx, world);
    // The pause after 100 failed sign-ins at the account (test/accounts/sign-out-everywhere.test.ts signs in 100 times).
    for (let i = 0; i < RULES.signInAccount.limit; i++) {
      await hitThrottle(ctx.deps.db, RULES.signInAccount, world.candidate.email, ctx.now());
    }

    const story = await page(ctx, `/portal/users/${world.candidate.id}`, supportCookie);
    expect(story).toContain('Exam attempts');
    expect(story).toContain('100%: passed');
    expect(story).toContain('in progress');
    expect(story).toContain(`href="/certificates/${finished.certificateId}"`);
    expect(story).toContain(`href="/verify/${finished.certificateId}"`);
    expect(story).toContain('Sign-in protection');
    expect(story).toContain('After 100 failed sign-ins this hour');
    // Support reads the pause but does not lift it; admins do.
    expect(story).not.toContain('/sign-in-lock/lift');
    const asAdmin = await page(ctx, `/portal/users/${world.candidate.id}`, world.adminCookie);
    expect(asAdmin).toContain('Lift the pause');

    // The candidate's email is confirmed: only the reset link is offered.
    expect(story).not.toContain('/resend-confirmation');
    const sent = await call(ctx, 'POST', `/portal/users/${world.candidate.id}/send-reset-link`, {
      cookie: supportCookie,
      form: {},
    });
    const { location, text: after } = await followRedirect(ctx, sent, supportCookie);
    expect(location).toBe(`/portal/users/${world.candidate.id}`);
    const mails = await outbox(ctx, world.candidate.email);
    const reset = mails.at(-1);
    expect(linkToken(reset?.body ?? '', '/reset-password')).not.toBe('');
    expect(after).toContain('A password reset link was sent.');
    expect(after).toContain('Mail sent to them');
    expect(after).toContain(reset?.subject ?? 'no subject');
    // The link itself is the person's alone.
    expect(after).not.toContain('/reset-password?token=');
    const audit = await ctx.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'account.reset_link_sent')
      .execute();
    expect(audit).toMatchObject([{ actor_account_id: support.id, target_account_id: world.candidate.id }]);
  });

  it('sends the confirmation again to an unconfirmed address, and refuses once it is confirmed', async () => {
    const ctx = await makeApp();
    const support = await createAccount(ctx, 'support');
    const cookie = await sessionCookieFor(ctx, support);
    const candidate = await createAccount(ctx, 'candidate', 'new.person@gmail.com');
    const before = await page(ctx, `/portal/users/${candidate.id}`, cookie);
    expect(before).toContain('/resend-confirmation');
    const sent = await call(ctx, 'POST', `/portal/users/${candidate.id}/resend-confirmation`, { cookie, form: {} });
    expect(sent.status).toBe(303);
    const mail = (await outbox(ctx, 'new.person@gmail.com')).at(-1);
    expect(linkToken(mail?.body ?? '', '/verify-email')).not.toBe('');
    await ctx.deps.db
      .updateTable('accounts')
      .set({ email_verified_at: ctx.now().toISOString() })
      .where('id', '=', candidate.id)
      .execute();
    const again = await call(ctx, 'POST', `/portal/users/${candidate.id}/resend-confirmation`, { cookie, form: {} });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('This email address is already confirmed.');
  });

  it('lets only signed-in staff send links', async () => {
    const ctx = await makeApp();
    const candidate = await createAccount(ctx, 'candidate');
    const other = await createAccount(ctx, 'candidate');
    const as = async (cookie: string | undefined, path: string) =>
      (await call(ctx, 'POST', `/portal/users/${candidate.id}/${path}`, { ...(cookie ? { cookie } : {}), form: {} }))
        .status;
    const candidateCookie = await sessionCookieFor(ctx, other);
    for (const path of ['resend-confirmation', 'send-reset-link']) {
      expect(await as(undefined, path)).toBe(303); // to the sign-in page
      expect(await as(candidateCookie, path)).toBe(403);
    }
    expect(await outbox(ctx, candidate.email)).toHaveLength(0);
  });
});

describe('the lookup box', () => {
  it('answers for any address, account or not, in every environment', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin', 'boss@mycompany.com');
    const cookie = await sessionCookieFor(ctx, admin);
    await call(ctx, 'PATCH', '/api/v1/environments/own', { cookie, json: { internalDomains: 'mycompany.com' } });
    await call(ctx, 'POST', '/api/v1/environments', { cookie, json: { name: 'QA', production: false } });
    await importJson(ctx, { cookie }, 'own', 'Okta', [{ username: 'ana', email: 'Ana@Gmail.com' }]);
    const unknown = await page(ctx, '/portal/lookup?address=nobody%40gmail.com', cookie);
    expect(unknown).toContain('No account has this address.');
    expect(unknown).toContain('would be external in Production: email domain gmail.com is not listed');
    expect(unknown).toContain('(not production: never counted)');
    const internal = await page(ctx, '/portal/lookup?address=someone%40mycompany.com', cookie);
    expect(internal).toContain('would be internal in Production: email domain mycompany.com is listed');
    const known = await page(ctx, '/portal/lookup?address=ana%40gmail.com', cookie);
    expect(known).toMatch(/<a href="\/portal\/directory\/\d+">ana<\/a> <span class="hint">in Production, Okta/);
    const japanese = await (
      await call(ctx, 'GET', '/portal/lookup?address=nobody%40gmail.com', {
        cookie,
        headers: { 'accept-language': 'ja' },
      })
    ).text();
    expect(japanese).toContain(
      'Production では社外ユーザーになります（メールアドレスのドメイン gmail.com は社内ドメインに登録されていません）',
    );
    const empty = await page(ctx, '/portal/lookup', cookie);
    expect(empty).not.toContain('No account has this address.');
  });
});
