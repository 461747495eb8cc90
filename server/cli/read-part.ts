// The later part of a large user list, read by a worker thread while the CLI's main thread reads the earlier part
// (account-csv.ts): the header and the part go through the one reader (user-list-reader.ts) into columns, the rows'
// value facts are worked out here too, and everything goes back as buffers moved, not copied. The main thread
// appends the part only when its own reading ended exactly where the part starts; otherwise it reads on by itself.
// Then, while the main thread prepares the count, the worker numbers the whole list's identities by their hashes
// (the main thread sends its part's), and the main thread confirms those numbers against the values (count.ts).
import { Buffer } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';
import { isMainThread, type MessagePort, parentPort, Worker, workerData } from 'node:worker_threads';
import { AccountColumns, type CharCodes, type ColumnsPart } from '../../shared/licensing/account-columns.ts';
import { type Identities, numberByHash } from '../../shared/licensing/count.ts';
import type { CsvSeparator } from '../../shared/licensing/csv-records.ts';
import type { ColumnMapping } from '../../shared/licensing/user-list-columns.ts';
import type { UserListEncoding } from '../../shared/licensing/user-list-decoder.ts';
import { UserListReader } from '../../shared/licensing/user-list-reader.ts';
import { type ValueFacts, valueFacts } from '../../shared/licensing/value-facts.ts';
import { asciiText } from '../licensing/ascii-text.ts';
import { typeScriptWorker } from '../licensing/typescript-worker.ts';
import { fileChunks } from './file-chunks.ts';
import { FormJson, type GroupsForJson, type UnitsWritten } from './group-json.ts';
import { UnitClaims } from './unit-claims.ts';

/** The key of a reading worker's job in its workerData. */
const JOB = 'seatkeeperReadPart';
/** How far a line break is looked for (lineFrom). */
const LINE_BYTES = 1 << 20;

export interface ReadPartJob {
  path: string;
  /** Where the part starts: just after a line break. */
  from: number;
  /** The file's size when the main thread looked. */
  size: number;
  encoding?: UserListEncoding;
  strict?: boolean;
  defaultTenant?: string;
  separator?: CsvSeparator;
  /** Whether to stay after reading, to number the whole list's identities (NumberingRequest). */
  numbering?: boolean;
}

/** The identity hashes of the main thread's rows (value-facts.ts), to be numbered with the part's. */
interface NumberingRequest {
  emailHash: Int32Array;
  usernameHash: Int32Array;
}

export interface ReadPart {
  part: ColumnsPart;
  facts: ValueFacts;
  /** The last line read, counted from the header as line 1 and the part's first line as line 2. */
  lines: number;
  accounts: number;
  anonymous: number;
  /** The header as mapped (mappingKey), to be compared with the main thread's. */
  mapping: string;
}

/**
 * After the numbers: the duplicate groups whose JSON is to be written, shared with the main thread by the units of
 * work `claims` hands out (group-json.ts), or nothing more to do.
 */
type AfterNumbering = { groups: GroupsForJson; claims: SharedArrayBuffer } | { done: true };

type ReadPartMessage = { read: ReadPart } | { failed: string } | { numbers: Identities } | { json: UnitsWritten };

/** What must be equal in both threads' readings of the header for the part's rows to read as the main thread's. */
export function mappingKey(mapping: ColumnMapping, separator: CsvSeparator): string {
  return JSON.stringify({
    separator,
    width: mapping.width,
    columns: mapping.columns,
    export: mapping.seatkeeperExport,
  });
}

/** A text's character codes in a buffer of its own (Node's pool is shared, so a small one is copied out of it). */
function toCharCodes(text: string): CharCodes {
  const ascii = Buffer.byteLength(text, 'utf8') === text.length;
  const bytes = Buffer.from(text, ascii ? 'latin1' : 'utf16le');
  const own =
    bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length ? bytes : new Uint8Array(bytes).subarray(0);
  return ascii
    ? new Uint8Array(own.buffer, own.byteOffset, own.length)
    : new Uint16Array(own.buffer, own.byteOffset, own.length / 2);
}

