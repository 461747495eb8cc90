// The values the live count keeps per distinct identity and domain, numbered: a million accounts share a few thousand
// domains, and an identity (an email or a username, rule 14) is held once however many accounts carry it.

/** FNV-1a over the string's code units. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let k = 0; k < key.length; k++) hash = Math.imul(hash ^ key.charCodeAt(k), 0x01000193);
  return hash;
}

const PART_BITS = 6;
const PARTS = 1 << PART_BITS;
const FIRST_SLOTS = 32;

/**
 * Pairs of 32-bit numbers (entry, key) under linear probing, entry 0 marking a free slot, spread over 64 tables by
 * the top bits of the key's home (a hash), each doubled on its own at three quarters full. Doubling one table of
 * millions held the event loop for 200 to 400 ms while an import of five million accounts was counted; a 64th of it
 * takes a few. Each slot keeps the key beside the entry, so probing compares numbers and a doubling reads in order.
 */
class PairTable {
  readonly #parts: Int32Array[] = Array.from({ length: PARTS }, () => new Int32Array(FIRST_SLOTS * 2));
  readonly #used = new Int32Array(PARTS);
  readonly #homeOf: (key: number) => number;
  size = 0;

  constructor(homeOf: (key: number) => number) {
    this.#homeOf = homeOf;
  }

  /** The entry of the first pair with this key that `accepts` takes (any, when not given), or 0. */
  find(key: number, accepts?: (entry: number) => boolean): number {
    const home = this.#homeOf(key);
    const cells = this.#parts[home >>> (32 - PART_BITS)] as Int32Array;
    const mask = (cells.length >> 1) - 1;
    for (let slot = home & mask; ; slot = (slot + 1) & mask) {
      const entry = cells[slot * 2] as number;
      if (entry === 0) return 0;
      if (cells[slot * 2 + 1] === key && (accepts === undefined || accepts(entry))) return entry;
    }
  }

  /** Adds a pair; the caller knows it is not held. */
  add(key: number, entry: number): void {
    const home = this.#homeOf(key);
    const part = home >>> (32 - PART_BITS);
    const cells = this.#parts[part] as Int32Array;
    const mask = (cells.length >> 1) - 1;
    let slot = home & mask;
    while (cells[slot * 2] !== 0) slot = (slot + 1) & mask;
    cells[slot * 2] = entry;
    cells[slot * 2 + 1] = key;
    this.size++;
    const used = (this.#used[part] as number) + 1;
    this.#used[part] = used;
    if (used * 4 > (cells.length >> 1) * 3) this.#grow(part, cells.length);
  }

  /** Gives the pair (key, entry) another entry. */
  change(key: number, entry: number, to: number): void {
    const { cells, slot } = this.#slotOf(key, entry);
    cells[slot * 2] = to;
  }

  /** Takes the pair (key, entry) out. */
  remove(key: number, entry: number): void {
    const { part, cells, slot } = this.#slotOf(key, entry);
    const mask = (cells.length >> 1) - 1;
    let hole = slot;
    // Backward-shift deletion: pairs after the hole that may move into it do, so probing never meets a gap early.
    for (let next = (hole + 1) & mask; cells[next * 2] !== 0; next = (next + 1) & mask) {
      const own = this.#homeOf(cells[next * 2 + 1] as number) & mask;
      const stays = hole <= next ? hole < own && own <= next : hole < own || own <= next;
      if (stays) continue;
      cells[hole * 2] = cells[next * 2] as number;
      cells[hole * 2 + 1] = cells[next * 2 + 1] as number;
      hole = next;
    }
    cells[hole * 2] = 0;
    cells[hole * 2 + 1] = 0;
    this.size--;
    this.#used[part] = (this.#used[part] as number) - 1;
  }

  /**
   * Room for `count` pairs in all (spread evenly by their homes) without doubling; whether any table grew. With `oneTable`
   * at most one table grows, so a caller that must not hold the event loop calls again after each `true`: the 64 tables
   * reach their limit together, and growing them all in one call rehashed every pair (over 300 ms at five million).
   */
  reserve(count: number, oneTable = false): boolean {
    const each = Math.ceil((count / PARTS) * 1.1) + 16;
    let grew = false;
    for (let part = 0; part < PARTS; part++) {
      const cells = this.#parts[part] as Int32Array;
      let slots = cells.length >> 1;
      while (each * 4 > slots * 3) slots *= 2;
      if (slots === cells.length >> 1) continue;
      this.#grow(part, slots);
      if (oneTable) return true;
      grew = true;
    }
    return grew;
  }

  #slotOf(key: number, entry: number): { part: number; cells: Int32Array; slot: number } {
    const home = this.#homeOf(key);
    const part = home >>> (32 - PART_BITS);
    const cells = this.#parts[part] as Int32Array;
    const mask = (cells.length >> 1) - 1;
    let slot = home & mask;
    while (cells[slot * 2] !== entry || cells[slot * 2 + 1] !== key) {
      // A free slot before the pair: it is not held (a fault in the caller), which must not hang the process.
      if (cells[slot * 2] === 0) throw new Error(`pair (${entry}, ${key}) is not held`);
      slot = (slot + 1) & mask;
    }
    return { part, cells, slot };
  }

