// Identity values (emails and usernames) matched as rule 14 says: case-insensitively and ignoring surrounding spaces,
// hashed in place instead of building a lower-cased key per record, so numbering a million accounts allocates typed
// arrays rather than two million strings.

/**
 * Identity hashes are MurmurHash3 (32-bit) over a value's character codes, four codes to a word: one chain of
 * multiplications per four characters instead of per character (FNV-1a, used before, spent most of its time waiting on
 * its one chain; hashing a million-row list's values took a third less when measured). A code is a UTF-16 unit, so a
 * word of codes above 255 overlaps its neighbours' bits: such a value only collides more, and every match by hash is
 * confirmed on the values.
 */
const SEED = 0x9747b28c | 0;
/** MurmurHash3's constants as int32, so that the arithmetic stays in 32-bit integers. */
const C1 = 0xcc9e2d51 | 0;
const C2 = 0x1b873593 | 0;
const N = 0xe6546b64 | 0;

/** The hash of no character yet: start here, mix whole words (mixWord), and end with finishHash. */
export const HASH_START = SEED;

/** A word of four character codes (each shifted in by 8 bits) mixed into a hash. */
export function mixWord(hash: number, word: number): number {
  let k = Math.imul(word, C1);
  k = (k << 15) | (k >>> 17);
  const h = hash ^ Math.imul(k, C2);
  return (Math.imul((h << 13) | (h >>> 19), 5) + N) | 0;
}

/**
 * The hash of `length` characters after the last whole word was mixed in, the codes left over (length % 4 of them)
 * being in `word`; never 0 nor NOT_ASCII.
 */
export function finishHash(hash: number, word: number, length: number): number {
  let h = hash;
  if ((length & 3) !== 0) {
    let k = Math.imul(word, C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b | 0);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35 | 0);
  h ^= h >>> 16;
  return h === 0 || h === NOT_ASCII ? h + 1 : h;
}

