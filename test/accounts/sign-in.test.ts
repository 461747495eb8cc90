import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import {
  accountOf,
  anotherInstance,
  call,
  createAccount,
  makeApp,
  PUBLIC_URL,
  STRONG_PASSWORD,
  sessionCookieFor,
  sessionCookieFrom,
  signInCookie,
} from '../support/server.ts';
import { TEST_DIALECT } from '../support/test-database.ts';

describe('sign-in and sessions', () => {
  it('signs in, returns the account, sets a hardened cookie, and signs out', async () => {
    const ctx = await makeApp();
    const account = await createAccount(ctx, 'candidate');
    const response = await signInCookie(ctx, account.email.toUpperCase());
    expect(response.status).toBe(200);
    expect((await accountOf(response)).email).toBe(account.email);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^seatkeeper_session=[a-z2-7]{16}\.[a-z2-7]{52};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    const cookie = sessionCookieFrom(response);

    const me = await call(ctx, 'GET', '/api/v1/me', { cookie });
    expect(me.status).toBe(200);
    expect((await accountOf(me)).lastSignInAt).toBe(ctx.now().toISOString());

    const history = await ctx.deps.db
      .selectFrom('sign_in_events')
      .selectAll()
      .where('account_id', '=', account.id)
      .execute();
    expect(history).toHaveLength(1);

    expect((await call(ctx, 'DELETE', '/api/v1/session', { cookie })).status).toBe(204);
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(401);
  });

  it('uses a Secure __Host- cookie and HSTS when PUBLIC_URL is https', async () => {
    const ctx = await makeApp({ env: { PUBLIC_URL: 'https://seatkeeper.example' } });
    const account = await createAccount(ctx, 'admin');
    const response = await call(ctx, 'POST', '/api/v1/session', {
      json: { email: account.email, password: STRONG_PASSWORD },
      headers: { origin: 'https://seatkeeper.example' },
    });
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^__Host-seatkeeper_session=/);
    expect(setCookie).toContain('Secure');
    expect(response.headers.get('strict-transport-security')).toContain('max-age=31536000');
    const cookie = sessionCookieFrom(response);
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(200);
  });

  it('creates a new session at every sign-in', async () => {
    const ctx = await makeApp();
    const account = await createAccount(ctx, 'candidate');
    const first = sessionCookieFrom(await signInCookie(ctx, account.email));
    const second = sessionCookieFrom(await signInCookie(ctx, account.email));
    expect(first).not.toBe(second);
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie: first })).status).toBe(200);
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie: second })).status).toBe(200);
    // Signing in again from a signed-in browser replaces that browser's session.
    const third = await call(ctx, 'POST', '/api/v1/session', {
      cookie: first,
      json: { email: account.email, password: STRONG_PASSWORD },
    });
    expect(sessionCookieFrom(third)).not.toBe(first);
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie: first })).status).toBe(401);
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie: sessionCookieFrom(third) })).status).toBe(200);
  });

  it('answers unknown email and wrong password identically', async () => {
    const ctx = await makeApp();
    const account = await createAccount(ctx, 'candidate');
    const wrong = await signInCookie(ctx, account.email, 'not the password');
    const unknown = await signInCookie(ctx, 'nobody@example.com', 'not the password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
    const failures = await ctx.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'sign_in.failed')
      .execute();
    expect(failures).toHaveLength(2);
  });

  it('expires candidate sessions after 7 idle days and 30 days absolute (injected clock)', async () => {
    const ctx = await makeApp();
    const account = await createAccount(ctx, 'candidate');
    const cookie = await sessionCookieFor(ctx, account);
    ctx.advance(6 * 86400);
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(200);
    ctx.advance(6 * 86400);
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(200);
    ctx.advance(7 * 86400 + 1);
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(401);

    const active = await sessionCookieFor(ctx, account);
    for (let day = 5; day <= 25; day += 5) {
      ctx.advance(5 * 86400);
      expect((await call(ctx, 'GET', '/api/v1/me', { cookie: active })).status).toBe(200);
    }
    ctx.advance(5 * 86400);
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie: active })).status).toBe(401);
  });

  it('expires staff sessions after 12 idle hours', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const cookie = await sessionCookieFor(ctx, admin);
    ctx.advance(11 * 3600);
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(200);
    ctx.advance(12 * 3600 + 1);
    const expired = await call(ctx, 'GET', '/api/v1/me', { cookie });
    expect(expired.status).toBe(401);
    expect(await ctx.deps.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0);
  });

  it('honours configured session lifetimes', async () => {
    const ctx = await makeApp({ env: { SESSION_CANDIDATE_IDLE_SECONDS: '60' } });
    const account = await createAccount(ctx, 'candidate');
    const cookie = await sessionCookieFor(ctx, account);
    ctx.advance(61);
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(401);
  });

  it('refreshes last_verified_at at most once a minute', async () => {
    const ctx = await makeApp();
    const account = await createAccount(ctx, 'candidate');
    const cookie = await sessionCookieFor(ctx, account);
    const verifiedAt = async () =>
      (await ctx.deps.db.selectFrom('sessions').select('last_verified_at').executeTakeFirstOrThrow()).last_verified_at;
    const created = await verifiedAt();
    ctx.advance(30);
    await call(ctx, 'GET', '/api/v1/me', { cookie });
    expect(await verifiedAt()).toBe(created);
    ctx.advance(31);
    await call(ctx, 'GET', '/api/v1/me', { cookie });
    expect(await verifiedAt()).toBe(ctx.now().toISOString());
  });

  it('refreshes many sessions falling due together, each to the time of its request', async () => {
    const ctx = await makeApp(TEST_DIALECT === 'sqlite' ? { env: { SESSION_CACHE_MS: '60000' } } : {});
    const cookies: string[] = [];
    for (let n = 0; n < 30; n++) cookies.push(await sessionCookieFor(ctx, await createAccount(ctx, 'candidate')));
    ctx.advance(61);
    const answers = await Promise.all(cookies.map((cookie) => call(ctx, 'GET', '/api/v1/me', { cookie })));
    expect(answers.map((answer) => answer.status)).toEqual(cookies.map(() => 200));
    const rows = await ctx.deps.db.selectFrom('sessions').select('last_verified_at').execute();
    expect(rows).toHaveLength(30);
    for (const row of rows) expect(row.last_verified_at).toBe(ctx.now().toISOString());
    // Answered from the cached record: no second refresh within the minute, and still valid.
    ctx.advance(30);
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie: cookies[0] as string })).status).toBe(200);
    const again = await ctx.deps.db.selectFrom('sessions').select('last_verified_at').execute();
    expect(new Set(again.map((row) => row.last_verified_at)).size).toBe(1);
  });

  it('ends every session at once on deactivation, refuses sign-in, and allows it again after reactivation', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const adminCookie = await sessionCookieFor(ctx, admin);
    const user = await createAccount(ctx, 'support');
    const cookies = [await sessionCookieFor(ctx, user), sessionCookieFrom(await signInCookie(ctx, user.email))];
    for (const cookie of cookies) expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(200);

    const deactivated = await call(ctx, 'POST', `/api/v1/users/${user.id}/deactivate`, { cookie: adminCookie });
    expect(deactivated.status).toBe(200);
    expect((await accountOf(deactivated)).active).toBe(false);
    for (const cookie of cookies) expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(401);
    const refused = await signInCookie(ctx, user.email);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('account_deactivated');

    expect((await call(ctx, 'POST', `/api/v1/users/${user.id}/activate`, { cookie: adminCookie })).status).toBe(200);
    expect((await signInCookie(ctx, user.email)).status).toBe(200);
    const actions = (await ctx.deps.db.selectFrom('audit_events').select('action').execute()).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['account.deactivated', 'account.activated', 'sign_in.succeeded']));
  });

  it('does not let an admin deactivate or demote themselves', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const cookie = await sessionCookieFor(ctx, admin);
    expect((await call(ctx, 'POST', `/api/v1/users/${admin.id}/deactivate`, { cookie })).status).toBe(409);
    expect((await call(ctx, 'PATCH', `/api/v1/users/${admin.id}`, { cookie, json: { role: 'support' } })).status).toBe(
      409,
    );
  });

  it('emits account change events after renames, role changes, deactivation and sign-in', async () => {
    const ctx = await makeApp();
    const seen: string[] = [];
    ctx.deps.accountChanges.on('change', (change) => seen.push(change.kind));
    const admin = await createAccount(ctx, 'admin');
    const cookie = await sessionCookieFor(ctx, admin);
    const user = await createAccount(ctx, 'candidate');
    await call(ctx, 'PATCH', `/api/v1/users/${user.id}`, { cookie, json: { role: 'support' } });
    await call(ctx, 'PATCH', `/api/v1/users/${user.id}`, { cookie, json: { name: user.name } });
    await call(ctx, 'PATCH', `/api/v1/users/${user.id}`, { cookie, json: { name: 'Someone Else' } });
    await call(ctx, 'POST', `/api/v1/users/${user.id}/deactivate`, { cookie });
    await call(ctx, 'POST', `/api/v1/users/${user.id}/activate`, { cookie });
    await signInCookie(ctx, user.email);
    expect(seen).toEqual(['created', 'created', 'role_changed', 'renamed', 'deactivated', 'activated', 'signed_in']);
  });
});

