// An import's sorted rows made ready while its worker waits for its turn (server/licensing/rows-ahead.ts): every row
// written once and in the sort's order, however the work ahead and the writing interleave; a row is classified by the
// rules in force when it is written, not those it was made ahead by; the work ahead stops at its bound.
import { describe, expect, it } from 'vitest';
import { stagedRow } from '../../server/licensing/import-staging.ts';
import { DIRECTORY_FIELDS, type DirectoryFields } from '../../server/licensing/records.ts';
import { RowsAhead } from '../../server/licensing/rows-ahead.ts';
import { type CompiledRules, compileRules } from '../../shared/licensing/classify.ts';

const fieldsOf = (i: number): DirectoryFields => ({
  provider: 'LDAP',
  tenant: '',
  username: `user${i}`,
  email: `person.${i}@${i % 2 === 0 ? 'acme.com' : 'partner.example'}`,
  name: '',
  active: i % 5 !== 0,
  itUser: false,
  staff: false,
  role: null,
  lastSignInAt: null,
  createdAt: '2026-12-05T08:00:00Z',
});

const stage = (rules: CompiledRules, fields: DirectoryFields) => stagedRow('e1', rules, fields, 3);
const CLASSIFICATION = DIRECTORY_FIELDS.indexOf('classification');
const acme = compileRules('Partners', ['acme.com']);
const partner = compileRules('Partners', ['partner.example']);

/** A pseudo-random sequence (the same every run). */
function steps(seed: number) {
  let state = seed;
  return (bound: number) => {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    return state % bound;
  };
}

describe("an import's rows made ready ahead of their turn", () => {
  it('writes every row once, in the order sorted, however work ahead and writing interleave', () => {
    const count = 23_456;
    const sorted = Array.from({ length: count }, (_, i) => fieldsOf(i));
    const ahead = new RowsAhead(sorted.values(), stage);
    const random = steps(7);
    const written: unknown[][] = [];
    while (ahead.fill(4_000)) {
      // Some steps of work ahead (as while the main thread writes), then a batch written in statements of 500, the
      // transaction ending early at times.
      for (let k = random(40); k > 0 && ahead.step(() => acme); k--);
      const batch = Math.min(ahead.length, 4_000);
      const statements = 1 + random(Math.ceil(batch / 500));
      let done = 0;
      for (let s = 0; s < statements && done < batch; s++) {
        const to = Math.min(batch, done + 500);
        written.push(...ahead.rows(acme, done, to));
        done = to;
      }
      ahead.written(done);
    }
    expect(written).toEqual(sorted.map((fields) => stage(acme, fields)));
  });

  it('classifies a row by the rules in force when it is written, not those it was made ahead by', () => {
    const ahead = new RowsAhead(Array.from({ length: 1_000 }, (_, i) => fieldsOf(i)).values(), stage);
    ahead.fill(1_000);
    while (ahead.step(() => acme));
    // Made ahead under acme.com: person.0@acme.com internal, person.1@partner.example external.
    expect(ahead.rows(acme, 0, 2).map((row) => row[CLASSIFICATION])).toEqual(['internal', 'external']);
    // The rules changed before the rows were written: made again.
    expect(ahead.rows(partner, 0, 2).map((row) => row[CLASSIFICATION])).toEqual(['external', 'internal']);
    ahead.written(2);
    expect(ahead.rows(partner, 0, 998).map((row) => row[CLASSIFICATION])).toEqual(
      Array.from({ length: 998 }, (_, k) => ((k + 2) % 2 === 0 ? 'external' : 'internal')),
    );
  });

  it('takes two batches ahead of the writing at most, and stops when the sort has no more', () => {
    let taken = 0;
    const endless: Iterator<DirectoryFields> = { next: () => ({ done: false, value: fieldsOf(taken++) }) };
    const ahead = new RowsAhead(endless, stage);
    let stepsDone = 0;
    while (ahead.step(() => acme)) stepsDone++;
    expect(ahead.length).toBe(8_000);
    expect(taken).toBe(8_000);
    // 32 steps taking rows, 32 making them.
    expect(stepsDone).toBe(64);
    const short = new RowsAhead([fieldsOf(1), fieldsOf(2)].values(), stage);
    // Taken, made, then nothing more to do.
    expect([short.step(() => acme), short.step(() => acme), short.step(() => acme)]).toEqual([true, true, false]);
    expect(short.length).toBe(2);
    expect(short.rows(acme, 0, 2)).toEqual([stage(acme, fieldsOf(1)), stage(acme, fieldsOf(2))]);
  });
});
