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
  #hashes = new Int32Array(1024);
  /** The first holder of each key (an account index, -1 for none): holder lists run through the accounts. */
  first = new Int32Array(1024).fill(-1);
  /** How many accounts refer to each key, holders or not (an account taken out of the figures still refers to it). */
  #refs = new Int32Array(1024);
  readonly #free: number[] = [];
  /** Key number + 1 per slot, 0 for an empty slot; linear probing, at most half full. */
  #table = new Int32Array(2048);
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
    const mask = this.#table.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.#table[slot] as number;
      if (entry === 0) return -1;
      if (this.#hashes[entry - 1] === hash && this.#names[entry - 1] === key) return entry - 1;
    }
  }

  /** The key's number, made when new; counts one more account referring to it. */
  refer(key: string): number {
    const hash = hashOf(key);
    const mask = this.#table.length - 1;
    let slot = hash & mask;
    for (;;) {
      const entry = this.#table[slot] as number;
      if (entry === 0) break;
      if (this.#hashes[entry - 1] === hash && this.#names[entry - 1] === key) {
        this.#refs[entry - 1] = (this.#refs[entry - 1] as number) + 1;
        return entry - 1;
      }
      slot = (slot + 1) & mask;
    }
    const id = this.#free.pop() ?? this.#names.length;
    if (id >= this.first.length) this.#growIds(Math.max(id + 1, Math.ceil(this.first.length * 1.25)));
    this.#names[id] = key;
    this.#hashes[id] = hash;
    this.first[id] = -1;
    this.#refs[id] = 1;
    this.#table[slot] = id + 1;
    this.#size++;
    if (this.#size * 2 > this.#table.length) this.#rehash(this.#table.length * 2);
    return id;
  }

  /** One account fewer refers to the key; the last one frees its number. */
  release(id: number): void {
    const left = (this.#refs[id] as number) - 1;
    this.#refs[id] = left;
    if (left > 0) return;
    const table = this.#table;
    const mask = table.length - 1;
    let hole = (this.#hashes[id] as number) & mask;
    while (table[hole] !== id + 1) hole = (hole + 1) & mask;
    // Backward-shift deletion: entries after the hole that may move into it do, so probing never meets a gap early.
    for (let next = (hole + 1) & mask; table[next] !== 0; next = (next + 1) & mask) {
      const home = (this.#hashes[(table[next] as number) - 1] as number) & mask;
      const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (stays) continue;
      table[hole] = table[next] as number;
      table[next] = 0;
      hole = next;
    }
    table[hole] = 0;
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
    const hashes = new Int32Array(size);
    hashes.set(this.#hashes);
    this.#hashes = hashes;
  }

  #rehash(size: number): void {
    const table = new Int32Array(size);
    const mask = size - 1;
    for (let id = 0; id < this.#names.length; id++) {
      if (this.#names[id] === undefined) continue;
      let slot = (this.#hashes[id] as number) & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = id + 1;
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
