// Identity numbers (identity-index.ts): two records get the same non-zero number exactly when rule 14 matches their
// values (case-insensitive, surrounding spaces ignored), and a value no other record matches gets 0. Checked against a
// reference written here with plain strings and a Map, on values chosen to collide: case, spaces, Unicode, blanks,
// and hashes forced equal.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccountColumns } from '../../../shared/licensing/account-columns.ts';
import {
  confirmNumbers,
  identityHash,
  numberByIdentity,
  sameAsciiKey,
  sameKey,
} from '../../../shared/licensing/identity-index.ts';

/** Rule 14's key of a value, written independently: trimmed of what String.prototype.trim removes, lower-cased. */
const keyOf = (value: string) => value.trim().toLowerCase();

const VALUES = [
  'ann',
  'Ann',
  ' ANN ',
  'ann\u3000',
  'bob',
  'BOB',
  'José',
  'JOSÉ',
  'josé ',
  'straße',
  'STRASSE',
  'x',
  '',
  '  ',
];
const valueArb = fc.oneof(fc.constantFrom(...VALUES), fc.string({ maxLength: 3 }));

/**
 * Numbers `values` with their values compared, or by hash alone and then confirmed (as the audit CLI does), looking
 * at every record or only at those holding a number (`holders`, as the count hands them over).
 */
function numbered(values: string[], hashes: Int32Array, how: 'compared' | 'confirmed' | 'confirmed-holders') {
  const same = (a: number, b: number) => sameKey(values[a] as string, values[b] as string);
  const ids = new Int32Array(values.length);
  if (how === 'compared') return { ids, next: numberByIdentity(hashes, same, ids, 1) };
  const byHash = numberByIdentity(hashes, null, ids, 1);
  const every = Int32Array.from(values.keys());
  const holders = how === 'confirmed' ? every : every.filter((i) => ids[i] !== 0);
  return { ids, next: confirmNumbers(hashes, same, ids, byHash, holders) };
}

describe('numbering identities', () => {
  it.each([
    ['with the values compared', 'compared'],
    ['by hash alone, then confirmed against the values', 'confirmed'],
    ['by hash alone, then confirmed on the records holding a number', 'confirmed-holders'],
  ] as const)(
    'gives equal non-zero numbers exactly to values matching another, 0 to values matching none (%s)',
    (_, how) => {
      fc.assert(
        fc.property(fc.array(valueArb, { maxLength: 60 }), fc.integer({ min: 0, max: 2 }), (values, collide) => {
          // With `collide`, non-blank values share a few hashes (1: all one, 2: one per length), so only comparing the
          // values tells them apart; 0 keeps their own hashes.
          const hashOf = (value: string) =>
            keyOf(value) === '' || collide === 0 ? identityHash(value) : collide === 1 ? 7 : 7 + keyOf(value).length;
          const hashes = Int32Array.from(values, hashOf);
          const { ids, next } = numbered(values, hashes, how);
          const holders = new Map<string, number>();
          for (const value of values)
            if (keyOf(value) !== '') holders.set(keyOf(value), (holders.get(keyOf(value)) ?? 0) + 1);
          values.forEach((value, i) => {
            const shared = keyOf(value) !== '' && (holders.get(keyOf(value)) as number) > 1;
            expect(ids[i] !== 0).toBe(shared);
            expect(ids[i] as number).toBeLessThan(next);
            values.forEach((other, j) => {
              if (shared && ids[j] !== 0) expect(ids[i] === ids[j]).toBe(keyOf(value) === keyOf(other));
            });
          });
          const numbers = new Set([...ids].filter((id) => id !== 0));
          expect(numbers.size).toBe([...holders.values()].filter((count) => count > 1).length);
          // Numbered by value, no number is left unused; confirmed, the numbers of split hashes are given anew.
          if (how === 'compared') expect(next - 1).toBe(numbers.size);
        }),
        { numRuns: 400 },
      );
    },
  );

  it('compares values of columns where they stand as sameKey compares the strings, in texts of either kind', () => {
    fc.assert(
      fc.property(fc.array(valueArb, { minLength: 2, maxLength: 12 }), (values) => {
        // Half the values in a decoded text, half in a part appended as character codes (a reading worker's).
        const half = Math.ceil(values.length / 2);
        const columns = new AccountColumns();
        const part = new AccountColumns();
        const text = (list: string[]) => list.map((value) => `${value}|`).join('');
        const put = (into: AccountColumns, list: string[]) => {
          const all = text(list);
          let at = 0;
          for (const value of list) {
            const i = into.add(into.length + 2);
            into.setUsernameRange(i, all, at, at + value.length);
            into.setEmailRange(i, all, at, at + value.length);
            into.setNames(i, 'Production', 'Users', '');
            at += value.length + 1;
          }
        };
        put(columns, values.slice(0, half));
        put(part, values.slice(half));
        const wide = (value: string) => [...value].some((ch) => (ch.codePointAt(0) as number) > 0xff);
        const codes = (value: string) =>
          wide(value)
            ? Uint16Array.from(value, (ch) => ch.charCodeAt(0))
            : Uint8Array.from(value, (ch) => ch.charCodeAt(0));
        columns.append(part.part((all) => codes(all)).part, 0);
        for (let a = 0; a < values.length; a++) {
          for (let b = 0; b < values.length; b++) {
            const same = columns.sameAsciiValue(a % 2 === 0, a, b);
            const expected = sameKey(values[a] as string, values[b] as string);
            const ascii = [...`${values[a]}${values[b]}`].every((ch) => (ch.codePointAt(0) as number) < 0x80);
            if (same === null) expect(ascii).toBe(false);
            else expect(same).toBe(expected);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('compares two values in place only when both are ASCII: null when either holds another character, wherever', () => {
    const piece = fc.constantFrom('a', 'A', 'z', 'Z', '@', '.', ' ', '\u3000', 'é', 'É', 'ß', 'İ', '\u0307', '\t');
    const value = fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join(''));
    fc.assert(
      fc.property(value, value, fc.boolean(), (a, b, asCodes) => {
        const trimmedAscii = (text: string) => [...text.trim()].every((ch) => (ch.codePointAt(0) as number) < 0x80);
        // Either kind of text, as the columns hold them (a reading worker's values are character codes).
        const codes = (text: string) => Uint16Array.from(text, (ch) => ch.charCodeAt(0));
        const x = `<${a}>`;
        const y = `[${b}]`;
        const same = sameAsciiKey(asCodes ? codes(x) : x, 1, a.length + 1, y, 1, b.length + 1);
        if (trimmedAscii(a) && trimmedAscii(b)) expect(same).toBe(sameKey(a, b));
        else expect(same).toBeNull();
      }),
      { numRuns: 2000 },
    );
  });
});
