// An import's rows sorted in runs on disk and merged (server/licensing/sorted-runs.ts), against a plain sort of the same
// rows: every row once, in order, ties in the order they were spilled, and the file gone when closed.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DirectoryFields } from '../../server/licensing/records.ts';
import { type SharedFields, SortedRuns } from '../../server/licensing/sorted-runs.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function runsFile() {
  const dir = mkdtempSync(join(tmpdir(), 'seatkeeper-runs-'));
  dirs.push(dir);
  return { dir, path: join(dir, 'import.sorting') };
}

/** A small generator with a seed, so a failure can be run again. */
function random(seed: number) {
  let state = seed >>> 0;
  return (n: number) => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state % n;
  };
}

const PIECES = ['a', 'B', 'é', 'É', ' ', '.', '田中', 'z', '0', '@', '\u0000', '"', '\\', '\n', '😀'];

const SHARED: SharedFields = { name: '', role: null, lastSignInAt: null, createdAt: '2026-12-05T10:00:00.000Z' };

/** A row of random values; its serial number ends the tenant, so rows of equal keys can be told apart. */
function fields(next: (n: number) => number, serial: number): DirectoryFields {
  const text = (most: number) => Array.from({ length: next(most) }, () => PIECES[next(PIECES.length)]).join('');
  return {
    provider: ['Okta', 'AD', 'Entra ID'][next(3)] as string,
    tenant: `${text(3)}#${serial}`,
    // Few distinct values, so equal keys come often.
    username: text(2),
    email: `${text(3)}@${['x.com', 'Y.org'][next(2)]}`,
    active: next(2) === 0,
    itUser: next(3) === 0,
    staff: next(5) === 0,
    ...SHARED,
  };
}

describe('rows sorted in runs on disk', () => {
  it('merges runs of any length into one sorted sequence holding every row once, ties in spill order', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = random(seed);
      const { path } = runsFile();
      const runs = new SortedRuns(path, SHARED, 1 + next(40));
      const all: DirectoryFields[] = [];
      const lengths = Array.from({ length: 1 + next(9) }, () => next(300));
      for (const length of lengths) {
        const run = Array.from({ length }, (_, k) => fields(next, all.length + k));
        all.push(...run);
        // A copy of the list handed over, as the import worker hands over its window.
        runs.spill([...run]);
      }
      expect(runs.count).toBe(lengths.length);
      const merged = [...runs.merged()];
      // The reference: a stable sort of every row in the order spilled (Array.prototype.sort is stable).
      const key = (f: DirectoryFields) => [f.email.trim().toLowerCase(), f.username.trim().toLowerCase()];
      const expected = [...all].sort((a, b) => {
        const [ea, ua] = key(a) as [string, string];
        const [eb, ub] = key(b) as [string, string];
        return ea !== eb ? (ea < eb ? -1 : 1) : ua !== ub ? (ua < ub ? -1 : 1) : 0;
      });
      expect(merged, `seed ${seed}`).toEqual(expected);
      runs.close();
      expect(readdirSync(join(path, '..'))).toEqual([]);
    }
  });

  it('keeps the file to its owner, makes none for no run, refuses a row with fields of its own, and use after close', () => {
    const { dir, path } = runsFile();
    const empty = new SortedRuns(path, SHARED);
    expect([...empty.merged()]).toEqual([]);
    empty.close();
    expect(readdirSync(dir)).toEqual([]);

    const runs = new SortedRuns(path, SHARED, 2);
    runs.spill([fields(random(9), 0), fields(random(10), 1), fields(random(11), 2)]);
    // A row that does not share the fields kept once would come back changed: refused.
    expect(() => runs.spill([{ ...fields(random(12), 3), role: 'admin' }])).toThrow(/differs/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    runs.close();
    expect(readdirSync(dir)).toEqual([]);
    expect(() => runs.spill([fields(random(12), 3)])).toThrow(/closed/);
  });
});
