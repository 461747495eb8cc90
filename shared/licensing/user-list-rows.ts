// One record of a user list into one account, through the file's column mapping: values read with their column's
// vocabulary, identities limited to what an email address can be (320 characters), and every refusal naming its line.

import type { AccountColumns } from './account-columns.ts';
import {
  ACCOUNT_COLUMNS,
  type AccountRow,
  AccountRowError,
  DEFAULT_ENVIRONMENT,
  DEFAULT_PROVIDER,
} from './account-rows.ts';
import type { CsvRecord } from './csv-records.ts';
import { sameText } from './identity-index.ts';
import { quoteValue } from './quote-value.ts';
import { unguardSpreadsheetCell } from './spreadsheet-cells.ts';
import type { ColumnMapping, FieldSource } from './user-list-columns.ts';
import type { AccountField, Vocabulary } from './user-list-platforms.ts';

/** The longest values accepted: an email address is at most 320 characters (RFC 5321), and so is a username here. */
export const MAX_VALUE_LENGTH = { username: 320, email: 320, tenant: 100, provider: 100, environment: 100 } as const;

const STAFF_ROLES = new Set(['admin', 'support']);

export interface UserListRowOptions {
  /** For a tenant column of ids (OutSystems' Tenant_Id): the id of the user provider's default tenant (rule 16). */
  defaultTenant?: string;
  /** The environment of rows that name none (the server's import: the environment imported into). */
  defaultEnvironment?: string;
  /** The user provider of rows that name none (the server's import of one provider). */
  defaultProvider?: string;
}

/** Positions of the fields, -1 when absent: read once per record, so looked up once per file. */
type Positions = Record<AccountField, number>;

const FIELDS: AccountField[] = [...ACCOUNT_COLUMNS, 'anonymous'];

interface Flag {
  position: number;
  header: string;
  vocabulary: Vocabulary | undefined;
  /** What the values met read as ("true" and "false" from the start when the vocabulary reads them so). */
  known: FewValues<boolean>;
}

/**
 * What each value of a column met so far reads as, for a column that repeats a few values row after row (environments,
 * providers, tenants, yes/no flags): the first sixteen are matched in place, before any string is made.
 */
class FewValues<T> {
  readonly #raw: string[] = [];
  readonly #value: T[] = [];
  /** Each raw value's length and last character, compared before its text: most misses stop there. */
  readonly #length: number[] = [];
  readonly #last: number[] = [];
  readonly #many = new Map<string, T>();

  /**
   * What the record's field (trimmed, quotes undone) reads as, when met before; `empty` for an empty unquoted field;
   * else undefined.
   */
  find(record: CsvRecord, i: number, empty: T): T | undefined {
    const raw = this.#raw;
    const quoted = record.values[i];
    if (quoted === undefined) {
      const text = record.text;
      const start = record.starts[i] as number;
      const length = (record.ends[i] as number) - start;
      if (length === 0) return empty;
      const last = text.charCodeAt(start + length - 1);
      for (let k = 0; k < raw.length; k++) {
        if (this.#length[k] === length && this.#last[k] === last && sameText(text, start, raw[k] as string)) {
          return this.#value[k];
        }
      }
    } else {
      for (let k = 0; k < raw.length; k++) if (raw[k] === quoted) return this.#value[k];
    }
    return raw.length < 16 ? undefined : this.#many.get(record.field(i));
  }

  add(raw: string, value: T): void {
    if (this.#raw.length < 16) {
      this.#raw.push(raw);
      this.#value.push(value);
      this.#length.push(raw.length);
      this.#last.push(raw.charCodeAt(raw.length - 1));
    } else {
      this.#many.set(raw, value);
    }
  }
}

export class UserListRows {
  readonly #mapping: ColumnMapping;
  readonly #at: Positions;
  readonly #environments = new FewValues<string>();
  readonly #providers = new FewValues<string>();
  readonly #tenants = new FewValues<string>();
  /** Seatkeeper's own export guards cells against spreadsheets; reading it back takes the guard away. */
  readonly #unguard: boolean;
  #defaultTenant: { id: string; line: number } | null;
  readonly #defaultEnvironment: string;
  readonly #defaultProvider: string;
  /** How each yes/no column reads, prepared once. */
  readonly #flags: Partial<Record<AccountField, Flag>> = {};
  readonly #productionFlag: Flag | undefined;
  readonly #activeFlag: Flag | undefined;
  readonly #itUserFlag: Flag | undefined;
  readonly #anonymousFlag: Flag | undefined;
  /** Rows skipped because they are anonymous users (rule 2). */
  anonymous = 0;

