import { describe, expect, it } from 'vitest';
import { accountOf, call, createAccount, makeApp, sessionCookieFor, tokenFor } from '../support/server.ts';

type ErrorBody = { error: { code: string; fields?: Record<string, string> } };

describe('personal access tokens', () => {
  it('are shown once with the skp_ prefix, stored hashed, and record last use', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const cookie = await sessionCookieFor(ctx, admin);
    const created = await call(ctx, 'POST', '/api/v1/tokens', { cookie, json: { name: 'Extension', scope: 'read' } });
    expect(created.status).toBe(201);
    const { token, accessToken } = (await created.json()) as {
      token: string;
      accessToken: { id: string; lastUsedAt: string | null };
    };
    expect(token).toMatch(/^skp_[a-z2-7]{16}\.[a-z2-7]{52}$/);
    expect(accessToken.lastUsedAt).toBeNull();
    const row = await ctx.deps.db.selectFrom('access_tokens').selectAll().executeTakeFirstOrThrow();
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(token).not.toContain(row.secret_hash);

    const me = await call(ctx, 'GET', '/api/v1/me', { token });
    expect((await accountOf(me)).id).toBe(admin.id);
    const listed = (await (await call(ctx, 'GET', '/api/v1/tokens', { cookie })).json()) as {
      items: { lastUsedAt: string }[];
    };
    expect(listed.items[0]?.lastUsedAt).toBe(ctx.now().toISOString());
    expect(JSON.stringify(listed)).not.toContain(token.split('.')[1]);
    const audit = await ctx.deps.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', 'like', 'token.%')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['token.created']);
  });

  it('a read token can look things up but cannot change anything, even for an admin', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const target = await createAccount(ctx, 'candidate');
    const read = await tokenFor(ctx, admin, 'read');
    expect((await call(ctx, 'GET', '/api/v1/users', { token: read })).status).toBe(200);
    expect((await call(ctx, 'GET', `/api/v1/users/${target.id}`, { token: read })).status).toBe(200);
    for (const [method, path, json] of [
      ['PATCH', `/api/v1/users/${target.id}`, { role: 'admin' }],
      ['POST', `/api/v1/users/${target.id}/deactivate`, undefined],
      [
        'POST',
        '/api/v1/users',
        { email: 'new@example.com', name: 'New', role: 'admin', password: 'long enough passphrase' },
      ],
      ['POST', '/api/v1/tokens', { name: 'escalate', scope: 'admin' }],
    ] as const) {
      const response = await call(ctx, method, path, { token: read, ...(json ? { json } : {}) });
      expect(response.status, `${method} ${path}`).toBe(403);
    }
    const admin2 = await tokenFor(ctx, admin, 'admin');
    expect(
      (await call(ctx, 'PATCH', `/api/v1/users/${target.id}`, { token: admin2, json: { name: 'Renamed' } })).status,
    ).toBe(200);
  });

  it('support staff can mint read tokens only', async () => {
    const ctx = await makeApp();
    const support = await createAccount(ctx, 'support');
    const cookie = await sessionCookieFor(ctx, support);
    const refused = await call(ctx, 'POST', '/api/v1/tokens', { cookie, json: { name: 'nope', scope: 'admin' } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('scope_not_allowed');
    expect((await call(ctx, 'POST', '/api/v1/tokens', { cookie, json: { name: 'ok', scope: 'read' } })).status).toBe(
      201,
    );
    const candidate = await createAccount(ctx, 'candidate');
    const candidateCookie = await sessionCookieFor(ctx, candidate);
    expect(
      (await call(ctx, 'POST', '/api/v1/tokens', { cookie: candidateCookie, json: { name: 'x', scope: 'read' } }))
        .status,
    ).toBe(403);
  });

  it('stops working when revoked, expired, or when the owner is deactivated', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const support = await createAccount(ctx, 'support');
    const adminCookie = await sessionCookieFor(ctx, admin);
    const supportCookie = await sessionCookieFor(ctx, support);

    const revokedToken = await tokenFor(ctx, support, 'read');
    const { id } = await ctx.deps.db.selectFrom('access_tokens').select('id').executeTakeFirstOrThrow();
    expect((await call(ctx, 'DELETE', `/api/v1/tokens/${id}`, { cookie: supportCookie })).status).toBe(204);
    const revoked = await call(ctx, 'GET', '/api/v1/me', { token: revokedToken });
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as ErrorBody).error.code).toBe('invalid_token');

    const expiresAt = new Date(ctx.now().getTime() + 3600_000).toISOString();
    const created = await call(ctx, 'POST', '/api/v1/tokens', {
      cookie: supportCookie,
      json: { name: 'short', scope: 'read', expiresAt },
    });
    const { token: expiring } = (await created.json()) as { token: string };
    expect((await call(ctx, 'GET', '/api/v1/me', { token: expiring })).status).toBe(200);
    ctx.advance(3601);
    expect((await call(ctx, 'GET', '/api/v1/me', { token: expiring })).status).toBe(401);

    const live = await tokenFor(ctx, support, 'read');
    expect((await call(ctx, 'GET', '/api/v1/users', { token: live })).status).toBe(200);
    await call(ctx, 'POST', `/api/v1/users/${support.id}/deactivate`, { cookie: adminCookie });
    expect((await call(ctx, 'GET', '/api/v1/users', { token: live })).status).toBe(401);
  });

  it('lets support revoke only their own tokens; admins may revoke any', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const support = await createAccount(ctx, 'support');
    await tokenFor(ctx, admin, 'admin');
    const { id } = await ctx.deps.db.selectFrom('access_tokens').select('id').executeTakeFirstOrThrow();
    expect(
      (await call(ctx, 'DELETE', `/api/v1/tokens/${id}`, { cookie: await sessionCookieFor(ctx, support) })).status,
    ).toBe(404);
    const supportList = (await (
      await call(ctx, 'GET', '/api/v1/tokens', { cookie: await sessionCookieFor(ctx, support) })
    ).json()) as { items: unknown[] };
    expect(supportList.items).toHaveLength(0);
    await tokenFor(ctx, support, 'read');
    const supportTokenId = (
      await ctx.deps.db
        .selectFrom('access_tokens')
        .select('id')
        .where('account_id', '=', support.id)
        .executeTakeFirstOrThrow()
    ).id;
    expect(
      (await call(ctx, 'DELETE', `/api/v1/tokens/${supportTokenId}`, { cookie: await sessionCookieFor(ctx, admin) }))
        .status,
    ).toBe(204);
  });

  it('rejects malformed and unknown bearer tokens', async () => {
    const ctx = await makeApp();
    for (const authorization of ['Bearer nonsense', 'Bearer skp_aaaaaaaaaaaaaaaa.bbbb', 'Basic abc', 'Bearer']) {
      const response = await call(ctx, 'GET', '/api/v1/me', { headers: { authorization } });
      expect(response.status, authorization).toBe(401);
    }
  });

  it('validates token requests with field messages', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const cookie = await sessionCookieFor(ctx, admin);
    const response = await call(ctx, 'POST', '/api/v1/tokens', {
      cookie,
      json: { name: '', scope: 'root', expiresAt: 'tomorrow' },
    });
    expect(response.status).toBe(400);
    const fields = ((await response.json()) as ErrorBody).error.fields ?? {};
    expect(Object.keys(fields).sort()).toEqual(['expiresAt', 'name', 'scope']);
    expect(fields.scope).toContain('read');
    const past = await call(ctx, 'POST', '/api/v1/tokens', {
      cookie,
      json: { name: 'old', scope: 'read', expiresAt: '2000-01-01T00:00:00Z' },
    });
    expect(((await past.json()) as ErrorBody).error.fields?.expiresAt).toBe('Choose a time in the future.');
  });
});
