// A large import read and written by a worker thread (issue 21): the spooled list through the user-list reader, its rows
// checked (import-rows.ts) and written under the import's generation in batches on a connection of the thread's own.
// On SQLite each batch is a transaction taken in turn with the main thread's writes (server/db/write-turns.ts); on
// PostgreSQL a COPY. Reading, checking and writing were most of a large import's time on the main thread: candidates'
// saves waited behind it (on SQLite for the database, on PostgreSQL for the parsing, the COPY text and the garbage both
// left for the collector). The main thread only waits for the outcome.
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, type Worker, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import type pg from 'pg';
import { type CompiledRules, compileRules } from '../../shared/licensing/classify.ts';
import type { UserListSummary } from '../../shared/licensing/user-list-reader.ts';
import { useMemoryMap } from '../db/memory-map.ts';
import { connectedClient } from '../db/postgres.ts';
import { inWorkerTurn, yieldToRequests } from '../db/write-turns.ts';
import { ApiError } from '../http/errors.ts';
import type { ImportOptions } from './import-options.ts';
import { fromApiError, type ImportProblem } from './import-problems.ts';
import { type ImportEnvironment, ImportRefused, ImportRows, importedShared, importReader } from './import-rows.ts';
import { type ImportLimits, sortingPath } from './import-spool.ts';
import {
  copyRows,
  POSTGRES_ROWS_PER_BATCH,
  progressStatement,
  progressValues,
  sqliteBatchWriter,
  stagedRow,
} from './import-staging.ts';
import type { DirectoryFields } from './records.ts';
import { RowsAhead } from './rows-ahead.ts';
import { searchBacklog } from './search-backlog.ts';
import { indexInWorker } from './search-index-worker.ts';
import { SortedRuns, sortRows } from './sorted-runs.ts';
import { typeScriptWorker, workerOutcome } from './typescript-worker.ts';

export interface ImportWorkerJob {
  /** SQLite: the database file, and WriteTurns.buffer of the main thread's connection. */
  sqlite?: { path: string; turns: SharedArrayBuffer };
  /** PostgreSQL: the database's URL (never logged). */
  postgresUrl?: string;
  spoolPath: string;
  importId: string;
  env: ImportEnvironment;
  options: ImportOptions;
  generation: number;
  createdAt: string;
  limits: ImportLimits;
  /** One Int32: set to 1 when the import is cancelled. */
  cancel: SharedArrayBuffer;
}

export interface ImportRead {
  rows: number;
  providers: { provider: string; rows: number }[];
  summary: UserListSummary;
}

/** Every row is read and checked, none written yet (SQLite): what will be written. */
export interface ImportWriting {
  rows: number;
  providers: string[];
}

export type ImportWorkerMessage =
  | { writing: ImportWriting }
  | { read: ImportRead }
  | { refused: ImportProblem[] }
  | { cancelled: true }
  | { error: string };

/** Rows read and written, and the search index's work under way: `indexed` settles when it is done. */
export interface StagedImport extends ImportRead {
  indexed: Promise<void>;
}

/**
 * Rows a transaction of the worker writes at most, and per statement; and how long a transaction goes on once the main
 * thread has begun waiting to write: it commits after the statement under way past that time, so a candidate's save
 * waits for that and one statement at most. Commits cost more than statements (each writes the index pages it
 * touched), and the main thread, saving at 1,000 saves a second in the benchmark, waits for nearly every statement:
 * ending the transaction at the first statement after which the main thread waited made them 500 rows each. Measured
 * with sorted rows (`npm run bench -- import`, 5M rows, one run each): at once, reading and writing took 88.7 s, the
 * saves' p99 75 ms; after 20 ms, 63.5-66.8 s but p99 104-108 ms (statements take longer as the indexes grow); after
 * 10 ms, 65.2 s and p99 67 ms (66.3 s and 72 ms with statements of 250 rows).
 */
const ROWS_PER_BATCH = 4_000;
const LEAST_TURN_MS = 10;
const ROWS_PER_STATEMENT = 500;
/** Bytes of the list read at a time. */
const CHUNK_BYTES = 1 << 18;

/**
 * On SQLite, rows gathered and sorted by email (then username) before they are written (sorted-runs.ts): a list of up
 * to this many rows is sorted in memory; a longer one a window of this many at a time, each window a sorted run on disk,
 * the runs merged as they are written. About 30 MB of rows wait at most.
 */
const SORT_WINDOW_ROWS = 100_000;

export class WorkerCancelled extends Error {}

/** The spooled list through the reader into `rows`, each piece's whole batches written (`flush`) as they fill. */
async function readSpool(
  path: string,
  reader: ReturnType<typeof importReader>,
  rows: ImportRows,
  flush: (last: boolean) => unknown,
  written: () => number,
): Promise<ImportWorkerMessage> {
  try {
    for (const piece of spoolPieces(path)) {
      rows.add(reader.write(piece));
      await flush(false);
    }
    const { accounts, summary } = reader.end();
    rows.add(accounts);
    rows.checkEnd();
    await flush(true);
    return { read: { rows: written(), providers: rows.providers(), summary } };
  } catch (error) {
    throw rows.refusal(error);
  }
}

