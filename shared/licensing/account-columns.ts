// A user list held as columns instead of one object per account, for the audit CLI: reading a million-row list made
// two million strings (usernames and emails) and a million objects, and making and keeping them took three quarters
// of the reading when measured (1.2 s against 0.25 s for the CSV alone). Here a username or email is a position in the
// text the reader decoded, which is kept; only a value that is not a plain range of that text (a quoted value, a cell
// guarded against spreadsheets) is kept as a string of its own. Strings are made when a report needs them.
import { type CodeText, sameAsciiKey } from './identity-index.ts';

const ACTIVE = 1;
const IT_USER = 2;
const STAFF = 4;
/** The row states its environment's production flag (rule 4); PRODUCTION then says which. */
const PRODUCTION_STATED = 8;
const PRODUCTION = 16;

/** Marks a value kept as a string of its own (see AccountColumns.#own) instead of a range. */
const OWN = -1;

/**
 * A text as its character codes, one byte each when they all fit (Latin-1), else two: how a reading worker hands its
 * texts over, as a buffer moved rather than a string copied (a structured clone of 36 MB of text cost 0.3 s).
 */
export type CharCodes = Exclude<CodeText, string>;

/** A text's character codes, made by the caller (Node's Buffer does it natively; see account-csv.ts). */
export type ToCharCodes = (text: string) => CharCodes;

/** The values text[start, end) of character codes as a string: values are short (320 characters at most). */
function fromCharCodes(codes: CharCodes, start: number, end: number): string {
  return String.fromCharCode.apply(null, codes.subarray(start, end) as unknown as number[]);
}

/** Where a value is, in a text of either kind. */
interface Place {
  text: CodeText;
  start: number;
  end: number;
}

/** Rows read by another thread, to be appended to columns (AccountColumns.part and append). */
export interface ColumnsPart {
  length: number;
  texts: CharCodes[];
  text: Int32Array;
  userStart: Int32Array;
  userEnd: Int32Array;
  emailStart: Int32Array;
  emailEnd: Int32Array;
  environment: Int32Array;
  provider: Int32Array;
  tenant: Int32Array;
  line: Int32Array;
  flags: Uint8Array;
  ownUsernames: [number, string][];
  ownEmails: [number, string][];
  /** Whether any row is a staff account (AccountColumns.anyStaff). */
  anyStaff: boolean;
  environments: string[];
  providers: string[];
  tenants: string[];
}

/** target[from + k] = source[k] + offset for the first n of source. */
function shiftedInto(target: Int32Array, from: number, source: Int32Array, n: number, offset: number): void {
  if (offset === 0) target.set(source.subarray(0, n), from);
  else for (let k = 0; k < n; k++) target[from + k] = (source[k] as number) + offset;
}

