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
   * Two cells per slot: key number + 1 (0 for an empty slot) and the key's hash; linear probing, at most half full.
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
    // Past half full (a slot is two cells): twice the slots.
    if (this.#size * 4 > table.length) this.#rehash(table.length);
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
