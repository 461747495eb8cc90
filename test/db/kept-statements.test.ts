// Kysely's SQLite driver prepares every query it runs; keptStatements (server/db/kept-statements.ts) hands back the
// statement prepared before for the same text, never one still being iterated, and keeps a bounded number of them.
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { keptStatements } from '../../server/db/kept-statements.ts';

/** An in-memory database whose prepare calls are counted. */
function counted() {
  const sqlite = new SQLite(':memory:');
  sqlite.exec('create table t (id integer primary key, name text)');
  sqlite.exec("insert into t (name) values ('ann'), ('bo'), ('cy')");
  const prepared: string[] = [];
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((text: string) => {
    prepared.push(text);
    return prepare(text);
  }) as typeof sqlite.prepare;
  return { sqlite, prepared };
}

describe('kept statements', () => {
  it('prepare each text once and run it again with other parameters', () => {
    const { sqlite, prepared } = counted();
    const kept = keptStatements(sqlite);
    const byId = 'select name from t where id = ?';
    expect(kept.prepare(byId).all([1])).toEqual([{ name: 'ann' }]);
    expect(kept.prepare(byId).all([2])).toEqual([{ name: 'bo' }]);
    expect(kept.prepare('select count(*) as n from t').all([])).toEqual([{ n: 3 }]);
    expect(prepared).toEqual([byId, 'select count(*) as n from t']);
  });

  it('give a fresh statement while the kept one is being iterated', () => {
    const { sqlite, prepared } = counted();
    const kept = keptStatements(sqlite);
    const all = 'select name from t order by id';
    const iterating = kept.prepare(all).iterate([]);
    expect(iterating.next().value).toEqual({ name: 'ann' });
    // Running the busy statement again would throw ("This statement is busy executing a query").
    expect(kept.prepare(all).all([])).toHaveLength(3);
    expect([...iterating].map((row) => (row as { name: string }).name)).toEqual(['bo', 'cy']);
    kept.prepare(all).all([]);
    expect(prepared).toEqual([all, all]);
  });

  it('let the least recently used go past their number', () => {
    const { sqlite, prepared } = counted();
    const kept = keptStatements(sqlite, 2);
    const [a, b, c] = ['select 1 as n', 'select 2 as n', 'select 3 as n'];
    kept.prepare(a);
    kept.prepare(b);
    kept.prepare(a);
    kept.prepare(c);
    kept.prepare(a);
    kept.prepare(b);
    expect(prepared).toEqual([a, b, c, b]);
  });

  it('read a table changed after they were prepared', () => {
    const { sqlite } = counted();
    const kept = keptStatements(sqlite);
    expect(kept.prepare('select * from t where id = ?').all([1])).toEqual([{ id: 1, name: 'ann' }]);
    sqlite.exec("alter table t add column email text not null default ''");
    sqlite.exec("update t set email = 'ann@example.com' where id = 1");
    expect(kept.prepare('select * from t where id = ?').all([1])).toEqual([
      { id: 1, name: 'ann', email: 'ann@example.com' },
    ]);
  });

  it('serve Kysely: queries, a streamed query, writes and a transaction', async () => {
    const { sqlite, prepared } = counted();
    const db = new Kysely<{ t: { id: number; name: string } }>({
      dialect: new SqliteDialect({ database: keptStatements(sqlite) }),
    });
    const names: string[] = [];
    for await (const row of db.selectFrom('t').select('name').orderBy('id').stream()) names.push(row.name);
    for (let k = 0; k < 3; k++) expect(await db.selectFrom('t').select('name').orderBy('id').execute()).toHaveLength(3);
    expect(names).toEqual(['ann', 'bo', 'cy']);
    await sql`insert into t (name) values (${'dee'})`.execute(db);
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('t').set({ name: 'Dee' }).where('id', '=', 4).execute();
    });
    for (const id of [4, 1]) {
      expect(await db.selectFrom('t').select('name').where('id', '=', id).executeTakeFirst()).toEqual({
        name: id === 4 ? 'Dee' : 'ann',
      });
    }
    // The same texts prepared once each: the select run three times and the select by id run twice among them.
    expect(new Set(prepared).size).toBe(prepared.length);
    await db.destroy();
    expect(sqlite.open).toBe(false);
  });
});
