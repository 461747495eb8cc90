// Reads a user list file for the audit CLI through the one shared reader (shared/licensing/user-list-reader.ts).
import { createReadStream, statSync } from 'node:fs';
import { AccountColumns } from '../../shared/licensing/account-columns.ts';
import type { ColumnMapping } from '../../shared/licensing/user-list-columns.ts';
import {
  UserListError,
  type UserListOptions,
  UserListReader,
  type UserListSummary,
} from '../../shared/licensing/user-list-reader.ts';

export class AccountCsvError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'AccountCsvError';
  }
}

export interface AccountCsv {
  /** The accounts as columns: a million of them are read without a million objects (account-columns.ts). */
  accounts: AccountColumns;
  summary: UserListSummary;
}

export interface ReadAccountCsvOptions extends UserListOptions {
  /** Receives the fraction of bytes read. */
  onProgress?: (fraction: number) => void;
  /** Receives the column mapping as soon as the header is read, before any account is counted. */
  onMapping?: (mapping: ColumnMapping) => void;
  /** Read when `path` is "-" (`--input -`). */
  stdin?: NodeJS.ReadableStream;
}

/** Reads the file at `path`. Fails with every problem found (up to 20), each naming its line, and returns nothing partial. */
export async function readAccountCsv(path: string, options: ReadAccountCsvOptions = {}): Promise<AccountCsv> {
  let size = 0;
  if (path === '-') {
    if (!options.stdin) throw new AccountCsvError(['"-" means standard input, which this command does not read']);
  } else {
    try {
      const stat = statSync(path);
      if (!stat.isFile()) throw new AccountCsvError([`${path} is not a file`]);
      size = stat.size;
    } catch (error) {
      if (error instanceof AccountCsvError) throw error;
      throw new AccountCsvError([`cannot read ${path}: no such file`]);
    }
  }
  const source = path === '-' && options.stdin ? options.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  const accounts = new AccountColumns();
  const reader = new UserListReader({ ...options, into: accounts });
  let mappingShown = false;
  const showMapping = () => {
    if (!mappingShown && reader.mapping !== null) {
      mappingShown = true;
      options.onMapping?.(reader.mapping);
    }
  };
  let reserved = false;
  try {
    for await (const chunk of source) {
      reader.write(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array));
      // The rows of the whole file, guessed from its first megabyte (a tenth more for lines that run longer later).
      if (!reserved && size > 0 && accounts.length > 0) {
        reserved = true;
        accounts.reserve(Math.ceil(((accounts.length * size) / reader.bytes) * 1.1));
      }
      showMapping();
      if (size > 0) options.onProgress?.(Math.min(1, reader.bytes / size));
    }
    const { summary } = reader.end();
    showMapping();
    return { accounts, summary };
  } catch (error) {
    if (error instanceof UserListError) throw new AccountCsvError(error.problems.map((problem) => problem.message));
    if ((error as NodeJS.ErrnoException).code !== undefined) {
      throw new AccountCsvError([`cannot read ${path}: ${(error as Error).message}`]);
    }
    throw error;
  }
}