describe('cross-site request protection', () => {
  const forged = [
    { name: 'JSON', options: { json: { name: 'Mallory' } } },
    { name: 'form', options: { form: { name: 'Mallory' } } },
    { name: 'text/plain', options: { headers: { 'content-type': 'text/plain' } } },
  ];

  it.each(forged)('refuses a cookie-authenticated cross-site $name PATCH/POST', async ({ options }) => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const cookie = await sessionCookieFor(ctx, admin);
    const victim = await createAccount(ctx, 'support');
    for (const headers of [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      { 'sec-fetch-site': 'same-site' },
      {} as Record<string, string>,
    ]) {
      const patch = await call(ctx, 'PATCH', `/api/v1/users/${victim.id}`, {
        ...options,
        cookie,
        sameOrigin: false,
        headers: { ...('headers' in options ? options.headers : {}), ...headers },
      });
      expect(patch.status).toBe(403);
      expect(((await patch.json()) as { error: { code: string } }).error.code).toBe('cross_site_request');
      const deactivate = await call(ctx, 'POST', `/api/v1/users/${victim.id}/deactivate`, {
        cookie,
        sameOrigin: false,
        headers,
      });
      expect(deactivate.status).toBe(403);
    }
    const unchanged = await ctx.deps.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', victim.id)
      .executeTakeFirstOrThrow();
    expect(unchanged.name).toBe('Test support');
    expect(unchanged.active).toBe(1);
  });

  it('refuses a cross-site form post to the portal and to sign-out', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const cookie = await sessionCookieFor(ctx, admin);
    const victim = await createAccount(ctx, 'support');
    const headers = { origin: 'https://evil.example' };
    const portal = await call(ctx, 'POST', `/portal/users/${victim.id}/deactivate`, {
      cookie,
      form: {},
      sameOrigin: false,
      headers,
    });
    expect(portal.status).toBe(403);
    expect(await portal.text()).toContain('Cross-site requests cannot change anything here.');
    expect((await call(ctx, 'POST', '/sign-out', { cookie, form: {}, sameOrigin: false, headers })).status).toBe(403);
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(200);
  });

  it('accepts same-origin requests by Sec-Fetch-Site or Origin, and bearer tokens without cookies', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const cookie = await sessionCookieFor(ctx, admin);
    const victim = await createAccount(ctx, 'support');
    const bySite = await call(ctx, 'PATCH', `/api/v1/users/${victim.id}`, {
      cookie,
      json: { name: 'A' },
      sameOrigin: false,
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    expect(bySite.status).toBe(200);
    const byOrigin = await call(ctx, 'PATCH', `/api/v1/users/${victim.id}`, { cookie, json: { name: 'B' } });
    expect(byOrigin.status).toBe(200);
    const { token } = (await (
      await call(ctx, 'POST', '/api/v1/tokens', { cookie, json: { name: 'script', scope: 'admin' } })
    ).json()) as { token: string };
    const byToken = await call(ctx, 'PATCH', `/api/v1/users/${victim.id}`, {
      token,
      json: { name: 'C' },
      sameOrigin: false,
      headers: { origin: 'https://elsewhere.example' },
    });
    expect(byToken.status).toBe(200);
  });
});

