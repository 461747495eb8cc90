// Access tokens do not outlive a password reset, and an admin can sign a person out everywhere (issue 23, item 6); the
// person's page shows and lifts the pause that attacks on the account put on unknown devices (item 2).
import { describe, expect, it } from 'vitest';
import { RULES } from '../../server/auth/throttle.ts';
import { followRedirect } from '../support/flash.ts';
import {
  call,
  createAccount,
  linkToken,
  makeApp,
  outbox,
  STRONG_PASSWORD,
  sessionCookieFor,
  sessionCookieFrom,
  signInCookie,
  tokenFor,
} from '../support/server.ts';

describe('a password reset', () => {
  it('ends every session, revokes every access token, and says so', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const tokens = [await tokenFor(ctx, admin, 'read'), await tokenFor(ctx, admin, 'admin')];
    const session = sessionCookieFrom(await signInCookie(ctx, admin.email));
    for (const token of tokens) expect((await call(ctx, 'GET', '/api/v1/me', { token })).status).toBe(200);

    await call(ctx, 'POST', '/api/v1/password-resets', { json: { email: admin.email } });
    const [mail] = await outbox(ctx, admin.email);
    const token = linkToken(mail?.body ?? '', '/reset-password');
    const confirmed = await call(ctx, 'POST', '/api/v1/password-resets/confirm', {
      json: { token, password: 'a fresh passphrase now' },
    });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toEqual({ status: 'password_changed', sessionsEnded: 1, tokensRevoked: 2 });

    for (const bearer of tokens) {
      const refused = await call(ctx, 'GET', '/api/v1/me', { token: bearer });
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_token');
    }
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie: session })).status).toBe(401);
    const listed = await ctx.deps.db.selectFrom('access_tokens').select('revoked_at').execute();
    expect(listed.every((row) => row.revoked_at === ctx.now().toISOString())).toBe(true);
    const audit = await ctx.deps.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'account.password_reset')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details)).toMatchObject({ sessionsEnded: 1, tokensRevoked: 2 });
  });

  it('tells the person on the page that their tokens were revoked', async () => {
    const ctx = await makeApp();
    const support = await createAccount(ctx, 'support');
    await tokenFor(ctx, support, 'read');
    await call(ctx, 'POST', '/forgot-password', { form: { email: support.email } });
    const [mail] = await outbox(ctx, support.email);
    const token = linkToken(mail?.body ?? '', '/reset-password');
    const done = await call(ctx, 'POST', '/reset-password', { form: { token, password: 'another passphrase' } });
    const { text, location } = await followRedirect(ctx, done, '');
    expect(location).toBe('/sign-in');
    expect(text).toContain('Your personal access token was revoked');
  });
});

describe('sign out everywhere', () => {
  it('ends the sessions and revokes the tokens of the account, from the API and from the person’s page', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const cookie = await sessionCookieFor(ctx, admin);
    const support = await createAccount(ctx, 'support');
    const token = await tokenFor(ctx, support, 'read');
    const sessions = [await sessionCookieFor(ctx, support), await sessionCookieFor(ctx, support)];

    const answer = await call(ctx, 'POST', `/api/v1/users/${support.id}/sign-out-everywhere`, { cookie });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ sessionsEnded: 2, tokensRevoked: 1 });
    expect((await call(ctx, 'GET', '/api/v1/me', { token })).status).toBe(401);
    for (const session of sessions)
      expect((await call(ctx, 'GET', '/api/v1/me', { cookie: session })).status).toBe(401);
    // The admin's own session is untouched.
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(200);

    const again = await sessionCookieFor(ctx, support);
    const page = await call(ctx, 'POST', `/portal/users/${support.id}/sign-out-everywhere`, { cookie, form: {} });
    const shown = await followRedirect(ctx, page, cookie);
    expect(shown.location).toBe(`/portal/users/${support.id}`);
    expect(shown.text).toContain('1 session ended; no access token to revoke.');
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie: again })).status).toBe(401);
    // Support staff cannot do it; nor can a candidate.
    const supportCookie = await sessionCookieFor(ctx, await createAccount(ctx, 'support'));
    expect(
      (await call(ctx, 'POST', `/api/v1/users/${admin.id}/sign-out-everywhere`, { cookie: supportCookie })).status,
    ).toBe(403);
    const actions = (await ctx.deps.db.selectFrom('audit_events').select('action').execute()).map((r) => r.action);
    expect(actions.filter((action) => action === 'account.signed_out_everywhere')).toHaveLength(2);
  });
});

describe('the pause on unknown devices', () => {
  it('shows on the person’s page after 100 failed attempts at the account, and an admin can lift it', async () => {
    const ctx = await makeApp({ env: { TRUST_PROXY: '1' } });
    const admin = await createAccount(ctx, 'admin');
    const cookie = await sessionCookieFor(ctx, admin);
    const candidate = await createAccount(ctx, 'candidate');
    await Promise.all(
      Array.from({ length: RULES.signInAccount.limit }, (_, i) =>
        signInCookie(ctx, candidate.email, `guess ${i}`, `10.1.${Math.floor(i / 200)}.${i % 200}`),
      ),
    );
    const lock = await call(ctx, 'GET', `/api/v1/users/${candidate.id}/sign-in-lock`, { cookie });
    expect(await lock.json()).toEqual({
      failedAttempts: 100,
      pausedUntil: new Date(ctx.now().getTime() + RULES.signInAccount.windowSeconds * 1000).toISOString(),
    });
    const page = await (await call(ctx, 'GET', `/portal/users/${candidate.id}`, { cookie })).text();
    expect(page).toContain('After 100 failed sign-ins this hour, sign-ins from unknown devices are paused until');
    expect((await signInCookie(ctx, candidate.email, STRONG_PASSWORD, '192.0.2.77')).status).toBe(429);

    const lifted = await call(ctx, 'POST', `/portal/users/${candidate.id}/sign-in-lock/lift`, { cookie, form: {} });
    expect((await followRedirect(ctx, lifted, cookie)).text).toContain(
      'Sign-ins from unknown devices are allowed again.',
    );
    expect((await signInCookie(ctx, candidate.email, STRONG_PASSWORD, '192.0.2.77')).status).toBe(200);
    const after = await call(ctx, 'GET', `/api/v1/users/${candidate.id}/sign-in-lock`, { cookie });
    expect(await after.json()).toEqual({ failedAttempts: 0, pausedUntil: null });
  });
});
