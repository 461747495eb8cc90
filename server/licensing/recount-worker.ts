// A full recount (rule 24) off the main thread: its own read-only connection, one snapshot of both tables, its own
// heap, so the server keeps answering while a million accounts are counted again.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { countLicences, type EnvironmentRules } from '../../shared/licensing/count.ts';
import { rawRecords } from './state.ts';

export interface RecountJob {
  dbPath: string;
  ownName: string;
  names: [string, string][];
  environments: EnvironmentRules[];
}

const job = workerData as RecountJob;
const sqlite = new SQLite(job.dbPath, { readonly: true });
try {
  const started = performance.now();
  sqlite.exec('begin');
  const records = rawRecords(sqlite, job.ownName, new Map(job.names));
  sqlite.exec('commit');
  const { duplicateGroups: _groups, ...full } = countLicences(records, job.environments);
  parentPort?.postMessage({ full, milliseconds: performance.now() - started });
} finally {
  sqlite.close();
}
