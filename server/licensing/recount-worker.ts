// Work over every account (rule 24 recount, hygiene checks, retention preview) off the main thread: its own
// read-only connection, one snapshot of both tables, its own heap, so the server keeps answering while a million
// accounts are read and counted. Started once and kept by count-worker.ts: one job per message, one reply per job.
import { parentPort } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { AccountRecord, EnvironmentRules } from '../../shared/licensing/count.ts';
import { type FullCountTask, runFullCountTask } from './full-count.ts';
import { postgresRecords } from './postgres-records.ts';
import { importRef, rawRecords } from './records.ts';

export interface CountJob {
  /** The SQLite file, or a PostgreSQL URL. */
  source: { sqlitePath: string } | { postgresUrl: string };
  ownName: string;
  names: [string, string][];
  environments: EnvironmentRules[];
  task: FullCountTask;
}

async function readRecords(job: CountJob, refFor: (rowId: number) => string | number): Promise<AccountRecord[]> {
  const names = new Map(job.names);
  if ('postgresUrl' in job.source) {
    const client = new pg.Client({ connectionString: job.source.postgresUrl, application_name: 'seatkeeper-count' });
    await client.connect();
    try {
      return await postgresRecords(client, job.ownName, names, refFor);
    } finally {
      await client.end();
    }
  }
  const sqlite = new SQLite(job.source.sqlitePath, { readonly: true });
  try {
    sqlite.exec('begin');
    const records = rawRecords(sqlite, job.ownName, names, refFor);
    sqlite.exec('commit');
    return records;
  } finally {
    sqlite.close();
  }
}

async function run(job: CountJob) {
  const started = performance.now();
  // Totals only need a reference per row, not a readable one: imported rows keep their numeric id (no string
  // built per row). Hygiene names accounts, so it gets the same references as everywhere else.
  const refFor = job.task.kind === 'count' ? (rowId: number) => rowId : importRef;
  const records = await readRecords(job, refFor);
  const answer = runFullCountTask(records, job.environments, job.task);
  return { answer, milliseconds: performance.now() - started };
}

// count-worker.ts sends one job at a time and waits for its reply.
parentPort?.on('message', (job: CountJob) => {
  run(job).then(
    (reply) => parentPort?.postMessage(reply),
    (error: unknown) => parentPort?.postMessage({ error: String(error) }),
  );
});
