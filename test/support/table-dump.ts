// Every row of every table as text, on either dialect: what a test searches for data that must be gone (issue 22).
// The table list comes from the database's own catalogue, so a table added later is searched too.
import { sql } from 'kysely';
import type { Db } from '../../server/db/database.ts';
import { dialectOf } from '../../server/db/dialect.ts';

export async function tableNames(db: Db): Promise<string[]> {
  const query =
    dialectOf(db).name === 'postgres'
      ? sql<{ name: string }>`select table_name as name from information_schema.tables
                               where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`
      : // A virtual table stores nothing itself: the search index reads licence_accounts, and its shadow tables
        // (what it does store) are searched as tables of their own.
        sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'
                               and sql not like 'CREATE VIRTUAL TABLE%' order by 1`;
  return (await query.execute(db)).rows.map((r) => r.name);
}

/** `table: JSON of a row` lines, one per row of every table. */
export async function dumpEveryTable(db: Db): Promise<string[]> {
  const lines: string[] = [];
  for (const table of await tableNames(db)) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    for (const row of rows) lines.push(`${table}: ${JSON.stringify(row)}`);
  }
  return lines;
}

/** The dumped rows that hold `needle` (ignoring case). */
export async function rowsHolding(db: Db, needle: string): Promise<string[]> {
  const lower = needle.toLowerCase();
  return (await dumpEveryTable(db)).filter((line) => line.toLowerCase().includes(lower));
}
