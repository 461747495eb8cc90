// A large import's rows into SQLite's search index (search-backlog.ts), in a worker thread of their own while the main
// thread counts the same rows (import-run.ts), in transactions taken in turn with the main thread's writes
// (server/db/write-turns.ts), with a grace after each of the main thread's turns. At the process's own CPU priority,
// unlike the import's reading and the sweep: with the main thread busy counting, a 5M-row import took 120 s at nice 10
// and 114 s at the process's priority, the saves' p99 the same (65 and 64 ms; one run each).
import { parentPort, type Worker, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { useMemoryMap } from '../db/memory-map.ts';
import { inWorkerTurn } from '../db/write-turns.ts';
import { searchBacklog } from './search-backlog.ts';
import { typeScriptWorker, workerOutcome } from './typescript-worker.ts';

/**
 * How long a transaction of the index goes on once the main thread waits (it ends after the statement under way past
 * that), and how long the main thread must have wanted no turn before the next one begins (write-turns.ts). Longer
 * transactions commit less often; without the grace, each main-thread write waited for a whole one, one after another:
 * with 10 or 20 ms, checking a 1M-row import took 4.9-5.6 s instead of ~7 s but the saves' p99 went to 1.9-3.4 s. With
 * both, 5M rows checked in 29.6-33.0 s against 35.6-38.0 s, the whole import 95.1-102.9 s against 101.3-108.2 s, the
 * saves' p99 71-88 ms in four runs of five and 105 ms in one, against 67-83 ms (`npm run bench -- import`; 20 ms took
 * the p99 at 1M rows to 102 ms).
 */
const LEAST_TURN_MS = 10;
const GRACE_MS = 1;

export interface SearchIndexJob {
  /** The database file, and WriteTurns.buffer of the main thread's connection. */
  path: string;
  turns: SharedArrayBuffer;
  generation: number;
  /** The import's: one Int32, set to 1 when it is cancelled. */
  cancel: SharedArrayBuffer;
}

/** Rows indexed between two reports of the worker's progress. */
const PROGRESS_ROWS = 50_000;

type SearchIndexMessage = { outcome: 'indexed' | 'cancelled' } | { error: string } | { indexedSoFar: number };

/**
 * Indexes the generation's waiting rows in a worker thread; resolves when they are in, or when cancelled. `onIndexed`
 * is told the rows indexed so far: 0 at once, then every PROGRESS_ROWS or so.
 */
export function indexInWorker(
  job: SearchIndexJob,
  onIndexed: (rows: number) => void = () => {},
): Promise<'indexed' | 'cancelled'> {
  const worker: Worker = typeScriptWorker(new URL('./search-index-worker.ts', import.meta.url), {
    workerData: { searchIndex: job },
  });
  onIndexed(0);
  return workerOutcome(
    worker,
    "the search index's worker",
    (message: SearchIndexMessage) => {
      if ('outcome' in message) return message.outcome;
      if ('indexedSoFar' in message) throw new Error("the search index's worker sent no outcome");
      throw new Error(`the search index's worker failed: ${message.error}`);
    },
    (message) => {
      if (!('indexedSoFar' in message)) return false;
      onIndexed(message.indexedSoFar);
      return true;
    },
  );
}

function index(job: SearchIndexJob): SearchIndexMessage {
  const sqlite = new SQLite(job.path);
  try {
    sqlite.pragma('busy_timeout = 5000');
    useMemoryMap(sqlite);
    const backlog = searchBacklog(sqlite, job.generation);
    const cancelled = new Int32Array(job.cancel);
    let indexedSoFar = 0;
    let told = 0;
    for (;;) {
      if (Atomics.load(cancelled, 0) !== 0) return { outcome: 'cancelled' };
      const indexed = inWorkerTurn(
        job.turns,
        (mainWaiting) => {
          const began = performance.now();
          return backlog.indexSome(() => mainWaiting() && performance.now() - began >= LEAST_TURN_MS);
        },
        GRACE_MS,
      );
      if (indexed.done) return { outcome: 'indexed' };
      indexedSoFar += indexed.indexed;
      if (indexedSoFar - told >= PROGRESS_ROWS) {
        told = indexedSoFar;
        parentPort?.postMessage({ indexedSoFar } satisfies SearchIndexMessage);
      }
    }
  } catch (error) {
    return { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  } finally {
    sqlite.close();
  }
}

const job = (workerData as { searchIndex?: SearchIndexJob } | undefined)?.searchIndex;
if (parentPort && job) parentPort.postMessage(index(job));
