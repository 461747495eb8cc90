// A large import on SQLite, read and written by a worker thread (issue 21): the spooled list through the user-list
// reader, its rows checked (import-rows.ts) and written under the import's generation in batches, each a transaction of
// this thread's own connection taken in turn with the main thread's writes (server/db/write-turns.ts). Writing to
// SQLite was most of a large import's time, all of it on the main thread: candidates' saves waited behind it, and it
// waited behind them. The main thread only waits for the outcome.
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, type Worker, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { type CompiledRules, compileRules } from '../../shared/licensing/classify.ts';
import type { UserListSummary } from '../../shared/licensing/user-list-reader.ts';
import { inWorkerTurn, yieldToRequests } from '../db/write-turns.ts';
import { ApiError } from '../http/errors.ts';
import type { ImportOptions } from './import-options.ts';
import { fromApiError, type ImportProblem } from './import-problems.ts';
import { type ImportEnvironment, ImportRefused, ImportRows, importReader } from './import-rows.ts';
import type { ImportLimits } from './import-spool.ts';
import { sqliteBatchWriter, stagedRow } from './import-staging.ts';
import { typeScriptWorker, workerOutcome } from './typescript-worker.ts';

export interface ImportWorkerJob {
  sqlitePath: string;
  spoolPath: string;
  importId: string;
  env: ImportEnvironment;
  options: ImportOptions;
  generation: number;
  createdAt: string;
  limits: ImportLimits;
  /** WriteTurns.buffer of the main thread's connection. */
  turns: SharedArrayBuffer;
  /** One Int32: set to 1 when the import is cancelled. */
  cancel: SharedArrayBuffer;
}

export interface ImportRead {
  rows: number;
  providers: { provider: string; rows: number }[];
  summary: UserListSummary;
}

export type ImportWorkerMessage =
  | { read: ImportRead }
  | { refused: ImportProblem[] }
  | { cancelled: true }
  | { error: string };

/**
 * Rows a transaction of the worker writes at most, and per statement. It commits early, after a statement, when the main
 * thread has begun waiting to write, so a candidate's save waits for 500 rows at most, not a thousand. Commits cost
 * more than statements (each writes the index pages it touched): with transactions of 500 rows throughout, writing 5M
 * rows took 143 s against 112 s with 1,000; with statements of 250 and early commits, a 1M import took 44 s against 36 s
 * (`npm run bench -- import`, one run each).
 */
const ROWS_PER_BATCH = 1_000;
const ROWS_PER_STATEMENT = 500;
/** Bytes of the list read at a time. */
const CHUNK_BYTES = 1 << 18;

export class WorkerCancelled extends Error {}

/** Runs the job in a worker thread; resolves with what was read and written, or rejects as reading on the main thread would. */
export function readInWorker(job: ImportWorkerJob): Promise<ImportRead> {
  const worker: Worker = typeScriptWorker(new URL('./import-worker.ts', import.meta.url), { workerData: job });
  return workerOutcome(worker, "the import's worker", (message: ImportWorkerMessage) => {
    if ('read' in message) return message.read;
    if ('refused' in message) throw new ImportRefused(message.refused);
    if ('cancelled' in message) throw new WorkerCancelled();
    throw new Error(`the import's worker failed: ${message.error}`);
  });
}

function run(job: ImportWorkerJob): ImportWorkerMessage {
  yieldToRequests();
  const sqlite = new SQLite(job.sqlitePath);
  try {
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('mmap_size = 268435456');
    const write = sqliteBatchWriter(sqlite, ROWS_PER_STATEMENT);
    const environment = sqlite.prepare<[string], { name: string; internal_domains: string }>(
      'select name, internal_domains from licence_environments where id = ?',
    );
    // Classified inside each batch's transaction by the rules committed then: a rule edit's reclassification (main
    // thread) covers the rows written before it, and rows written after it follow the new rules.
    let rules: CompiledRules | null = null;
    let rulesFrom = '';
    const rulesNow = (): CompiledRules => {
      const env = environment.get(job.env.id);
      if (!env) {
        throw new ImportRefused([
          { code: 'environment-gone', values: {}, message: 'the environment no longer exists' },
        ]);
      }
      if (rules === null || env.internal_domains !== rulesFrom) {
        rulesFrom = env.internal_domains;
        rules = compileRules(env.name, rulesFrom === '' ? [] : rulesFrom.split(','));
      }
      return rules;
    };
    const cancelled = new Int32Array(job.cancel);
    const reader = importReader(job.env, job.options);
    const rows = new ImportRows(job.env, job.options, job.limits, job.createdAt);
    let rowsWritten = 0;
    const flush = (last: boolean) => {
      while (rows.waiting.length >= ROWS_PER_BATCH || (last && rows.waiting.length > 0)) {
        if (Atomics.load(cancelled, 0) !== 0) throw new WorkerCancelled();
        const fields = rows.waiting.length > ROWS_PER_BATCH ? rows.waiting.slice(0, ROWS_PER_BATCH) : rows.waiting;
        const written = inWorkerTurn(job.turns, (mainWaiting) =>
          write(
            () => {
              const current = rulesNow();
              return fields.map((f) => stagedRow(job.env.id, current, f, job.generation));
            },
            (n) => ({
              importId: job.importId,
              rowsRead: rows.rowsRead,
              rowsWritten: rowsWritten + n,
              bytesRead: reader.bytes,
            }),
            mainWaiting,
          ),
        );
        rows.take(written);
        rowsWritten += written;
      }
    };
    const file = openSync(job.spoolPath, 'r');
    try {
      for (;;) {
        // A buffer of its own each time: the reader may keep a view of the last chunk's unfinished line.
        const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
        const n = readSync(file, chunk, 0, CHUNK_BYTES, null);
        if (n === 0) break;
        rows.add(reader.write(chunk.subarray(0, n)));
        flush(false);
      }
      const { accounts, summary } = reader.end();
      rows.add(accounts);
      rows.checkEnd();
      flush(true);
      return { read: { rows: rowsWritten, providers: rows.providers(), summary } };
    } catch (error) {
      throw rows.refusal(error);
    } finally {
      closeSync(file);
    }
  } catch (error) {
    if (error instanceof WorkerCancelled) return { cancelled: true };
    if (error instanceof ImportRefused) return { refused: error.problems };
    if (error instanceof ApiError) return { refused: [fromApiError(error)] };
    return { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  } finally {
    sqlite.close();
  }
}

if (parentPort && (workerData as ImportWorkerJob | undefined)?.spoolPath) {
  parentPort.postMessage(run(workerData as ImportWorkerJob));
}
