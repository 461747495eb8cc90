import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CALLERS,
  type CallerKey,
  permissionMatrix,
  renderPermissionMatrixMarkdown,
} from '../../server/http/permissions.ts';
import {
  call,
  createAccount,
  makeApp,
  STRONG_PASSWORD,
  sessionCookieFor,
  type TestContext,
  tokenFor,
  uniqueEmail,
} from '../support/server.ts';

type Credentials = { cookie?: string; token?: string };

async function callers(ctx: TestContext): Promise<Record<CallerKey, Credentials>> {
  const candidate = await createAccount(ctx, 'candidate');
  const support = await createAccount(ctx, 'support');
  const admin = await createAccount(ctx, 'admin');
  return {
    anonymous: {},
    candidate: { cookie: await sessionCookieFor(ctx, candidate) },
    support: { cookie: await sessionCookieFor(ctx, support) },
    admin: { cookie: await sessionCookieFor(ctx, admin) },
    supportReadToken: { token: await tokenFor(ctx, support, 'read') },
    adminReadToken: { token: await tokenFor(ctx, admin, 'read') },
    adminAdminToken: { token: await tokenFor(ctx, admin, 'admin') },
  };
}

/** A request body that passes validation, so allowed calls reach the handler. */
function sampleBody(route: string, target: { email: string }): unknown {
  switch (route) {
    case 'signIn':
      return { email: target.email, password: STRONG_PASSWORD };
    case 'register':
      return { name: 'New Candidate', email: uniqueEmail('reg'), password: STRONG_PASSWORD };
    case 'verifyEmail':
      return { token: 'aaaaaaaaaaaaaaaa.bbbb' };
    case 'requestPasswordReset':
      return { email: target.email };
    case 'confirmPasswordReset':
      return { token: 'aaaaaaaaaaaaaaaa.bbbb', password: STRONG_PASSWORD };
    case 'setup':
      return { token: 'aaaaaaaaaaaaaaaa.bbbb', name: 'Root', email: uniqueEmail('root'), password: STRONG_PASSWORD };
    case 'createUser':
      return { name: 'Staff', email: uniqueEmail('staff'), role: 'support', password: STRONG_PASSWORD };
    case 'updateUser':
      return { name: 'Renamed' };
    case 'createToken':
      return { name: 'script', scope: 'read' };
    default:
      return undefined;
  }
}

// The matrix as the route declarations say it, read from a running app's OpenAPI document.
const matrix = permissionMatrix((await makeApp()).openApiDocument());
const byOperation = new Map(matrix.map((row) => [row.operationId, row]));
const allowed = (operationId: string) => byOperation.get(operationId)?.allowed ?? {};

describe('permission matrix', () => {
  it.each(matrix.map((row) => row.operationId))('%s answers every caller as the matrix says', async (key) => {
    const ctx = await makeApp();
    const who = await callers(ctx);
    const target = await createAccount(ctx, 'support');
    const owner = await createAccount(ctx, 'admin');
    await tokenFor(ctx, owner, 'read');
    const { id: tokenId } = await ctx.deps.db
      .selectFrom('access_tokens')
      .select('id')
      .where('account_id', '=', owner.id)
      .executeTakeFirstOrThrow();
    const route = byOperation.get(key) as (typeof matrix)[number];
    const path = route.path
      .replace('{id}', route.path.startsWith('/api/v1/tokens') ? tokenId : target.id)
      .replace('{questionId}', 'q1');
    const outcome: Record<string, number> = {};
    for (const caller of CALLERS) {
      const body = sampleBody(key, target);
      const response = await call(ctx, route.method, path, {
        ...who[caller.key],
        ...(body === undefined ? {} : { json: body }),
      });
      outcome[caller.key] = response.status;
      if (route.allowed[caller.key]) {
        expect(response.status, `${caller.key} should be allowed`).not.toBe(401);
        expect(response.status, `${caller.key} should be allowed`).not.toBe(403);
        expect(response.status, `${caller.key} should not crash`).toBeLessThan(500);
      } else {
        expect(response.status, `${caller.key} should be denied`).toBe(caller.key === 'anonymous' ? 401 : 403);
        const body = (await response.json()) as { error: { code: string } };
        expect(body.error.code).toBe(caller.key === 'anonymous' ? 'unauthenticated' : 'forbidden');
      }
    }
    expect(Object.keys(outcome)).toHaveLength(CALLERS.length);
  });

  it('covers every API route the app registers, and nothing else', async () => {
    const ctx = await makeApp();
    const registered = new Set(
      ctx.app.routes
        .filter((r) => r.method !== 'ALL' && (r.path.startsWith('/api/v1') || r.path === '/healthz'))
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    const declared = new Set(matrix.map((r) => `${r.method} ${r.path}`));
    expect([...registered].sort()).toEqual([...declared].sort());
  });

  it('is written down in docs/server.md exactly as enforced', async () => {
    const doc = readFileSync(new URL('../../docs/server.md', import.meta.url), 'utf8');
    expect(doc).toContain(renderPermissionMatrixMarkdown((await makeApp()).openApiDocument()));
  });

  it('keeps the intended shape: staff-only user listing, admin-only changes, no tokens minting tokens', () => {
    expect(allowed('listUsers')).toMatchObject({
      anonymous: false,
      candidate: false,
      support: true,
      supportReadToken: true,
    });
    expect(allowed('updateUser')).toMatchObject({
      support: false,
      admin: true,
      adminReadToken: false,
      adminAdminToken: true,
    });
    expect(allowed('createToken')).toMatchObject({ support: true, admin: true, adminAdminToken: false });
    expect(allowed('outbox')).toMatchObject({ support: false, admin: true });
    expect(allowed('me')).toMatchObject({ anonymous: false, candidate: true, supportReadToken: true });
  });
});
