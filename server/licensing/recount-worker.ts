// A full recount (rule 24) off the main thread: its own read-only connection, one snapshot of both tables, its own
// heap, so the server keeps answering while a million accounts are counted again.
import { parentPort } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { countLicences, type EnvironmentRules } from '../../shared/licensing/count.ts';
import { rawRecords } from './state.ts';

export interface RecountJob {
  dbPath: string;
  ownName: string;
  names: [string, string][];
  environments: EnvironmentRules[];
}

/** Reads both tables in one snapshot from a connection of its own, and counts. */
function recount(job: RecountJob): {
  full: Omit<ReturnType<typeof countLicences>, 'duplicateGroups'>;
  milliseconds: number;
} {
  const sqlite = new SQLite(job.dbPath, { readonly: true });
  try {
    const started = performance.now();
    sqlite.exec('begin');
    // Totals only: imported rows keep their numeric id as reference (no string built per row).
    const records = rawRecords(sqlite, job.ownName, new Map(job.names), (rowId) => rowId);
    sqlite.exec('commit');
    const { duplicateGroups: _groups, ...full } = countLicences(records, job.environments);
    return { full, milliseconds: performance.now() - started };
  } finally {
    sqlite.close();
  }
}

// Kept alive by the server between recounts (state.ts): one job per message, one reply per job.
parentPort?.on('message', (job: RecountJob) => {
  try {
    parentPort?.postMessage(recount(job));
  } catch (error) {
    parentPort?.postMessage({ error: String(error) });
  }
});
