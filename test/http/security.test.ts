import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS } from '../../server/auth/common-passwords.ts';
import { createPasswordHasher, newPasswordSchema } from '../../server/auth/passwords.ts';
import { DEFAULT_PASSWORD_HASHING, loadConfig } from '../../server/config.ts';
import { startNodeServer } from '../../server/http/node-server.ts';
import { smtpTransport } from '../../server/mail/mailer.ts';
import { MailQueue } from '../../server/mail/queue.ts';
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
} from '../support/server.ts';

describe('password hashing', () => {
  it('uses argon2id with m=19456 KiB, t=2, p=1 by default', async () => {
    expect(DEFAULT_PASSWORD_HASHING).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(loadConfig({}).passwordHashing).toEqual(DEFAULT_PASSWORD_HASHING);
    const hasher = createPasswordHasher(loadConfig({}).passwordHashing);
    const hash = await hasher.hash(STRONG_PASSWORD);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(hash, STRONG_PASSWORD)).toBe(true);
    expect(await hasher.verify(hash, 'something else')).toBe(false);
    expect(await hasher.verify('not a hash', STRONG_PASSWORD)).toBe(false);
  });

  it('ships a list of several hundred common passwords and rejects them case-insensitively', () => {
    expect(COMMON_PASSWORDS.size).toBeGreaterThanOrEqual(300);
    for (const weak of ['password', 'PASSWORD1', '12345678', 'qwertyuiop', 'iloveyou', 'sunshine1']) {
      expect(newPasswordSchema.safeParse(weak).success, weak).toBe(false);
    }
    expect(newPasswordSchema.safeParse('plain words are fine').success).toBe(true);
  });
});

describe('no secrets leave the server', () => {
  it('no response body contains a password hash, token hash or session secret', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const signedIn = await signInCookie(ctx, admin.email);
    const cookie = sessionCookieFrom(signedIn);
    const sessionSecret = cookie.split('=')[1]?.split('.')[1] ?? '';
    expect(sessionSecret).toHaveLength(52);
    const tokenResponse = await call(ctx, 'POST', '/api/v1/tokens', { cookie, json: { name: 'scan', scope: 'admin' } });
    const { token } = (await tokenResponse.json()) as { token: string };
    await call(ctx, 'POST', '/api/v1/users', {
      cookie,
      json: { email: 'invitee@example.com', name: 'Invitee', role: 'support' },
    });
    await call(ctx, 'POST', '/api/v1/registrations', {
      json: { name: 'Reg', email: 'reg@example.com', password: STRONG_PASSWORD },
    });
    await call(ctx, 'POST', '/api/v1/password-resets', { json: { email: admin.email } });

    const secrets = [
      sessionSecret,
      token.split('.')[1] ?? 'x',
      ...(await ctx.deps.db.selectFrom('accounts').select('password_hash').execute()).map(
        (r) => r.password_hash ?? 'none',
      ),
      ...(await ctx.deps.db.selectFrom('access_tokens').select('secret_hash').execute()).map((r) => r.secret_hash),
      ...(await ctx.deps.db.selectFrom('sessions').select('secret_hash').execute()).map((r) => r.secret_hash),
      ...(await ctx.deps.db.selectFrom('one_time_tokens').select('secret_hash').execute()).map((r) => r.secret_hash),
    ].filter((s) => s !== 'none');
    expect(secrets.length).toBeGreaterThan(5);

    const targets = await ctx.deps.db.selectFrom('accounts').select('id').where('id', '!=', admin.id).execute();
    const tokenId = (await ctx.deps.db.selectFrom('access_tokens').select('id').executeTakeFirstOrThrow()).id;
    const reads = [
      ['GET', '/api/v1/me'],
      ['GET', '/api/v1/users?pageSize=100'],
      ['GET', '/api/v1/tokens'],
      ['GET', '/api/v1/audit?pageSize=100'],
      ['GET', `/api/v1/users/${targets[0]?.id}`],
      ['PATCH', `/api/v1/users/${targets[1]?.id}`, { name: 'Changed' }],
      ['POST', `/api/v1/users/${targets[1]?.id}/deactivate`],
      ['POST', `/api/v1/users/${targets[1]?.id}/activate`],
      ['GET', '/portal/users'],
      ['GET', `/portal/users/${targets[1]?.id}`],
      ['GET', '/portal/tokens'],
      ['GET', '/portal/audit'],
      ['DELETE', `/api/v1/tokens/${tokenId}`],
    ] as const;
    const bodies = [await signedIn.clone().text()];
    for (const [method, path, json] of reads) {
      const response = await call(ctx, method, path, { cookie, ...(json ? { json } : {}) });
      expect(response.status, `${method} ${path}`).toBeLessThan(400);
      bodies.push(await response.text());
    }
    for (const body of bodies) {
      for (const secret of secrets) expect(body).not.toContain(secret);
      expect(body).not.toMatch(/\$argon2/);
      expect(body).not.toMatch(/password_?hash|secret_?hash/i);
    }
  });

  it('the audit log carries no passwords, tokens or link secrets', async () => {
    const ctx = await makeApp();
    const account = await createAccount(ctx, 'candidate');
    await signInCookie(ctx, account.email, 'wrong password guess');
    await signInCookie(ctx, account.email);
    await call(ctx, 'POST', '/api/v1/password-resets', { json: { email: account.email } });
    const [mail] = await outbox(ctx, account.email);
    const resetToken = linkToken(mail?.body ?? '', '/reset-password');
    await call(ctx, 'POST', '/api/v1/password-resets/confirm', {
      json: { token: resetToken, password: 'a new passphrase here' },
    });
    const audit = JSON.stringify(await ctx.deps.db.selectFrom('audit_events').selectAll().execute());
    for (const secret of [
      'wrong password guess',
      STRONG_PASSWORD,
      'a new passphrase here',
      resetToken,
      resetToken.split('.')[1] ?? 'x',
    ]) {
      expect(audit).not.toContain(secret);
    }
    expect(audit).toContain('sign_in.failed');
    expect(audit).toContain('sign_in.succeeded');
    expect(audit).toContain('account.password_reset');
  });

  it('logs a failed SMTP delivery without the message body or its link, and still registers', async () => {
    const lines: string[] = [];
    // Nothing listens on port 1: a real connection failure through the real SMTP transport.
    const ctx = await makeApp({
      log: (line) => lines.push(line),
      mailer: (db, { clock, logger }) =>
        new MailQueue(db, clock, {
          transport: smtpTransport('smtp://127.0.0.1:1', 'Seatkeeper <no-reply@seatkeeper.test>'),
          logger,
        }),
    });
    const response = await call(ctx, 'POST', '/api/v1/registrations', {
      json: { name: 'Mail Less', email: 'mailless@example.com', password: STRONG_PASSWORD },
    });
    expect(response.status).toBe(202);
    expect(await ctx.deps.db.selectFrom('accounts').select('email').execute()).toEqual([
      { email: 'mailless@example.com' },
    ]);
    expect(await (ctx.deps.mailer as MailQueue).deliverDue()).toEqual({ sent: 0, retrying: 1, failed: 0 });
    const failures = lines.filter((line) => line.includes('mail delivery failed'));
    expect(failures).toHaveLength(1);
    expect(JSON.parse(failures[0] ?? '{}')).toMatchObject({
      level: 'warn',
      message: 'mail delivery failed; will retry',
      to: 'mailless@example.com',
    });
    const { id } = await ctx.deps.db.selectFrom('one_time_tokens').select('id').executeTakeFirstOrThrow();
    for (const line of lines) {
      expect(line).not.toContain('verify-email');
      expect(line).not.toContain(id);
      expect(line).not.toContain(STRONG_PASSWORD);
    }
  });
});