/** The spooled list, CHUNK_BYTES at a time, each piece in a buffer of its own (the reader may keep a view of one). */
function* spoolPieces(path: string): Generator<Buffer> {
  const file = openSync(path, 'r');
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const n = readSync(file, chunk, 0, CHUNK_BYTES, null);
      if (n === 0) return;
      yield chunk.subarray(0, n);
    }
  } finally {
    closeSync(file);
  }
}

/**
 * Runs the job in a worker thread: resolves once every row is read and written, or rejects as reading on the main
 * thread would. On SQLite the rows then go into the search index (search-index-worker.ts): `indexed`.
 */
export async function readInWorker(
  job: ImportWorkerJob,
  onWriting?: (writing: ImportWriting) => void,
  onIndexed?: (rows: number) => void,
): Promise<StagedImport> {
  const worker: Worker = typeScriptWorker(new URL('./import-worker.ts', import.meta.url), { workerData: job });
  const read = await workerOutcome(
    worker,
    "the import's worker",
    (message: ImportWorkerMessage) => {
      if ('read' in message) return message.read;
      if ('refused' in message) throw new ImportRefused(message.refused);
      if ('cancelled' in message) throw new WorkerCancelled();
      if ('writing' in message) throw new Error("the import's worker sent no outcome");
      throw new Error(`the import's worker failed: ${message.error}`);
    },
    (message) => {
      if (!('writing' in message)) return false;
      onWriting?.(message.writing);
      return true;
    },
  );
  const indexed = job.sqlite
    ? indexInWorker({ ...job.sqlite, generation: job.generation, cancel: job.cancel }, onIndexed).then((outcome) => {
        if (outcome === 'cancelled') throw new WorkerCancelled();
      })
    : // PostgreSQL's trigram indexes took the rows as they came.
      Promise.resolve();
  // Awaited by the caller when it gets there; an end before then is not an unhandled rejection.
  indexed.catch(() => {});
  return { ...read, indexed };
}

/** The environment's rules as stored, compiled again only when its domains changed; refused when it is gone. */
function rulesReader() {
  let rules: CompiledRules | null = null;
  let rulesFrom = '';
  return (env: { name: string; internal_domains: string } | undefined): CompiledRules => {
    if (!env) {
      throw new ImportRefused([{ code: 'environment-gone', values: {}, message: 'the environment no longer exists' }]);
    }
    if (rules === null || env.internal_domains !== rulesFrom) {
      rulesFrom = env.internal_domains;
      rules = compileRules(env.name, rulesFrom === '' ? [] : rulesFrom.split(','));
    }
    return rules;
  };
}

