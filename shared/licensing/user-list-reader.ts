// The one reader of user lists, for the audit CLI and the server's import alike (rules 33 and 34): bytes in, in
// chunks as they arrive, accounts out, each problem naming its line. Decoding (user-list-decoder.ts), CSV records
// (csv-records.ts), the column mapping (user-list-columns.ts) and the rows (user-list-rows.ts) are its stages. A list
// is read exactly or refused: a caller keeps what `write` returns only once `end` has returned without throwing.
import type { AccountColumns } from './account-columns.ts';
import { type AccountRow, AccountRowError, type UserListProblem } from './account-rows.ts';
import { type CsvRecord, CsvRecordReader, type CsvSeparator } from './csv-records.ts';
import { quoteValue } from './quote-value.ts';
import { type ColumnChoices, type ColumnMapping, mapUserListColumns } from './user-list-columns.ts';
import { type AsciiText, UserListDecoder, type UserListEncoding } from './user-list-decoder.ts';
import { UserListRows } from './user-list-rows.ts';

/**
 * Text is decoded in pieces of at most this many bytes: values sliced from a string V8 keeps among its large objects
 * (over ~128 KB) made reading a million rows ten times slower when measured.
 */
const PIECE_BYTES = 64 * 1024;

export interface UserListOptions {
  encoding?: UserListEncoding;
  /** Found on the header line when not given. */
  separator?: CsvSeparator;
  /** Refuse a list holding a column that is not recognised, instead of showing it as ignored. */
  strict?: boolean;
  /** For a tenant column of ids (OutSystems' Tenant_Id): the id of the user provider's default tenant. */
  defaultTenant?: string;
  /** Problems gathered before giving up (each names its line); errors in the file's text itself stop at once. */
  maxProblems?: number;
  /** How to read some columns, chosen by an admin (the portal remembers them per user provider). */
  columns?: ColumnChoices;
  /** The environment and user provider of rows that name none (defaults: Production, Users). */
  defaultEnvironment?: string;
  defaultProvider?: string;
  /** Keep the accounts in these columns instead of handing them out as objects (the audit CLI's million-row lists). */
  into?: AccountColumns;
  /** The platform's faster reading of all-ASCII bytes (the server and the CLI give Node's). */
  asciiText?: AsciiText;
}

/** The list was refused: every problem found, each with its line, its code and values, and in English. */
export class UserListError extends Error {
  constructor(readonly problems: UserListProblem[]) {
    super(problems.map((problem) => problem.message).join('\n'));
    this.name = 'UserListError';
  }
}

export interface UserListSummary {
  mapping: ColumnMapping;
  separator: CsvSeparator;
  /** Lines read, header included. */
  lines: number;
  accounts: number;
  /** Rows that are no account: anonymous users (rule 2). */
  anonymous: number;
}

export class UserListReader {
  readonly #options: UserListOptions;
  readonly #decoder: UserListDecoder;
  readonly #records: CsvRecordReader;
  #mapping: ColumnMapping | null = null;
  #rows: UserListRows | null = null;
  readonly #problems: UserListProblem[] = [];
  #batch: AccountRow[] = [];
  #accounts = 0;
  #lastLine = 0;
  readonly #sink = (record: CsvRecord) => this.#record(record);
  readonly #text = (text: string) => this.#records.write(text, this.#sink);

  constructor(options: UserListOptions = {}) {
    this.#options = options;
    this.#records = new CsvRecordReader(options.separator);
    this.#decoder = new UserListDecoder(options.encoding ?? 'utf-8', () => this.#records.nextLine, options.asciiText);
  }

  /** The column mapping, once the header has been read. */
  get mapping(): ColumnMapping | null {
    return this.#mapping;
  }

  /** Bytes received so far. */
  get bytes(): number {
    return this.#decoder.bytes;
  }

  /**
   * Whether the bytes received so far end where a record ends: a reader of the rest of the file starting from here
   * (after the header) reads the same records (account-csv.ts reads in two parts).
   */
  get cleanBreak(): boolean {
    return this.#decoder.atLineStart && this.#records.atRecordStart;
  }

  /** The separator in use: given, or found on the header line. */
  get separator(): CsvSeparator {
    return this.#records.separator;
  }

  /** The line number of the next byte received. */
  get nextLine(): number {
    return this.#records.nextLine;
  }

