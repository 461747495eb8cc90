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

async function eachRows<Row>(
  client: pg.ClientBase,
  query: string,
  visit: (rows: Row[]) => Promise<void>,
): Promise<void> {
  await client.query(`declare records no scroll cursor for ${query}`);
  for (;;) {
    const { rows } = await client.query<Row extends unknown[] ? Row : never>({
      text: `fetch forward ${FETCH_ROWS} from records`,
      rowMode: 'array',
    });
    await visit(rows);
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
  await eachPostgresRecord(client, ownName, names, refFor, async (batch) => {
    for (const record of batch) records.push(record);
  });
  return records;
}

/** The same, a cursor's batch at a time: loading five million accounts never holds them all as objects. */
export async function eachPostgresRecord(
  client: pg.ClientBase,
  ownName: string,
  names: Map<string, string>,
  refFor: (rowId: number) => string | number,
  take: (batch: AccountRecord[]) => Promise<void>,
): Promise<void> {
  await client.query('begin isolation level repeatable read read only');
  try {
    await eachRows<OwnRow>(client, OWN_ROWS_SQL, (rows) =>
      take(
        rows.map(([id, email, role, active]) =>
          ownRecord(ownName, { id, email, role: role as Account['role'], active }),
        ),
      ),
    );
    await eachRows<ImportedRow>(client, IMPORTED_ROWS_SQL, (rows) =>
      take(rows.map((row) => importedRecord(row, names, refFor))),
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  }
}

/** The same read on a pooled connection. */
export async function pooledPostgresRecords(
  pool: pg.Pool,
  ownName: string,
  names: Map<string, string>,
  refFor: (rowId: number) => string | number = importRef,
): Promise<AccountRecord[]> {
  const client = await pool.connect();
  try {
    return await postgresRecords(client, ownName, names, refFor);
  } finally {
    client.release();
  }
}