/** What ended the worker's job, as the message the main thread reads. */
function messageOf(error: unknown): ImportWorkerMessage {
  if (error instanceof WorkerCancelled) return { cancelled: true };
  if (error instanceof ImportRefused) return { refused: error.problems };
  if (error instanceof ApiError) return { refused: [fromApiError(error)] };
  return { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}

async function runSqlite(
  job: ImportWorkerJob,
  on: { path: string; turns: SharedArrayBuffer },
): Promise<ImportWorkerMessage> {
  yieldToRequests();
  const sqlite = new SQLite(on.path);
  const runs = new SortedRuns(sortingPath(job.spoolPath), importedShared(job.createdAt));
  try {
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    useMemoryMap(sqlite);
    // What every row of the import holds alike is bound once a statement.
    const write = sqliteBatchWriter(sqlite, ROWS_PER_STATEMENT, {
      environment_id: job.env.id,
      name: '',
      name_lc: '',
      role: null,
      last_sign_in_at: null,
      created_at: job.createdAt,
      source: 'import',
      generation: job.generation,
    });
    // Its rows wait out of the search index until they are all written (search-backlog.ts).
    inWorkerTurn(on.turns, () => searchBacklog(sqlite, job.generation).open());
    const environment = sqlite.prepare<[string], { name: string; internal_domains: string }>(
      'select name, internal_domains from licence_environments where id = ?',
    );
    // Classified inside each batch's transaction by the rules committed then: a rule edit's reclassification (main
    // thread) covers the rows written before it, and rows written after it follow the new rules.
    const rulesOf = rulesReader();
    const rulesNow = () => rulesOf(environment.get(job.env.id));
    const cancelled = new Int32Array(job.cancel);
    const reader = importReader(job.env, job.options);
    const rows = new ImportRows(job.env, job.options, job.limits, job.createdAt);
    let rowsWritten = 0;
    const progress = (n: number) => ({
      importId: job.importId,
      rowsRead: rows.rowsRead,
      rowsWritten: rowsWritten + n,
      bytesRead: reader.bytes,
    });
    const recordProgress = sqlite.prepare(progressStatement(() => '?'));
    const checkCancel = () => {
      if (Atomics.load(cancelled, 0) !== 0) throw new WorkerCancelled();
    };
    /**
     * Writes the sorted rows a batch at a time. While the main thread's writes go first, the next rows are taken from
     * the sort and made ready (rows-ahead.ts): about a tenth of the worker's time was spent waiting for its turn.
     */
    const writeSorted = (sorted: Iterator<DirectoryFields>) => {
      const ahead = new RowsAhead(sorted, (rules, f) => stagedRow(job.env.id, rules, f, job.generation));
      while (ahead.fill(ROWS_PER_BATCH)) {
        checkCancel();
        const count = Math.min(ahead.length, ROWS_PER_BATCH);
        const written = inWorkerTurn(
          on.turns,
          (mainWaiting) => {
            const began = performance.now();
            return write(
              count,
              (a, b) => ahead.rows(rulesNow(), a, b),
              progress,
              () => mainWaiting() && performance.now() - began >= LEAST_TURN_MS,
            );
          },
          0,
          () => ahead.step(rulesNow),
        );
        ahead.written(written);
        rowsWritten += written;
      }
    };
    // Sent once, before the first row is written: every row is read and checked by then.
    const writing = () => {
      const providers = rows.providers();
      parentPort?.postMessage({
        writing: { rows: providers.reduce((n, p) => n + p.rows, 0), providers: providers.map((p) => p.provider) },
      } satisfies ImportWorkerMessage);
    };
    const flush = (last: boolean) => {
      if (!last && rows.waiting.length < SORT_WINDOW_ROWS) return;
      checkCancel();
      if (last && runs.count === 0) {
        writing();
        sortRows(rows.waiting);
        writeSorted(rows.take(rows.waiting.length).values());
        return;
      }
      runs.spill(rows.take(rows.waiting.length));
      inWorkerTurn(on.turns, () => recordProgress.run(progressValues(progress(0))));
      if (!last) return;
      writing();
      writeSorted(runs.merged());
    };
    return await readSpool(job.spoolPath, reader, rows, flush, () => rowsWritten);
  } catch (error) {
    return messageOf(error);
  } finally {
    runs.close();
    sqlite.close();
  }
}

/**
 * PostgreSQL: each batch checked for a cancel (asked here or of another instance) and classified by the rules stored
 * when it is written, then one COPY, then the import's progress.
 */
async function runPostgres(job: ImportWorkerJob, url: string): Promise<ImportWorkerMessage> {
  yieldToRequests();
  let client: pg.Client | undefined;
  try {
    client = await connectedClient(url, 'seatkeeper-import');
    const db = client;
    const rulesOf = rulesReader();
    const cancelled = new Int32Array(job.cancel);
    const reader = importReader(job.env, job.options);
    const rows = new ImportRows(job.env, job.options, job.limits, job.createdAt);
    let rowsWritten = 0;
    const flush = async (last: boolean) => {
      while (rows.waiting.length >= POSTGRES_ROWS_PER_BATCH || (last && rows.waiting.length > 0)) {
        const asked = await db.query<{ cancel_requested: unknown }>(
          'select cancel_requested from licence_imports where id = $1',
          [job.importId],
        );
        if (Atomics.load(cancelled, 0) !== 0 || asked.rows[0]?.cancel_requested) throw new WorkerCancelled();
        const env = await db.query<{ name: string; internal_domains: string }>(
          'select name, internal_domains from licence_environments where id = $1',
          [job.env.id],
        );
        const rules = rulesOf(env.rows[0]);
        const fields = rows.take(POSTGRES_ROWS_PER_BATCH);
        await copyRows(
          db,
          fields.map((f) => stagedRow(job.env.id, rules, f, job.generation)),
        );
        rowsWritten += fields.length;
        await db.query(
          progressStatement((n) => `$${n}`),
          progressValues({ importId: job.importId, rowsRead: rows.rowsRead, rowsWritten, bytesRead: reader.bytes }),
        );
      }
    };
    return await readSpool(job.spoolPath, reader, rows, flush, () => rowsWritten);
  } catch (error) {
    return messageOf(error);
  } finally {
    await client?.end().catch(() => {});
  }
}

const job = workerData as ImportWorkerJob | undefined;
if (parentPort && job?.spoolPath) {
  const port = parentPort;
  if (job.postgresUrl) void runPostgres(job, job.postgresUrl).then((message) => port.postMessage(message));
  else if (job.sqlite) void runSqlite(job, job.sqlite).then((message) => port.postMessage(message));
  else port.postMessage({ error: 'the import worker was given no database' } satisfies ImportWorkerMessage);
}
