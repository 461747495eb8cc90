import { describe, expect, it } from 'vitest';
import { findAccountByEmail } from '../../server/accounts/accounts.ts';
import { assertMaySitExam } from '../../server/accounts/registration.ts';
import { issueSetupLinkIfNeeded } from '../../server/accounts/setup.ts';
import type { Account } from '../../server/auth/tables.ts';
import {
  accountOf,
  anotherInstance,
  call,
  createAccount,
  linkToken,
  makeApp,
  outbox,
  STRONG_PASSWORD,
  sessionCookieFor,
  sessionCookieFrom,
  signInCookie,
  type TestContext,
} from '../support/server.ts';

type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

describe('candidate registration', () => {
  it('registers, mails a single-use verification link that works, then signs in verified', async () => {
    const ctx = await makeApp();
    const email = 'Ada.Lovelace@Example.com';
    const registered = await call(ctx, 'POST', '/api/v1/registrations', {
      json: { name: 'Ada Lovelace', email, password: STRONG_PASSWORD },
    });
    expect(registered.status).toBe(202);
    const stored = await ctx.deps.db.selectFrom('accounts').selectAll().executeTakeFirstOrThrow();
    expect(stored).toMatchObject({
      email: 'ada.lovelace@example.com',
      role: 'candidate',
      active: 1,
      email_verified_at: null,
    });

    const signedIn = await signInCookie(ctx, email);
    expect(signedIn.status).toBe(200);
    expect((await accountOf(signedIn)).emailVerifiedAt).toBeNull();

    const [mail] = await outbox(ctx, 'ada.lovelace@example.com');
    expect(mail?.subject).toContain('Confirm your email');
    expect(mail?.body).toContain(`${ctx.config.publicUrl}/verify-email?token=`);
    const token = linkToken(mail?.body ?? '', '/verify-email');

    const landing = await call(ctx, 'GET', `/verify-email?token=${encodeURIComponent(token)}`);
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain('Confirm my email address');
    expect(
      (await ctx.deps.db.selectFrom('accounts').select('email_verified_at').executeTakeFirstOrThrow())
        .email_verified_at,
    ).toBeNull();

    const verified = await call(ctx, 'POST', '/api/v1/email-verifications', { json: { token } });
    expect(verified.status).toBe(200);
    const again = await call(ctx, 'POST', '/api/v1/email-verifications', { json: { token } });
    expect(again.status).toBe(400);
    expect(((await again.json()) as ErrorBody).error.code).toBe('invalid_token');

    const me = await call(ctx, 'GET', '/api/v1/me', { cookie: sessionCookieFrom(signedIn) });
    expect((await accountOf(me)).emailVerifiedAt).toBe(ctx.now().toISOString());
  });

  it('lets a candidate sit exams only once the email address is verified', async () => {
    const ctx = await makeApp();
    await call(ctx, 'POST', '/api/v1/registrations', {
      json: { name: 'Exam Taker', email: 'taker@example.com', password: STRONG_PASSWORD },
    });
    const unverified = await findAccountByEmail(ctx.deps.db, 'taker@example.com');
    expect(() => assertMaySitExam(unverified as Account)).toThrow(/Confirm your email address/);
    const [mail] = await outbox(ctx, 'taker@example.com');
    await call(ctx, 'POST', '/api/v1/email-verifications', {
      json: { token: linkToken(mail?.body ?? '', '/verify-email') },
    });
    const verified = await findAccountByEmail(ctx.deps.db, 'taker@example.com');
    expect(() => assertMaySitExam(verified as Account)).not.toThrow();
  });

  it('sends a fresh verification link on request and retires the old one', async () => {
    const ctx = await makeApp();
    await call(ctx, 'POST', '/api/v1/registrations', {
      json: { name: 'Again', email: 'again@example.com', password: STRONG_PASSWORD },
    });
    const cookie = sessionCookieFrom(await signInCookie(ctx, 'again@example.com'));
    expect((await call(ctx, 'POST', '/api/v1/me/email-verification', { cookie })).status).toBe(202);
    const [first, second] = await outbox(ctx, 'again@example.com');
    const old = linkToken(first?.body ?? '', '/verify-email');
    const fresh = linkToken(second?.body ?? '', '/verify-email');
    expect((await call(ctx, 'POST', '/api/v1/email-verifications', { json: { token: old } })).status).toBe(400);
    expect((await call(ctx, 'POST', '/api/v1/email-verifications', { json: { token: fresh } })).status).toBe(200);
  });

  it('answers a duplicate registration the same way and mails the owner instead of revealing the account', async () => {
    const ctx = await makeApp();
    const existing = await createAccount(ctx, 'candidate');
    const response = await call(ctx, 'POST', '/api/v1/registrations', {
      json: { name: 'Someone', email: existing.email, password: STRONG_PASSWORD },
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'verification_sent' });
    const [mail] = await outbox(ctx, existing.email);
    expect(mail?.subject).toBe('You already have a Seatkeeper account');
    expect(await ctx.deps.db.selectFrom('accounts').selectAll().execute()).toHaveLength(1);
  });

  it('refuses to let registration set a role (mass assignment)', async () => {
    const ctx = await makeApp();
    const response = await call(ctx, 'POST', '/api/v1/registrations', {
      json: { name: 'Eve', email: 'eve@example.com', password: STRONG_PASSWORD, role: 'admin' },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.fields).toHaveProperty('(body)');
    expect(await ctx.deps.db.selectFrom('accounts').selectAll().execute()).toHaveLength(0);
  });

  it('names every invalid field and says what to fix', async () => {
    const ctx = await makeApp();
    const response = await call(ctx, 'POST', '/api/v1/registrations', {
      json: { name: '', email: 'not-an-email', password: 'short' },
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.code).toBe('validation_failed');
    expect(error.fields).toEqual({
      name: 'Enter a name.',
      email: 'Enter a valid email address, e.g. name@example.com.',
      password: 'Use at least 8 characters.',
    });
    const common = await call(ctx, 'POST', '/api/v1/registrations', {
      json: { name: 'A', email: 'a@example.com', password: 'Password123' },
    });
    expect(((await common.json()) as ErrorBody).error.fields?.password).toMatch(/too common/);
    const long = await call(ctx, 'POST', '/api/v1/registrations', {
      json: { name: 'A', email: 'a@example.com', password: 'x'.repeat(129) },
    });
    expect(((await long.json()) as ErrorBody).error.fields?.password).toBe('Use at most 128 characters.');
  });

  it('answers malformed JSON and oversized bodies with the error shape', async () => {
    const ctx = await makeApp();
    const malformed = await ctx.app.request(`${ctx.config.publicUrl}/api/v1/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ctx.config.publicOrigin },
      body: '{"name":',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as ErrorBody).error.code).toBeTruthy();
    const huge = await call(ctx, 'POST', '/api/v1/registrations', {
      json: { name: 'x'.repeat(100_000), email: 'a@example.com', password: STRONG_PASSWORD },
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as ErrorBody).error.code).toBe('payload_too_large');
  });
});

describe('password reset', () => {
  it('answers the same whether or not the address exists, and the link works exactly once', async () => {
    const ctx = await makeApp();
    const account = await createAccount(ctx, 'candidate');
    const oldCookie = await sessionCookieFor(ctx, account);
    const known = await call(ctx, 'POST', '/api/v1/password-resets', { json: { email: account.email } });
    const unknown = await call(ctx, 'POST', '/api/v1/password-resets', { json: { email: 'ghost@example.com' } });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(await known.json()).toEqual(await unknown.json());
    expect(await outbox(ctx, 'ghost@example.com')).toHaveLength(0);

    const [mail] = await outbox(ctx, account.email);
    expect(mail?.body).toContain('30 minutes');
    const token = linkToken(mail?.body ?? '', '/reset-password');
    const newPassword = 'a brand new passphrase';
    const confirmed = await call(ctx, 'POST', '/api/v1/password-resets/confirm', {
      json: { token, password: newPassword },
    });
    expect(confirmed.status).toBe(200);
    const reused = await call(ctx, 'POST', '/api/v1/password-resets/confirm', {
      json: { token, password: 'yet another passphrase' },
    });
    expect(reused.status).toBe(400);

    expect((await call(ctx, 'GET', '/api/v1/me', { cookie: oldCookie })).status).toBe(401);
    expect((await signInCookie(ctx, account.email, STRONG_PASSWORD)).status).toBe(401);
    expect((await signInCookie(ctx, account.email, newPassword)).status).toBe(200);
  });

  it('expires reset links after 30 minutes and retires older links when a new one is sent', async () => {
    const ctx = await makeApp();
    const account = await createAccount(ctx, 'candidate');
    await call(ctx, 'POST', '/api/v1/password-resets', { json: { email: account.email } });
    await call(ctx, 'POST', '/api/v1/password-resets', { json: { email: account.email } });
    const [first, second] = await outbox(ctx, account.email);
    const firstToken = linkToken(first?.body ?? '', '/reset-password');
    const secondToken = linkToken(second?.body ?? '', '/reset-password');
    const password = 'another fine passphrase';
    expect(
      (await call(ctx, 'POST', '/api/v1/password-resets/confirm', { json: { token: firstToken, password } })).status,
    ).toBe(400);
    ctx.advance(30 * 60 + 1);
    expect(
      (await call(ctx, 'POST', '/api/v1/password-resets/confirm', { json: { token: secondToken, password } })).status,
    ).toBe(400);
  });
});

describe('staff invitations', () => {
  it('creates an account without a password and mails an invitation link that sets one', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const cookie = await sessionCookieFor(ctx, admin);
    const created = await call(ctx, 'POST', '/api/v1/users', {
      cookie,
      json: { email: 'Grace@Example.com', name: 'Grace Hopper', role: 'support' },
    });
    expect(created.status).toBe(201);
    const account = await accountOf(created);
    expect(account).toMatchObject({ email: 'grace@example.com', role: 'support', active: true });
    expect(account.id).toMatch(/^[a-z2-7]{16}$/);
    const [mail] = await outbox(ctx, 'grace@example.com');
    const token = linkToken(mail?.body ?? '', '/reset-password');
    expect((await call(ctx, 'GET', `/reset-password?token=${encodeURIComponent(token)}`)).status).toBe(200);
    expect(
      (await call(ctx, 'POST', '/api/v1/password-resets/confirm', { json: { token, password: 'grace chooses this' } }))
        .status,
    ).toBe(200);
    const signedIn = await signInCookie(ctx, 'grace@example.com', 'grace chooses this');
    expect(signedIn.status).toBe(200);
    expect((await accountOf(signedIn)).emailVerifiedAt).not.toBeNull();
    const duplicate = await call(ctx, 'POST', '/api/v1/users', {
      cookie,
      json: { email: 'grace@example.com', name: 'Again', role: 'support' },
    });
    expect(duplicate.status).toBe(409);
    expect(((await duplicate.json()) as ErrorBody).error.fields?.email).toBeTruthy();
  });

  it('lists users with search, filters and paging', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin', 'boss@example.com');
    const cookie = await sessionCookieFor(ctx, admin);
    for (let i = 0; i < 7; i++) {
      ctx.advance(1);
      await createAccount(ctx, 'candidate', `cand${i}@example.com`);
    }
    await createAccount(ctx, 'support', 'help_desk@example.com');
    const page = async (query: string) =>
      (await (await call(ctx, 'GET', `/api/v1/users?${query}`, { cookie })).json()) as {
        items: { email: string }[];
        total: number;
      };
    expect((await page('pageSize=3&page=2')).items.map((a) => a.email)).toEqual([
      'cand2@example.com',
      'cand3@example.com',
      'cand4@example.com',
    ]);
    expect((await page('role=candidate')).total).toBe(7);
    expect((await page('q=HELP_')).items.map((a) => a.email)).toEqual(['help_desk@example.com']);
    expect((await page('q=%25')).total).toBe(0);
    expect((await page('q=Test%20support')).total).toBe(1);
    await call(
      ctx,
      'POST',
      `/api/v1/users/${(await ctx.deps.db.selectFrom('accounts').select('id').where('email', '=', 'cand0@example.com').executeTakeFirstOrThrow()).id}/deactivate`,
      { cookie },
    );
    expect((await page('active=false')).items.map((a) => a.email)).toEqual(['cand0@example.com']);
    const bad = await call(ctx, 'GET', '/api/v1/users?pageSize=1000&role=root', { cookie });
    expect(bad.status).toBe(400);
    expect(Object.keys(((await bad.json()) as ErrorBody).error.fields ?? {}).sort()).toEqual(['pageSize', 'role']);
  });

  it('lets only admins change roles, and never through registration fields', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const user = await createAccount(ctx, 'candidate');
    const cookie = await sessionCookieFor(ctx, admin);
    const changed = await call(ctx, 'PATCH', `/api/v1/users/${user.id}`, { cookie, json: { role: 'support' } });
    expect((await accountOf(changed)).role).toBe('support');
    const sneaky = await call(ctx, 'PATCH', `/api/v1/users/${user.id}`, { cookie, json: { email: 'x@example.com' } });
    expect(sneaky.status).toBe(400);
    const empty = await call(ctx, 'PATCH', `/api/v1/users/${user.id}`, { cookie, json: {} });
    expect(((await empty.json()) as ErrorBody).error.message).toContain('Fix these fields');
    const audit = await ctx.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'account.role_changed')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_account_id: admin.id, target_account_id: user.id });
    expect(JSON.parse(audit.details)).toEqual({ from: 'candidate', to: 'support' });
  });

  it('answers a change to the name and role an account already has with the account, writing nothing', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const user = await createAccount(ctx, 'support');
    const cookie = await sessionCookieFor(ctx, admin);
    const audited = () => ctx.deps.db.selectFrom('audit_events').select('id').execute();
    const before = (await audited()).length;
    for (const json of [{ role: 'support' }, { name: user.name }, { name: ` ${user.name} `, role: 'support' }]) {
      const same = await call(ctx, 'PATCH', `/api/v1/users/${user.id}`, { cookie, json });
      expect(same.status, JSON.stringify(json)).toBe(200);
      expect(await accountOf(same)).toMatchObject({ role: 'support', name: user.name });
    }
    expect((await audited()).length).toBe(before);
  });
});

/** Asks for the first admin through the API with a setup link. */
const setUpWith = (ctx: TestContext, token: string, email: string) =>
  call(ctx, 'POST', '/api/v1/setup', { json: { token, name: 'Root Admin', email, password: STRONG_PASSWORD } });

const SETUP_COMPLETE = {
  status: 409,
  code: 'setup_complete',
  message: 'An administrator already exists; setup links no longer work. Sign in instead.',
};
const SETUP_LINK_EXPIRED = {
  status: 400,
  code: 'invalid_token',
  message: 'This setup link is invalid or expired. Restart the server to print a new one.',
};

/** The API, the landing page and the form all refuse the link with the same message, and offer no form. */
async function expectSetupRefused(ctx: TestContext, token: string, refusal: typeof SETUP_COMPLETE) {
  const answer = await setUpWith(ctx, token, 'refused@example.com');
  expect(answer.status).toBe(refusal.status);
  expect(((await answer.json()) as ErrorBody).error).toMatchObject({ code: refusal.code, message: refusal.message });
  const landing = await call(ctx, 'GET', `/setup?token=${encodeURIComponent(token)}`);
  const submitted = await call(ctx, 'POST', '/setup', {
    form: { token, name: 'Root Admin', email: 'refused@example.com', password: STRONG_PASSWORD },
  });
  for (const page of [landing, submitted]) {
    expect(page.status).toBe(refusal.status);
    const text = await page.text();
    expect(text).toContain(refusal.message);
    expect(text).not.toContain('Create administrator');
  }
}

describe('first-admin setup', () => {
  it('issues a single-use one-hour link on a fresh database that creates and signs in the first admin', async () => {
    const ctx = await makeApp();
    const link = await issueSetupLinkIfNeeded(ctx.deps);
    expect(link).toMatch(/^http:\/\/seatkeeper\.test\/setup\?token=/);
    const token = linkToken(link ?? '', '/setup');
    const stored = await ctx.deps.db.selectFrom('one_time_tokens').selectAll().executeTakeFirstOrThrow();
    expect(stored.purpose).toBe('setup');
    expect(token).not.toContain(stored.secret_hash);
    expect(token.split('.')[1]).not.toBe(stored.secret_hash);

    const page = await call(ctx, 'GET', `/setup?token=${encodeURIComponent(token)}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Create administrator');

    const created = await call(ctx, 'POST', '/setup', {
      form: { token, name: 'Root Admin', email: 'root@example.com', password: STRONG_PASSWORD },
    });
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toBe('/portal/overview');
    const cookie = sessionCookieFrom(created);
    expect((await accountOf(await call(ctx, 'GET', '/api/v1/me', { cookie }))).role).toBe('admin');

    await expectSetupRefused(ctx, token, SETUP_COMPLETE);
    expect(await issueSetupLinkIfNeeded(ctx.deps)).toBeNull();
  });

  it('refuses an expired setup link', async () => {
    const ctx = await makeApp();
    const token = linkToken((await issueSetupLinkIfNeeded(ctx.deps)) ?? '', '/setup');
    ctx.advance(3601);
    const response = await call(ctx, 'POST', '/api/v1/setup', {
      json: { token, name: 'Late', email: 'late@example.com', password: STRONG_PASSWORD },
    });
    expect(response.status).toBe(400);
    expect(await ctx.deps.db.selectFrom('accounts').selectAll().execute()).toHaveLength(0);
  });

  // Every instance started on a fresh database prints its own link; an operator may copy any of them.
  it.each([
    ['the first', 0],
    ['the second', 1],
  ] as const)(
    'keeps the links of two starts working until %s creates the admin, then refuses the other',
    async (_, used) => {
      const ctx = await makeApp();
      const other = await anotherInstance(ctx);
      const first = linkToken((await issueSetupLinkIfNeeded(ctx.deps)) ?? '', '/setup');
      const second = linkToken((await issueSetupLinkIfNeeded(other.deps)) ?? '', '/setup');
      const tokens = [first, second];
      expect(new Set(tokens).size).toBe(2);
      for (const token of tokens) {
        for (const instance of [ctx, other]) {
          const page = await call(instance, 'GET', `/setup?token=${encodeURIComponent(token)}`);
          expect(page.status).toBe(200);
          expect(await page.text()).toContain('Create administrator');
        }
      }

      const [usedToken, otherToken] = [tokens[used] ?? '', tokens[1 - used] ?? ''];
      const created = await call(other, 'POST', '/setup', {
        form: { token: usedToken, name: 'Root Admin', email: 'root@example.com', password: STRONG_PASSWORD },
      });
      expect(created.status).toBe(303);

      for (const instance of [ctx, other]) await expectSetupRefused(instance, otherToken, SETUP_COMPLETE);
      const admins = await ctx.deps.db.selectFrom('accounts').select('email').where('role', '=', 'admin').execute();
      expect(admins).toEqual([{ email: 'root@example.com' }]);
      expect(await issueSetupLinkIfNeeded(ctx.deps)).toBeNull();
      expect(await issueSetupLinkIfNeeded(other.deps)).toBeNull();
    },
  );

  it('refuses each link once it is an hour old, while a later one still works', async () => {
    const ctx = await makeApp();
    const other = await anotherInstance(ctx);
    const early = linkToken((await issueSetupLinkIfNeeded(ctx.deps)) ?? '', '/setup');
    ctx.advance(30 * 60);
    const late = linkToken((await issueSetupLinkIfNeeded(other.deps)) ?? '', '/setup');
    ctx.advance(30 * 60 + 1);

    for (const instance of [ctx, other]) await expectSetupRefused(instance, early, SETUP_LINK_EXPIRED);
    expect((await setUpWith(ctx, late, 'root@example.com')).status).toBe(201);
  });

  it('refuses a setup link once an administrator was created another way', async () => {
    const ctx = await makeApp();
    const token = linkToken((await issueSetupLinkIfNeeded(ctx.deps)) ?? '', '/setup');
    await createAccount(ctx, 'admin');
    await expectSetupRefused(ctx, token, SETUP_COMPLETE);
  });
});