/**
 * The bytes of the file from `at` to its first line break after it, the break included; null when there is none within
 * a megabyte (a line that long is no user list's: the list is then read by one thread).
 */
export function lineFrom(path: string, at: number): Uint8Array | null {
  const file = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(LINE_BYTES);
    const read = readSync(file, buffer, 0, LINE_BYTES, at);
    const end = buffer.subarray(0, read).indexOf(0x0a);
    return end === -1 ? null : buffer.subarray(0, end + 1);
  } finally {
    closeSync(file);
  }
}

/** Reads the part (in the worker). `kept` receives copies of the part's identity hashes, which are moved out. */
export async function readPart(
  job: ReadPartJob,
  kept?: (emailHash: Int32Array, usernameHash: Int32Array) => void,
): Promise<{ read: ReadPart; transfer: ArrayBuffer[] } | string> {
  const header = lineFrom(job.path, 0);
  if (header === null) return 'no header line within the first megabyte';
  const columns = new AccountColumns();
  const reader = new UserListReader({
    encoding: job.encoding,
    strict: job.strict,
    defaultTenant: job.defaultTenant,
    separator: job.separator,
    into: columns,
    asciiText,
    // Any problem sends the main thread reading on by itself, which finds and words them all.
    maxProblems: 1,
  });
  reader.write(header);
  let reserved = false;
  for (const chunk of fileChunks(job.path, job.from)) {
    reader.write(chunk as Uint8Array);
    if (!reserved && columns.length > 0) {
      reserved = true;
      const read = reader.bytes - header.length;
      columns.reserve(Math.ceil(((columns.length * (job.size - job.from)) / read) * 1.1));
    }
  }
  const { summary } = reader.end();
  const facts = valueFacts(columns);
  kept?.(facts.emailHash.slice(0, facts.rows), facts.usernameHash.slice(0, facts.rows));
  const { part, transfer } = columns.part(toCharCodes);
  for (const array of [facts.emailDomain, facts.usernameDomain, facts.emailHash, facts.usernameHash]) {
    transfer.push(array.buffer as ArrayBuffer);
  }
  return {
    read: {
      part,
      facts,
      lines: summary.lines,
      accounts: summary.accounts,
      anonymous: summary.anonymous,
      mapping: mappingKey(summary.mapping, summary.separator),
    },
    transfer,
  };
}

/** The CLI's bundle (bin/compiled-cli.mjs), when it runs from one: reading workers start from it too. */
let bundle: URL | null = null;

export function workersFromBundle(url: string): void {
  bundle = new URL(url);
}

/** Whether a worker starts from the bundle: from source, tsx compiles the reader again in it, for longer than it saves. */
export function workersStartFast(): boolean {
  return bundle !== null;
}

/** A reading worker as the main thread sees it. */
export interface PartReading {
  /** The part; null when the worker failed (the reason is not needed: the main thread reads on). */
  result: Promise<ReadPart | null>;
  /**
   * Sends the identity hashes of the main thread's rows (moved, not copied); the worker numbers them with its part's
   * (numberByHash) once its part is read. Resolves to the numbers of all rows, the main thread's first, or to null
   * when the worker failed or was stopped. The worker then waits for `writeJson` or `release`.
   */
  number(emailHash: Int32Array, usernameHash: Int32Array): Promise<Identities | null>;
  /**
   * Has the worker write the JSON of the groups' units it takes from the front of `claims` (FormJson.fromFront), and
   * end; null when it failed or was stopped.
   */
  writeJson(form: GroupsForJson, claims: UnitClaims): Promise<UnitsWritten | null>;
  /** Ends the worker (it holds its isolate's memory until then). */
  release(): void;
  stop(): void;
}

