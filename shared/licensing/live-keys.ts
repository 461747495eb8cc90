// The values the live count keeps per distinct identity and domain, numbered: a million accounts share a few thousand
// domains, and an identity (an email or a username, rule 14) is held once however many accounts carry it.

/** FNV-1a over the string's code units. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let k = 0; k < key.length; k++) hash = Math.imul(hash ^ key.charCodeAt(k), 0x01000193);
  return hash;
}

/**
 * Distinct strings numbered from 0, found through an open-addressing table of numbers (a Map of millions of strings
 * took three times as long to fill when measured); a number is reused once no account refers to its string any more.
 */
export class KeyTable {
  #names: (string | undefined)[] = [];
  /** The first holder of each key (an account index, -1 for none): holder lists run through the accounts. */
  first = new Int32Array(1024).fill(-1);
  /** How many accounts refer to each key, holders or not (an account taken out of the figures still refers to it). */
  #refs = new Int32Array(1024);
  readonly #free: number[] = [];
  /**
   * Two cells per slot: key number + 1 (0 for an empty slot) and the key's hash; linear probing, at most 3/4 full.
   * The hash beside the number lets a lookup skip other keys without reading their strings, and lets a doubling read
   * the old table in order and write the new one in two runs: going through the keys by number made one cache miss
   * per key, which at 8 million keys held the event loop for a second while an import was being counted.
   */
  #table = new Int32Array(2048 * 2);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Numbers in use or free: every key number is below this. */
  get span(): number {
    return this.#names.length;
  }

  name(id: number): string {
    return this.#names[id] as string;
  }

  /** The key's number, or -1 when no account refers to it. */
  find(key: string): number {
    const hash = hashOf(key);
    const table = this.#table;
    const mask = (table.length >> 1) - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = table[slot * 2] as number;
      if (entry === 0) return -1;
      if (table[slot * 2 + 1] === hash && this.#names[entry - 1] === key) return entry - 1;
    }
  }