  /**
   * Reads a chunk of the file; returns the accounts it completed (none when they go `into` columns). Throws
   * UserListError when the list is refused.
   */
  write(chunk: Uint8Array): AccountRow[] {
    this.#guard(() => {
      // Columns keep the decoded text and slice little from it: a chunk is decoded whole, and its text (over 128 KB)
      // skips the young generation instead of being copied out of it (a tenth of a second less on a million rows).
      const piece = this.#options.into === undefined ? PIECE_BYTES : chunk.length;
      for (let from = 0; from < chunk.length; from += piece) {
        this.#decoder.write(chunk.subarray(from, from + piece), this.#text);
      }
    });
    return this.#take();
  }

  /** Reads the end of the file; returns the last accounts and what was read, or throws UserListError. */
  end(): { accounts: AccountRow[]; summary: UserListSummary } {
    this.#guard(() => {
      this.#records.write(this.#decoder.end(), this.#sink);
      this.#records.end(this.#sink);
    });
    if (this.#mapping === null && this.#problems.length === 0) {
      const empty = 'the file is empty; the first line must name the columns, e.g. username,email,active';
      this.#problems.push(new AccountRowError(1, empty, 'empty-file').problem);
    }
    if (this.#problems.length > 0) throw new UserListError(this.#problems);
    const accounts = this.#take();
    return {
      accounts,
      summary: {
        mapping: this.#mapping as ColumnMapping,
        separator: this.#records.separator,
        lines: this.#lastLine,
        accounts: this.#accounts,
        anonymous: this.#rows?.anonymous ?? 0,
      },
    };
  }

  #take(): AccountRow[] {
    const batch = this.#batch;
    this.#batch = [];
    return batch;
  }

  /** Errors in the text itself (encoding, quoting, header) end the reading at once. */
  #guard(read: () => void): void {
    try {
      read();
    } catch (error) {
      if (!(error instanceof AccountRowError)) throw error;
      this.#problems.push(error.problem);
      throw new UserListError(this.#problems);
    }
  }

  #record(record: CsvRecord): void {
    this.#lastLine = record.line;
    if (this.#rows === null) {
      if (record.isBlank()) return;
      this.#header(record.toArray(), record.line);
      return;
    }
    try {
      const columns = this.#options.into;
      if (columns !== undefined) {
        if (this.#rows.readInto(record, columns)) this.#accounts++;
        return;
      }
      const account = this.#rows.read(record);
      if (account === null) return;
      this.#batch.push(account);
      this.#accounts++;
    } catch (error) {
      if (!(error instanceof AccountRowError)) throw error;
      this.#problems.push(error.problem);
      if (this.#problems.length >= (this.#options.maxProblems ?? 20)) throw new UserListError(this.#problems);
    }
  }

  #header(fields: string[], line: number): void {
    const mapping = mapUserListColumns(fields, line, this.#options.columns);
    if (this.#options.strict && mapping.unrecognised.length > 0) {
      const names = mapping.columns
        .filter((c) => c.status === 'unrecognised')
        .map((c) => `${quoteValue(c.header, 40)} (column ${c.column})`);
      throw new AccountRowError(
        line,
        `the strict reading refuses columns it does not recognise: ${names.join(', ')}; remove them, or read the list without strict to see them ignored`,
        'strict-unrecognised',
        {
          columns: mapping.columns
            .filter((c) => c.status === 'unrecognised')
            .map((c) => quoteValue(c.header, 40))
            .join(', '),
        },
      );
    }
    this.#mapping = mapping;
    const { defaultTenant, defaultEnvironment, defaultProvider } = this.#options;
    this.#rows = new UserListRows(mapping, { defaultTenant, defaultEnvironment, defaultProvider });
  }
}

/**
 * Reads a whole list from its chunks (a file stream, an upload's body): yields the accounts in batches as they are
 * read, and returns what was read. Throws UserListError, possibly after some batches: keep nothing until it returns.
 */
export async function* readUserList(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: UserListOptions = {},
): AsyncGenerator<AccountRow[], UserListSummary, void> {
  const reader = new UserListReader(options);
  for await (const chunk of chunks) {
    const accounts = reader.write(chunk);
    if (accounts.length > 0) yield accounts;
  }
  const { accounts, summary } = reader.end();
  if (accounts.length > 0) yield accounts;
  return summary;
}
