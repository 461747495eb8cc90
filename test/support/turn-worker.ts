// A worker thread taking turns at the write lock as an import's worker does (server/db/write-turns.ts), for
// test/db/write-turns.test.ts: `steps` (Int32 slots) says where it is; in its batch it notes whether the main thread had
// let go of its turn, then holds the batch until the main thread begins waiting for a turn. `graceMs` is inWorkerTurn's;
// with `aheadSteps`, it does that many steps of work ahead while it waits (inWorkerTurn's `meanwhile`).
import { parentPort, workerData } from 'node:worker_threads';
import { inWorkerTurn } from '../../server/db/write-turns.ts';

export const ASKED = 0;
export const IN_BATCH = 1;
export const SAW_MAIN_WAITING = 2;
export const DONE = 3;
/** Set by the main thread just before it lets go of its turn. */
export const MAIN_LET_GO = 4;
/** What MAIN_LET_GO was when the worker's batch began, plus one (0: not begun). */
export const LET_GO_AT_BATCH = 5;
/** Steps of work ahead done while waiting (`aheadSteps` of them at most, inWorkerTurn's `meanwhile`). */
export const AHEAD = 6;

if (parentPort && workerData) {
  const {
    turns,
    steps: buffer,
    graceMs = 0,
    aheadSteps,
  } = workerData as { turns: SharedArrayBuffer; steps: SharedArrayBuffer; graceMs?: number; aheadSteps?: number };
  const steps = new Int32Array(buffer);
  const mark = (slot: number, value = 1) => {
    Atomics.store(steps, slot, value);
    Atomics.notify(steps, slot);
  };
  mark(ASKED);
  inWorkerTurn(
    turns,
    (mainWaiting) => {
      mark(LET_GO_AT_BATCH, Atomics.load(steps, MAIN_LET_GO) + 1);
      mark(IN_BATCH);
      while (!mainWaiting()) Atomics.wait(steps, SAW_MAIN_WAITING, 0, 10);
      mark(SAW_MAIN_WAITING);
    },
    graceMs,
    aheadSteps === undefined
      ? undefined
      : () => {
          const done = Atomics.add(steps, AHEAD, 1) + 1;
          Atomics.notify(steps, AHEAD);
          return done < aheadSteps;
        },
  );
  mark(DONE);
  parentPort.postMessage('done');
}
