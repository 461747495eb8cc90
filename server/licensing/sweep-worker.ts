// Deleting the rows of replaced import generations on SQLite, in a worker thread (issue 21). A nightly import of a
// million users leaves the million rows it replaced to delete, and a deleted row leaves seven indexes and the search
// index: on the main thread, each statement of 500 rows held the event loop for 65-120 ms while candidates were
// autosaving, back to back for a quarter of a minute (their p99 went from 90 to 190 ms). Here the deletes run on a
// connection of their own, at a lower CPU priority, in transactions taken in turn with the main thread's writes
// (server/db/write-turns.ts): a transaction ends after the statement under way as soon as the main thread waits.
// The statements are the main thread's own (provider-rows.ts), compiled by Kysely and run synchronously here.
import { parentPort, type Worker, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { type Compilable, Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../db/schema.ts';
import { inWorkerTurn, yieldToRequests } from '../db/write-turns.ts';
import { deleteRowsById, forgetRetired, retiredGenerations, retiredRowIds } from './provider-rows.ts';
import { typeScriptWorker, workerOutcome } from './typescript-worker.ts';

export interface SweepWorkerJob {
  sqlitePath: string;
  /** WriteTurns.buffer of the main thread's connection. */
  turns: SharedArrayBuffer;
  sweep: true;
}

type SweepWorkerMessage = { deleted: number } | { error: string };

/**
 * Rows per delete statement and per transaction. A statement is what the main thread may wait for (about a
 * hundredth of a second for 100 rows while the machine is busy); a transaction commits after 1,000 rows, or earlier
 * once the main thread waits.
 */
const ROWS_PER_STATEMENT = 100;
const ROWS_PER_TRANSACTION = 1_000;

/** Deletes every retired generation's rows in a worker thread; resolves with the rows deleted. */
export function sweepInWorker(sqlitePath: string, turns: SharedArrayBuffer): Promise<number> {
  const job: SweepWorkerJob = { sqlitePath, turns, sweep: true };
  const worker: Worker = typeScriptWorker(new URL('./sweep-worker.ts', import.meta.url), { workerData: job });
  // A server stopping does not wait for it: what it had not committed is rolled back, and the generations it had not
  // finished are still listed, so the next sweep goes on from there.
  worker.unref();
  return workerOutcome(worker, "the sweep's worker", (message: SweepWorkerMessage) => {
    if ('deleted' in message) return message.deleted;
    throw new Error(`the sweep's worker failed: ${message.error}`);
  });
}

function sweep(job: SweepWorkerJob): number {
  yieldToRequests();
  const sqlite = new SQLite(job.sqlitePath);
  try {
    sqlite.pragma('busy_timeout = 5000');
    // Only to compile the statements: each runs below on this connection, synchronously, inside a turn.
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    const all = <R>(query: Compilable<R>): R[] => {
      const { sql, parameters } = query.compile();
      return sqlite.prepare(sql).all(...parameters) as R[];
    };
    const run = (query: Compilable<unknown>): void => {
      const { sql, parameters } = query.compile();
      sqlite.prepare(sql).run(...parameters);
    };
    let deleted = 0;
    for (;;) {
      const retired = all(retiredGenerations(db));
      if (retired.length === 0) return deleted;
      for (const generation of retired) {
        let after = 0;
        let finished = false;
        while (!finished) {
          inWorkerTurn(job.turns, (mainWaiting) =>
            sqlite
              .transaction(() => {
                for (let rows = 0; rows < ROWS_PER_TRANSACTION; rows += ROWS_PER_STATEMENT) {
                  if (rows > 0 && mainWaiting()) return;
                  const ids = all(retiredRowIds(db, generation, after, ROWS_PER_STATEMENT)).map((row) => row.id);
                  if (ids.length === 0) {
                    run(forgetRetired(db, generation));
                    finished = true;
                    return;
                  }
                  run(deleteRowsById(db, ids));
                  deleted += ids.length;
                  after = ids[ids.length - 1] as number;
                }
              })
              .immediate(),
          );
        }
      }
    }
  } finally {
    sqlite.close();
  }
}

if (parentPort && (workerData as SweepWorkerJob | undefined)?.sweep === true) {
  let message: SweepWorkerMessage;
  try {
    message = { deleted: sweep(workerData as SweepWorkerJob) };
  } catch (error) {
    message = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort.postMessage(message);
}