/** target[from + k] = numbers[source[k]] for the first n of source: a copy when the numbers are the same. */
function renumberedInto(target: Int32Array, from: number, source: Int32Array, n: number, numbers: Int32Array): void {
  if (numbers.every((number, k) => number === k)) target.set(source.subarray(0, n), from);
  else for (let k = 0; k < n; k++) target[from + k] = numbers[source[k] as number] as number;
}

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
  /** Whether any row is a staff account: most lists have no role column, and checks of staff are skipped then. */
  anyStaff = false;
  /** The decoded texts the ranges point into, in the order read: strings, or character codes of appended parts. */
  readonly texts: (string | CharCodes)[] = [];
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

  /** Rows there is room for without growing. */
  get capacity(): number {
    return this.#capacity;
  }

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
    if (staff) this.anyStaff = true;
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

  /**
   * Whether two rows' usernames (or emails) are one identity as rule 14 matches ASCII values (case-insensitive,
   * surrounding spaces ignored), compared where they stand; null when either holds a non-ASCII character, which the
   * caller compares as strings.
   */
  sameAsciiValue(email: boolean, a: number, b: number): boolean | null {
    const x = this.#place(email, a, this.#x);
    const y = this.#place(email, b, this.#y);
    return sameAsciiKey(x.text, x.start, x.end, y.text, y.start, y.end);
  }

  readonly #x: Place = { text: '', start: 0, end: 0 };
  readonly #y: Place = { text: '', start: 0, end: 0 };

  /** Where a row's value is, as #valueAt, without making a string for a value of an appended part. */
  #place(email: boolean, i: number, at: Place): Place {
    const starts = email ? this.#emailStart : this.#userStart;
    const start = starts[i] as number;
    if (start === OWN) {
      const value = (email ? this.#ownEmails : this.#ownUsernames).get(i) as string;
      at.text = value;
      at.start = 0;
      at.end = value.length;
      return at;
    }
    at.text = this.texts[this.#text[i] as number] as string | CharCodes;
    at.start = start;
    at.end = (email ? this.#emailEnd : this.#userEnd)[i] as number;
    return at;
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
    if (start === end) return '';
    const text = this.texts[this.#text[i] as number] as string | CharCodes;
    return typeof text === 'string' ? text.slice(start, end) : fromCharCodes(text, start, end);
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
      const text = this.texts[this.#text[i] as number] as string | CharCodes;
      if (typeof text === 'string') {
        at.text = text;
        at.start = start;
        at.end = ends[i] as number;
      } else {
        at.text = fromCharCodes(text, start, ends[i] as number);
        at.start = 0;
        at.end = at.text.length;
      }
    }
    return at;
  }

  /**
   * The rows as a part another thread appends (see append), with the buffers to move to it; the columns are not
   * usable afterwards. `toCharCodes` encodes the texts.
   */
  part(toCharCodes: ToCharCodes): { part: ColumnsPart; transfer: ArrayBuffer[] } {
    const texts = this.texts.map((text) => (typeof text === 'string' ? toCharCodes(text) : text));
    const part: ColumnsPart = {
      length: this.length,
      texts,
      text: this.#text,
      userStart: this.#userStart,
      userEnd: this.#userEnd,
      emailStart: this.#emailStart,
      emailEnd: this.#emailEnd,
      environment: this.#environment,
      provider: this.#provider,
      tenant: this.#tenant,
      line: this.#line,
      flags: this.#flags,
      ownUsernames: [...this.#ownUsernames],
      ownEmails: [...this.#ownEmails],
      anyStaff: this.anyStaff,
      environments: this.environments.names,
      providers: this.providers.names,
      tenants: this.tenants.names,
    };
    const buffers = new Set<ArrayBuffer>();
    for (const array of [...texts, part.text, part.userStart, part.userEnd, part.emailStart, part.emailEnd]) {
      buffers.add(array.buffer as ArrayBuffer);
    }
    for (const array of [part.environment, part.provider, part.tenant, part.line, part.flags]) {
      buffers.add(array.buffer as ArrayBuffer);
    }
    return { part, transfer: [...buffers] };
  }

  /**
   * Appends the rows of a part read by another thread, its line numbers moved on by `lineOffset`; names are
   * renumbered as these columns number them.
   */
  append(part: ColumnsPart, lineOffset: number): void {
    const from = this.length;
    const n = part.length;
    this.reserve(from + n);
    const textBase = this.texts.length;
    for (const text of part.texts) this.texts.push(text);
    this.#lastText = '';
    if (part.anyStaff) this.anyStaff = true;
    const renumber = (names: string[], table: NameTable) => Int32Array.from(names, (name) => table.id(name));
    const environments = renumber(part.environments, this.environments);
    const providers = renumber(part.providers, this.providers);
    const tenants = renumber(part.tenants, this.tenants);
    this.#userStart.set(part.userStart.subarray(0, n), from);
    this.#userEnd.set(part.userEnd.subarray(0, n), from);
    this.#emailStart.set(part.emailStart.subarray(0, n), from);
    this.#emailEnd.set(part.emailEnd.subarray(0, n), from);
    this.#flags.set(part.flags.subarray(0, n), from);
    // A loop of its own per column, or a copy: one loop over all five ran once, too briefly to be compiled well.
    shiftedInto(this.#text, from, part.text, n, textBase);
    renumberedInto(this.#environment, from, part.environment, n, environments);
    renumberedInto(this.#provider, from, part.provider, n, providers);
    renumberedInto(this.#tenant, from, part.tenant, n, tenants);
    shiftedInto(this.#line, from, part.line, n, lineOffset);
    for (const [k, value] of part.ownUsernames) this.#ownUsernames.set(from + k, value);
    for (const [k, value] of part.ownEmails) this.#ownEmails.set(from + k, value);
    this.length = from + n;
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