  constructor(mapping: ColumnMapping, options: UserListRowOptions = {}) {
    this.#mapping = mapping;
    for (const [field, source] of Object.entries(mapping.fields) as [AccountField, FieldSource][]) {
      const known = new FewValues<boolean>();
      if (source.vocabulary === undefined || source.vocabulary.values.get('true') === true) {
        known.add('true', true);
        known.add('false', false);
      }
      this.#flags[field] = { position: source.position, header: source.header, vocabulary: source.vocabulary, known };
    }
    this.#productionFlag = this.#flags.production;
    this.#activeFlag = this.#flags.active;
    this.#itUserFlag = this.#flags.it_user;
    this.#anonymousFlag = this.#flags.anonymous;
    this.#at = Object.fromEntries(FIELDS.map((field) => [field, mapping.fields[field]?.position ?? -1])) as Positions;
    this.#unguard = mapping.seatkeeperExport;
    this.#defaultTenant = options.defaultTenant === undefined ? null : { id: options.defaultTenant.trim(), line: 0 };
    this.#defaultEnvironment = options.defaultEnvironment ?? DEFAULT_ENVIRONMENT;
    this.#defaultProvider = options.defaultProvider ?? DEFAULT_PROVIDER;
  }

  /** The account of one record, or null when the record is blank or no account (anonymous). */
  read(record: CsvRecord): AccountRow | null {
    if (!this.#fullWidth(record)) return null;
    const at = this.#at;
    const username = this.#identity(record, at.username, 'username');
    const email = this.#identity(record, at.email, 'email');
    if (username === '' && email === '' && record.isBlank()) return null;
    if (this.#anonymous(record)) return null;
    return {
      ref: record.line,
      environment: this.#name(record, at.environment, this.#environments, 'environment') || this.#defaultEnvironment,
      production: this.#production(record),
      provider: this.#name(record, at.provider, this.#providers, 'provider') || this.#defaultProvider,
      tenant: this.#tenant(record),
      username,
      email,
      active: this.#active(record),
      itUser: this.#itUser(record),
      staff: this.#staff(record),
    };
  }

  /**
   * The same account added to `columns` instead of made as an object (the same checks in the same order, so the same
   * refusals): a username or email that is a plain range of the record's text is kept as that range. Returns whether
   * a row was added.
   */
  readInto(record: CsvRecord, columns: AccountColumns): boolean {
    if (!this.#fullWidth(record)) return false;
    const at = this.#at;
    this.#checkLength(record, at.username, 'username');
    this.#checkLength(record, at.email, 'email');
    const username = this.#ownText(record, at.username);
    const email = this.#ownText(record, at.email);
    const noUsername = username === null ? record.length(at.username) === 0 : username === '';
    const noEmail = email === null ? record.length(at.email) === 0 : email === '';
    if (noUsername && noEmail && record.isBlank()) return false;
    if (this.#anonymous(record)) return false;
    const environment =
      this.#name(record, at.environment, this.#environments, 'environment') || this.#defaultEnvironment;
    const production = this.#production(record);
    const provider = this.#name(record, at.provider, this.#providers, 'provider') || this.#defaultProvider;
    const tenant = this.#tenant(record);
    const i = columns.add(record.line);
    if (username !== null) columns.setUsername(i, username);
    else
      columns.setUsernameRange(
        i,
        record.text,
        record.starts[at.username] as number,
        record.ends[at.username] as number,
      );
    if (email !== null) columns.setEmail(i, email);
    else columns.setEmailRange(i, record.text, record.starts[at.email] as number, record.ends[at.email] as number);
    columns.setNames(i, environment, provider, tenant);
    columns.setFlags(i, production, this.#active(record), this.#itUser(record), this.#staff(record));
    return true;
  }

  /** Whether the record has the header's width; false for a blank line of another width, refused otherwise. */
  #fullWidth(record: CsvRecord): boolean {
    if (record.count === this.#mapping.width) return true;
    if (record.isBlank()) return false;
    const n = record.count;
    throw new AccountRowError(
      record.line,
      `${n} field${n === 1 ? '' : 's'} where the header has ${this.#mapping.width}; check for a missing or extra separator, or an unquoted separator inside a value`,
      'field-count',
      { count: n, width: this.#mapping.width },
    );
  }

  #anonymous(record: CsvRecord): boolean {
    if (this.#at.anonymous === -1 || !this.#flag(record, this.#anonymousFlag as Flag, false)) return false;
    this.anonymous++;
    return true;
  }

  #production(record: CsvRecord): boolean | null {
    const at = this.#at.production;
    return at === -1 || record.length(at) === 0 ? null : this.#flag(record, this.#productionFlag as Flag, true);
  }

  #active(record: CsvRecord): boolean {
    return this.#at.active === -1 ? true : this.#flag(record, this.#activeFlag as Flag, true);
  }

  #itUser(record: CsvRecord): boolean {
    return this.#at.it_user === -1 ? false : this.#flag(record, this.#itUserFlag as Flag, false);
  }

  #staff(record: CsvRecord): boolean {
    const at = this.#at.role;
    return at !== -1 && record.length(at) > 0 && STAFF_ROLES.has(record.field(at).toLowerCase());
  }

  /** '' for an absent column, the value when it is not a plain range of the text (quoted, or guarded), else null. */
  #ownText(record: CsvRecord, position: number): string | null {
    if (position === -1) return '';
    if (record.values[position] !== undefined) return this.#text(record, position);
    if (!this.#unguard) return null;
    const quote = record.text.indexOf("'", record.starts[position]);
    return quote !== -1 && quote < (record.ends[position] as number) ? this.#text(record, position) : null;
  }

  #text(record: CsvRecord, position: number): string {
    if (position === -1) return '';
    const value = record.field(position);
    return this.#unguard && value.includes("'") ? unguardSpreadsheetCell(value) : value;
  }

  #identity(record: CsvRecord, position: number, field: 'username' | 'email'): string {
    this.#checkLength(record, position, field);
    return this.#text(record, position);
  }