/** The characters String.prototype.trim removes. */
export function isSpaceCode(c: number): boolean {
  // Printable ASCII and Latin-1 first: almost every character of a list.
  if (c > 32 && c < 160) return false;
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** The hash of value[start, end) with ASCII capitals as small letters (a folded value's are already). */
function hashFolded(value: string, start: number, end: number): number {
  let hash = SEED;
  let word = 0;
  for (let k = start; k < end; k++) {
    let c = value.charCodeAt(k);
    if (c >= 65 && c <= 90) c += 32;
    word = (word << 8) ^ c;
    if (((k - start) & 3) === 3) {
      hash = mixWord(hash, word);
      word = 0;
    }
  }
  return finishHash(hash, word, end - start);
}

/** Characters as a string, or as character codes (how a reading worker hands its texts over: account-columns.ts). */
export type CodeText = string | Uint8Array | Uint16Array;

function codeAt(text: CodeText, k: number): number {
  return typeof text === 'string' ? text.charCodeAt(k) : (text[k] as number);
}

function hasNonAscii(text: CodeText, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (codeAt(text, k) > 127) return true;
  return false;
}

/**
 * Whether `text` holds `expected` at `start`: a loop, as String.prototype.startsWith with a position was a runtime
 * call costing more than the whole comparison when measured.
 */
export function sameText(text: string, start: number, expected: string): boolean {
  for (let k = 0; k < expected.length; k++) if (text.charCodeAt(start + k) !== expected.charCodeAt(k)) return false;
  return true;
}

/** Whether two values are the same identity as rule 14 matches them. */
export function sameKey(a: string, b: string): boolean {
  if (a === b) return true;
  // String.prototype.trim removes what isSpaceCode names; toLowerCase folds beyond ASCII, and may change lengths.
  return sameAsciiKey(a, 0, a.length, b, 0, b.length) ?? a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * sameKey of the values a[as, ae) and b[bs, be), compared where they stand, when both are ASCII; null when either
 * holds another character (then compare them as strings, with sameKey).
 */
export function sameAsciiKey(
  a: CodeText,
  aStart: number,
  aEnd: number,
  b: CodeText,
  bStart: number,
  bEnd: number,
): boolean | null {
  let as = aStart;
  let ae = aEnd;
  while (as < ae && isSpaceCode(codeAt(a, as))) as++;
  while (ae > as && isSpaceCode(codeAt(a, ae - 1))) ae--;
  let bs = bStart;
  let be = bEnd;
  while (bs < be && isSpaceCode(codeAt(b, bs))) bs++;
  while (be > bs && isSpaceCode(codeAt(b, be - 1))) be--;
  if (hasNonAscii(a, as, ae) || hasNonAscii(b, bs, be)) return null;
  if (ae - as !== be - bs) return false;
  for (let k = 0; k < ae - as; k++) {
    let x = codeAt(a, as + k);
    let y = codeAt(b, bs + k);
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return false;
  }
  return true;
}

/**
 * Left by domainStartIn (email.ts, LAST_VALUE) for a value holding a non-ASCII character, whose hash is then worked
 * out by identityHash; identityHash never returns it.
 */
export const NOT_ASCII = 2;

/**
 * The hash of a value as rule 14 matches it (case-insensitive, surrounding spaces ignored), never 0 nor NOT_ASCII; 0
 * when the value is blank and so matches nothing.
 */
export function identityHash(value: string | null | undefined): number {
  return value ? identityHashIn(value, 0, value.length) : 0;
}

/** identityHash of the value text.slice(from, to), sliced only when it holds a non-ASCII character. */
export function identityHashIn(text: string, from: number, to: number): number {
  let start = from;
  let end = to;
  while (start < end && isSpaceCode(text.charCodeAt(start))) start++;
  while (end > start && isSpaceCode(text.charCodeAt(end - 1))) end--;
  if (start === end) return 0;
  for (let k = start; k < end; k++) {
    if (text.charCodeAt(k) > 127) {
      // Fold the whole value the way String.prototype.toLowerCase does, as sameKey compares it.
      const folded = text.slice(start, end).toLowerCase();
      return hashFolded(folded, 0, folded.length);
    }
  }
  return hashFolded(text, start, end);
}

/**
 * Numbers the values that are shared, by identity: `ids[i]` is non-zero exactly when another value with a non-zero
 * hash matches it (`same`, the caller's sameKey of the two records' values, confirmed on a hash match), and equal
 * exactly when the values match; a value no other matches gets 0, as a blank one, since it can link nothing. Numbers
 * start at `first`. Returns the next unused number.
 *
 * The values are first spread into partitions by the high bits of their hash, then each partition is numbered with a
 * small table that stays in the processor's cache: one table for a million values missed the cache on almost every
 * probe and took most of the counting time when measured. Leaving unique values at 0 keeps the numbers few, so what
 * is indexed by them (linking, the hygiene checks) stays small, and a loop over the records skips most of them.
 *
 * With `same` null, equal hashes are taken for equal values: a thread that has the hashes but not the values numbers
 * them so, and the thread holding the values confirms the numbers (confirmNumbers).
 */
export function numberByIdentity(
  hashes: Int32Array,
  same: ((a: number, b: number) => boolean) | null,
  ids: Int32Array,
  first: number,
): number {
  const n = hashes.length;
  let bits = 0;
  while (bits < 10 && n >> (bits + 14) > 0) bits++;
  const partitions = 1 << bits;
  const shift = 32 - bits;
  const partitionOf = (hash: number) => (bits === 0 ? 0 : hash >>> shift);
  const starts = new Int32Array(partitions + 1);
  for (let i = 0; i < n; i++) {
    const hash = hashes[i] as number;
    if (hash !== 0) starts[partitionOf(hash) + 1] = (starts[partitionOf(hash) + 1] as number) + 1;
  }
  let largest = 0;
  for (let p = 0; p < partitions; p++) {
    largest = Math.max(largest, starts[p + 1] as number);
    starts[p + 1] = (starts[p + 1] as number) + (starts[p] as number);
  }
  // (record index, hash) pairs grouped by partition, in input order within each: read in sequence below.
  const order = new Int32Array((starts[partitions] as number) * 2);
  const fill = starts.slice(0, partitions);
  for (let i = 0; i < n; i++) {
    const hash = hashes[i] as number;
    if (hash === 0) continue;
    const p = partitionOf(hash);
    const at = (fill[p] as number) * 2;
    order[at] = i;
    order[at + 1] = hash;
    fill[p] = (fill[p] as number) + 1;
  }
  let size = 16;
  while (size < largest * 2) size *= 2;
  const mask = size - 1;
  // Pairs of (record index + 1, hash): one cache line per probe. 0 marks a free pair.
  const table = new Int32Array(size * 2);
  // Per slot: 0 while one value holds it, then the number its values share.
  const number = new Int32Array(size);
  // Per pair of the partition: the slot its value took or matched.
  const slotOf = new Int32Array(largest);
  let next = first;
  for (let p = 0; p < partitions; p++) {
    table.fill(0);
    number.fill(0);
    const from = starts[p] as number;
    const to = starts[p + 1] as number;
    for (let k = from; k < to; k++) {
      const i = order[k * 2] as number;
      const hash = order[k * 2 + 1] as number;
      let slot = hash & mask;
      for (;;) {
        const at = slot << 1;
        const stored = table[at] as number;
        if (stored === 0) {
          table[at] = i + 1;
          table[at + 1] = hash;
          break;
        }
        if (table[at + 1] === hash && (same === null || same(stored - 1, i))) {
          if (number[slot] === 0) number[slot] = next++;
          break;
        }
        slot = (slot + 1) & mask;
      }
      slotOf[k - from] = slot;
    }
    for (let k = from; k < to; k++) ids[order[k * 2] as number] = number[slotOf[k - from] as number] as number;
  }
  return next;
}

/**
 * Makes numbers given by hash alone (numberByIdentity without `same`) what numberByIdentity with `same` gives: each
 * holder of a number is compared with the number's first holder, and the holders of a number whose values turn out to
 * differ (two values with one hash: a few hundred pairs among a million values) are numbered again, exactly, from
 * `next`, which is above every number in `ids`. `holders` are the records that may hold a number, in input order (every
 * record, or Identities.holders: count.ts); no other is looked at. Returns the next unused number.
 */
export function confirmNumbers(
  hashes: Int32Array,
  same: (a: number, b: number) => boolean,
  ids: Int32Array,
  next: number,
  holders: Int32Array,
): number {
  const firstHolder = new Int32Array(next).fill(-1);
  const mixed = new Uint8Array(next);
  let anyMixed = false;
  for (let k = 0; k < holders.length; k++) {
    const i = holders[k] as number;
    const id = ids[i] as number;
    if (id === 0) continue;
    const first = firstHolder[id] as number;
    if (first === -1) firstHolder[id] = i;
    else if (mixed[id] === 0 && !same(first, i)) {
      mixed[id] = 1;
      anyMixed = true;
    }
  }
  if (!anyMixed) return next;
  // The holders of mixed numbers, numbered again among themselves with their values compared.
  let count = 0;
  for (let k = 0; k < holders.length; k++) if (mixed[ids[holders[k] as number] as number] === 1) count++;
  const rows = new Int32Array(count);
  const subset = new Int32Array(count);
  let at = 0;
  for (let k = 0; k < holders.length; k++) {
    const i = holders[k] as number;
    if (mixed[ids[i] as number] !== 1) continue;
    rows[at] = i;
    subset[at++] = hashes[i] as number;
  }
  const renumbered = new Int32Array(count);
  const after = numberByIdentity(subset, (a, b) => same(rows[a] as number, rows[b] as number), renumbered, next);
  for (let k = 0; k < count; k++) ids[rows[k] as number] = renumbered[k] as number;
  return after;
}
