// Writes an import's rows under its generation, out of sight, one short transaction per batch so other writers get
// the database between batches: SQLite through one prepared statement, PostgreSQL through COPY ... FROM STDIN, and
// Kysely inserts where neither raw handle is given (tests).
import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Database as SQLiteDatabase, Statement } from 'better-sqlite3';
import type { Insertable, Kysely } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import type { CompiledRules } from '../../shared/licensing/classify.ts';
import type { Database } from '../db/schema.ts';
import { writeTransaction } from '../db/transaction.ts';
import { writeTurnsOf } from '../db/write-turns.ts';
import type { LicensingDeps } from './context.ts';
import { DIRECTORY_FIELDS, type DirectoryCell, type DirectoryFields, directoryValues } from './records.ts';
import type { LicenceAccountsTable } from './tables.ts';

/** One row to stage: directoryValues (DIRECTORY_FIELDS order), then source and generation (STAGED_COLUMNS). */
export type StagedRow = DirectoryCell[];

const STAGED_COLUMNS = [...DIRECTORY_FIELDS, 'source', 'generation'] as const;

/** An imported account as the row its import writes under `generation`. */
export function stagedRow(
  environmentId: string,
  rules: CompiledRules,
  fields: DirectoryFields,
  generation: number,
): StagedRow {
  const values = directoryValues(environmentId, rules, fields);
  values.push('import', generation);
  return values;
}

/** How far the import has come, written with each batch. */
export interface StagingProgress {
  importId: string;
  rowsRead: number;
  rowsWritten: number;
  bytesRead: number;
}

/**
 * The statement that records an import's progress, with placeholders as the driver writes them (`?` for SQLite, `$n`
 * for pg); its parameters are progressValues'.
 */
export const progressStatement = (placeholder: (n: number) => string) =>
  `update licence_imports set rows = ${placeholder(1)}, processed = ${placeholder(2)}, bytes_read = ${placeholder(3)} where id = ${placeholder(4)}`;

export const progressValues = (p: StagingProgress) => [p.rowsRead, p.rowsWritten, p.bytesRead, p.importId];

/** The progress written through Kysely (the in-process staging of either database). */
async function writeProgress(db: Kysely<Database>, p: StagingProgress): Promise<void> {
  await db
    .updateTable('licence_imports')
    .set({ rows: p.rowsRead, processed: p.rowsWritten, bytes_read: p.bytesRead })
    .where('id', '=', p.importId)
    .execute();
}

export interface Staging {
  /** Rows per transaction: on SQLite the event loop waits for its batch, so a thousand (milliseconds each). */
  rowsPerBatch: number;
  write(rows: StagedRow[], progress: StagingProgress): Promise<void>;
}

export function stagingFor(deps: LicensingDeps): Staging {
  if (deps.sqlite) return sqliteStaging(deps, deps.sqlite);
  if (deps.postgres) return copyStaging(deps, deps.postgres.pool);
  return kyselyStaging(deps);
}

/**
 * Rows per insert statement on SQLite: one statement a batch. The search index (FTS5, kept by a trigger) writes what
 * it gathered at the end of every statement inside a transaction: one row a statement made that flush, and the merging
 * after it, cost three quarters of an import's time; 1,000 rows a statement spend a third less on it than 250 did.
 * 19,000 parameters, under SQLite's 32,766 per statement.
 */
const SQLITE_ROWS_PER_STATEMENT = 1_000;

/**
 * Rows of an import written on a SQLite connection in one IMMEDIATE transaction, with the import's progress, in statements
 * of `rowsPerStatement`: `count` rows at most, `rowsOf(from, to)` giving those of each statement. It is called inside the
 * transaction, so rows are classified by the rules committed when they are written, and only for rows written. `stop`,
 * asked after each whole statement, ends the transaction early (another writer is waiting); the rows written are
 * returned, the first ones.
 */
export type SQLiteBatchWriter = (
  count: number,
  rowsOf: (from: number, to: number) => StagedRow[],
  progress: (written: number) => StagingProgress,
  stop?: () => boolean,
) => number;