  /** The key's number, made when new; counts one more account referring to it. */
  refer(key: string): number {
    const hash = hashOf(key);
    const table = this.#table;
    const mask = (table.length >> 1) - 1;
    let slot = hash & mask;
    for (;;) {
      const entry = table[slot * 2] as number;
      if (entry === 0) break;
      if (table[slot * 2 + 1] === hash && this.#names[entry - 1] === key) {
        this.#refs[entry - 1] = (this.#refs[entry - 1] as number) + 1;
        return entry - 1;
      }
      slot = (slot + 1) & mask;
    }
    const id = this.#free.pop() ?? this.#names.length;
    if (id >= this.first.length) this.#growIds(Math.max(id + 1, Math.ceil(this.first.length * 1.25)));
    this.#names[id] = key;
    this.first[id] = -1;
    this.#refs[id] = 1;
    table[slot * 2] = id + 1;
    table[slot * 2 + 1] = hash;
    this.#size++;
    // Past three quarters full (a slot is two cells): twice the slots.
    if (this.#size * 8 > table.length * 3) this.#rehash(table.length);
    return id;
  }

  /** One account fewer refers to the key; the last one frees its number. */
  release(id: number): void {
    const left = (this.#refs[id] as number) - 1;
    this.#refs[id] = left;
    if (left > 0) return;
    const table = this.#table;
    const mask = (table.length >> 1) - 1;
    let hole = hashOf(this.#names[id] as string) & mask;
    while (table[hole * 2] !== id + 1) hole = (hole + 1) & mask;
    // Backward-shift deletion: entries after the hole that may move into it do, so probing never meets a gap early.
    for (let next = (hole + 1) & mask; table[next * 2] !== 0; next = (next + 1) & mask) {
      const home = (table[next * 2 + 1] as number) & mask;
      const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (stays) continue;
      table[hole * 2] = table[next * 2] as number;
      table[hole * 2 + 1] = table[next * 2 + 1] as number;
      table[next * 2] = 0;
      hole = next;
    }
    table[hole * 2] = 0;
    this.#names[id] = undefined;
    this.#size--;
    this.#free.push(id);
  }

  /** Room for `keys` distinct keys without growing; whether anything grew. */
  reserve(keys: number): boolean {
    let grew = false;
    if (keys > this.first.length) {
      this.#growIds(Math.max(keys, Math.ceil(this.first.length * 1.25)));
      grew = true;
    }
    let slots = this.#table.length >> 1;
    while (keys * 4 > slots * 3) slots *= 2;
    if (slots > this.#table.length >> 1) {
      this.#rehash(slots);
      grew = true;
    }
    return grew;
  }

  #growIds(size: number): void {
    const first = new Int32Array(size).fill(-1);
    first.set(this.first);
    this.first = first;
    const refs = new Int32Array(size);
    refs.set(this.#refs);
    this.#refs = refs;
  }

  /** Twice the slots: the old table read in order, each entry placed from its hash (kept beside it). */
  #rehash(slots: number): void {
    const old = this.#table;
    const table = new Int32Array(slots * 2);
    const mask = slots - 1;
    for (let k = 0; k < old.length; k += 2) {
      const entry = old[k] as number;
      if (entry === 0) continue;
      const hash = old[k + 1] as number;
      let slot = hash & mask;
      while (table[slot * 2] !== 0) slot = (slot + 1) & mask;
      table[slot * 2] = entry;
      table[slot * 2 + 1] = hash;
    }
    this.#table = table;
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
 * Account numbers by ref. Whole-number refs sit in an open-addressing table of numbers, any other ref in a Map: a Map
 * of five million row ids took 70 bytes an entry and, when it grew, held the event loop for 450 ms in one insertion.
 */
export class RefIndex {
  /** Two cells per slot: the ref and its account number + 1 (0 for an empty slot); linear probing, at most 3/4 full. */
  #table = new Int32Array(1024 * 2);
  #whole = 0;
  readonly #others = new Map<string | number, number>();

  get size(): number {
    return this.#whole + this.#others.size;
  }

  get(ref: string | number): number | undefined {
    if (!isSmallWhole(ref)) return this.#others.get(ref);
    const at = this.#slotOf(ref);
    return at === -1 ? undefined : (this.#table[at + 1] as number) - 1;
  }

  has(ref: string | number): boolean {
    return this.get(ref) !== undefined;
  }

  set(ref: string | number, index: number): void {
    if (!isSmallWhole(ref)) {
      this.#others.set(ref, index);
      return;
    }
    const table = this.#table;
    const mask = (table.length >> 1) - 1;
    let slot = refHash(ref) & mask;
    for (;;) {
      const at = slot * 2;
      if (table[at + 1] === 0) {
        table[at] = ref;
        table[at + 1] = index + 1;
        this.#whole++;
        if (this.#whole * 4 > (table.length >> 1) * 3) this.#rehash(table.length);
        return;
      }
      if (table[at] === ref) {
        table[at + 1] = index + 1;
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  delete(ref: string | number): void {
    if (!isSmallWhole(ref)) {
      this.#others.delete(ref);
      return;
    }
    const found = this.#slotOf(ref);
    if (found === -1) return;
    const table = this.#table;
    const mask = (table.length >> 1) - 1;
    let hole = found >> 1;
    // Backward-shift deletion, as in KeyTable.release.
    for (let next = (hole + 1) & mask; table[next * 2 + 1] !== 0; next = (next + 1) & mask) {
      const home = refHash(table[next * 2] as number) & mask;
      const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (stays) continue;
      table[hole * 2] = table[next * 2] as number;
      table[hole * 2 + 1] = table[next * 2 + 1] as number;
      table[next * 2 + 1] = 0;
      hole = next;
    }
    table[hole * 2] = 0;
    table[hole * 2 + 1] = 0;
    this.#whole--;
  }

  /** Room for `size` whole-number refs without growing; whether the table grew. */
  reserve(size: number): boolean {
    let slots = this.#table.length >> 1;
    while (size * 4 > slots * 3) slots *= 2;
    if (slots === this.#table.length >> 1) return false;
    this.#rehash(slots);
    return true;
  }

  /** The cell of the ref's slot, or -1. */
  #slotOf(ref: number): number {
    const table = this.#table;
    const mask = (table.length >> 1) - 1;
    for (let slot = refHash(ref) & mask; ; slot = (slot + 1) & mask) {
      const at = slot * 2;
      if (table[at + 1] === 0) return -1;
      if (table[at] === ref) return at;
    }
  }

  /** A table of `slots` slots, the old one read in order. */
  #rehash(slots: number): void {
    const old = this.#table;
    const table = new Int32Array(slots * 2);
    const mask = slots - 1;
    for (let k = 0; k < old.length; k += 2) {
      if (old[k + 1] === 0) continue;
      const ref = old[k] as number;
      let slot = refHash(ref) & mask;
      while (table[slot * 2 + 1] !== 0) slot = (slot + 1) & mask;
      table[slot * 2] = ref;
      table[slot * 2 + 1] = old[k + 1] as number;
    }
    this.#table = table;
  }
}
