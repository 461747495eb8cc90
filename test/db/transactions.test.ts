import { describe, expect, it } from 'vitest';
import { hitThrottle, RULES } from '../../server/auth/throttle.ts';
import { MAX_TRANSACTION_ATTEMPTS, writeTransaction } from '../../server/db/transaction.ts';
import { anotherInstance, makeApp } from '../support/server.ts';
import { TEST_DIALECT } from '../support/test-database.ts';

// What each dialect reports when another transaction got in the way (server/db/dialect.ts: isTransientConflict).
const CONFLICT_CODES = TEST_DIALECT === 'postgres' ? ['40001', '40P01'] : ['SQLITE_BUSY'];
const conflict = (code: string) => Object.assign(new Error(`simulated conflict ${code}`), { code });

async function outboxRows(ctx: Awaited<ReturnType<typeof makeApp>>) {
  return ctx.deps.db.selectFrom('outbox').select('subject').execute();
}

describe('write transactions', () => {
  it.each(CONFLICT_CODES)(
    'run the whole transaction again after a conflict (%s), keeping nothing of the failed try',
    async (code) => {
      const ctx = await makeApp();
      let tries = 0;
      const result = await writeTransaction(ctx.deps.db, async (trx) => {
        tries++;
        await trx
          .insertInto('outbox')
          .values({ created_at: 'now', to_address: 'a@example.com', subject: `try ${tries}`, body: '' })
          .execute();
        if (tries < 3) throw conflict(code);
        return 'done';
      });
      expect(result).toBe('done');
      expect(tries).toBe(3);
      expect(await outboxRows(ctx)).toEqual([{ subject: 'try 3' }]);
    },
  );

  it('give up after a bounded number of tries and pass the conflict on', async () => {
    const ctx = await makeApp();
    let tries = 0;
    const failing = writeTransaction(ctx.deps.db, async (trx) => {
      tries++;
      await trx
        .insertInto('outbox')
        .values({ created_at: 'now', to_address: 'a@example.com', subject: 'never', body: '' })
        .execute();
      throw conflict(CONFLICT_CODES[0] as string);
    });
    await expect(failing).rejects.toThrow(/simulated conflict/);
    expect(tries).toBe(MAX_TRANSACTION_ATTEMPTS);
    expect(await outboxRows(ctx)).toEqual([]);
  });

  it('do not retry other errors', async () => {
    const ctx = await makeApp();
    let tries = 0;
    const failing = writeTransaction(ctx.deps.db, async () => {
      tries++;
      throw new Error('a bug, not a conflict');
    });
    await expect(failing).rejects.toThrow('a bug, not a conflict');
    expect(tries).toBe(1);
  });
});

describe('rate limits shared by instances', () => {
  it('let exactly the limit through of hits made at once, from two instances', async () => {
    const ctx = await makeApp();
    const other = await anotherInstance(ctx);
    const now = ctx.now();
    const states = await Promise.all(
      Array.from({ length: 40 }, (_, i) => hitThrottle((i % 2 ? ctx : other).deps.db, RULES.signInIp, '10.9.9.9', now)),
    );
    expect(states.filter((state) => !state.limited)).toHaveLength(RULES.signInIp.limit);
    const row = await ctx.deps.db.selectFrom('rate_limits').select('hits').executeTakeFirstOrThrow();
    expect(row.hits).toBe(RULES.signInIp.limit);
    expect((await hitThrottle(other.deps.db, RULES.signInIp, '10.9.9.9', now)).limited).toBe(true);
    // A new window starts from one hit once the old one has ended.
    ctx.advance(RULES.signInIp.windowSeconds);
    expect((await hitThrottle(ctx.deps.db, RULES.signInIp, '10.9.9.9', ctx.now())).limited).toBe(false);
    expect((await ctx.deps.db.selectFrom('rate_limits').select('hits').executeTakeFirstOrThrow()).hits).toBe(1);
  });
});
