// `npm run bench -- autosave-postgres`: autosave throughput of two server instances sharing one PostgreSQL database
// beside one instance on SQLite, in the same run, rounds alternating, printed side by side. 500 candidates with their
// own session and attempt save one answer per request, each candidate on one connection (on PostgreSQL half of them
// reach each instance, as a load balancer would spread them). Both databases are durable: SQLite synchronous=FULL,
// PostgreSQL fsync and synchronous_commit on. Every server runs in a process of its own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/database.ts';
import { startNodeServer } from '../../server/http/node-server.ts';
import { createLogger } from '../../server/logger.ts';
import { createOutboxMailer } from '../../server/mail/queue.ts';
import { migrations } from '../../server/migrations.ts';
import { seedCandidates } from '../e2e/seed.ts';
import { type Candidate, type ClosedLoopRun, closedLoopSaves } from './autosave-load.ts';
import { isServerProcess, withForkedServerProcesses } from './forked-servers.ts';
import { benchPostgres } from './postgres-server.ts';
import { median, report } from './report.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CANDIDATES = 500;
const QUESTIONS = 20;
const PUBLIC_URL = 'http://127.0.0.1';

/** The server process: one instance on the database its environment names. */
async function runInstance(): Promise<void> {
  const config = loadConfig({
    DATA_DIR: process.env.BENCH_DATA_DIR,
    DATABASE_URL: process.env.BENCH_INSTANCE_DATABASE_URL,
    LOG_LEVEL: 'silent',
    PUBLIC_URL,
  });
  const logger = createLogger('silent');
  const database = await openDatabase(config, { migrations, logger });
  const { app, licensing } = createApp({
    config,
    database,
    bulkReads: true,
    mailer: createOutboxMailer(
      database.db,
      () => new Date(),
      () => {},
    ),
    logger,
  });
  await licensing.licensing.ready();
  const served = await startNodeServer(app, config, { port: 0, host: '127.0.0.1' });
  process.send?.({ port: served.port });
  process.on('disconnect', () => {
    void served.close().then(() => database.close().finally(() => process.exit(0)));
  });
}

type Run = ClosedLoopRun;

const measureOne = (port: number, candidates: Candidate[], seconds: number) =>
  closedLoopSaves(port, candidates, { seconds, questions: QUESTIONS, origin: PUBLIC_URL });

/** Load spread over instances (each candidate always on the same one); rates add up, the worst p99 counts. */
async function measure(ports: number[], candidates: Candidate[], seconds = SECONDS): Promise<Run> {
  const runs = await Promise.all(
    ports.map((port, i) =>
      measureOne(
        port,
        candidates.filter((_, k) => k % ports.length === i),
        seconds,
      ),
    ),
  );
  return {
    rate: runs.reduce((sum, r) => sum + r.rate, 0),
    p99: Math.max(...runs.map((r) => r.p99)),
    non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
  };
}

async function runBenchmark(): Promise<void> {
  const postgres = await benchPostgres();
  const dirs = await Promise.all([0, 1, 2].map(() => mkdtemp(join(tmpdir(), 'seatkeeper-bench-instances-'))));
  const [sqliteDir, dirA, dirB] = dirs as [string, string, string];
  try {
    const databaseUrl = await postgres.createDatabase();
    const seed = { candidates: CANDIDATES, questions: QUESTIONS, startAttempts: true };
    const onSqlite = await seedCandidates({ dataDir: sqliteDir }, seed);
    const onPostgres = await seedCandidates({ dataDir: dirA, databaseUrl }, seed);
    const asCandidates = (seeded: typeof onSqlite) =>
      seeded.candidates.map((c) => ({ cookie: c.cookie, attemptId: c.attemptId as string }));
    await withForkedServerProcesses<{ port: number }>(
      fileURLToPath(import.meta.url),
      'autosave on PostgreSQL benchmark',
      (ROUNDS * 2 * (SECONDS + 5) + 120) * 1000,
      [
        { BENCH_DATA_DIR: sqliteDir },
        { BENCH_DATA_DIR: dirA, BENCH_INSTANCE_DATABASE_URL: databaseUrl },
        { BENCH_DATA_DIR: dirB, BENCH_INSTANCE_DATABASE_URL: databaseUrl },
      ],
      async ([sqlite, a, b]) => {
        const sqlitePorts = [(sqlite as { port: number }).port];
        const postgresPorts = [(a as { port: number }).port, (b as { port: number }).port];
        // Warm-up (JIT, page caches), not counted.
        await measure(sqlitePorts, asCandidates(onSqlite), 2);
        await measure(postgresPorts, asCandidates(onPostgres), 2);
        const sqliteRuns: Run[] = [];
        const postgresRuns: Run[] = [];
        for (let round = 1; round <= ROUNDS; round++) {
          sqliteRuns.push(await measure(sqlitePorts, asCandidates(onSqlite)));
          postgresRuns.push(await measure(postgresPorts, asCandidates(onPostgres)));
          const s = sqliteRuns.at(-1) as Run;
          const p = postgresRuns.at(-1) as Run;
          console.log(
            `round ${round}: SQLite, 1 instance ${Math.round(s.rate)} saves/s (p99 ${s.p99} ms) | ` +
              `PostgreSQL, 2 instances ${Math.round(p.rate)} saves/s (p99 ${p.p99} ms)`,
          );
        }
        const sqliteRate = median(sqliteRuns.map((r) => r.rate));
        const postgresRate = median(postgresRuns.map((r) => r.rate));
        report(`Autosave, ${CANDIDATES} concurrent candidates, ${ROUNDS} x ${SECONDS} s, durable writes`, [
          {
            name: 'SQLite, 1 instance: saves/s',
            value: sqliteRate,
            unit: 'saves/s',
            runs: sqliteRuns.map((r) => r.rate),
          },
          {
            name: 'PostgreSQL, 2 instances: saves/s',
            value: postgresRate,
            unit: 'saves/s',
            runs: postgresRuns.map((r) => r.rate),
          },
          { name: 'PostgreSQL (2) / SQLite (1)', value: (postgresRate / sqliteRate) * 100, unit: '%' },
          { name: 'SQLite p99 latency (closed loop)', value: median(sqliteRuns.map((r) => r.p99)), unit: 'ms' },
          { name: 'PostgreSQL p99 latency (closed loop)', value: median(postgresRuns.map((r) => r.p99)), unit: 'ms' },
          {
            name: 'non-2xx responses (all rounds, both)',
            value: [...sqliteRuns, ...postgresRuns].reduce((sum, r) => sum + r.non2xx, 0),
            unit: '',
            target: 0,
          },
        ]);
      },
    );
  } finally {
    await postgres.stop();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

if (isServerProcess()) await runInstance();
else await runBenchmark();
