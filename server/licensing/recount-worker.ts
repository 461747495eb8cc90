// Work over every account (rule 24 recount, hygiene checks, retention preview) off the main thread: its own
// read-only connection, one snapshot of both tables, its own heap, so the server keeps answering while a million
// accounts are read and counted. Started once and kept by count-worker.ts: one job per message, one reply per job.
import { parentPort } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import type { EnvironmentRules } from '../../shared/licensing/count.ts';
import { type FullCountTask, runFullCountTask } from './full-count.ts';
import { importRef, rawRecords } from './state.ts';

export interface CountJob {
  dbPath: string;
  ownName: string;
  names: [string, string][];
  environments: EnvironmentRules[];
  task: FullCountTask;
}

function run(job: CountJob) {
  const sqlite = new SQLite(job.dbPath, { readonly: true });
  try {
    const started = performance.now();
    sqlite.exec('begin');
    // Totals only need a reference per row, not a readable one: imported rows keep their numeric id (no string
    // built per row). Hygiene names accounts, so it gets the same references as everywhere else.
    const refFor = job.task.kind === 'count' ? (rowId: number) => rowId : importRef;
    const records = rawRecords(sqlite, job.ownName, new Map(job.names), refFor);
    sqlite.exec('commit');
    const answer = runFullCountTask(records, job.environments, job.task);
    return { answer, milliseconds: performance.now() - started };
  } finally {
    sqlite.close();
  }
}

parentPort?.on('message', (job: CountJob) => {
  try {
    parentPort?.postMessage(run(job));
  } catch (error) {
    parentPort?.postMessage({ error: String(error) });
  }
});
