// Every account as the engine sees it, read from PostgreSQL as raw arrays (a million row objects cost seconds) through
// cursors, in one snapshot of both tables: the PostgreSQL counterpart of rawRecords (state.ts).
import type pg from 'pg';
import type { AccountRecord } from '../../shared/licensing/count.ts';
import type { Account } from '../auth/tables.ts';
import {
  IMPORTED_ROWS_SQL,
  type ImportedRow,
  importedRecord,
  importRef,
  OWN_ROWS_SQL,
  type OwnRow,
  ownRecord,
} from './records.ts';

const FETCH_ROWS = 50_000;

async function eachRow<Row>(client: pg.ClientBase, query: string, visit: (row: Row) => void): Promise<void> {
  await client.query(`declare records no scroll cursor for ${query}`);
  for (;;) {
    const { rows } = await client.query<Row extends unknown[] ? Row : never>({
      text: `fetch forward ${FETCH_ROWS} from records`,
      rowMode: 'array',
    });
    for (const row of rows) visit(row);
    if (rows.length < FETCH_ROWS) break;
  }
  await client.query('close records');
}

export async function postgresRecords(
  client: pg.ClientBase,
  ownName: string,
  names: Map<string, string>,
  refFor: (rowId: number) => string | number = importRef,
): Promise<AccountRecord[]> {
  const records: AccountRecord[] = [];
  await client.query('begin isolation level repeatable read read only');
  try {
    await eachRow<OwnRow>(client, OWN_ROWS_SQL, ([id, email, role, active]) => {
      records.push(ownRecord(ownName, { id, email, role: role as Account['role'], active }));
    });
    await eachRow<ImportedRow>(client, IMPORTED_ROWS_SQL, (row) => records.push(importedRecord(row, names, refFor)));
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  }
  return records;
}

/** The same read on a pooled connection. */
export async function pooledPostgresRecords(
  pool: pg.Pool,
  ownName: string,
  names: Map<string, string>,
): Promise<AccountRecord[]> {
  const client = await pool.connect();
  try {
    return await postgresRecords(client, ownName, names);
  } finally {
    client.release();
  }
}
