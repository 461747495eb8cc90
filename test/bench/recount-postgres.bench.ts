// `npm run bench -- recount-postgres`: the full licence recount of 1,000,000 accounts (100,000 own, 900,000 imported,
// the portal benchmark's data) on PostgreSQL, as the server runs it: a worker thread reading through its own
// connection (COPY, raw arrays, one snapshot) and counting. Also the start-up load of the live figures and the
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
import { SEEDED_ADMIN_ID } from '../support/installation-rows.ts';
import { benchPostgres } from './postgres-server.ts';
import { type Figure, median, report } from './report.ts';
import { seedPostgres } from './seed-installation.ts';

const TOTAL = Number(process.env.BENCH_ACCOUNTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const URL_BASE = 'http://seatkeeper.bench';

const postgres = await benchPostgres();
const dataDir = await mkdtemp(join(tmpdir(), 'seatkeeper-bench-recount-'));
try {
  const databaseUrl = await postgres.createDatabase();
  const database = await openDatabase({ dataDir, databaseUrl }, { migrations });
  const pool = database.postgres?.pool as pg.Pool;

  let started = performance.now();
  await seedPostgres(pool, TOTAL);
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
    { name: 'bulk read of every account (pool, COPY)', value: median(reads), unit: 'ms', runs: reads },
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