  /** The part's table with `slots` slots, the old one read in order. */
  #grow(part: number, slots: number): void {
    const old = this.#parts[part] as Int32Array;
    const cells = new Int32Array(slots * 2);
    const mask = slots - 1;
    for (let k = 0; k < old.length; k += 2) {
      const entry = old[k] as number;
      if (entry === 0) continue;
      const key = old[k + 1] as number;
      let slot = this.#homeOf(key) & mask;
      while (cells[slot * 2] !== 0) slot = (slot + 1) & mask;
      cells[slot * 2] = entry;
      cells[slot * 2 + 1] = key;
    }
    this.#parts[part] = cells;
  }
}

/** FNV-1a over `length` code units stored from `at`, equal to hashOf of the string they came from. */
function hashOfBytes(bytes: Uint8Array, at: number, length: number): number {
  let hash = 0x811c9dc5;
  for (let k = at; k < at + length; k++) hash = Math.imul(hash ^ (bytes[k] as number), 0x01000193);
  return hash;
}

/** Where a key of `length` bytes goes when the next free byte is `at`: there, or at the next page's start. */
function pageFor(at: number, length: number): number {
  return (at & IN_PAGE) + length > PAGE ? ((at >>> PAGE_BITS) + 1) * PAGE : at;
}

/** A key's length when it is kept as a string (a code unit past 255, or longer than a page) rather than as bytes. */
const WIDE = -1;

/**
 * Keys' bytes are kept in pages of 256 KiB, a key within one page: more keys add a page instead of copying every byte
 * into an array half as large again (at a million accounts one such copy held the event loop for 150 ms).
 */
const PAGE_BITS = 18;
const PAGE = 1 << PAGE_BITS;
const IN_PAGE = PAGE - 1;
/** Entries of the key log moved per refer or release while the bytes of released keys are reclaimed. */
const COMPACT_STEP = 32;

/**
 * Distinct strings numbered from 0, found by their hash in a PairTable (a Map of millions of strings took three times
 * as long to fill when measured); a number is reused once no account refers to its string any more.
 *
 * The strings are kept as bytes, one a code unit, in one array (a key with a code unit past 255, rare in emails and
 * usernames, stays a string): a V8 string and its place in an array took about 60 bytes for a 25-character email,
 * the bytes 25 and 8 for their place. Bytes of released keys are reclaimed once they are half of those written: in
 * steps, a few keys moved per refer or release (moving all of a million keys at once held the event loop 215 ms).
 */
export class KeyTable {
  #pages: Uint8Array[] = [];
  /** Where the next key is written: page number times PAGE, plus the place in the page. */
  #end = 0;
  #released = 0;
  /** (key number, where its bytes were written) in the order written: what a compaction walks. */
  #log = new Int32Array(2048);
  #logged = 0;
  /** While reclaiming: the next log entry to read, the next to write, and where the next key kept is moved to. */
  #compacting = false;
  #read = 0;
  #kept = 0;
  #write = 0;
  /** Bytes of keys released after the compaction moved them (the garbage it leaves). */
  #releasedBehind = 0;
  /** Each key's first byte and length (WIDE: in #wide). */
  #at = new Int32Array(1024);
  #length = new Int32Array(1024);
  readonly #wide = new Map<number, string>();
  #span = 0;
  /** The first holder of each key (an account index, -1 for none): holder lists run through the accounts. */
  first = new Int32Array(1024).fill(-1);
  /** How many accounts refer to each key, holders or not (an account taken out of the figures still refers to it). */
  #refs = new Int32Array(1024);
  readonly #free: number[] = [];
  /** (key number + 1, the key's hash). */
  readonly #table = new PairTable((hash) => hash);
  /** The key being looked up, for #named (one function made once, not a closure per lookup). */
  #wanted = '';
  readonly #named = (entry: number) => this.#holds(entry - 1, this.#wanted);

