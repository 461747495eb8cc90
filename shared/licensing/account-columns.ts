// A user list held as columns instead of one object per account, for the audit CLI: reading a million-row list made
// two million strings (usernames and emails) and a million objects, and making and keeping them took three quarters
// of the reading when measured (1.2 s against 0.25 s for the CSV alone). Here a username or email is a position in the
// text the reader decoded, which is kept; only a value that is not a plain range of that text (a quoted value, a cell
// guarded against spreadsheets) is kept as a string of its own. Strings are made when a report needs them.

const ACTIVE = 1;
const IT_USER = 2;
const STAFF = 4;
/** The row states its environment's production flag (rule 4); PRODUCTION then says which. */
const PRODUCTION_STATED = 8;
const PRODUCTION = 16;

/** Marks a value kept as a string of its own (see AccountColumns.#own) instead of a range. */
const OWN = -1;

/** Names (environments, providers, tenants) as small numbers: a list repeats a few of them row after row. */
export class NameTable {
  readonly names: string[] = [];
  readonly #ids = new Map<string, number>();

  id(name: string): number {
    // The reader hands out one string per distinct name, so the last few are found by identity first.
    const names = this.names;
    for (let k = 0; k < names.length && k < 8; k++) if (names[k] === name) return k;
    let id = this.#ids.get(name);
    if (id === undefined) {
      id = names.length;
      names.push(name);
      this.#ids.set(name, id);
    }
    return id;
  }
}

/** One row as an object: the shape of an AccountRow (account-rows.ts), written out here to keep imports one-way. */
export interface ColumnRow {
  ref: number;
  environment: string;
  production: boolean | null;
  provider: string;
  tenant: string;
  username: string;
  email: string;
  active: boolean;
  itUser: boolean;
  staff: boolean;
}

/** Where a value is: a range of one of the texts, or a string of its own. */
export interface ValueAt {
  text: string;
  start: number;
  end: number;
}

export class AccountColumns {
  length = 0;
  /** The decoded texts the ranges point into, in the order read. */
  readonly texts: string[] = [];
  readonly environments = new NameTable();
  readonly providers = new NameTable();
  readonly tenants = new NameTable();
  #capacity = 0;
  #text = new Int32Array(0);
  #userStart = new Int32Array(0);
  #userEnd = new Int32Array(0);
  #emailStart = new Int32Array(0);
  #emailEnd = new Int32Array(0);
  #environment = new Int32Array(0);
  #provider = new Int32Array(0);
  #tenant = new Int32Array(0);
  #line = new Int32Array(0);
  #flags = new Uint8Array(0);
  /** Values that are not a range of a text, by row: few in any list. */
  readonly #ownUsernames = new Map<number, string>();
  readonly #ownEmails = new Map<number, string>();
  #lastText = '';

