// Every account as the engine sees it, read from PostgreSQL as raw arrays (a million row objects cost seconds) through
// COPY ... TO STDOUT, in one snapshot of both tables: the PostgreSQL counterpart of rawRecords (state.ts).
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
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

/**
 * Rows handed to the caller at once. Small enough that a batch's records die young: reading a million accounts with
 * batches of 50,000 peaked at 218-271 MB, with batches of 10,000 at 124-126 MB in 4 runs of 5 (and faster, 0.8-1.2 s
 * against 1.2-1.4 s); the cursor it replaced peaked at 201-272 MB.
 */
const BATCH_ROWS = 10_000;

/** How a column of a COPY row is read: text as it is, or a whole number. */
type CopyColumn = 'text' | 'number';

const ESCAPED: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** A field of COPY's text format: \N is null; a backslash escapes the characters COPY escapes, and itself. */
function copyField(text: string, start: number, end: number, column: CopyColumn): string | number | null {
  if (end - start === 2 && text.charCodeAt(start) === 92 && text.charCodeAt(start + 1) === 78) return null;
  const raw = text.slice(start, end);
  if (column === 'number') return Number(raw);
  return raw.includes('\\') ? raw.replace(/\\(.)/g, (_, c: string) => ESCAPED[c] ?? c) : raw;
}

/**
 * The rows of `query` in COPY's text format (`copy (...) to stdout`), as the arrays a cursor's raw rows were, a batch
 * at a time: pg's reading of a million rows one protocol message each took 1.7 s where COPY's stream, split here,
 * took 0.6 s (scratch measurement, 900,000 imported accounts). The stream is read to its end even when `visit`
 * fails, so the connection is left ready for its next query.
 */
async function eachRows<Row>(
  client: pg.ClientBase,
  query: string,
  columns: readonly CopyColumn[],
  visit: (rows: Row[]) => Promise<void>,
): Promise<void> {
  const stream = client.query(copyTo(`copy (${query}) to stdout`));
  const decoder = new TextDecoder();
  let rest = '';
  let rows: Row[] = [];
  let failed: { error: unknown } | null = null;
  const last = columns.length - 1;
  for await (const chunk of stream) {
    if (failed !== null) continue;
    const text = rest + decoder.decode(chunk as Uint8Array, { stream: true });
    let at = 0;
    for (let end = text.indexOf('\n', at); end !== -1; end = text.indexOf('\n', at)) {
      const row: (string | number | null)[] = new Array(columns.length);
      let from = at;
      for (let c = 0; c < last; c++) {
        const tab = text.indexOf('\t', from);
        row[c] = copyField(text, from, tab, columns[c] as CopyColumn);
        from = tab + 1;
      }
      row[last] = copyField(text, from, end, columns[last] as CopyColumn);
      rows.push(row as Row);
      at = end + 1;
    }
    rest = text.slice(at);
    if (rows.length >= BATCH_ROWS) {
      const batch = rows;
      rows = [];
      await visit(batch).catch((error: unknown) => {
        failed = { error };
      });
    }
  }
  if (failed !== null) throw (failed as { error: unknown }).error;
  if (rows.length > 0) await visit(rows);
}

const OWN_COLUMNS: CopyColumn[] = ['text', 'text', 'text', 'number'];
const IMPORTED_COLUMNS: CopyColumn[] = ['number', 'text', 'text', 'text', 'text', 'text', 'number'];

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

/** The same, a batch at a time: loading five million accounts never holds them all as objects. */
export async function eachPostgresRecord(
  client: pg.ClientBase,
  ownName: string,
  names: Map<string, string>,
  refFor: (rowId: number) => string | number,
  take: (batch: AccountRecord[]) => Promise<void>,
): Promise<void> {
  await client.query('begin isolation level repeatable read read only');
  try {
    await eachRows<OwnRow>(client, OWN_ROWS_SQL, OWN_COLUMNS, (rows) =>
      take(
        rows.map(([id, email, role, active]) =>
          ownRecord(ownName, { id, email, role: role as Account['role'], active }),
        ),
      ),
    );
    await eachRows<ImportedRow>(client, IMPORTED_ROWS_SQL, IMPORTED_COLUMNS, (rows) =>
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
