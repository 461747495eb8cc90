// Standalone benchmark: `npm run bench -- certificates` (or `npx tsx test/bench/certificates.bench.ts`).
// Certificate PDFs per second through the real route (GET /api/v1/certificates/{id}/pdf, drawn on the worker threads),
// distinct certificates with ASCII names and with Japanese names and titles, many downloads at once; and the p99 of
// GET /healthz, paced at 50 requests/s, while PDFs are produced at full speed. The server runs in a child process so
// the load generator does not share its event loop.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../server/app.ts';
import { createSession, sessionCookieName } from '../../server/auth/sessions.ts';
import { closeRenderPool, warmRenderPool } from '../../server/certificates/render-pool.ts';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/database.ts';
import { startNodeServer } from '../../server/http/node-server.ts';
import { createLogger } from '../../server/logger.ts';
import { createOutboxMailer } from '../../server/mail/queue.ts';
import { migrations } from '../../server/migrations.ts';
import { isServerProcess, withForkedServers } from './forked-servers.ts';
import { pacedLoad } from './paced-load.ts';
import { median, report } from './report.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** Downloads in flight at once: enough to keep every drawing thread busy. */
const CONCURRENCY = 8;
const HEALTH_RATE = 50;
const CERTIFICATES = 300;

interface Ready {
  port: number;
  cookie: string;
  ascii: string[];
  japanese: string[];
}

const SURNAMES = ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村', '小林', '加藤'];
const GIVEN = ['達也', '太郎', '花子', '翔太', '美咲', '大輔', '陽菜', '健一', '由美', '蓮'];

