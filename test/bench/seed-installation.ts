// Seeds a migrated database with the large installation of test/support/installation-rows.ts, straight into the
// tables (the server's own import would be the thing measured, not the set-up): SQLite through one prepared insert per
// table in one transaction, PostgreSQL through `insert ... select from unnest(arrays)` in batches of 50,000 rows.
import SQLite from 'better-sqlite3';
import type pg from 'pg';
import {
  ACCOUNT_COLUMNS,
  accountRows,
  DIRECTORY_COLUMNS,
  directoryRows,
  OWN_DOMAINS,
  PROVIDER_COLUMNS,
  providerRows,
  SEEDED_ENVIRONMENTS,
} from '../support/installation-rows.ts';

/** Columns holding 0/1 flags and other integers; everything else is text. */
const INTEGER_COLUMNS = new Set(['active', 'it_user', 'staff', 'production', 'own']);
const ENVIRONMENT_COLUMNS = Object.keys(SEEDED_ENVIRONMENTS[0] ?? {});

/** `total` accounts into the SQLite file at `file` (already migrated); analysed afterwards, as a live one would be. */
export function seedSqlite(file: string, total: number): void {
  const sqlite = new SQLite(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = OFF');
    const insertInto = (table: string, columns: readonly string[]) =>
      sqlite.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`);
    const insertAccount = insertInto('accounts', ACCOUNT_COLUMNS);
    const insertDirectory = insertInto('licence_accounts', DIRECTORY_COLUMNS);
    const insertProvider = insertInto('licence_providers', PROVIDER_COLUMNS);
    const insertEnvironment = insertInto('licence_environments', ENVIRONMENT_COLUMNS);
    sqlite.transaction(() => {
      sqlite.prepare('update licence_environments set internal_domains = ? where id = ?').run(OWN_DOMAINS, 'own');
      for (const env of SEEDED_ENVIRONMENTS) insertEnvironment.run(...Object.values(env));
      for (const row of accountRows(total)) insertAccount.run(...row);
      for (const row of providerRows()) insertProvider.run(...row);
      for (const row of directoryRows(total)) insertDirectory.run(...row);
    })();
    sqlite.exec('analyze');
  } finally {
    sqlite.close();
  }
}

/** Rows in batches of 50,000 as one `insert ... select from unnest(arrays)` each: no per-row statement. */
async function insertAll(client: pg.ClientBase, table: string, columns: readonly string[], rows: Iterable<unknown[]>) {
  const types = columns.map((c) => (INTEGER_COLUMNS.has(c) ? 'int[]' : 'text[]'));
  const text = `insert into ${table} (${columns.join(', ')})
    select * from unnest(${types.map((type, i) => `$${i + 1}::${type}`).join(', ')})`;
  let batch: unknown[][] = columns.map(() => []);
  let size = 0;
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) (batch[i] as unknown[]).push(row[i]);
    if (++size < 50_000) continue;
    await client.query(text, batch);
    batch = columns.map(() => []);
    size = 0;
  }
  if (size > 0) await client.query(text, batch);
}

/** `total` accounts into a migrated PostgreSQL database, in one transaction, then analysed. */
export async function seedPostgres(pool: pg.Pool, total: number): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`update licence_environments set internal_domains = $1 where id = 'own'`, [OWN_DOMAINS]);
    await insertAll(
      client,
      'licence_environments',
      ENVIRONMENT_COLUMNS,
      SEEDED_ENVIRONMENTS.map((e) => Object.values(e)),
    );
    await insertAll(client, 'accounts', ACCOUNT_COLUMNS, accountRows(total));
    await insertAll(client, 'licence_providers', PROVIDER_COLUMNS, providerRows());
    await insertAll(client, 'licence_accounts', DIRECTORY_COLUMNS, directoryRows(total));
    await client.query('commit');
    await client.query('analyze');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
