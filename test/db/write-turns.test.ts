// Turns at SQLite's write lock between the main thread and a worker thread (server/db/write-turns.ts): the main
// thread waits, without blocking, for a worker's batch under way, and the batch hears that it is waiting; a worker
// begins no batch while the main thread holds its turn.
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { WriteTurns } from '../../server/db/write-turns.ts';
import { typeScriptWorker } from '../../server/licensing/typescript-worker.ts';
import { tempDir } from '../support/server.ts';
import {
  AHEAD,
  ASKED,
  DONE,
  IN_BATCH,
  LET_GO_AT_BATCH,
  MAIN_LET_GO,
  SAW_MAIN_WAITING,
} from '../support/turn-worker.ts';

/** Resolves once the worker has marked `slot` (an event, not a timer). */
async function marked(steps: Int32Array, slot: number): Promise<void> {
  while (Atomics.load(steps, slot) === 0) {
    await (
      Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { value: Promise<string> | string } }
    ).waitAsync(steps, slot, 0).value;
  }
}

async function setUp(graceMs = 0, aheadSteps?: number) {
  const sqlite = new SQLite(join(await tempDir(), 'turns.sqlite'));
  const turns = new WriteTurns(sqlite);
  const steps = new Int32Array(new SharedArrayBuffer(32));
  const start = () => {
    const worker = typeScriptWorker(new URL('../support/turn-worker.ts', import.meta.url), {
      workerData: { turns: turns.buffer, steps: steps.buffer, graceMs, aheadSteps },
    });
    return new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
  };
  return { sqlite, turns, steps, start };
}

describe('write turns between the main thread and a worker', () => {
  it("the main thread waits for the worker's batch under way, which hears it and ends", async () => {
    const { sqlite, turns, steps, start } = await setUp();
    const finished = start();
    await marked(steps, IN_BATCH);
    const order: string[] = [];
    // The batch's last act (inside it) is to note that the main thread waits: the main thread's turn comes after.
    const taken = turns
      .take()
      .then(() => order.push(`main's turn, batch over: ${Atomics.load(steps, SAW_MAIN_WAITING)}`));
    await marked(steps, SAW_MAIN_WAITING);
    await taken;
    await finished;
    expect(order).toEqual(["main's turn, batch over: 1"]);
    expect(Atomics.load(steps, DONE)).toBe(1);
    turns.release();
    sqlite.close();
  });

  it('a worker with a grace begins only once the main thread has wanted no turn for that long', async () => {
    const graceMs = 300;
    const { sqlite, turns, steps, start } = await setUp(graceMs);
    await turns.take();
    const finished = start();
    await marked(steps, ASKED);
    // Let go and taken again at once, as Kysely's next query does: the worker, woken, does not slip in between.
    Atomics.store(steps, MAIN_LET_GO, 1);
    turns.release();
    await turns.take();
    Atomics.store(steps, MAIN_LET_GO, 2);
    const lastLetGo = Date.now();
    turns.release();
    await marked(steps, IN_BATCH);
    // Begun after the last let-go, and no sooner than the grace after it (a lower bound: a slow machine only adds).
    expect(Atomics.load(steps, LET_GO_AT_BATCH)).toBe(3);
    expect(Date.now() - lastLetGo).toBeGreaterThanOrEqual(graceMs);
    await turns.take();
    await finished;
    turns.release();
    sqlite.close();
  });

  it('a worker begins no batch while the main thread holds its turn', async () => {
    const { sqlite, turns, steps, start } = await setUp();
    await turns.take();
    // A transaction keeps the turn held until it ends, whatever the statements in between.
    sqlite.exec('begin immediate');
    turns.release();
    const finished = start();
    await marked(steps, ASKED);
    sqlite.exec('commit');
    Atomics.store(steps, MAIN_LET_GO, 1);
    turns.release();
    await marked(steps, IN_BATCH);
    // Its batch began after the main thread let go (2), not before (1).
    expect(Atomics.load(steps, LET_GO_AT_BATCH)).toBe(2);
    // Its batch waits for the main thread to wait: take the turn again, which it hears.
    await turns.take();
    await finished;
    expect(Atomics.load(steps, SAW_MAIN_WAITING)).toBe(1);
    turns.release();
    sqlite.close();
  });

  it('a worker does its work ahead while the main thread holds its turn, until it has none, then waits', async () => {
    const { sqlite, turns, steps, start } = await setUp(0, 5);
    await turns.take();
    const finished = start();
    // Five steps of work ahead, the last one saying there is no more; no batch begun meanwhile.
    while (Atomics.load(steps, AHEAD) < 5) {
      await (
        Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { value: Promise<string> | string } }
      ).waitAsync(steps, AHEAD, Atomics.load(steps, AHEAD)).value;
    }
    expect(Atomics.load(steps, IN_BATCH)).toBe(0);
    Atomics.store(steps, MAIN_LET_GO, 1);
    turns.release();
    await marked(steps, IN_BATCH);
    // Begun after the main thread let go, and no step of work ahead after the one that said there was none.
    expect(Atomics.load(steps, LET_GO_AT_BATCH)).toBe(2);
    expect(Atomics.load(steps, AHEAD)).toBe(5);
    await turns.take();
    await finished;
    turns.release();
    sqlite.close();
  });
});
