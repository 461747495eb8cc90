// The audit CLI reads a list's file in chunks of one buffer used again and again (file-chunks.ts). The chunks must
// cover exactly the range asked for, and the one reader must copy whatever it keeps of a chunk, since the next chunk
// overwrites it: a list read through a buffer that is scribbled over after every write reads as the list itself.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fileChunks } from '../../server/cli/file-chunks.ts';
import { asciiText } from '../../server/licensing/ascii-text.ts';
import type { AccountRow } from '../../shared/licensing/account-rows.ts';
import { UserListReader } from '../../shared/licensing/user-list-reader.ts';

const dir = mkdtempSync(join(tmpdir(), 'seatkeeper-chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every chunk copied as it comes (each is valid only until the next). */
function collected(chunks: Iterable<Uint8Array>): Uint8Array {
  const copies: Uint8Array[] = [];
  for (const chunk of chunks) copies.push(chunk.slice());
  return new Uint8Array(Buffer.concat(copies));
}

/** The first index at which `a` and `b` differ (both the same length), or -1. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (Buffer.from(a.buffer, a.byteOffset, a.length).equals(b)) return -1;
  let k = 0;
  while (a[k] === b[k]) k++;
  return k;
}

/**
 * Reads `bytes` fed in pieces of `size` through one buffer that is filled with 0xff after each piece is read, as the
 * CLI reads them (with Node's reading of ASCII pieces).
 */
function readThroughOneBuffer(bytes: Uint8Array, size: number): AccountRow[] {
  const reader = new UserListReader({ asciiText });
  const buffer = new Uint8Array(size);
  const accounts: AccountRow[] = [];
  for (let from = 0; from < bytes.length; from += size) {
    const piece = bytes.subarray(from, from + size);
    buffer.set(piece);
    accounts.push(...reader.write(buffer.subarray(0, piece.length)));
    buffer.fill(0xff);
  }
  accounts.push(...reader.end().accounts);
  return accounts;
}

describe('a file read in chunks of one buffer', () => {
  const size = (1 << 20) * 2 + 12_345;
  const content = Uint8Array.from({ length: size }, (_, k) => (k * 7919) % 251);
  const path = join(dir, 'bytes.bin');
  writeFileSync(path, content);

  it.each([
    ['the whole file', 0, undefined],
    ['from a point to the end', 1_000_001, undefined],
    ['a range across two chunks', 999_999, (1 << 20) + 17],
    ['an empty range', 5, 5],
    ['a range past the end', size - 3, size + 100],
  ])('gives exactly %s', (_label, start, end) => {
    const got = collected(fileChunks(path, start, end));
    const expected = content.subarray(start, end ?? size);
    // Compared as bytes: toEqual walks megabytes an element at a time (seconds per case).
    expect(got.length).toBe(expected.length);
    expect(firstDifference(got, expected)).toBe(-1);
  });

  it('gives each chunk in the same buffer, so a caller must use it before asking for the next', () => {
    const chunks = fileChunks(path);
    const first = chunks.next().value as Uint8Array;
    const second = chunks.next().value as Uint8Array;
    expect(second.buffer).toBe(first.buffer);
    chunks.return(undefined);
  });
});

describe('the reader keeps nothing of a chunk it has not copied', () => {
  it('reads a list fed through one overwritten buffer as the list itself, whatever the piece size', () => {
    const name = fc.stringMatching(/^[a-zé"\n,]{0,6}$/);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(name, name), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 40 }),
        (rows, bom, size) => {
          const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
          const text = `${bom ? '\ufeff' : ''}username,tenant\r\n${rows.map(([u, t]) => `${quote(`u${u}`)},${quote(t)}`).join('\r\n')}\r\n`;
          const bytes = new TextEncoder().encode(text);
          const whole = new UserListReader();
          const expected = [...whole.write(bytes), ...whole.end().accounts];
          expect(readThroughOneBuffer(bytes, size)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