describe('HTTP hardening', () => {
  it('sends a strict CSP and security headers on pages, and a stricter short set on API responses', async () => {
    const ctx = await makeApp();
    for (const path of ['/sign-in', '/api/docs']) {
      const response = await call(ctx, 'GET', path);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('strict-transport-security')).toBeNull();
    }
    for (const path of ['/api/v1/me', '/healthz', '/api/v1/openapi.json']) {
      const response = await call(ctx, 'GET', path);
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    }
  });

  it('sends the same security headers over real HTTP (set by the Node layer) as through app.request', async () => {
    const ctx = await makeApp();
    const server = await startNodeServer(ctx.app, ctx.config, { port: 0, host: '127.0.0.1' });
    try {
      const names = [
        'content-security-policy',
        'x-content-type-options',
        'x-frame-options',
        'referrer-policy',
        'permissions-policy',
      ];
      const viaHttp = await fetch(`http://127.0.0.1:${server.port}/sign-in`);
      const inProcess = await call(ctx, 'GET', '/sign-in');
      for (const name of names) {
        expect(viaHttp.headers.get(name), name).toBeTruthy();
        expect(viaHttp.headers.get(name), name).toBe(inProcess.headers.get(name));
      }
      expect(viaHttp.headers.get('content-type')).toContain('text/html');
      const api = await fetch(`http://127.0.0.1:${server.port}/api/v1/me`);
      const apiInProcess = await call(ctx, 'GET', '/api/v1/me');
      expect(api.status).toBe(401);
      for (const name of ['content-security-policy', 'x-content-type-options', 'cross-origin-resource-policy']) {
        expect(api.headers.get(name), name).toBeTruthy();
        expect(api.headers.get(name), name).toBe(apiInProcess.headers.get(name));
      }
    } finally {
      await server.close();
    }
  });

  it('reports health including the database', async () => {
    const ctx = await makeApp();
    const response = await call(ctx, 'GET', '/healthz');
    expect(await response.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('fails fast on bad configuration, naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: must be a TCP port/);
    expect(() => loadConfig({ PUBLIC_URL: 'seatkeeper.example' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ SMTP_URL: 'http://mail' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ SESSION_STAFF_IDLE_SECONDS: '-5' })).toThrow(/SESSION_STAFF_IDLE_SECONDS/);
    const config = loadConfig({ PUBLIC_URL: 'https://seatkeeper.example/', PORT: '9000' });
    expect(config).toMatchObject({ port: 9000, publicUrl: 'https://seatkeeper.example', secure: true });
  });

  it('does not cache or leak pages for other roles', async () => {
    const ctx = await makeApp();
    const candidate = await createAccount(ctx, 'candidate');
    const cookie = await sessionCookieFor(ctx, candidate);
    expect((await call(ctx, 'GET', '/portal/users', { cookie })).status).toBe(403);
    expect((await call(ctx, 'GET', '/portal/users')).status).toBe(303);
  });
});