async function runServers(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'seatkeeper-bench-certificates-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PUBLIC_URL: 'https://certs.example.com' });
  const database = await openDatabase({ dataDir }, { migrations });
  const { app } = createApp({
    config,
    database,
    mailer: createOutboxMailer(
      database.db,
      () => new Date(),
      () => {},
    ),
    logger: createLogger('silent'),
  });
  const now = new Date().toISOString();
  const db = database.db;
  await db
    .insertInto('accounts')
    .values({
      id: 'benchadmin',
      email: 'admin@example.com',
      name: 'Bench Admin',
      role: 'admin',
      active: 1,
      password_hash: null,
      created_at: now,
      deactivated_at: null,
      email_verified_at: now,
      last_sign_in_at: null,
    })
    .execute();
  await db
    .insertInto('exams')
    .values({
      id: 'benchexam',
      title: 'Certified Licence Accountant',
      description: '',
      time_limit_minutes: 30,
      pass_mark: 70,
      attempts_allowed: null,
      cooldown_minutes: 0,
      validity_months: 12,
      review_policy: 'score_only',
      review_after: null,
      question_count: 10,
      draw_rules: '[]',
      shuffle_questions: 0,
      shuffle_options: 0,
      published: 1,
      series_id: 'benchexam',
      version: 1,
      frozen_at: now,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('exam_attempts')
    .values({
      id: 'benchattempt',
      exam_id: 'benchexam',
      account_id: 'benchadmin',
      status: 'submitted',
      started_at: now,
      deadline_at: now,
      extra_seconds: 0,
      finished_at: now,
      questions: '[]',
      question_total: 10,
      score_points: 9,
      max_points: 10,
      score_percent: 90,
      passed: 1,
    })
    .execute();
  const certificate = (id: string, holder: string, title: string) => ({
    id,
    attempt_id: 'benchattempt',
    account_id: 'benchadmin',
    exam_id: 'benchexam',
    holder_name: holder,
    exam_title: title,
    score_percent: 90,
    issued_at: now,
    expires_at: null,
    revoked_at: null,
    revoked_reason: null,
    replaced_by: null,
    status_index: null,
  });
  const ascii: string[] = [];
  const japanese: string[] = [];
  for (let i = 0; i < CERTIFICATES; i++) {
    // Certificate ids are base32 (a-z, 2-7): the number is spelled in letters.
    const n = String(i)
      .replace(/\d/g, (digit) => 'abcdefghij'[Number(digit)] as string)
      .padStart(22, 'z');
    const a = `benchascii${n}`;
    const j = `benchjapan${n}`;
    ascii.push(a);
    japanese.push(j);
    await db
      .insertInto('certificates')
      .values([
        certificate(a, `Holder Number ${i}`, 'Certified Licence Accountant'),
        certificate(j, `${SURNAMES[i % 10]} ${GIVEN[Math.floor(i / 10) % 10]}`, `OutSystems 基礎認定試験 第${i}回`),
      ])
      .execute();
  }
  const token = await createSession(db, 'benchadmin', new Date());
  warmRenderPool();
  const server = await startNodeServer(app, config, { port: 0, host: '127.0.0.1' });
  const ready: Ready = { port: server.port, cookie: `${sessionCookieName(config)}=${token}`, ascii, japanese };
  process.send?.(ready);
  process.on('disconnect', () => {
    void closeRenderPool()
      .then(() => database.close())
      .then(() => rm(dataDir, { recursive: true, force: true }))
      .finally(() => process.exit(0));
  });
}

/** PDFs per second over `seconds`, `CONCURRENCY` downloads in flight, cycling through the certificates. */
async function pdfRate(ready: Ready, ids: string[], seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let next = 0;
  let done = 0;
  const started = performance.now();
  const loop = async () => {
    while (performance.now() < end) {
      const id = ids[next++ % ids.length] as string;
      const response = await fetch(`http://127.0.0.1:${ready.port}/api/v1/certificates/${id}/pdf`, {
        headers: { cookie: ready.cookie, 'accept-language': id.startsWith('benchjapan') ? 'ja' : 'en' },
      });
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (response.status !== 200 || bytes[0] !== 0x25) throw new Error(`PDF ${id}: ${response.status}`);
      done++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  return done / ((performance.now() - started) / 1000);
}

const health = { request: () => ({ head: 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n', body: '' }) };

async function runBenchmark(): Promise<void> {
  await withForkedServers<Ready>(
    fileURLToPath(import.meta.url),
    'certificates benchmark',
    (ROUNDS * 3 * (SECONDS + 5) + 120) * 1000,
    async (ready) => {
      // Warm up: the threads start, parse their fonts, and every code path is compiled once.
      await pdfRate(ready, ready.ascii, 2);
      await pdfRate(ready, ready.japanese, 2);
      const ascii: number[] = [];
      const japanese: number[] = [];
      const p99: number[] = [];
      const idleP99: number[] = [];
      const underLoad: number[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        // The same probe with no PDFs: what the machine itself gives (other processes on it show here).
        idleP99.push((await pacedLoad(ready.port, [health, health, health, health], HEALTH_RATE, SECONDS)).p99);
        ascii.push(await pdfRate(ready, ready.ascii, SECONDS));
        japanese.push(await pdfRate(ready, ready.japanese, SECONDS));
        const [probe, rate] = await Promise.all([
          pacedLoad(ready.port, [health, health, health, health], HEALTH_RATE, SECONDS),
          pdfRate(ready, [...ready.ascii, ...ready.japanese], SECONDS),
        ]);
        if (probe.non2xx > 0 || probe.errors > 0)
          throw new Error(`/healthz: ${probe.non2xx} non-2xx, ${probe.errors} errors`);
        p99.push(probe.p99);
        underLoad.push(rate);
        console.log(
          `round ${round}: ${ascii.at(-1)?.toFixed(1)} ASCII PDFs/s, ${japanese.at(-1)?.toFixed(1)} Japanese PDFs/s; ` +
            `/healthz p99 ${probe.p99.toFixed(1)} ms (max ${probe.max.toFixed(1)} ms) while ${rate.toFixed(1)} PDFs/s, ` +
            `${idleP99.at(-1)?.toFixed(1)} ms with no PDFs`,
        );
      }
      report(`Certificates: PDFs through the API, ${CONCURRENCY} downloads at once, ${ROUNDS} x ${SECONDS} s`, [
        {
          name: 'PDFs per second, ASCII names',
          value: median(ascii),
          unit: 'PDF/s',
          target: 100,
          atLeast: true,
          runs: ascii,
        },
        {
          name: 'PDFs per second, Japanese names and titles',
          value: median(japanese),
          unit: 'PDF/s',
          target: 50,
          atLeast: true,
          runs: japanese,
        },
        {
          name: `/healthz p99 at ${HEALTH_RATE}/s while PDFs are drawn`,
          value: median(p99),
          unit: 'ms',
          target: 50,
          runs: p99,
        },
        { name: 'PDFs per second meanwhile (mixed)', value: median(underLoad), unit: 'PDF/s', runs: underLoad },
        { name: '/healthz p99 with no PDFs (the machine)', value: median(idleP99), unit: 'ms', runs: idleP99 },
      ]);
    },
  );
}

if (isServerProcess()) await runServers();
else await runBenchmark();