/** Starts a worker reading the part. */
export function startReadPart(job: Omit<ReadPartJob, 'numbering'>): PartReading {
  const options = { workerData: { [JOB]: { ...job, numbering: true } } };
  const worker =
    bundle === null
      ? typeScriptWorker(new URL('./read-part.ts', import.meta.url), options)
      : new Worker(bundle, options);
  const stop = () => void worker.terminate();
  // The worker answers with its part, then with the numbers, then with the groups' JSON when asked; an error or an
  // exit answers what is awaited with null.
  let part: (read: ReadPart | null) => void = () => {};
  let numbered: (numbers: Identities | null) => void = () => {};
  let written: (json: UnitsWritten | null) => void = () => {};
  const result = new Promise<ReadPart | null>((resolve) => {
    part = resolve;
  });
  const numbers = new Promise<Identities | null>((resolve) => {
    numbered = resolve;
  });
  const json = new Promise<UnitsWritten | null>((resolve) => {
    written = resolve;
  });
  worker.on('message', (message: ReadPartMessage) => {
    if ('numbers' in message) numbered(message.numbers);
    else if ('json' in message) written(message.json);
    else part('read' in message ? message.read : null);
  });
  const end = () => {
    part(null);
    numbered(null);
    written(null);
  };
  worker.once('error', end);
  worker.once('exit', end);
  let released = false;
  const after = (message: AfterNumbering, transfer: ArrayBuffer[] = []) => {
    if (released) return false;
    released = true;
    worker.postMessage(message, transfer);
    return true;
  };
  return {
    result,
    number(emailHash, usernameHash) {
      const request: NumberingRequest = { emailHash, usernameHash };
      worker.postMessage(request, [emailHash.buffer as ArrayBuffer, usernameHash.buffer as ArrayBuffer]);
      // Numbered, the waiting worker keeps no process alive: one that is never released ends with it.
      return numbers.then((identities) => {
        worker.unref();
        return identities;
      });
    },
    writeJson(form, claims) {
      // The form is copied, not moved: this thread writes units of it too (a few megabytes: about a millisecond).
      if (!after({ groups: form, claims: claims.buffer })) return Promise.resolve(null);
      worker.ref();
      return json.finally(() => worker.unref());
    },
    release() {
      if (after({ done: true })) worker.unref();
    },
    stop,
  };
}

/** Numbers the whole list's identities when the main thread sends its hashes (in the worker, after its part). */
function numberOnRequest(port: MessagePort, emailHash: Int32Array, usernameHash: Int32Array): void {
  port.once('message', (request: NumberingRequest) => {
    const joined = (main: Int32Array, part: Int32Array) => {
      const all = new Int32Array(main.length + part.length);
      all.set(main);
      all.set(part, main.length);
      return all;
    };
    const numbers = numberByHash(joined(request.emailHash, emailHash), joined(request.usernameHash, usernameHash));
    const message: ReadPartMessage = { numbers };
    const moved = [numbers.email, numbers.username, numbers.holders].map((array) => array.buffer as ArrayBuffer);
    port.postMessage(message, moved);
    port.once('message', (next: AfterNumbering) => {
      if (!('groups' in next)) return;
      const json = new FormJson(next.groups).fromFront(new UnitClaims(next.claims));
      port.postMessage({ json } satisfies ReadPartMessage, [json.bytes.buffer as ArrayBuffer]);
    });
  });
}

if (!isMainThread && parentPort !== null && (workerData as Record<string, unknown> | null)?.[JOB] !== undefined) {
  const port = parentPort;
  const job = (workerData as Record<string, ReadPartJob>)[JOB] as ReadPartJob;
  readPart(job, (emailHash, usernameHash) => {
    if (job.numbering === true) numberOnRequest(port, emailHash, usernameHash);
  }).then(
    (done) => {
      if (typeof done === 'string') port.postMessage({ failed: done } satisfies ReadPartMessage);
      else port.postMessage({ read: done.read } satisfies ReadPartMessage, done.transfer);
    },
    (error: unknown) => port.postMessage({ failed: String(error) } satisfies ReadPartMessage),
  );
}