describe('throttling', () => {
  it('answers 429 with Retry-After after repeated failures, without locking the real user out from another IP', async () => {
    const ctx = await makeApp({ env: { TRUST_PROXY: '1' } });
    const account = await createAccount(ctx, 'candidate');
    const attacker = '203.0.113.66';
    for (let i = 0; i < 5; i++)
      expect((await signInCookie(ctx, account.email, `guess-${i}`, attacker)).status).toBe(401);
    const blocked = await signInCookie(ctx, account.email, STRONG_PASSWORD, attacker);
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(((await blocked.json()) as { error: { code: string } }).error.code).toBe('rate_limited');

    expect((await signInCookie(ctx, account.email, STRONG_PASSWORD, '198.51.100.7')).status).toBe(200);

    ctx.advance(retryAfter);
    expect((await signInCookie(ctx, account.email, STRONG_PASSWORD, attacker)).status).toBe(200);
  });

  it('throttles password spraying from one IP across accounts', async () => {
    const ctx = await makeApp({ env: { TRUST_PROXY: '1' } });
    const ip = '203.0.113.9';
    for (let i = 0; i < 30; i++) await signInCookie(ctx, `spray${i}@example.com`, 'password-guess', ip);
    const blocked = await signInCookie(ctx, 'another@example.com', 'password-guess', ip);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBeTruthy();
  });

  it('throttles registration and password-reset requests per IP', async () => {
    const ctx = await makeApp({ env: { TRUST_PROXY: '1' } });
    const headers = { 'x-forwarded-for': '192.0.2.1' };
    for (let i = 0; i < 10; i++) {
      const ok = await call(ctx, 'POST', '/api/v1/registrations', {
        headers,
        json: { name: 'N', email: `r${i}@example.com`, password: STRONG_PASSWORD },
      });
      expect(ok.status).toBe(202);
    }
    const blocked = await call(ctx, 'POST', '/api/v1/registrations', {
      headers,
      json: { name: 'N', email: 'r11@example.com', password: STRONG_PASSWORD },
    });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBeTruthy();
    for (let i = 0; i < 10; i++) {
      expect(
        (await call(ctx, 'POST', '/api/v1/password-resets', { headers, json: { email: 'x@example.com' } })).status,
      ).toBe(202);
    }
    expect(
      (await call(ctx, 'POST', '/api/v1/password-resets', { headers, json: { email: 'x@example.com' } })).status,
    ).toBe(429);
  });

  it('keeps counters in the database', async () => {
    const ctx = await makeApp();
    await signInCookie(ctx, 'nobody@example.com', 'wrong password');
    const rows = await ctx.deps.db.selectFrom('rate_limits').selectAll().execute();
    expect(rows.map((r) => r.key).sort()).toEqual([
      'sign-in:account+ip:nobody@example.com|unknown',
      'sign-in:account:nobody@example.com',
      'sign-in:ip:unknown',
    ]);
  });

  it('takes the client address from X-Forwarded-For only when it is an address', async () => {
    // TRUST_PROXY higher than the proxies really in front: the entry read is whatever the client wrote.
    const ctx = await makeApp({ env: { TRUST_PROXY: '2' } });
    const account = await createAccount(ctx, 'candidate');
    const long = `${'x'.repeat(200)}, 10.0.0.1`;
    const response = await ctx.app.request(`${PUBLIC_URL}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: PUBLIC_URL, 'x-forwarded-for': long },
      body: JSON.stringify({ email: account.email, password: 'wrong password here' }),
    });
    expect(response.status).toBe(401);
    // The failed sign-in is audited with the address the first proxy saw, not the forged entry.
    const events = await ctx.deps.db.selectFrom('audit_events').select(['action', 'ip']).execute();
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event.ip).not.toContain('xxx');
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    const ctx = await makeApp();
    const account = await createAccount(ctx, 'candidate');
    for (let i = 0; i < 5; i++) await signInCookie(ctx, account.email, `guess-${i}`, `10.0.0.${i}`);
    expect((await signInCookie(ctx, account.email, STRONG_PASSWORD, '10.0.0.99')).status).toBe(429);
  });
});

describe('session cache', () => {
  it('SQLite reuses a looked-up session for SESSION_CACHE_MS; PostgreSQL sees another instance at once', async () => {
    if (TEST_DIALECT === 'postgres') {
      // Instances sharing PostgreSQL cannot see when another one ends a session: a cache is refused by name.
      expect(() => loadConfig({ DATABASE_URL: 'postgres://db.example/seatkeeper', SESSION_CACHE_MS: '1000' })).toThrow(
        /SESSION_CACHE_MS: must be 0/,
      );
    }
    const ctx = await makeApp(TEST_DIALECT === 'sqlite' ? { env: { SESSION_CACHE_MS: '1000' } } : {});
    const other = await anotherInstance(ctx);
    const account = await createAccount(ctx, 'candidate');
    const cookie = await sessionCookieFor(ctx, account);
    // The licence directory's own writes (after the account change) would clear the cache: let them finish first.
    await ctx.licensing.licensing.current();
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(200);

    // Another instance (another process on SQLite) deactivates the account.
    await other.deps.db.updateTable('accounts').set({ active: 0 }).where('id', '=', account.id).execute();
    if (TEST_DIALECT === 'sqlite') {
      expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(200);
      ctx.advance(1);
    }
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(401);
  });

  it('is cleared by any write made through this process', async () => {
    const ctx = await makeApp(TEST_DIALECT === 'sqlite' ? { env: { SESSION_CACHE_MS: '60000' } } : {});
    const account = await createAccount(ctx, 'candidate');
    const cookie = await sessionCookieFor(ctx, account);
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(200);
    await ctx.deps.db.updateTable('accounts').set({ name: 'Renamed' }).where('id', '=', account.id).execute();
    const me = await call(ctx, 'GET', '/api/v1/me', { cookie });
    expect((await accountOf(me)).name).toBe('Renamed');
  });

  it('still refuses a wrong secret for a session whose right secret was just accepted', async () => {
    const ctx = await makeApp(TEST_DIALECT === 'sqlite' ? { env: { SESSION_CACHE_MS: '60000' } } : {});
    const account = await createAccount(ctx, 'candidate');
    const cookie = await sessionCookieFor(ctx, account);
    await ctx.licensing.licensing.current();
    for (let round = 0; round < 3; round++) {
      expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(200);
    }
    const [name, token] = cookie.split('=') as [string, string];
    const [id, secret] = token.split('.') as [string, string];
    // Same session id; secrets differing in the last character, the first, and in all but the first.
    const forged = [
      `${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`,
      `${secret.startsWith('a') ? 'b' : 'a'}${secret.slice(1)}`,
      `${secret[0]}${'a'.repeat(secret.length - 1)}`,
    ];
    for (const wrong of forged) {
      expect((await call(ctx, 'GET', '/api/v1/me', { cookie: `${name}=${id}.${wrong}` })).status).toBe(401);
    }
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(200);
  });

  it('can be switched off', async () => {
    const ctx = await makeApp({ env: { SESSION_CACHE_MS: '0' } });
    const account = await createAccount(ctx, 'candidate');
    const cookie = await sessionCookieFor(ctx, account);
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(200);
    const other = await anotherInstance(ctx);
    await other.deps.db.deleteFrom('sessions').execute();
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie })).status).toBe(401);
  });
});
