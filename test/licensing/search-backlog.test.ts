// A large import's rows enter SQLite's search index after they are all written (server/licensing/search-backlog.ts):
// until then they are out of the index, and whether the import ends indexed, half indexed and swept, or edited on the
// way, the index agrees with the table. FTS5's own integrity check (for an index over a table: every row of the table
// in the index with exactly its values, and nothing else) is the judge.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database as SQLiteDatabase } from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.ts';
import { writeTurnsOf } from '../../server/db/write-turns.ts';
import { SEARCH_ROWS_PER_STATEMENT, searchBacklog } from '../../server/licensing/search-backlog.ts';
import { indexInWorker } from '../../server/licensing/search-index-worker.ts';
import { licenceSearchNoSizesMigration } from '../../server/licensing/search-migration.ts';
import { migrations } from '../../server/migrations.ts';
import { compileRules } from '../../shared/licensing/classify.ts';
import { addEnvironment, writeStagedAccounts } from '../support/staged-accounts.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function database() {
  const dir = await mkdtemp(join(tmpdir(), 'seatkeeper-search-backlog-'));
  dirs.push(dir);
  const opened = await openDatabase({ dataDir: dir }, { migrations });
  const sqlite = opened.sqlite as SQLiteDatabase;
  addEnvironment(sqlite);
  return { opened, sqlite };
}

const rules = compileRules('Partners', ['acme.com']);

/** `count` accounts of `generation`, each username holding `tag`. */
function write(sqlite: SQLiteDatabase, generation: number, tag: string, count: number): void {
  writeStagedAccounts(sqlite, 'e1', rules, generation, count, (i) => ({
    username: `${tag}${i}`,
    email: `${tag}.${i}@partner.example`,
    name: i === 7 ? '田中 花子' : '',
  }));
}

/**
 * Rows the index finds holding `text` (three characters or more): those holding each of its trigrams (the index keeps
 * no positions), then checked for the whole text, as the users list does.
 */
function found(sqlite: SQLiteDatabase, text: string): number {
  const trigrams = [];
  for (let i = 0; i + 3 <= text.length; i++) trigrams.push(`"${text.slice(i, i + 3)}"`);
  const like = `%${text}%`;
  return (
    sqlite
      .prepare(
        `select count(*) as n from licence_accounts a
         where a.id in (select rowid from licence_accounts_search where licence_accounts_search match ?)
           and (a.email_lc like ? or a.username_lc like ? or a.name_lc like ?)`,
      )
      .get(trigrams.join(' AND '), like, like, like) as { n: number }
  ).n;
}

const intact = (sqlite: SQLiteDatabase) =>
  sqlite.prepare("insert into licence_accounts_search (licence_accounts_search) values ('integrity-check')").run();

const backlogRows = (sqlite: SQLiteDatabase) =>
  sqlite.prepare('select generation, indexed_to from licence_search_backlog').all();

