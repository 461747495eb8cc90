import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connectionOptions } from '../../server/db/postgres.ts';
import { writeTransaction } from '../../server/db/transaction.ts';
import { makeApp } from '../support/server.ts';

describe('write transactions on PostgreSQL', () => {
  it('survive a real deadlock: the transaction PostgreSQL aborts is run again and both changes land', async () => {
    const ctx = await makeApp();
    const { db } = ctx.deps;
    await db
      .insertInto('licence_history')
      .values([
        { day: '2026-01-01', internal: 0, external: 0, internal_capacity: null, external_capacity: null, at: 'x' },
        { day: '2026-01-02', internal: 0, external: 0, internal_capacity: null, external_capacity: null, at: 'x' },
      ])
      .execute();
    // Each transaction locks one row, waits until the other holds its row, then wants the other's row. Only the first
    // looks for the deadlock soon (deadlock_timeout): when both looked at once on a busy machine, PostgreSQL could
    // abort both, and which one was run again was left to chance.
    let holding = 0;
    let bothHold: () => void = () => {};
    const bothHolding = new Promise<void>((resolve) => {
      bothHold = resolve;
    });
    const tries = { first: 0, second: 0 };
    const crossing = (name: 'first' | 'second', mine: string, theirs: string) =>
      writeTransaction(db, async (trx) => {
        tries[name]++;
        await sql`set local deadlock_timeout = ${sql.lit(name === 'first' ? '50ms' : '60s')}`.execute(trx);
        await trx
          .updateTable('licence_history')
          .set({ internal: (eb) => eb('internal', '+', 1) })
          .where('day', '=', mine)
          .execute();
        if (++holding === 2) bothHold();
        await bothHolding;
        await trx
          .updateTable('licence_history')
          .set({ external: (eb) => eb('external', '+', 1) })
          .where('day', '=', theirs)
          .execute();
      });
    await Promise.all([crossing('first', '2026-01-01', '2026-01-02'), crossing('second', '2026-01-02', '2026-01-01')]);
    expect(tries).toEqual({ first: 2, second: 1 });
    const rows = await db
      .selectFrom('licence_history')
      .select(['day', 'internal', 'external'])
      .orderBy('day')
      .execute();
    expect(rows).toEqual([
      { day: '2026-01-01', internal: 1, external: 1 },
      { day: '2026-01-02', internal: 1, external: 1 },
    ]);
  });
});

describe('the connections of the app', () => {
  it('compile no plan (JIT off), keeping options the database URL sets', async () => {
    const ctx = await makeApp();
    const { rows } = await sql<{ jit: string }>`select current_setting('jit') as jit`.execute(ctx.deps.db);
    expect(rows[0]?.jit).toBe('off');
    expect(connectionOptions('postgres://u@h/db?options=-c%20statement_timeout%3D5000')).toBe(
      '-c statement_timeout=5000 -c jit=off',
    );
  });
});
