// A hash index from an identity value (email or username) to the first record holding it, matching as rule 14 says:
// case-insensitively and ignoring surrounding spaces. It hashes in place instead of building a lower-cased key per
// record, so linking a million accounts allocates two typed arrays rather than two million strings.

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** The characters String.prototype.trim removes. */
export function isSpaceCode(c: number): boolean {
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

function hashFolded(value: string, start: number, end: number): number {
  let hash = FNV_OFFSET;
  for (let k = start; k < end; k++) {
    let c = value.charCodeAt(k);
    if (c >= 65 && c <= 90) c += 32;
    hash = Math.imul(hash ^ c, FNV_PRIME);
  }
  return hash;
}

function hasNonAscii(value: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (value.charCodeAt(k) > 127) return true;
  return false;
}

/** Whether two values are the same identity as rule 14 matches them. */
export function sameKey(a: string, b: string): boolean {
  if (a === b) return true;
  let as = 0;
  let ae = a.length;
  while (as < ae && isSpaceCode(a.charCodeAt(as))) as++;
  while (ae > as && isSpaceCode(a.charCodeAt(ae - 1))) ae--;
  let bs = 0;
  let be = b.length;
  while (bs < be && isSpaceCode(b.charCodeAt(bs))) bs++;
  while (be > bs && isSpaceCode(b.charCodeAt(be - 1))) be--;
  if (hasNonAscii(a, as, ae) || hasNonAscii(b, bs, be)) {
    return a.slice(as, ae).toLowerCase() === b.slice(bs, be).toLowerCase();
  }
  if (ae - as !== be - bs) return false;
  for (let k = 0; k < ae - as; k++) {
    let x = a.charCodeAt(as + k);
    let y = b.charCodeAt(bs + k);
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return false;
  }
  return true;
}

/**
 * The hash of a value as rule 14 matches it (case-insensitive, surrounding spaces ignored), never 0; 0 when the
 * value is blank and so matches nothing.
 */
export function identityHash(value: string | null | undefined): number {
  if (!value) return 0;
  let start = 0;
  let end = value.length;
  while (start < end && isSpaceCode(value.charCodeAt(start))) start++;
  while (end > start && isSpaceCode(value.charCodeAt(end - 1))) end--;
  if (start === end) return 0;
  let hash = FNV_OFFSET;
  for (let k = start; k < end; k++) {
    let c = value.charCodeAt(k);
    if (c > 127) {
      // Rare: fold the whole value the way String.prototype.toLowerCase does, as sameKey compares it.
      const folded = value.slice(start, end).toLowerCase();
      hash = hashFolded(folded, 0, folded.length);
      break;
    }
    if (c >= 65 && c <= 90) c += 32;
    hash = Math.imul(hash ^ c, FNV_PRIME);
  }
  return hash === 0 ? 1 : hash;
}

export class IdentityIndex {
  /** Pairs of (record index + 1, hash): one cache line per probe. 0 marks a free pair. */
  private readonly table: Int32Array;
  private readonly mask: number;

  /** `readValue(i)` reads record i's value, only to confirm a hash match; `expected` is how many records will be added. */
  constructor(
    expected: number,
    private readonly readValue: (i: number) => string | null | undefined,
  ) {
    let size = 16;
    while (size < expected * 2) size *= 2;
    this.table = new Int32Array(size * 2);
    this.mask = size - 1;
  }

  /**
   * Registers record `i`, whose value has `hash` (identityHash), and returns the first record added before it with
   * the same value, or -1 when its value is new or blank.
   */
  add(i: number, hash: number): number {
    if (hash === 0) return -1;
    const table = this.table;
    let slot = hash & this.mask;
    for (;;) {
      const at = slot << 1;
      const stored = table[at] as number;
      if (stored === 0) {
        table[at] = i + 1;
        table[at + 1] = hash;
        return -1;
      }
      if (table[at + 1] === hash && sameKey(this.readValue(stored - 1) as string, this.readValue(i) as string)) {
        return stored - 1;
      }
      slot = (slot + 1) & this.mask;
    }
  }
}
