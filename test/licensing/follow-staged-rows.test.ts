// An import's rows taken into the live figures while its worker writes them (server/licensing/provider-rows.ts,
// `followStagedRows`): every row of the import's generation once, in id order, whatever the writer commits between two
// reads; nothing of another generation or environment; and the writer's failure ends the reading with its error. The
// writer here is a second connection to the same file, as the import's worker thread is.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import SQLite, { type Database as SQLiteDatabase } from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.ts';
import { FOLLOW_ROWS, followStagedRows, type ProviderRow } from '../../server/licensing/provider-rows.ts';
import { migrations } from '../../server/migrations.ts';
import { compileRules } from '../../shared/licensing/classify.ts';
import { addEnvironment, writeStagedAccounts } from '../support/staged-accounts.ts';

const dirs: string[] = [];
const closing: (() => unknown)[] = [];
afterAll(async () => {
  for (const close of closing) await close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function database() {
  const dir = await mkdtemp(join(tmpdir(), 'seatkeeper-follow-staged-'));
  dirs.push(dir);
  const opened = await openDatabase({ dataDir: dir }, { migrations });
  closing.push(() => opened.close());
  const reader = opened.sqlite as SQLiteDatabase;
  addEnvironment(reader, 'e1', 'Partners');
  addEnvironment(reader, 'e2', 'Staff');
  const writer = new SQLite(join(dir, 'seatkeeper.sqlite'));
  writer.pragma('busy_timeout = 5000');
  closing.push(() => writer.close());
  return { reader, writer };
}

const rules = compileRules('Partners', ['acme.com']);

/** `count` accounts of `generation` in environment `env`, in one transaction; providers alternate LDAP and AD. */
function write(sqlite: SQLiteDatabase, env: string, generation: number, tag: string, count: number): void {
  writeStagedAccounts(sqlite, env, rules, generation, count, (i) => ({
    provider: i % 2 === 0 ? 'LDAP' : 'AD',
    username: `${tag}${i}`,
    // Not in id order: the import's worker writes rows sorted by email.
    email: `${tag}.${(i * 7919) % count}@${i % 3 === 0 ? 'acme.com' : 'partner.example'}`,
    active: i % 5 !== 0,
  }));
}

const idsOf = (sqlite: SQLiteDatabase, env: string, generation: number) =>
  (
    sqlite
      .prepare('select id from licence_accounts where environment_id = ? and generation = ? order by id')
      .all(env, generation) as { id: number }[]
  ).map((row) => row.id);

describe("an import's rows read as its worker writes them", () => {
  it('visits every row of the generation once, in id order, however the writes and reads interleave', async () => {
    const { reader, writer } = await database();
    // Rows before the import, and of another environment and generation meanwhile: not the import's.
    write(writer, 'e1', 0, 'old', 300);
    const visited: ProviderRow[] = [];
    let visits = 0;
    let ended = false;
    let finished = false;
    const writing = (async () => {
      // Transactions of several sizes, the largest more than one read's worth, with turns of the event loop between.
      for (const [step, size] of [1, 2_999, FOLLOW_ROWS + 1, 10, 7_000, 1].entries()) {
        write(writer, 'e1', 9, `s${step}x`, size);
        write(writer, 'e2', 9, `other${step}x`, 5);
        write(writer, 'e1', 8, `next${step}x`, 5);
        // Waits until the reader has taken these rows and looked again, finding none: it waits for more.
        const seen = visits;
        while (visits === seen && !finished) await nextTurn();
        for (let turn = 0; turn < 3; turn++) await nextTurn();
      }
      ended = true;
    })();
    await followStagedRows(reader, 'e1', 9, writing, async (rows) => {
      visits++;
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.length).toBeLessThanOrEqual(FOLLOW_ROWS);
      visited.push(...rows);
      await nextTurn();
    }).finally(() => {
      finished = true;
    });
    expect(ended).toBe(true);
    const ids = visited.map((row) => row.id);
    expect(ids).toEqual(idsOf(reader, 'e1', 9));
    expect(ids).toHaveLength(1 + 2_999 + FOLLOW_ROWS + 1 + 10 + 7_000 + 1);
    // Read more than once while the writer was still writing.
    expect(visits).toBeGreaterThan(4);
    expect(new Set(visited.map((row) => row.provider))).toEqual(new Set(['LDAP', 'AD']));
    const row = visited.find((r) => r.username === 's1x0');
    expect(row).toMatchObject({ provider: 'LDAP', email: 's1x.0@acme.com', active: 0, tenant: '' });
  });

  it("ends with the writer's error, after the rows it committed", async () => {
    const { reader, writer } = await database();
    const failure = new Error('the worker stopped');
    const writing = (async () => {
      write(writer, 'e1', 4, 'a', 1_200);
      await nextTurn();
      throw failure;
    })();
    const visited: number[] = [];
    await expect(
      followStagedRows(reader, 'e1', 4, writing, async (rows) => {
        visited.push(...rows.map((row) => row.id));
      }),
    ).rejects.toBe(failure);
    expect(visited.length).toBeLessThanOrEqual(1_200);
    expect(visited).toEqual(idsOf(reader, 'e1', 4).slice(0, visited.length));
  });

  it('ends at once when the writer ends having written nothing', async () => {
    const { reader } = await database();
    const visited: number[] = [];
    await followStagedRows(reader, 'e1', 3, Promise.resolve(), async (rows) => {
      visited.push(rows.length);
    });
    expect(visited).toEqual([]);
  });
});
