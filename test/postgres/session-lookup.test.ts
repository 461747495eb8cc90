// On PostgreSQL the sessions of requests arriving in one turn of the event loop are read in one query (session-store.ts):
// each request still gets its own session, an unknown one none, and a failed read fails only the requests that waited
// for it. Counted through the pool's query calls, on a real database.
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { batchedPostgresLookup } from '../../server/auth/session-store.ts';
import { createSession } from '../../server/auth/sessions.ts';
import { createAccount, makeApp, type TestContext } from '../support/server.ts';

async function sessionsOf(ctx: TestContext, count: number): Promise<{ id: string; email: string }[]> {
  const sessions: { id: string; email: string }[] = [];
  for (let i = 0; i < count; i++) {
    const account = await createAccount(ctx, 'candidate');
    const token = await createSession(ctx.deps.db, account.id, ctx.now());
    sessions.push({ id: token.split('.')[0] as string, email: account.email });
  }
  return sessions;
}

/** The app's pool with its query calls counted, and the next `failing` calls failed. */
function countedPool(ctx: TestContext) {
  const pool = ctx.database.postgres?.pool as pg.Pool;
  const counted = { queries: 0, failing: 0 };
  const query = ((...args: Parameters<pg.Pool['query']>) => {
    counted.queries++;
    if (counted.failing > 0) {
      counted.failing--;
      return Promise.reject(new Error('connection lost'));
    }
    return (pool.query as (...a: unknown[]) => unknown)(...args);
  }) as pg.Pool['query'];
  return { counted, pool: { query } };
}

describe('session lookups on PostgreSQL', () => {
  it('read the sessions asked for in one turn in one query, each answered with its own', async () => {
    const ctx = await makeApp({ dialect: 'postgres' });
    const [a, b, c] = await sessionsOf(ctx, 3);
    const { counted, pool } = countedPool(ctx);
    const lookup = batchedPostgresLookup(pool);
    const ids = [a?.id, b?.id, 'no-such-session', c?.id, a?.id] as string[];
    const records = await Promise.all(ids.map((id) => lookup(id, Date.now())));
    expect(counted.queries).toBe(1);
    expect(records.map((r) => r?.account.email)).toEqual([a?.email, b?.email, undefined, c?.email, a?.email]);
    // Each record whole: the secret's hash and the times come from the session row.
    expect(records[0]?.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(records[0]?.createdAt).toBe(ctx.now().toISOString());

    // One turn, one query: asked in two turns, two queries, the lone one through the single-session statement.
    expect((await lookup(b?.id as string, Date.now()))?.account.email).toBe(b?.email);
    expect(await lookup('no-such-session', Date.now())).toBeUndefined();
    expect(counted.queries).toBe(3);
  });

  it('fail only the lookups that waited for a failed read; the next turn reads again', async () => {
    const ctx = await makeApp({ dialect: 'postgres' });
    const [a, b] = await sessionsOf(ctx, 2);
    const { counted, pool } = countedPool(ctx);
    const lookup = batchedPostgresLookup(pool);
    counted.failing = 1;
    const failed = await Promise.allSettled([lookup(a?.id as string, 0), lookup(b?.id as string, 0)]);
    expect(failed.map((f) => f.status)).toEqual(['rejected', 'rejected']);
    const again = await Promise.all([lookup(a?.id as string, 0), lookup(b?.id as string, 0)]);
    expect(again.map((r) => r?.account.email)).toEqual([a?.email, b?.email]);
    expect(counted.queries).toBe(2);
  });

  it('split a turn of many sessions into queries of 500', async () => {
    const ctx = await makeApp({ dialect: 'postgres' });
    const [a] = await sessionsOf(ctx, 1);
    const { counted, pool } = countedPool(ctx);
    const lookup = batchedPostgresLookup(pool);
    const ids = Array.from({ length: 1_000 }, (_, k) => `unknown-${k}`);
    ids.splice(700, 0, a?.id as string);
    const records = await Promise.all(ids.map((id) => lookup(id, 0)));
    expect(counted.queries).toBe(3);
    expect(records.filter((r) => r !== undefined).map((r) => r?.account.email)).toEqual([a?.email]);
    expect(records[700]?.account.email).toBe(a?.email);
  });
});
