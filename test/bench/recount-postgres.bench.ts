// `npm run bench -- recount-postgres`: the full licence recount of 1,000,000 accounts (100,000 own, 900,000 imported,
// the portal benchmark's data) on PostgreSQL, as the server runs it: a worker thread reading through its own
// connection (cursors, raw arrays, one snapshot) and counting. Also the start-up load of the live figures and the
// summary's latency while a recount runs. `BENCH_ACCOUNTS` and `BENCH_RUNS` change the size and the repetitions.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { createApp } from '../../server/app.ts';
import { createSession } from '../../server/auth/sessions.ts';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/database.ts';
import { createLogger } from '../../server/logger.ts';
import { migrations } from '../../server/migrations.ts';
import {
  ACCOUNT_COLUMNS,
  accountRows,
  DIRECTORY_COLUMNS,
  directoryRows,
  OWN_DOMAINS,
  PROVIDER_COLUMNS,
  providerRows,
  SEEDED_ADMIN_ID,
  SEEDED_ENVIRONMENTS,
} from '../support/installation-rows.ts';
import { benchPostgres } from './postgres-server.ts';
import { type Figure, median, report } from './report.ts';

const TOTAL = Number(process.env.BENCH_ACCOUNTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const URL_BASE = 'http://seatkeeper.bench';
/** Columns holding 0/1 flags and other integers; everything else is text. */
const INTEGER_COLUMNS = new Set(['active', 'it_user', 'staff', 'production', 'own']);

/** Rows in batches of 50,000 as one `insert ... select from unnest(arrays)` each: no per-row statement. */
async function insertAll(client: pg.ClientBase, table: string, columns: readonly string[], rows: Iterable<unknown[]>) {
  const types = columns.map((c) => (INTEGER_COLUMNS.has(c) ? 'int[]' : 'text[]'));
  const text = `insert into ${table} (${columns.join(', ')})
    select * from unnest(${types.map((type, i) => `$${i + 1}::${type}`).join(', ')})`;
  let batch: unknown[][] = columns.map(() => []);
  let size = 0;
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) (batch[i] as unknown[]).push(row[i]);
    if (++size < 50_000) continue;
    await client.query(text, batch);
    batch = columns.map(() => []);
    size = 0;
  }
  if (size > 0) await client.query(text, batch);
}

const postgres = await benchPostgres();
const dataDir = await mkdtemp(join(tmpdir(), 'seatkeeper-bench-recount-'));
try {
  const databaseUrl = await postgres.createDatabase();
  const database = await openDatabase({ dataDir, databaseUrl }, { migrations });
  const pool = database.postgres?.pool as pg.Pool;

  let started = performance.now();
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`update licence_environments set internal_domains = $1 where id = 'own'`, [OWN_DOMAINS]);
    const environmentColumns = Object.keys(SEEDED_ENVIRONMENTS[0] ?? {});
    await insertAll(
      client,
      'licence_environments',
      environmentColumns,
      SEEDED_ENVIRONMENTS.map((e) => Object.values(e)),
    );
    await insertAll(client, 'accounts', ACCOUNT_COLUMNS, accountRows(TOTAL));
    await insertAll(client, 'licence_providers', PROVIDER_COLUMNS, providerRows());
    await insertAll(client, 'licence_accounts', DIRECTORY_COLUMNS, directoryRows(TOTAL));
    await client.query('commit');
    await client.query('analyze');
  } finally {
    client.release();
  }
  const seedMs = performance.now() - started;

  const config = loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    PUBLIC_URL: URL_BASE,
    LOG_LEVEL: 'silent',
  });
  const { app, deps, licensing } = createApp({
    config,
    database,
    bulkReads: true,
    mailer: { send: async () => {}, nudge: () => {} },
    logger: createLogger('silent'),
  });
  started = performance.now();
  await licensing.licensing.ready();
  const loadMs = performance.now() - started;
  const cookie = `seatkeeper_session=${await createSession(deps.db, SEEDED_ADMIN_ID, new Date())}`;

  const envs = await licensing.licensing.readEnvironments();
  const reads: number[] = [];
  for (let run = 0; run < Math.min(RUNS, 3); run++) {
    const t = performance.now();
    await licensing.licensing.recordsFromDb(envs);
    reads.push(performance.now() - t);
  }

  const recounts: number[] = [];
  const inWorker: number[] = [];
  let agrees = true;
  for (let run = 0; run < RUNS; run++) {
    const t = performance.now();
    const outcome = await licensing.licensing.recount();
    recounts.push(performance.now() - t);
    inWorker.push(outcome.milliseconds);
    agrees &&= outcome.agrees && outcome.via === 'worker';
    console.log(
      `recount ${run + 1}: ${Math.round(recounts.at(-1) as number)} ms (worker ${Math.round(outcome.milliseconds)} ms), ` +
        `internal ${outcome.full.internal}, external ${outcome.full.external}, agrees ${outcome.agrees}`,
    );
  }

  // The server keeps answering while a recount runs.
  const during = licensing.licensing.recount();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const whileCounting: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    const response = await app.request(`${URL_BASE}/api/v1/licence/summary`, { headers: { cookie } });
    await response.text();
    whileCounting.push(performance.now() - t);
  }
  await during;

  const figures: Figure[] = [
    { name: `seed ${TOTAL.toLocaleString('en-GB')} accounts (unnest batches)`, value: seedMs, unit: 'ms' },
    { name: 'load live figures at start', value: loadMs, unit: 'ms' },
    { name: 'bulk read of every account (pool, cursors)', value: median(reads), unit: 'ms', runs: reads },
    {
      name: `full recount, request to answer (agrees: ${agrees})`,
      value: median(recounts),
      unit: 'ms',
      target: 3000,
      runs: recounts,
    },
    { name: 'full recount inside the worker', value: median(inWorker), unit: 'ms', runs: inWorker },
    { name: 'summary while a recount runs', value: median(whileCounting), unit: 'ms', target: 20 },
  ];
  report(`Full licence recount on PostgreSQL, ${TOTAL.toLocaleString('en-GB')} accounts, ${RUNS} runs`, figures);
  await database.close();
} finally {
  await postgres.stop();
  await rm(dataDir, { recursive: true, force: true });
}