/** Cells every row of a writer's statements holds alike (an import's environment, time, generation ...), by column. */
export type SharedCells = Partial<Record<(typeof STAGED_COLUMNS)[number], DirectoryCell>>;

/**
 * `shared` names the cells every row holds alike: each is bound once per statement (a named parameter the statement's
 * rows all use) instead of once per row. Binding is a conversion of every value from JavaScript to SQLite: an import's
 * constant columns were half its cells, and binding them once made a bare insert of 2M sorted rows 8 % faster (15.4-15.9
 * s against 14.3-14.6 s, scratch measurement). A row whose cell differs from the shared one is refused, not written.
 */
export function sqliteBatchWriter(
  sqlite: SQLiteDatabase,
  rowsPerStatement = SQLITE_ROWS_PER_STATEMENT,
  shared: SharedCells = {},
): SQLiteBatchWriter {
  const sharedAt = STAGED_COLUMNS.flatMap((column, k) => (column in shared ? [k] : []));
  const ownAt = STAGED_COLUMNS.flatMap((column, k) => (column in shared ? [] : [k]));
  const sharedValues = sharedAt.map((k) => shared[STAGED_COLUMNS[k] as keyof SharedCells]);
  const named = Object.fromEntries(sharedAt.map((k, s) => [`c${k}`, sharedValues[s]]));
  const row = `(${STAGED_COLUMNS.map((column, k) => (column in shared ? `@c${k}` : '?')).join(', ')})`;
  const insertInto = `insert into licence_accounts (${STAGED_COLUMNS.join(', ')}) values `;
  const insertMany = sqlite.prepare(insertInto + Array(rowsPerStatement).fill(row).join(', '));
  // The last batch of an import is a part one: 50 rows a statement, then one at a time.
  const insertFifty = sqlite.prepare(insertInto + Array(50).fill(row).join(', '));
  const insertOne = sqlite.prepare(insertInto + row);
  const recordProgress = sqlite.prepare(progressStatement(() => '?'));
  // better-sqlite3 refuses named values for a statement without named parameters.
  const run = (statement: Statement, cells: DirectoryCell[]) =>
    sharedAt.length > 0 ? statement.run(cells, named) : statement.run(cells);
  /** The rows' own cells into `into` (from its start), each shared cell checked against the shared value. */
  const ownCells = (rows: StagedRow[], into: DirectoryCell[]) => {
    let k = 0;
    for (const cells of rows) {
      for (const c of ownAt) into[k++] = cells[c] as DirectoryCell;
      for (let s = 0; s < sharedAt.length; s++) {
        const c = sharedAt[s] as number;
        if (cells[c] !== sharedValues[s]) {
          throw new Error(`a row's ${STAGED_COLUMNS[c]} differs from the value its statement shares`);
        }
      }
    }
    return into;
  };
  // One array of parameters reused for every statement: `slice().flat()` made a new one of 19,000 cells each time.
  const params: DirectoryCell[] = new Array(rowsPerStatement * ownAt.length);
  const batch = sqlite.transaction(
    (
      count: number,
      rowsOf: (from: number, to: number) => StagedRow[],
      progress: (written: number) => StagingProgress,
      stop?: () => boolean,
    ) => {
      let from = 0;
      let stopped = false;
      while (!stopped && from + rowsPerStatement <= count) {
        run(insertMany, ownCells(rowsOf(from, from + rowsPerStatement), params));
        from += rowsPerStatement;
        stopped = stop?.() ?? false;
      }
      if (!stopped && from < count) {
        const rows = rowsOf(from, count);
        let r = 0;
        for (; r + 50 <= rows.length; r += 50) run(insertFifty, ownCells(rows.slice(r, r + 50), []));
        for (; r < rows.length; r++) run(insertOne, ownCells(rows.slice(r, r + 1), []));
        from = count;
      }
      const p = progress(from);
      recordProgress.run(progressValues(p));
      return from;
    },
  );
  return (count, rowsOf, progress, stop) => outOfSight(sqlite, () => batch.immediate(count, rowsOf, progress, stop));
}

