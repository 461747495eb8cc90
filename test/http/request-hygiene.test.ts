// Requests a proxy or a careless client sends (issue 23, item 7): a malformed multipart body is the client's mistake
// (400 saying what to send, not 500), and only the Bearer scheme in Authorization means an access token.
import { describe, expect, it } from 'vitest';
import { call, createAccount, makeApp, PUBLIC_URL, sessionCookieFor, tokenFor } from '../support/server.ts';

const MALFORMED = [
  { contentType: 'multipart/form-data; boundary=xyz', body: 'no boundary anywhere in here' },
  {
    contentType: 'multipart/form-data; boundary=xyz',
    body: '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nv',
  },
  { contentType: 'multipart/form-data', body: '--x\r\n' },
];

describe('malformed multipart bodies', () => {
  it.each(MALFORMED)('answer 400 with what to send on a page form ($contentType)', async ({ contentType, body }) => {
    const lines: string[] = [];
    const ctx = await makeApp({ log: (line) => lines.push(line) });
    const admin = await createAccount(ctx, 'admin');
    const cookie = await sessionCookieFor(ctx, admin);
    for (const [path, withCookie] of [
      ['/sign-in', false],
      ['/portal/new-account', true],
      ['/portal/environments', true],
    ] as const) {
      const response = await ctx.app.request(`${PUBLIC_URL}${path}`, {
        method: 'POST',
        headers: { 'content-type': contentType, origin: PUBLIC_URL, ...(withCookie ? { cookie } : {}) },
        body,
      });
      expect(response.status, path).toBe(400);
      expect(await response.text()).toContain('multipart/form-data with the boundary its Content-Type names');
    }
    expect(lines.filter((line) => line.includes('unhandled error'))).toEqual([]);
  });
});

describe('the Authorization header', () => {
  it('means an access token only with the Bearer scheme; a proxy’s Basic credentials leave the session in charge', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const cookie = await sessionCookieFor(ctx, admin);
    const basic = `Basic ${Buffer.from('proxy-user:proxy-pass').toString('base64')}`;

    const me = await call(ctx, 'GET', '/api/v1/me', { cookie, headers: { authorization: basic } });
    expect(me.status).toBe(200);
    const change = await call(ctx, 'PATCH', `/api/v1/users/${admin.id}`, {
      cookie,
      json: { name: 'Behind A Proxy' },
      headers: { authorization: basic },
    });
    expect(change.status).toBe(200);
    const page = await call(ctx, 'GET', '/portal/users', { cookie, headers: { authorization: basic } });
    expect(page.status).toBe(200);

    // Without a session, Basic credentials are simply no credentials: 401 unauthenticated, not "invalid token".
    const anonymous = await call(ctx, 'GET', '/api/v1/me', { headers: { authorization: basic } });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
  });

  it('reads the Bearer scheme case-insensitively, and refuses a bad bearer token even with a session', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const cookie = await sessionCookieFor(ctx, admin);
    const token = await tokenFor(ctx, admin, 'read');
    expect((await call(ctx, 'GET', '/api/v1/me', { headers: { authorization: `bearer ${token}` } })).status).toBe(200);
    const bad = await call(ctx, 'GET', '/api/v1/me', { cookie, headers: { authorization: 'Bearer skp_not-a-token' } });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_token');
  });
});
