// The live count's table of distinct identities (shared/licensing/live-keys.ts) against a plain Map: numbers stay
// stable while referred to, a released key is gone, and nothing is lost when the table doubles or a deletion shifts
// entries back, including across the end of the table.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyTable } from '../../../shared/licensing/live-keys.ts';

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
    // 6,000 keys: the table starts at 2,048 slots and doubles at half full, so it doubles three times.
    const keys = Array.from({ length: 6_000 }, (_, i) => `person.${i}@example.com`);
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
});
