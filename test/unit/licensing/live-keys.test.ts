// The live count's tables (shared/licensing/live-keys.ts) against a plain Map: identity numbers stay stable while
// referred to, a released key is gone, a ref finds its account, and nothing is lost when a table doubles or a deletion
// shifts entries back, including across the end of the table.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { growing, int32Cells, KeyTable, RefIndex } from '../../../shared/licensing/live-keys.ts';

interface Held {
  id: number;
  refs: number;
}

function agree(table: KeyTable, model: Map<string, Held>, keys: readonly string[]): void {
  expect(table.size).toBe(model.size);
  for (const key of keys) {
    const held = model.get(key);
    expect(table.find(key)).toBe(held ? held.id : -1);
    if (held) expect(table.name(held.id)).toBe(key);
  }
}

describe('KeyTable', () => {
  it('agrees with a Map through any sequence of refers and releases, past several doublings', () => {
    // 6,000 keys: each of the 64 tables starts at 32 slots and doubles at three quarters full, so most double twice.
    // Kept as bytes, except keys with a code unit past 255 (kept as strings): both kinds, and Latin-1 between.
    const keys = Array.from({ length: 6_000 }, (_, i) =>
      i % 10 === 0 ? `利用者${i}` : i % 10 === 1 ? `jürgen.${i}@bücher.de` : `person.${i}@example.com`,
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.nat(keys.length - 1), release: fc.boolean() }), {
          minLength: 1,
          maxLength: 400,
        }),
        fc.nat(keys.length),
        (steps, bulk) => {
          const table = new KeyTable();
          const model = new Map<string, Held>();
          // Many keys first, so the steps below run on a grown table.
          for (const key of keys.slice(0, bulk)) model.set(key, { id: table.refer(key), refs: 1 });
          for (const step of steps) {
            const key = keys[step.key] as string;
            const held = model.get(key);
            if (step.release && held) {
              table.release(held.id);
              held.refs--;
              if (held.refs === 0) model.delete(key);
            } else if (!step.release) {
              const id = table.refer(key);
              if (held) {
                expect(id).toBe(held.id);
                held.refs++;
              } else model.set(key, { id, refs: 1 });
            }
          }
          agree(table, model, keys);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps every key findable when most are released and the numbers are reused', () => {
    const table = new KeyTable();
    const ids = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) ids.set(`u${i}`, table.refer(`u${i}`));
    for (let i = 0; i < 20_000; i += 3) {
      table.release(ids.get(`u${i}`) as number);
      ids.delete(`u${i}`);
    }
    for (let i = 20_000; i < 25_000; i++) ids.set(`u${i}`, table.refer(`u${i}`));
    expect(table.size).toBe(ids.size);
    for (const [key, id] of ids) expect(table.find(key)).toBe(id);
    for (let i = 0; i < 20_000; i += 3) expect(table.find(`u${i}`)).toBe(-1);
    // Released numbers are given out again: no number grows past what is needed.
    expect(table.span).toBeLessThan(25_000);
  });

  it('gives back the bytes of released keys, and every key kept reads and finds the same after', () => {
    const table = new KeyTable();
    const ids = new Map<string, number>();
    const key = (i: number) => (i % 50 === 0 ? `名前${i}` : `someone.with.a.long.name.${i}@example.org`);
    // 100,000 keys of about 40 bytes, then three in five released: past a megabyte and half the bytes.
    for (let i = 0; i < 100_000; i++) ids.set(key(i), table.refer(key(i)));
    const written = table.bytesHeld;
    for (let i = 0; i < 100_000; i++) {
      if (i % 5 < 3) {
        table.release(ids.get(key(i)) as number);
        ids.delete(key(i));
      }
    }
    for (let i = 100_000; i < 110_000; i++) ids.set(key(i), table.refer(key(i)));
    // Reclaimed in steps as keys come and go: half the keys are held, and about half the bytes (4 MB written).
    expect(written).toBeGreaterThan(4_000_000);
    expect(table.bytesHeld).toBeLessThan(written * 0.7);
    expect(table.size).toBe(ids.size);
    for (const [name, id] of ids) {
      expect(table.find(name)).toBe(id);
      expect(table.name(id)).toBe(name);
    }
    for (let i = 0; i < 100_000; i += 5) expect(table.find(key(i))).toBe(-1);
  });
});

describe('KeyTable reclaiming bytes in steps', () => {
  it('agrees with a Map while keys come and go through several compactions, numbers reused among them', () => {
    const table = new KeyTable();
    const model = new Map<string, number>();
    // Long keys, so a megabyte is released every few thousand steps; a few wide ones (kept as strings) among them.
    const key = (n: number) => `${n % 97 === 0 ? 'ü名' : ''}member.${n}.${'x'.repeat(n % 300)}@example.org`;
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    let next = 0;
    const live: string[] = [];
    for (let step = 0; step < 120_000; step++) {
      if (live.length === 0 || random() < 0.55) {
        const name = key(next++);
        const id = table.refer(name);
        expect(model.has(name)).toBe(false);
        model.set(name, id);
        live.push(name);
      } else {
        const at = Math.floor(random() * live.length);
        const name = live[at] as string;
        live[at] = live[live.length - 1] as string;
        live.pop();
        table.release(model.get(name) as number);
        model.delete(name);
      }
      if (step % 20_000 === 19_999) {
        for (const [name, id] of model) {
          if (table.find(name) !== id || table.name(id) !== name) throw new Error(`${name} lost at step ${step}`);
        }
      }
    }
    expect(table.size).toBe(model.size);
    for (const [name, id] of model) {
      expect(table.find(name)).toBe(id);
      expect(table.name(id)).toBe(name);
    }
    // Every key's bytes counted once, and the released ones mostly given back: about 170 bytes a live key on average.
    expect(table.bytesHeld).toBeLessThan(model.size * 170 * 2.5 + 4 * 262_144);
  });
});

