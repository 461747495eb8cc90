// Reads a user list file for the audit CLI through the one shared reader (shared/licensing/user-list-reader.ts).
import { statSync } from 'node:fs';
import { AccountColumns } from '../../shared/licensing/account-columns.ts';
import type { Identities } from '../../shared/licensing/count.ts';
import type { ColumnMapping } from '../../shared/licensing/user-list-columns.ts';
import {
  UserListError,
  type UserListOptions,
  UserListReader,
  type UserListSummary,
} from '../../shared/licensing/user-list-reader.ts';
import { appendFacts, type ValueFacts, valueFacts } from '../../shared/licensing/value-facts.ts';
import { asciiText } from '../licensing/ascii-text.ts';
import { fileChunks } from './file-chunks.ts';
import { lineFrom, mappingKey, type PartReading, type ReadPart, startReadPart, workersStartFast } from './read-part.ts';

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
  /** The rows' value facts, when worked out while reading (the count works them out otherwise). */
  facts: ValueFacts | null;
  /** Threads that read the list: 2 when a worker's part was appended, else 1. */
  threads: 1 | 2;
  /**
   * The rows' identities numbered by hash alone by the reading worker, which does it while the caller prepares the
   * count (count-list.ts); null when the list was read by one thread or the worker failed.
   */
  identities: Promise<Identities | null>;
  /**
   * The reading worker, once it has numbered the identities: it writes its share of the duplicate groups' JSON when
   * asked (while the caller makes the other hygiene findings), and holds its memory until released; null when the
   * list was read by one thread.
   */
  worker: Pick<PartReading, 'writeJson' | 'release'> | null;
}

export interface ReadAccountCsvOptions extends UserListOptions {
  /** Receives the fraction of bytes read. */
  onProgress?: (fraction: number) => void;
  /** Receives the column mapping as soon as the header is read, before any account is counted. */
  onMapping?: (mapping: ColumnMapping) => void;
  /**
   * Files of at least this many bytes are read in two parts at once (tests make it small); by default 8 MiB when the
   * CLI runs from its bundle, and never when it runs from source.
   */
  splitFrom?: number;
  /** Read when `path` is "-" (`--input -`). */
  stdin?: NodeJS.ReadableStream;
}

/** Below this size a list is read by one thread: a worker costs more to start than it saves. */
const SPLIT_FROM_BYTES = 8 << 20;
/**
 * The share of a large list the main thread reads; a worker reads the rest. The worker starts later (it loads the
 * CLI first), and the main thread works out its rows' value facts while it waits.
 */
const MAIN_SHARE = 0.56;

/**
 * Reads the file at `path`. Fails with every problem found (up to 20), each naming its line, and returns nothing partial.
 *
 * A large file is read in two parts at once: the main thread reads up to a line break near the middle, a worker the
 * rest (read-part.ts). The worker's rows are appended only when the main thread's reading ended exactly where they
 * start (not inside a quoted value), the worker met no problem, and both threads mapped the header alike; otherwise
 * the main thread reads on by itself, so the result, problems included, is always that of one reading.
 */
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
  const splitFrom = options.splitFrom ?? (workersStartFast() ? SPLIT_FROM_BYTES : Number.POSITIVE_INFINITY);
  const middle = Math.floor(size * MAIN_SHARE);
  const line = path !== '-' && size >= splitFrom ? lineFrom(path, middle) : null;
  // The part starts where a line starts.
  const split = line === null ? -1 : middle + line.length;
  const part =
    split > 0 && split < size
      ? startReadPart({
          path,
          from: split,
          size,
          encoding: options.encoding,
          strict: options.strict,
          defaultTenant: options.defaultTenant,
          separator: options.separator,
        })
      : null;
  const accounts = new AccountColumns();
  const reader = new UserListReader({ ...options, into: accounts, asciiText });
  let mappingShown = false;
  const showMapping = () => {
    if (!mappingShown && reader.mapping !== null) {
      mappingShown = true;
      options.onMapping?.(reader.mapping);
    }
  };
  let reserved = false;
  const readFrom = async (source: AsyncIterable<unknown> | Iterable<unknown>) => {
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
  };
  try {
    if (part !== null) {
      try {
        await readFrom(fileChunks(path, 0, split));
      } catch (error) {
        part.stop();
        throw error;
      }
      const done = await appendable(reader, accounts, part, options.defaultTenant);
      if (done !== null) {
        const { read, own, identities } = done;
        const lineOffset = reader.nextLine - 2;
        accounts.append(read.part, lineOffset);
        const { summary } = reader.end();
        options.onProgress?.(1);
        return {
          accounts,
          summary: {
            ...summary,
            lines: read.lines > 1 ? read.lines + lineOffset : summary.lines,
            accounts: summary.accounts + read.accounts,
            anonymous: summary.anonymous + read.anonymous,
          },
          facts: appendFacts(own, read.facts),
          threads: 2,
          identities,
          worker: part,
        };
      }
      // The later part is read here after all, as if the file had been read in one go.
      part.stop();
    }
    const rest =
      part !== null ? fileChunks(path, split) : path === '-' && options.stdin ? options.stdin : fileChunks(path);
    await readFrom(rest);
    const { summary } = reader.end();
    showMapping();
    return { accounts, summary, facts: null, threads: 1, identities: Promise.resolve(null), worker: null };
  } catch (error) {
    if (error instanceof UserListError) throw new AccountCsvError(error.problems.map((problem) => problem.message));
    if ((error as NodeJS.ErrnoException).code !== undefined) {
      throw new AccountCsvError([`cannot read ${path}: ${(error as Error).message}`]);
    }
    throw error;
  }
}

/**
 * The worker's part, when it can be appended to what the main thread read: the main thread's reading ended where the
 * part starts, the worker met no problem, and the header reads alike in both; with it, the value facts of the main
 * thread's rows, worked out while the worker finished (and sent to it to number with its own). A tenant column of
 * ids without a given default tenant takes the first id met as the default (rule 16), which the worker cannot know:
 * then the part is not used.
 */
async function appendable(
  reader: UserListReader,
  accounts: AccountColumns,
  part: PartReading,
  defaultTenant: string | undefined,
): Promise<{ read: ReadPart; own: ValueFacts; identities: Promise<Identities | null> } | null> {
  const mapping = reader.mapping;
  if (!reader.cleanBreak || mapping === null) return null;
  if (mapping.fields.tenant?.tenantId && defaultTenant === undefined) return null;
  const own = valueFacts(accounts, accounts.capacity);
  const rows = accounts.length;
  const identities = part.number(own.emailHash.slice(0, rows), own.usernameHash.slice(0, rows));
  const read = await part.result;
  return read !== null && read.mapping === mappingKey(mapping, reader.separator) ? { read, own, identities } : null;
}
