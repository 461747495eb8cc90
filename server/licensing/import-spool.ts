// An uploaded user list goes to a file in DATA_DIR as it arrives (memory never holds it), counted on the way: past
// IMPORT_MAX_BYTES or IMPORT_MAX_ROWS the upload is refused with 413 naming the limit, before anything is imported.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../http/errors.ts';

/** Refused for its size: the message names the limit and what to do. */
export class ImportTooLarge extends ApiError {
  constructor(message: string) {
    super(413, 'import_too_large', message);
  }
}

export interface ImportLimits {
  maxBytes: number;
  maxRows: number;
}

const MIB = 1024 * 1024;

/** A size as people write it: 200 MiB, 1.5 GiB, 512 KiB, 900 bytes. */
export function sizeInWords(bytes: number): string {
  const units: [number, string][] = [
    [1024 * MIB, 'GiB'],
    [MIB, 'MiB'],
    [1024, 'KiB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1)).toLocaleString('en-GB')} ${unit}`;
  }
  return `${bytes.toLocaleString('en-GB')} bytes`;
}

export const tooManyBytes = (limits: ImportLimits) =>
  new ImportTooLarge(
    `The list is larger than this server accepts: at most ${sizeInWords(limits.maxBytes)} (IMPORT_MAX_BYTES). Split it, e.g. one file per user provider, or ask the operator to raise the limit.`,
  );

export const tooManyRows = (limits: ImportLimits) =>
  new ImportTooLarge(
    `The list has more rows than this server accepts: at most ${limits.maxRows.toLocaleString('en-GB')} (IMPORT_MAX_ROWS). Split it, e.g. one file per user provider, or ask the operator to raise the limit.`,
  );

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Counts CSV records in raw bytes: line breaks outside quotes, lines holding anything besides CR. Exact for UTF-8,
 * Shift_JIS and Windows-1252 alike (none uses the bytes of `"` or LF inside another character).
 */
export class CsvRecordCounter {
  records = 0;
  #quoted = false;
  #content = false;

  write(bytes: Uint8Array): void {
    let quoted = this.#quoted;
    let content = this.#content;
    let records = this.records;
    for (let k = 0; k < bytes.length; k++) {
      const b = bytes[k] as number;
      if (quoted) {
        if (b === QUOTE) quoted = false;
      } else if (b === QUOTE) {
        quoted = true;
        content = true;
      } else if (b === LF) {
        if (content) records++;
        content = false;
      } else if (b !== CR) {
        content = true;
      }
    }
    this.#quoted = quoted;
    this.#content = content;
    this.records = records;
  }

  /** Records in all, the last one counted even without a final line break. */
  end(): number {
    if (this.#content) this.records++;
    this.#content = false;
    return this.records;
  }
}

export interface Spooled {
  path: string;
  bytes: number;
  /** Data rows (records after the header). */
  rows: number;
}

export const spoolDirectory = (dataDir: string) => join(dataDir, 'imports');
export const spoolPath = (dataDir: string, importId: string) => join(spoolDirectory(dataDir), `${importId}.csv`);
/** Beside an import's spooled list, its rows sorted in runs while they are written (sorted-runs.ts). */
export const sortingPath = (spool: string) => `${spool.replace(/\.csv$/, '')}.sorting`;

/** Writes the upload to the import's file; removes it and throws ImportTooLarge past a limit. */
export async function spoolUpload(
  dataDir: string,
  importId: string,
  chunks: AsyncIterable<Uint8Array>,
  limits: ImportLimits,
): Promise<Spooled> {
  await mkdir(spoolDirectory(dataDir), { recursive: true });
  const path = spoolPath(dataDir, importId);
  const out = createWriteStream(path, { mode: 0o600 });
  const counter = new CsvRecordCounter();
  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      if (bytes > limits.maxBytes) throw tooManyBytes(limits);
      counter.write(chunk);
      if (counter.records - 1 > limits.maxRows) throw tooManyRows(limits);
      if (!out.write(chunk)) await once(out, 'drain');
    }
    const rows = Math.max(0, counter.end() - 1);
    if (rows > limits.maxRows) throw tooManyRows(limits);
    out.end();
    await once(out, 'close');
    return { path, bytes, rows };
  } catch (error) {
    out.destroy();
    await rm(path, { force: true });
    throw error;
  }
}

/** The spooled file now belongs to another import (the same file read again with other column choices). */
export async function moveSpool(dataDir: string, fromImport: string, toImport: string): Promise<string> {
  const path = spoolPath(dataDir, toImport);
  await rename(spoolPath(dataDir, fromImport), path);
  return path;
}

export async function removeSpool(dataDir: string, importId: string): Promise<void> {
  const path = spoolPath(dataDir, importId);
  await rm(path, { force: true });
  // Left behind only by a process that ended mid-import.
  await rm(sortingPath(path), { force: true });
}