describe('RefIndex', () => {
  // Row ids and line numbers go in the table of numbers; anything else (names, negative or fractional numbers, ids
  // past 32 bits) in its Map. Refs 0 to 9,999 take each of its 64 tables from 32 slots through three doublings.
  const refs: (string | number)[] = [
    ...Array.from({ length: 10_000 }, (_, i) => i),
    // Strides of a power of two: the same low bits, which an unmixed hash would put in one slot.
    ...Array.from({ length: 50 }, (_, i) => (i + 1) * 65_536),
    'account:7',
    '7',
    -1,
    1.5,
    2 ** 31,
    2 ** 40,
    0x7fffffff,
  ];

  it('agrees with a Map through any sequence of sets and deletes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ ref: fc.nat(refs.length - 1), index: fc.nat(1_000_000), remove: fc.boolean() }), {
          minLength: 1,
          maxLength: 300,
        }),
        fc.nat(10_000),
        (steps, bulk) => {
          const index = new RefIndex();
          const model = new Map<string | number, number>();
          for (let ref = 0; ref < bulk; ref++) {
            index.set(ref, ref * 2);
            model.set(ref, ref * 2);
          }
          for (const step of steps) {
            const ref = refs[step.ref] as string | number;
            if (step.remove) {
              index.delete(ref);
              model.delete(ref);
            } else {
              index.set(ref, step.index);
              model.set(ref, step.index);
            }
          }
          expect(index.size).toBe(model.size);
          for (const ref of refs) expect(index.get(ref)).toBe(model.get(ref));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps every ref found when most are deleted, and after making room in advance', () => {
    const index = new RefIndex();
    index.reserve(50_000);
    for (let ref = 1; ref <= 50_000; ref++) index.set(ref * 7, ref);
    for (let ref = 1; ref <= 50_000; ref += 2) index.delete(ref * 7);
    expect(index.size).toBe(25_000);
    for (let ref = 1; ref <= 50_000; ref++) expect(index.get(ref * 7)).toBe(ref % 2 === 0 ? ref : undefined);
    expect(index.has(14)).toBe(true);
    expect(index.has(7)).toBe(false);
  });

  it('makes room one table of its 64 at a time when asked in steps, every ref still found', () => {
    const index = new RefIndex();
    for (let ref = 0; ref < 10_000; ref++) index.set(ref, ref + 1);
    // Growing all 64 tables in one call rehashed every entry at once: each step must grow one table only.
    let steps = 0;
    while (index.reserve(200_000, true)) steps++;
    expect(steps).toBe(64);
    expect(index.reserve(200_000, true)).toBe(false);
    for (let ref = 0; ref < 10_000; ref++) expect(index.get(ref)).toBe(ref + 1);
  });
});

describe('KeyTable in steps', () => {
  it('grows its numbers, its log, then one table of 64 per step, and finds every key after', () => {
    const table = new KeyTable();
    const ids = Array.from({ length: 10_000 }, (_, i) => table.refer(`person.${i}@example.com`));
    let steps = 0;
    for (const _ of table.makingRoom(200_000)) steps++;
    // Each of the four numbers' arrays (200,000 cells) in one step, the log (400,002 cells) in two, then each of the
    // 64 tables.
    expect(steps).toBe(4 + 2 + 64);
    expect(table.reserve(200_000)).toBe(false);
    ids.forEach((id, i) => {
      expect(table.find(`person.${i}@example.com`)).toBe(id);
    });
  });
});

describe('growing an array in steps', () => {
  /** An array held as the live count holds its own, with the steps it took to grow. */
  function held(length: number) {
    const holder = { array: Int32Array.from({ length }, (_, k) => k * 3) };
    return {
      holder,
      steps: (size: number, fill = 0) =>
        growing(
          () => holder.array,
          (grown) => {
            holder.array = grown;
          },
          size,
          int32Cells,
          fill,
        ),
    };
  }

  it('writes the new array over several steps and swaps it in at the last, contents kept, new cells filled', () => {
    const { holder, steps } = held(1_000);
    const before = holder.array;
    const run = steps(1_000_000, -1);
    let yielded = 0;
    while (!run.next().done) {
      yielded++;
      // Out of use until the last step.
      expect(holder.array).toBe(before);
    }
    expect(yielded).toBeGreaterThan(1);
    expect(holder.array).toHaveLength(1_000_000);
    expect(Array.from(holder.array.subarray(0, 1_000))).toEqual(Array.from(before));
    expect(holder.array.subarray(1_000).every((cell) => cell === -1)).toBe(true);
  });

  it('copies the array as it is at the last step: a change made between steps is kept', () => {
    const { holder, steps } = held(10);
    const run = steps(600_000);
    run.next();
    holder.array[4] = 999;
    holder.array[9] = -7;
    while (!run.next().done);
    expect(holder.array[4]).toBe(999);
    expect(holder.array[9]).toBe(-7);
    expect(holder.array).toHaveLength(600_000);
  });

  it('leaves an array grown meanwhile as it is', () => {
    const { holder, steps } = held(10);
    const run = steps(600_000);
    run.next();
    const grownElsewhere = new Int32Array(700_000).fill(5);
    holder.array = grownElsewhere;
    while (!run.next().done);
    expect(holder.array).toBe(grownElsewhere);
    // Large enough already: nothing to do, not a step taken.
    expect(steps(100).next().done).toBe(true);
  });
});