  /** Makes room for `rows` rows in all, at once: growing by doubling copied and touched twice the memory. */
  reserve(rows: number): void {
    if (rows > this.#capacity) this.#grow(rows);
  }

  /** Starts a row; the caller then sets its values with the setters below. Returns the row's index. */
  add(line: number): number {
    if (this.length === this.#capacity) this.#grow();
    const i = this.length++;
    this.#line[i] = line;
    this.#flags[i] = 0;
    return i;
  }

  /** The row's username (or email) is text.slice(start, end); `text` is the record's whole text, kept once. */
  setUsernameRange(i: number, text: string, start: number, end: number): void {
    this.#useText(i, text);
    this.#userStart[i] = start;
    this.#userEnd[i] = end;
  }

  setEmailRange(i: number, text: string, start: number, end: number): void {
    this.#useText(i, text);
    this.#emailStart[i] = start;
    this.#emailEnd[i] = end;
  }

  /** The row's username (or email) as a string of its own: a value that is not a plain range of the text. */
  setUsername(i: number, value: string): void {
    AccountColumns.#setOwn(i, value, this.#userStart, this.#userEnd, this.#ownUsernames);
  }

  setEmail(i: number, value: string): void {
    AccountColumns.#setOwn(i, value, this.#emailStart, this.#emailEnd, this.#ownEmails);
  }

  static #setOwn(i: number, value: string, starts: Int32Array, ends: Int32Array, own: Map<number, string>): void {
    // An empty value is the empty range.
    starts[i] = value === '' ? 0 : OWN;
    ends[i] = 0;
    if (value !== '') own.set(i, value);
  }

  setNames(i: number, environment: string, provider: string, tenant: string): void {
    this.#environment[i] = this.environments.id(environment);
    this.#provider[i] = this.providers.id(provider);
    this.#tenant[i] = this.tenants.id(tenant);
  }

  setFlags(i: number, production: boolean | null, active: boolean, itUser: boolean, staff: boolean): void {
    this.#flags[i] =
      (active ? ACTIVE : 0) |
      (itUser ? IT_USER : 0) |
      (staff ? STAFF : 0) |
      (production === null ? 0 : PRODUCTION_STATED | (production ? PRODUCTION : 0));
  }

  /** Renames an environment everywhere (rows naming it in other case or spacing are one environment). */
  renameEnvironment(id: number, name: string): void {
    this.environments.names[id] = name;
  }

  line(i: number): number {
    return this.#line[i] as number;
  }

  environmentId(i: number): number {
    return this.#environment[i] as number;
  }

  providerId(i: number): number {
    return this.#provider[i] as number;
  }

  tenantId(i: number): number {
    return this.#tenant[i] as number;
  }

  active(i: number): boolean {
    return ((this.#flags[i] as number) & ACTIVE) !== 0;
  }

  itUser(i: number): boolean {
    return ((this.#flags[i] as number) & IT_USER) !== 0;
  }

  staff(i: number): boolean {
    return ((this.#flags[i] as number) & STAFF) !== 0;
  }

  /** The production flag as the row states it, or null. */
  production(i: number): boolean | null {
    const flags = this.#flags[i] as number;
    return flags & PRODUCTION_STATED ? (flags & PRODUCTION) !== 0 : null;
  }

  /** Where the username is, written into `at` (no object made per call). */
  usernameAt(i: number, at: ValueAt): ValueAt {
    return this.#valueAt(i, this.#userStart, this.#userEnd, this.#ownUsernames, at);
  }

  emailAt(i: number, at: ValueAt): ValueAt {
    return this.#valueAt(i, this.#emailStart, this.#emailEnd, this.#ownEmails, at);
  }

  username(i: number): string {
    return this.#value(i, this.#userStart, this.#userEnd, this.#ownUsernames);
  }

  email(i: number): string {
    return this.#value(i, this.#emailStart, this.#emailEnd, this.#ownEmails);
  }

  /** The row as an object, made on request (for reports). */
  record(i: number): ColumnRow {
    return {
      ref: this.#line[i] as number,
      environment: this.environments.names[this.#environment[i] as number] as string,
      production: this.production(i),
      provider: this.providers.names[this.#provider[i] as number] as string,
      tenant: this.tenants.names[this.#tenant[i] as number] as string,
      username: this.username(i),
      email: this.email(i),
      active: this.active(i),
      itUser: this.itUser(i),
      staff: this.staff(i),
    };
  }

  #value(i: number, starts: Int32Array, ends: Int32Array, own: Map<number, string>): string {
    const start = starts[i] as number;
    if (start === OWN) return own.get(i) as string;
    const end = ends[i] as number;
    return start === end ? '' : (this.texts[this.#text[i] as number] as string).slice(start, end);
  }

  #valueAt(i: number, starts: Int32Array, ends: Int32Array, own: Map<number, string>, at: ValueAt): ValueAt {
    const start = starts[i] as number;
    if (start === OWN) {
      const value = own.get(i) as string;
      at.text = value;
      at.start = 0;
      at.end = value.length;
    } else if (start === ends[i]) {
      at.text = '';
      at.start = 0;
      at.end = 0;
    } else {
      at.text = this.texts[this.#text[i] as number] as string;
      at.start = start;
      at.end = ends[i] as number;
    }
    return at;
  }

  #useText(i: number, text: string): void {
    if (text !== this.#lastText || this.texts.length === 0) {
      this.texts.push(text);
      this.#lastText = text;
    }
    this.#text[i] = this.texts.length - 1;
  }

  #grow(atLeast = 0): void {
    const capacity = Math.max(1024, this.#capacity * 2, atLeast);
    const grown = <T extends Int32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    const ints = (n: number) => new Int32Array(n);
    this.#text = grown(this.#text, ints);
    this.#userStart = grown(this.#userStart, ints);
    this.#userEnd = grown(this.#userEnd, ints);
    this.#emailStart = grown(this.#emailStart, ints);
    this.#emailEnd = grown(this.#emailEnd, ints);
    this.#environment = grown(this.#environment, ints);
    this.#provider = grown(this.#provider, ints);
    this.#tenant = grown(this.#tenant, ints);
    this.#line = grown(this.#line, ints);
    this.#flags = grown(this.#flags, (n) => new Uint8Array(n));
    this.#capacity = capacity;
  }
}