/**
 * Runs `write` (a transaction of rows out of sight: an import's, or their search index) without a sync of its own: one
 * lost to a power cut fails the import, and the switch's commit (FULL) makes every earlier one durable with it.
 */
export function outOfSight<T>(sqlite: SQLiteDatabase, write: () => T): T {
  sqlite.pragma('synchronous = NORMAL');
  try {
    return write();
  } finally {
    sqlite.pragma('synchronous = FULL');
  }
}

function sqliteStaging(deps: LicensingDeps, sqlite: SQLiteDatabase): Staging {
  const write = sqliteBatchWriter(sqlite);
  return {
    rowsPerBatch: SQLITE_ROWS_PER_STATEMENT,
    // Kysely's one connection is held meanwhile, so no query of the app's runs inside this transaction; a worker's
    // import (import-worker.ts) waits for its turn.
    write: async (rows, p) => {
      await deps.db.connection().execute(() =>
        writeTurnsOf(sqlite).run(() =>
          write(
            rows.length,
            (from, to) => rows.slice(from, to),
            () => p,
          ),
        ),
      );
    },
  };
}

function kyselyStaging(deps: LicensingDeps): Staging {
  const asObject = (row: StagedRow) =>
    Object.fromEntries(STAGED_COLUMNS.map((column, k) => [column, row[k]])) as Insertable<LicenceAccountsTable>;
  return {
    rowsPerBatch: 1_000,
    write: (rows, p) =>
      writeTransaction(deps.db, async (trx) => {
        // Well under SQLite's 32,766 parameters per statement.
        for (let from = 0; from < rows.length; from += 500) {
          await trx
            .insertInto('licence_accounts')
            .values(rows.slice(from, from + 500).map(asObject))
            .execute();
        }
        await writeProgress(trx, p);
      }),
  };
}

/** PostgreSQL's text format: tab between fields, \N for null, backslash escapes. */
function copyField(value: DirectoryCell): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
    : value;
}

/**
 * Rows turned into COPY text between two turns of the event loop: the text of a whole batch of 10,000 at once held it
 * for 30 to 130 ms (CPU profile of a 1M-row import on PostgreSQL), and candidates' saves waited behind it.
 */
const COPY_ROWS_PER_PIECE = 1_000;

const COPY_STATEMENT = `copy licence_accounts (${STAGED_COLUMNS.join(', ')}) from stdin`;

/** Rows written by one COPY on `client`, as text made a piece at a time (COPY_ROWS_PER_PIECE). */
export async function copyRows(client: import('pg').ClientBase, rows: StagedRow[]): Promise<void> {
  const stream = client.query(copyFrom(COPY_STATEMENT));
  const done = once(stream, 'finish');
  // A failed COPY rejects `done` at once; it is awaited below, after the pieces.
  done.catch(() => {});
  for (let from = 0; from < rows.length && !stream.errored; from += COPY_ROWS_PER_PIECE) {
    let piece = '';
    for (let r = from; r < Math.min(rows.length, from + COPY_ROWS_PER_PIECE); r++) {
      piece += `${(rows[r] as StagedRow).map(copyField).join('\t')}\n`;
    }
    if (!stream.write(piece)) await Promise.race([once(stream, 'drain'), done]);
    else await nextTurn();
  }
  if (!stream.errored) stream.end();
  await done;
}

/** Rows a COPY writes at once on PostgreSQL. */
export const POSTGRES_ROWS_PER_BATCH = 10_000;

function copyStaging(deps: LicensingDeps, pool: import('pg').Pool): Staging {
  return {
    // COPY runs on a connection of its own while this process serves requests: larger batches, fewer round trips.
    rowsPerBatch: POSTGRES_ROWS_PER_BATCH,
    async write(rows, p) {
      const client = await pool.connect();
      try {
        await copyRows(client, rows);
      } finally {
        client.release();
      }
      await writeProgress(deps.db, p);
    },
  };
}