  get size(): number {
    return this.#table.size;
  }

  /** Numbers in use or free: every key number is below this. */
  get span(): number {
    return this.#span;
  }

  name(id: number): string {
    const length = this.#length[id] as number;
    if (length === WIDE) return this.#wide.get(id) as string;
    const at = this.#at[id] as number;
    const offset = at & IN_PAGE;
    return String.fromCharCode(...(this.#pages[at >>> PAGE_BITS] as Uint8Array).subarray(offset, offset + length));
  }

  /** The key's number, or -1 when no account refers to it. */
  find(key: string): number {
    this.#wanted = key;
    return this.#table.find(hashOf(key), this.#named) - 1;
  }

  /** The key's number, made when new; counts one more account referring to it. */
  refer(key: string): number {
    const hash = hashOf(key);
    this.#wanted = key;
    const found = this.#table.find(hash, this.#named);
    if (found !== 0) {
      this.#refs[found - 1] = (this.#refs[found - 1] as number) + 1;
      return found - 1;
    }
    const id = this.#free.pop() ?? this.#span++;
    if (id >= this.first.length) this.#growIds(Math.max(id + 1, Math.ceil(this.first.length * 1.25)));
    this.#store(id, key);
    this.first[id] = -1;
    this.#refs[id] = 1;
    this.#table.add(hash, id + 1);
    if (this.#compacting) this.#compactStep();
    return id;
  }

  /** One account fewer refers to the key; the last one frees its number. */
  release(id: number): void {
    const left = (this.#refs[id] as number) - 1;
    this.#refs[id] = left;
    if (left > 0) return;
    const length = this.#length[id] as number;
    if (length === WIDE) {
      this.#table.remove(hashOf(this.#wide.get(id) as string), id + 1);
      this.#wide.delete(id);
    } else {
      const at = this.#at[id] as number;
      this.#table.remove(hashOfBytes(this.#pages[at >>> PAGE_BITS] as Uint8Array, at & IN_PAGE, length), id + 1);
      // Released ahead of a compaction under way, its bytes are left behind by it; released after it moved them, not.
      if (this.#compacting && at < this.#write) this.#releasedBehind += length;
      else this.#released += length;
    }
    this.#length[id] = 0;
    this.#free.push(id);
    if (this.#compacting) this.#compactStep();
    else if (this.#released > 1024 * 1024 && this.#released * 2 > this.#end) {
      this.#compacting = true;
      this.#read = 0;
      this.#kept = 0;
      this.#write = 0;
      this.#releasedBehind = 0;
      this.#compactStep();
    }
  }

  /** Bytes of the pages held (for tests: released keys' bytes are given back). */
  get bytesHeld(): number {
    return this.#pages.length * PAGE;
  }

  /** Room for `keys` distinct keys, made a step at a time (`growing`, and one table of 64 per step). */
  *makingRoom(keys: number): Generator<void> {
    if (keys > this.first.length) yield* this.#growingIds(this.#idsFor(keys));
    // The log of keys written gets one entry for each new key too.
    const logCells = (this.#logged + Math.max(0, keys - this.size)) * 2 + 2;
    if (logCells > this.#log.length) {
      yield* growing(
        () => this.#log,
        (grown) => {
          this.#log = grown;
        },
        Math.max(logCells, this.#log.length * 2),
        int32Cells,
      );
    }
    while (this.#table.reserve(keys, true)) yield;
  }

  /** Room for `keys` distinct keys without growing, made at once; whether anything grew. */
  reserve(keys: number): boolean {
    if (keys > this.first.length) {
      this.#growIds(this.#idsFor(keys));
      this.#table.reserve(keys);
      return true;
    }
    return this.#table.reserve(keys);
  }

  /** The numbers' arrays' size for `keys` keys: at least a quarter more than now. */
  #idsFor(keys: number): number {
    return Math.max(keys, Math.ceil(this.first.length * 1.25));
  }

  #holds(id: number, key: string): boolean {
    const length = this.#length[id] as number;
    if (length === WIDE) return this.#wide.get(id) === key;
    if (length !== key.length) return false;
    const at = this.#at[id] as number;
    const bytes = this.#pages[at >>> PAGE_BITS] as Uint8Array;
    const offset = at & IN_PAGE;
    for (let k = 0; k < length; k++) if (bytes[offset + k] !== key.charCodeAt(k)) return false;
    return true;
  }

  #store(id: number, key: string): void {
    const length = key.length;
    const at = pageFor(this.#end, length);
    if (length > PAGE || at >= 2 ** 31) {
      this.#length[id] = WIDE;
      this.#wide.set(id, key);
      return;
    }
    const page = at >>> PAGE_BITS;
    while (this.#pages.length <= page) this.#pages.push(new Uint8Array(PAGE));
    const bytes = this.#pages[page] as Uint8Array;
    const offset = at & IN_PAGE;
    for (let k = 0; k < length; k++) {
      const c = key.charCodeAt(k);
      if (c > 255) {
        this.#length[id] = WIDE;
        this.#wide.set(id, key);
        return;
      }
      bytes[offset + k] = c;
    }
    this.#at[id] = at;
    this.#length[id] = length;
    this.#end = at + length;
    if (this.#logged * 2 + 2 > this.#log.length) this.#log = grownInt32(this.#log, this.#log.length * 2);
    this.#log[this.#logged * 2] = id;
    this.#log[this.#logged * 2 + 1] = at;
    this.#logged++;
  }

  /**
   * Moves the next few keys of the log down to where the keys kept so far end. Keys are read in the order written and
   * moved to no later place, so a key not yet read is never overwritten; keys written meanwhile are read in turn.
   * Once every entry is read, the pages past the last key are let go.
   */
  #compactStep(): void {
    const log = this.#log;
    for (let n = 0; n < COMPACT_STEP; n++) {
      if (this.#read === this.#logged) {
        this.#compacting = false;
        this.#logged = this.#kept;
        this.#end = this.#write;
        this.#released = this.#releasedBehind;
        this.#pages.length = this.#end === 0 ? 0 : ((this.#end - 1) >>> PAGE_BITS) + 1;
        return;
      }
      const id = log[this.#read * 2] as number;
      const at = log[this.#read * 2 + 1] as number;
      this.#read++;
      const length = this.#length[id] as number;
      // Released, or written again later (its number reused): that later entry is the one to keep.
      if (length <= 0 || this.#at[id] !== at) continue;
      const to = pageFor(this.#write, length);
      const from = this.#pages[at >>> PAGE_BITS] as Uint8Array;
      const offset = at & IN_PAGE;
      if (to !== at) {
        (this.#pages[to >>> PAGE_BITS] as Uint8Array).set(from.subarray(offset, offset + length), to & IN_PAGE);
      }
      this.#at[id] = to;
      log[this.#kept * 2] = id;
      log[this.#kept * 2 + 1] = to;
      this.#kept++;
      this.#write = to + length;
    }
  }

  #growIds(size: number): void {
    for (const _ of this.#growingIds(size));
  }

  *#growingIds(size: number): Generator<void> {
    yield* growing(
      () => this.first,
      (grown) => {
        this.first = grown;
      },
      size,
      int32Cells,
      -1,
    );
    yield* growing(
      () => this.#refs,
      (grown) => {
        this.#refs = grown;
      },
      size,
      int32Cells,
    );
    yield* growing(
      () => this.#at,
      (grown) => {
        this.#at = grown;
      },
      size,
      int32Cells,
    );
    yield* growing(
      () => this.#length,
      (grown) => {
        this.#length = grown;
      },
      size,
      int32Cells,
    );
  }
}

/** Domains, numbered once and never forgotten (lists hold a few thousand). */
export class DomainTable {
  readonly #ids = new Map<string, number>();
  readonly #names: string[] = [];

  id(domain: string | null): number {
    if (domain === null) return -1;
    let id = this.#ids.get(domain);
    if (id === undefined) {
      id = this.#names.length;
      this.#ids.set(domain, id);
      this.#names.push(domain);
    }
    return id;
  }

  name(id: number): string | null {
    return id === -1 ? null : (this.#names[id] as string);
  }

  get size(): number {
    return this.#names.length;
  }
}

/** Cells of a new array written per step of `growing`: a megabyte of Int32 cells, a few milliseconds of page faults. */
const TOUCHED_PER_STEP = 1 << 18;

/**
 * Grows the array `get` gives to `size` cells (new cells `fill`) and hands it to `put`, a step at a time: a new array's
 * memory is mapped page by page as it is first written, and on the benchmark machine that was nearly all of a growth's
 * cost (10 MB: 38 ms of page faults, 0.4 ms of copying). So the new array is first written a megabyte per step, out of
 * use, and only the last step copies the array as it is then into it and swaps, at once: whatever changed the array
 * between the steps is in the copy.
 */
export function* growing<A extends Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>>(
  get: () => A,
  put: (grown: A) => void,
  size: number,
  make: (size: number) => A,
  fill = 0,
): Generator<void> {
  if (get().length >= size) return;
  const grown = make(size);
  for (let from = 0; from < size; from += TOUCHED_PER_STEP) {
    grown.fill(fill, from, Math.min(size, from + TOUCHED_PER_STEP));
    yield;
  }
  const current = get();
  if (current.length >= size) return;
  grown.set(current);
  put(grown);
}

export const int32Cells = (size: number) => new Int32Array(size);
export const uint8Cells = (size: number) => new Uint8Array(size);

/** An Int32Array grown to `size` (callers grow by a factor), keeping its contents; new cells hold `fill`. */
export function grownInt32(array: Int32Array<ArrayBuffer>, size: number, fill = 0): Int32Array<ArrayBuffer> {
  if (size <= array.length) return array;
  const grown = new Int32Array(size);
  grown.set(array);
  if (fill !== 0) grown.fill(fill, array.length);
  return grown;
}

export function grownUint8(array: Uint8Array<ArrayBuffer>, size: number): Uint8Array<ArrayBuffer> {
  if (size <= array.length) return array;
  const grown = new Uint8Array(size);
  grown.set(array);
  return grown;
}

/** Whether a ref is a whole number a table of 32-bit cells holds (database row ids, CSV line numbers). */
const isSmallWhole = (ref: string | number): ref is number =>
  typeof ref === 'number' && ref >= 0 && ref <= 0x7fffffff && Math.floor(ref) === ref;

/** Mixes every bit of a ref into the low ones the table uses (MurmurHash3's finaliser): ids in strides spread too. */
function refHash(ref: number): number {
  let h = ref ^ (ref >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Account numbers by ref. Whole-number refs sit in a PairTable as (account number + 1, ref), any other ref in a Map: a
 * Map of five million row ids took 70 bytes an entry and, when it grew, held the event loop for 450 ms in one insertion.
 */
export class RefIndex {
  readonly #table = new PairTable(refHash);
  readonly #others = new Map<string | number, number>();

  get size(): number {
    return this.#table.size + this.#others.size;
  }

  get(ref: string | number): number | undefined {
    if (!isSmallWhole(ref)) return this.#others.get(ref);
    const entry = this.#table.find(ref);
    return entry === 0 ? undefined : entry - 1;
  }

  has(ref: string | number): boolean {
    return this.get(ref) !== undefined;
  }

  set(ref: string | number, index: number): void {
    if (!isSmallWhole(ref)) {
      this.#others.set(ref, index);
      return;
    }
    const entry = this.#table.find(ref);
    if (entry === 0) this.#table.add(ref, index + 1);
    else this.#table.change(ref, entry, index + 1);
  }

  delete(ref: string | number): void {
    if (!isSmallWhole(ref)) {
      this.#others.delete(ref);
      return;
    }
    const entry = this.#table.find(ref);
    if (entry !== 0) this.#table.remove(ref, entry);
  }

  /** Room for `size` whole-number refs without growing; whether the table grew (one table only with `oneStep`). */
  reserve(size: number, oneStep = false): boolean {
    return this.#table.reserve(size, oneStep);
  }
}