describe("a large import's rows in the search index", () => {
  it('stay out of it while written, then all go in, and other writes are indexed meanwhile', async () => {
    const { opened, sqlite } = await database();
    const backlog = searchBacklog(sqlite, 5);
    backlog.open();
    write(sqlite, 5, 'zqstaged', 12_345);
    write(sqlite, 0, 'zqshared', 3);
    expect(found(sqlite, 'zqstaged')).toBe(0);
    expect(found(sqlite, 'zqshared')).toBe(3);

    const calls: { indexed: number; done: boolean }[] = [];
    for (;;) {
      // One statement per call: the caller's "someone is waiting" after each.
      const some = backlog.indexSome(() => true);
      calls.push(some);
      if (some.done) break;
    }
    const whole = Math.floor(12_345 / SEARCH_ROWS_PER_STATEMENT);
    expect(calls.map((c) => c.indexed)).toEqual([
      ...Array(whole).fill(SEARCH_ROWS_PER_STATEMENT),
      12_345 - whole * SEARCH_ROWS_PER_STATEMENT,
      0,
    ]);
    expect(found(sqlite, 'zqstaged')).toBe(12_345);
    expect(found(sqlite, 'zqstaged1234')).toBe(6); // 1234 and 12340 to 12344
    expect(found(sqlite, '田中 花')).toBe(1);
    expect(backlogRows(sqlite)).toEqual([]);
    intact(sqlite);
    // Written after the backlog is gone: indexed by the trigger again.
    write(sqlite, 5, 'zqlater', 2);
    expect(found(sqlite, 'zqlater')).toBe(2);
    intact(sqlite);
    await opened.close();
  });

  it('half indexed, edited and then swept as a failed import is, leaves the index intact and forgets the backlog', async () => {
    const { opened, sqlite } = await database();
    const backlog = searchBacklog(sqlite, 6);
    backlog.open();
    write(sqlite, 6, 'zqfailed', 8_000);
    expect(backlog.indexSome(() => true)).toEqual({ indexed: SEARCH_ROWS_PER_STATEMENT, done: false });
    expect(backlogRows(sqlite)).toHaveLength(1);
    const ids = sqlite
      .prepare('select id from licence_accounts where generation = 6 order by id')
      .pluck()
      .all() as number[];
    const indexedId = ids[10] as number;
    const waitingId = ids[7_000] as number;
    // An edit of a row in the index and of one waiting (the search trigger on update).
    const edit = sqlite.prepare(
      "update licence_accounts set email_lc = 'zqedited' || id || '@partner.example' where id = ?",
    );
    edit.run(indexedId);
    edit.run(waitingId);
    expect(found(sqlite, `zqedited${indexedId}`)).toBe(1);
    expect(found(sqlite, `zqedited${waitingId}`)).toBe(0);
    expect(found(sqlite, 'zqfailed')).toBe(SEARCH_ROWS_PER_STATEMENT);

    // The sweep of a retired generation (provider-rows.ts): its rows deleted a batch at a time, then the generation.
    sqlite
      .prepare(
        "insert into licence_retired_generations (generation, environment_id, provider, retired_at) values (6, '', '', '2026-12-05')",
      )
      .run();
    const remove = sqlite.prepare('delete from licence_accounts where id in (select value from json_each(?))');
    for (let from = 0; from < ids.length; from += 500) remove.run(JSON.stringify(ids.slice(from, from + 500)));
    sqlite.prepare('delete from licence_retired_generations where generation = 6').run();
    expect(found(sqlite, 'zqfailed')).toBe(0);
    expect(found(sqlite, `zqedited${indexedId}`)).toBe(0);
    expect(backlogRows(sqlite)).toEqual([]);
    intact(sqlite);
    await opened.close();
  });

  it('keeps a backlog whose rows are not all deleted when its generation is forgotten', async () => {
    const { opened, sqlite } = await database();
    searchBacklog(sqlite, 7).open();
    write(sqlite, 7, 'zqkept', 10);
    sqlite
      .prepare(
        "insert into licence_retired_generations (generation, environment_id, provider, retired_at) values (7, '', '', '2026-12-05')",
      )
      .run();
    sqlite.prepare('delete from licence_retired_generations where generation = 7').run();
    expect(backlogRows(sqlite)).toEqual([{ generation: 7, indexed_to: 0 }]);
    // Deleting them now touches nothing in the index.
    sqlite.prepare('delete from licence_accounts where generation = 7').run();
    intact(sqlite);
    await opened.close();
  });

  it('rebuilt without column sizes (migration), a waiting import included, stays intact as its rows are deleted', async () => {
    const { opened, sqlite } = await database();
    const backlog = searchBacklog(sqlite, 8);
    backlog.open();
    write(sqlite, 8, 'zqwaiting', 3_000);
    write(sqlite, 0, 'zqshared', 5);
    expect(backlog.indexSome(() => true)).toEqual({ indexed: SEARCH_ROWS_PER_STATEMENT, done: false });
    const table = () =>
      sqlite.prepare("select sql from sqlite_master where name = 'licence_accounts_search'").pluck().get() as string;
    const sizes = () =>
      sqlite.prepare("select count(*) from sqlite_master where name = 'licence_accounts_search_docsize'").pluck().get();
    expect(table()).toContain('columnsize=0');
    expect(sizes()).toBe(0);
    // Back to the index before the migration, and forward again, each time rebuilt from the table.
    await licenceSearchNoSizesMigration.down?.(opened.db);
    expect(table()).not.toContain('columnsize');
    expect(sizes()).toBe(1);
    intact(sqlite);
    await licenceSearchNoSizesMigration.up(opened.db);
    expect(table()).toContain('columnsize=0');
    expect(sizes()).toBe(0);
    intact(sqlite);
    // Every row is in the index now, and the backlog says so.
    expect(found(sqlite, 'zqwaiting')).toBe(3_000);
    expect(found(sqlite, 'zqshared')).toBe(5);
    const last = sqlite.prepare('select max(id) from licence_accounts where generation = 8').pluck().get();
    expect(backlogRows(sqlite)).toEqual([{ generation: 8, indexed_to: last }]);
    // The failed import's rows deleted as the sweep does: each leaves the index with its row.
    sqlite.prepare('delete from licence_accounts where generation = 8').run();
    expect(found(sqlite, 'zqwaiting')).toBe(0);
    intact(sqlite);
    await opened.close();
  });

  it("are put in by the index's worker, which tells how many so far", async () => {
    const { opened, sqlite } = await database();
    searchBacklog(sqlite, 9).open();
    write(sqlite, 9, 'zqworker', 120_000);
    const told: number[] = [];
    const outcome = await indexInWorker(
      {
        path: sqlite.name,
        turns: writeTurnsOf(sqlite).buffer,
        generation: 9,
        cancel: new SharedArrayBuffer(4),
      },
      (rows) => told.push(rows),
    );
    expect(outcome).toBe('indexed');
    // 0 when it begins, then each time another 50,000 rows or more are in.
    expect(told[0]).toBe(0);
    expect(told.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < told.length; i++) {
      expect(told[i] as number).toBeGreaterThanOrEqual((told[i - 1] as number) + 50_000);
      expect(told[i] as number).toBeLessThanOrEqual(120_000);
    }
    expect(found(sqlite, 'zqworker11999')).toBe(11);
    expect(backlogRows(sqlite)).toEqual([]);
    intact(sqlite);
    await opened.close();
  });
});
