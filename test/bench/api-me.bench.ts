// Standalone benchmark: `npx tsx test/bench/api-me.bench.ts`.
// Authenticated GET /api/v1/me against a bare Hono route returning the same JSON, on loopback, 3 rounds each.
// The servers run in a child process so the load generator does not share their event loop.

import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { toAccountView } from '../../server/accounts/accounts.ts';
import { createAccountByAdmin } from '../../server/accounts/administration.ts';
import { createApp } from '../../server/app.ts';
import { createSession } from '../../server/auth/sessions.ts';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/database.ts';
import { startNodeServer } from '../../server/http/node-server.ts';
import { createLogger } from '../../server/logger.ts';
import { createOutboxMailer } from '../../server/mail/queue.ts';
import { migrations } from '../../server/migrations.ts';
import { isServerProcess, withForkedServers } from './forked-servers.ts';
import { median } from './report.ts';

// autocannon ships no types (and @types/autocannon is not installed): describe the little we use.
interface AutocannonResult {
  non2xx: number;
  requests: { average: number };
}
type Autocannon = (
  options: { url: string; connections: number; duration: number; headers: Record<string, string> },
  done: (error: Error | null, result: AutocannonResult) => void,
) => unknown;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

// Overridable for quick local experiments; the defaults are the documented benchmark.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARM_UP_SECONDS = 2;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 100;
const TARGET_RATIO = 0.5;

interface Ready {
  mePort: number;
  barePort: number;
  cookie: string;
}

async function runServers(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'seatkeeper-bench-'));
  // Same configuration as production except the data directory; SESSION_CACHE_MS may be set to compare.
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SESSION_CACHE_MS: process.env.SESSION_CACHE_MS });
  const database = await openDatabase({ dataDir }, { migrations });
  const { app, deps } = createApp({
    config,
    database,
    mailer: createOutboxMailer(
      database.db,
      () => new Date(),
      () => {},
    ),
    logger: createLogger('silent'),
  });
  const account = await createAccountByAdmin(
    deps,
    { account: null, ip: 'bench' },
    { email: 'bench@example.com', name: 'Bench Mark', role: 'support', password: 'benchmark passphrase' },
  );
  const token = await createSession(database.db, account.id, new Date());
  const body = { account: toAccountView(account) };
  const bare = new Hono().get('/api/v1/me', (c) => c.json(body, 200));

  // As npm start serves it: request ids, the request log (silent here) and the request metrics.
  const me = await startNodeServer(app, config, { port: 0, host: '127.0.0.1' }, deps);
  const barePort = await new Promise<number>((resolve) => {
    serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
  });
  const ready: Ready = { mePort: me.port, barePort, cookie: `seatkeeper_session=${token}` };
  process.send?.(ready);
  process.on('disconnect', () => {
    void database.close().then(() => rm(dataDir, { recursive: true, force: true }).finally(() => process.exit(0)));
  });
}

function measure(url: string, cookie?: string, duration = SECONDS): Promise<number> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration, headers: cookie ? { cookie } : {} }, (error, result) => {
      if (error) return reject(error);
      if (result.non2xx > 0) return reject(new Error(`${url}: ${result.non2xx} non-2xx responses`));
      resolve(result.requests.average);
    });
  });
}

const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

async function runBenchmark(): Promise<void> {
  await withForkedServers<Ready>(
    fileURLToPath(import.meta.url),
    'api-me benchmark',
    (ROUNDS * 2 * (SECONDS + 3) + 2 * WARM_UP_SECONDS + 30) * 1000,
    async (ready) => {
      const meUrl = `http://127.0.0.1:${ready.mePort}/api/v1/me`;
      const bareUrl = `http://127.0.0.1:${ready.barePort}/api/v1/me`;
      // Both servers run JIT-compiled code before anything is counted.
      await measure(meUrl, ready.cookie, WARM_UP_SECONDS);
      await measure(bareUrl, undefined, WARM_UP_SECONDS);
      const me: number[] = [];
      const bare: number[] = [];
      const ratios: number[] = [];
      // Rounds alternate the two servers; a round's ratio compares measurements seconds apart, so a machine whose
      // speed drifts (other processes, a busy host) moves both sides of it. The verdict is the median round's ratio.
      for (let round = 1; round <= ROUNDS; round++) {
        me.push(await measure(meUrl, ready.cookie));
        bare.push(await measure(bareUrl));
        ratios.push((me.at(-1) ?? 0) / (bare.at(-1) ?? 1));
        console.log(
          `round ${round}: api-me ${Math.round(me.at(-1) ?? 0)} req/s, bare ${Math.round(bare.at(-1) ?? 0)} req/s, ratio ${percent(ratios.at(-1) ?? 0)}`,
        );
      }
      const ratio = median(ratios);
      const verdict = ratio >= TARGET_RATIO ? 'PASS' : 'MISS';
      console.log(
        `api-me: ${Math.round(median(me))} req/s | bare: ${Math.round(median(bare))} req/s | ratio (median of rounds) ${percent(ratio)} (target >= ${TARGET_RATIO * 100}%) ${verdict}`,
      );
    },
  );
}

if (isServerProcess()) await runServers();
else await runBenchmark();
