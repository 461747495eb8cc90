// Units of work two threads share without a lock (server/cli/unit-claims.ts): however their claims interleave, each
// unit is taken exactly once, the front's taker gets a run from the first unit and the back's the rest.
import { describe, expect, it } from 'vitest';
import { UnitClaims } from '../../server/cli/unit-claims.ts';
import { typeScriptWorker, workerOutcome } from '../../server/licensing/typescript-worker.ts';

describe('units two threads share', () => {
  it('gives every unit once, from the front in order and from the back in order, whoever is first', () => {
    for (const units of [0, 1, 2, 7]) {
      for (let fromBack = 0; fromBack <= units; fromBack++) {
        const claims = UnitClaims.of(units);
        const back = Array.from({ length: fromBack }, () => claims.fromBack());
        const front: number[] = [];
        for (let u = claims.fromFront(); u !== -1; u = claims.fromFront()) front.push(u);
        expect(claims.fromBack()).toBe(-1);
        expect([...front, ...back.reverse()]).toEqual(Array.from({ length: units }, (_, k) => k));
      }
    }
    expect(() => UnitClaims.of(0x10000)).toThrow(RangeError);
  });

  it('gives every unit exactly once to two threads claiming at the same time', async () => {
    // The most units one word holds: the taker from the back turns the word negative half way.
    const units = 0xffff;
    const claims = UnitClaims.of(units);
    const taken = new SharedArrayBuffer(units * 4);
    const go = new SharedArrayBuffer(4);
    const worker = typeScriptWorker(new URL('../support/claims-worker.ts', import.meta.url), {
      workerData: { claims: claims.buffer, taken, go },
    });
    // The worker says it is ready (loaded, waiting for `go`), then how many units it took.
    const theirs = workerOutcome<string | number, number>(
      worker,
      'the claiming worker',
      (message) => message as number,
      (message) => message === 'ready',
    );
    await new Promise<void>((resolve) => worker.once('message', () => resolve()));
    const start = new Int32Array(go);
    Atomics.store(start, 0, 1);
    Atomics.notify(start, 0);
    const counts = new Int32Array(taken);
    const mine: number[] = [];
    for (let u = claims.fromBack(); u !== -1; u = claims.fromBack()) {
      Atomics.add(counts, u, 1);
      mine.push(u);
    }
    const their = await theirs;
    await worker.terminate();
    expect(their + mine.length).toBe(units);
    expect(counts.every((count) => count === 1)).toBe(true);
    // The back's taker took a run down from the last unit; the front's the run before it.
    expect(mine).toEqual(Array.from({ length: mine.length }, (_, k) => units - 1 - k));
  });
});
