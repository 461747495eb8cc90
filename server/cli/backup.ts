// `seatkeeper db backup --to FILE`: a consistent copy of the SQLite database of DATA_DIR, taken with SQLite's online
// backup while the server keeps running (it reads and writes throughout), checked, then moved into place: FILE is
// either the whole backup or untouched. On PostgreSQL, pg_dump is the tool (docs/operations.md).
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import { ConfigError, loadConfig } from '../config.ts';
import type { CliIo } from './io.ts';

export const BACKUP_USAGE = `usage: seatkeeper db backup --to FILE

  Writes a consistent copy of the SQLite database in DATA_DIR (default ./data) to FILE, while the server runs:
  SQLite's online backup, then an integrity check of the copy, then FILE is put in place (an existing FILE is
  replaced only by a complete, checked backup). Keep a copy of DATA_DIR/credential-signing-key.json beside it once
  (it never changes): certificates already issued are verified with it.
  To restore: stop the server, copy FILE to DATA_DIR/seatkeeper.sqlite, delete seatkeeper.sqlite-wal and
  seatkeeper.sqlite-shm there if present (and put the signing key back if it was lost), start the server.
  With DATABASE_URL (PostgreSQL), use pg_dump instead: pg_dump --format=custom --file=FILE "$DATABASE_URL".
`;

export async function runBackup(args: string[], io: CliIo): Promise<number> {
  const refuse = (message: string) => {
    io.stderr.write(`seatkeeper db backup: ${message}\n`);
    return 2;
  };
  let to: string | undefined;
  try {
    ({
      values: { to },
    } = parseArgs({ args, options: { to: { type: 'string' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    return refuse(`${(error as Error).message}\n\n${BACKUP_USAGE}`);
  }
  if (!to) return refuse(`--to is required: the file to write the backup to\n\n${BACKUP_USAGE}`);
  let dataDir: string;
  try {
    const config = loadConfig(io.env);
    if (config.databaseUrl) {
      return refuse(
        'DATABASE_URL names PostgreSQL: back it up with pg_dump --format=custom --file=FILE "$DATABASE_URL"',
      );
    }
    dataDir = config.dataDir;
  } catch (error) {
    if (error instanceof ConfigError) return refuse(error.message);
    throw error;
  }
  const source = join(dataDir, 'seatkeeper.sqlite');
  if (!existsSync(source)) return refuse(`no SQLite database at ${source}; set DATA_DIR to the server's directory`);
  const target = resolve(to);
  if (!existsSync(dirname(target))) return refuse(`the directory of ${target} does not exist`);
  if (target === resolve(source)) return refuse('--to names the live database itself; choose another file');

  // Written beside the target, so the final rename stays on one filesystem and is atomic.
  const partial = `${target}.partial-${process.pid}`;
  const database = new SQLite(source, { fileMustExist: true, readonly: true });
  try {
    const started = performance.now();
    await database.backup(partial);
    const copy = new SQLite(partial, { readonly: true });
    let check: unknown;
    let tables: number;
    try {
      check = copy.pragma('integrity_check', { simple: true });
      tables = (copy.prepare(`select count(*) as n from sqlite_master where type = 'table'`).get() as { n: number }).n;
    } finally {
      copy.close();
    }
    if (check !== 'ok') throw new Error(`the copy failed its integrity check: ${String(check)}`);
    await rename(partial, target);
    io.stdout.write(
      `Backed up ${source} to ${target} (${tables} tables, integrity checked) in ${((performance.now() - started) / 1000).toFixed(1)} s.\n`,
    );
    return 0;
  } catch (error) {
    await rm(partial, { force: true });
    io.stderr.write(
      `seatkeeper db backup: the backup failed and ${target} is unchanged: ${(error as Error).message}\n`,
    );
    return 1;
  } finally {
    database.close();
  }
}