  #checkLength(record: CsvRecord, position: number, field: 'username' | 'email'): void {
    // Looked up by a constant name: by the argument, it was a keyed lookup per row.
    const max = field === 'email' ? MAX_VALUE_LENGTH.email : MAX_VALUE_LENGTH.username;
    if (position !== -1 && record.length(position) > max) {
      const value = record.field(position);
      throw new AccountRowError(
        record.line,
        `${field} is ${value.length.toLocaleString('en-GB')} characters long, more than the ${MAX_VALUE_LENGTH[field]} an email address can have: ${quoteValue(value)}`,
        'email-too-long',
        { field, length: value.length, max: MAX_VALUE_LENGTH[field], value: quoteValue(value) },
      );
    }
  }

  #name(
    record: CsvRecord,
    position: number,
    names: FewValues<string>,
    field: 'environment' | 'provider' | 'tenant',
  ): string {
    if (position === -1) return '';
    const known = names.find(record, position, '');
    if (known !== undefined) return known;
    if (record.length(position) === 0) return '';
    const raw = record.field(position);
    if (raw.length > MAX_VALUE_LENGTH[field]) {
      throw new AccountRowError(
        record.line,
        `${field} is ${raw.length.toLocaleString('en-GB')} characters long, more than ${MAX_VALUE_LENGTH[field]}: ${quoteValue(raw)}`,
        'value-too-long',
        { field, length: raw.length, max: MAX_VALUE_LENGTH[field], value: quoteValue(raw) },
      );
    }
    const value = this.#unguard && raw.includes("'") ? unguardSpreadsheetCell(raw) : raw;
    names.add(raw, value);
    return value;
  }

  #tenant(record: CsvRecord): string {
    const value = this.#name(record, this.#at.tenant, this.#tenants, 'tenant');
    const source = this.#mapping.fields.tenant;
    if (!source?.tenantId || value === '') return value;
    // A column of tenant ids names the default tenant too: it must be told apart (rule 16).
    if (this.#defaultTenant === null) this.#defaultTenant = { id: value, line: record.line };
    if (value === this.#defaultTenant.id) return '';
    if (this.#defaultTenant.line === 0) return value;
    throw new AccountRowError(
      record.line,
      `${source.header} is ${quoteValue(value)} but line ${this.#defaultTenant.line} has ${quoteValue(this.#defaultTenant.id)}: the list holds several tenants, so say which is the user provider's default tenant (its accounts merge across providers; other tenants' never do)`,
      'several-tenants',
      {
        column: source.header,
        value: quoteValue(value),
        firstLine: this.#defaultTenant.line,
        first: quoteValue(this.#defaultTenant.id),
      },
    );
  }

  #flag(record: CsvRecord, flag: Flag, fallback: boolean): boolean {
    const i = flag.position;
    const known = flag.known.find(record, i, fallback);
    if (known !== undefined) return known;
    if (record.length(i) === 0) return fallback;
    const raw = record.field(i);
    const value = flag.vocabulary?.values.get(raw) ?? flag.vocabulary?.values.get(raw.toLowerCase());
    if (value !== undefined) {
      flag.known.add(raw, value);
      return value;
    }
    throw new AccountRowError(
      record.line,
      `${flag.header} is ${quoteValue(raw)}: use ${flag.vocabulary?.describe ?? 'true or false'}`,
      'flag-value',
      {
        column: flag.header,
        value: quoteValue(raw),
        accepted: (flag.vocabulary?.words ?? ['true', 'false']).join(', '),
      },
    );
  }
}
