// `npm run bench -- import`: imports of 1,000,000 and 5,000,000 users (issue 21) into the real server (its own
// process, `server/main.ts`), on SQLite and on PostgreSQL (a private durable cluster, or BENCH_DATABASE_URL), each
// figure printed beside its target:
// - the time from the upload's first byte to the import done (live figures included);
// - the server's memory: resident before, at its peak while importing, and after once idle; the transient cost
//   (peak minus the larger of before and after) and what the live figures hold per new account: the growth of the
//   server's JavaScript memory (V8's heap in use and array buffers, from its /metrics), with the growth of its RSS,
//   which also counts SQLite's cache and mapped pages of the database file, beside it;
// - while importing, 200 candidates autosaving at 1,000 saves/s offered (paced, latency from when a save was due):
//   p99; and /healthz asked every 200 ms: its slowest answer;
// - the server started again on 5,000,000 imported accounts: time to its first /healthz answer, peak memory.
// BENCH_SIZES (default 1000000,5000000), BENCH_DIALECTS (sqlite,postgres), BENCH_SMALL_RUNS (3) change the run;
// BENCH_SAVES_PER_SECOND (1000) the candidates' load, to see what it costs an import; BENCH_ORDER=shuffled writes the
// lists' rows in no order (default: in the order they are numbered).

import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { seedCandidates } from '../e2e/seed.ts';
import {
  ADMIN,
  api,
  createAdmin,
  type RunningServer,
  type ServerData,
  signIn,
  startServer,
} from '../e2e/server-process.ts';
import { pacedSaves } from './autosave-load.ts';
import { pacedLoad, percentile } from './paced-load.ts';
import { benchPostgres } from './postgres-server.ts';
import { type Figure, median, report } from './report.ts';

const SIZES = (process.env.BENCH_SIZES ?? '1000000,5000000').split(',').map(Number);
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
const SMALL_RUNS = Number(process.env.BENCH_SMALL_RUNS ?? 3);
const CANDIDATES = 200;
const QUESTIONS = 20;
const SAVES_PER_SECOND = Number(process.env.BENCH_SAVES_PER_SECOND ?? 1_000);
const MB = 1024 * 1024;

/**
 * Rows in the order they are numbered, or (BENCH_ORDER=shuffled) in no order, as a directory's export by id or by
 * name lists emails: on SQLite the order decides how many index pages each transaction changes.
 */
const ORDER = process.env.BENCH_ORDER === 'shuffled' ? 'shuffled' : 'numbered';

/** 0 .. n-1, shuffled when ORDER says so (a fixed seed, so runs compare). */
function rowOrder(n: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (ORDER === 'numbered') return order;
  let seed = 20261205;
  for (let i = n - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const j = seed % (i + 1);
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order;
}

/** A user list of `rows` accounts, each run's usernames its own (`tag`): about 40 bytes a row. */
async function writeList(path: string, rows: number, tag: string): Promise<number> {
  const out = createWriteStream(path);
  out.write('username,email,active\n');
  let lines: string[] = [];
  const order = rowOrder(rows);
  for (let k = 0; k < rows; k++) {
    const i = order[k] as number;
    const domain = i % 10 === 0 ? 'acme.com' : `partner${i % 97}.example`;
    lines.push(`${tag}${i},${tag}.${i}@${domain},${i % 33 === 0 ? 'false' : 'true'}`);
    if (lines.length === 10_000) {
      if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
      lines = [];
    }
  }
  out.end(lines.length > 0 ? `${lines.join('\n')}\n` : '');
  await once(out, 'close');
  return statSync(path).size;
}

/** The server process's resident memory, now and its peak (VmHWM), in MB; the peak can be reset. */
const memory = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) / 1024;
  return { rss: field('VmRSS'), peak: field('VmHWM') };
};
const resetPeak = (pid: number) => writeFileSync(`/proc/${pid}/clear_refs`, '5');
const cpuTicks = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]);
};

const METRICS_TOKEN = randomBytes(24).toString('hex');

/**
 * What the server's JavaScript holds, in bytes: V8's heap in use plus array buffers (the live figures' tables), from its
 * /metrics, each reading after a full garbage collection (gc-on-signal.mjs). The least of five readings half a second
 * apart.
 */
async function javaScriptBytes(server: RunningServer): Promise<number> {
  const { url } = server;
  let least = Number.POSITIVE_INFINITY;
  for (let reading = 0; reading < 5; reading++) {
    if (reading > 0) await new Promise((resolve) => setTimeout(resolve, 500));
    server.child.kill('SIGUSR2');
    const text = await (
      await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    const value = (name: string) => {
      const found = new RegExp(`^${name} (\\d+(?:\\.\\d+)?(?:e\\+\\d+)?)$`, 'm').exec(text)?.[1];
      if (found === undefined) throw new Error(`/metrics has no ${name}`);
      return Number(found);
    };
    least = Math.min(least, value('nodejs_heap_size_used_bytes') + value('nodejs_external_memory_bytes'));
  }
  return least;
}

/** Waits until the server has used no CPU for a second (the sweep of replaced rows done, garbage collected). */
async function idle(pid: number): Promise<void> {
  let last = cpuTicks(pid);
  for (let quiet = 0; quiet < 4; ) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = cpuTicks(pid);
    quiet = now - last <= 2 ? quiet + 1 : 0;
    last = now;
  }
}

interface ImportRun {
  seconds: number;
  rows: number;
  before: number;
  /** The server's JavaScript memory before and after, in bytes (javaScriptBytes). */
  heldBefore: number;
  heldAfter: number;
  peak: number;
  after: number;
  autosaveP99: number;
  autosaveAnswered: number;
  autosaveFailed: number;
  healthzMax: number;
  /** Seconds in each phase the import's view showed (sampled every 100 ms), in order, with the p99 of the saves due in it. */
  phases: [string, number, number][];
}

async function importOnce(
  server: RunningServer,
  cookie: string,
  environmentId: string,
  provider: string,
  file: string,
  candidates: { cookie: string; attemptId: string }[],
): Promise<ImportRun> {
  const pid = server.child.pid as number;
  await idle(pid);
  const before = memory(pid).rss;
  const heldBefore = await javaScriptBytes(server);
  resetPeak(pid);
  let done = false;
  let sampledPeak = 0;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, memory(pid).rss);
  }, 50);
  let healthzMax = 0;
  const healthz = (async () => {
    while (!done) {
      const t = performance.now();
      await (await fetch(`${server.url}/healthz`)).arrayBuffer();
      healthzMax = Math.max(healthzMax, performance.now() - t);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  const load = pacedLoad(
    server.port,
    pacedSaves(candidates, QUESTIONS, server.url),
    SAVES_PER_SECOND,
    3_600,
    () => done,
  );
  const started = performance.now();
  const answer = await fetch(
    `${server.url}/api/v1/environments/${environmentId}/users?provider=${encodeURIComponent(provider)}`,
    {
      method: 'PUT',
      headers: {
        cookie,
        origin: server.url,
        'content-type': 'text/csv',
        'content-length': String(statSync(file).size),
      },
      body: Readable.toWeb(createReadStream(file, { highWaterMark: 1 << 20 })) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit,
  );
  if (answer.status !== 202) throw new Error(`import answered ${answer.status}: ${await answer.text()}`);
  const { id } = (await answer.json()) as { id: string };
  let view: { status: string; phase: string; rowsWritten: number; problems: string[] };
  // Each phase as seen: its name and the time it was first and last seen.
  const seen: { phase: string; from: number; to: number }[] = [];
  for (;;) {
    view = (await api(server.url, cookie, 'GET', `/api/v1/imports/${id}`)) as typeof view;
    const now = performance.now();
    const last = seen.at(-1);
    if (last?.phase === view.phase) last.to = now;
    else seen.push({ phase: view.phase, from: last?.to ?? started, to: now });
    if (view.status !== 'running' && !(view.status === 'done' && view.phase === 'counting')) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  done = true;
  const saves = await load;
  const phases = seen.map(({ phase, from, to }): [string, number, number] => {
    const inPhase: number[] = [];
    saves.answers.due.forEach((due, k) => {
      if (due >= from && due < to) inPhase.push(saves.answers.latency[k] as number);
    });
    return [phase, (to - from) / 1000, percentile(Float64Array.from(inPhase).sort(), 99)];
  });
  await healthz;
  clearInterval(sampler);
  if (view.status !== 'done') throw new Error(`import ${view.status}: ${view.problems.join('; ')}`);
  const peak = Math.max(sampledPeak, memory(pid).peak);
  await idle(pid);
  const after = memory(pid).rss;
  return {
    seconds,
    rows: view.rowsWritten,
    before,
    heldBefore,
    heldAfter: await javaScriptBytes(server),
    peak,
    after,
    autosaveP99: saves.p99,
    autosaveAnswered: saves.answered,
    autosaveFailed: saves.non2xx + saves.errors + (saves.sent - saves.answered),
    healthzMax,
    phases,
  };
}

const transient = (run: ImportRun) => run.peak - Math.max(run.before, run.after);

async function benchDialect(dialect: 'sqlite' | 'postgres'): Promise<Figure[]> {
  const dir = await mkdtemp(join(tmpdir(), `seatkeeper-import-bench-${dialect}-`));
  const postgres = dialect === 'postgres' ? await benchPostgres() : null;
  const databaseUrl = postgres ? await postgres.createDatabase() : undefined;
  const data: ServerData = {
    dir,
    settings: { dataDir: dir, ...(databaseUrl ? { databaseUrl } : {}) },
    env: {
      DATA_DIR: dir,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      IMPORT_MAX_BYTES: String(1024 * MB),
      METRICS_TOKEN,
      // Memory is read after a full collection (javaScriptBytes).
      NODE_OPTIONS:
        `${process.env.NODE_OPTIONS ?? ''} --import ${join(import.meta.dirname, 'gc-on-signal.mjs')}`.trim(),
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  const figures: Figure[] = [];
  let server: RunningServer | undefined;
  try {
    createAdmin(data);
    const seeded = await seedCandidates(data.settings, {
      candidates: CANDIDATES,
      questions: QUESTIONS,
      startAttempts: true,
    });
    const candidates = seeded.candidates.map((c) => ({ cookie: c.cookie, attemptId: c.attemptId as string }));
    server = await startServer(data);
    const cookie = await signIn(server.url, ADMIN.email, ADMIN.password);
    const { environment } = (await api(server.url, cookie, 'POST', '/api/v1/environments', {
      name: 'Directory PRD',
      production: true,
      internalDomains: 'acme.com',
    })) as { environment: { id: string } };
    const label = dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    let largest = 0;
    for (const size of SIZES) {
      const runs: ImportRun[] = [];
      const count = size <= 1_000_000 ? SMALL_RUNS : 1;
      for (let run = 0; run < count; run++) {
        // Each run replaces the provider with other usernames, so every account changes.
        const file = join(dir, 'list.csv');
        await writeList(file, size, `r${run}x`);
        runs.push(await importOnce(server, cookie, environment.id, `Size ${size}`, file, candidates));
        const last = runs.at(-1) as ImportRun;
        console.log(
          `${label} ${size.toLocaleString('en-GB')} rows, run ${run + 1}: ${last.seconds.toFixed(1)} s, RSS ${last.before.toFixed(0)} -> peak ${last.peak.toFixed(0)} -> ${last.after.toFixed(0)} MB, autosave p99 ${last.autosaveP99.toFixed(1)} ms (${last.autosaveAnswered} answered, ${last.autosaveFailed} failed), /healthz max ${last.healthzMax.toFixed(0)} ms, load ${loadavg()
            .map((l) => l.toFixed(1))
            .join(
              ' ',
            )}; phases ${last.phases.map(([phase, s, p99]) => `${phase || '-'} ${s.toFixed(1)} s (p99 ${p99.toFixed(0)} ms)`).join(', ')}`,
        );
      }
      const first = runs[0] as ImportRun;
      const name = `${size.toLocaleString('en-GB')} rows`;
      figures.push(
        {
          name: `${label}: import ${name}`,
          value: median(runs.map((r) => r.seconds)),
          unit: 's',
          ...(size === 5_000_000 && dialect === 'sqlite' ? { target: 90 } : {}),
          runs: runs.map((r) => r.seconds),
        },
        {
          name: `${label}: ${name}, RSS before / peak / after`,
          value: first.peak,
          unit: `MB (${first.before.toFixed(0)} / ${first.peak.toFixed(0)} / ${first.after.toFixed(0)})`,
        },
        {
          name: `${label}: ${name}, transient memory`,
          value: median(runs.map(transient)),
          unit: 'MB',
          target: 300,
          runs: runs.map(transient),
        },
        {
          name: `${label}: ${name}, live figures per new account (JavaScript memory)`,
          value: (first.heldAfter - first.heldBefore) / first.rows,
          unit: 'bytes',
          target: 300,
        },
        {
          name: `${label}: ${name}, RSS growth per new account`,
          value: ((first.after - first.before) * MB) / first.rows,
          unit: 'bytes',
        },
        {
          name: `${label}: ${name}, autosave p99 while importing`,
          value: median(runs.map((r) => r.autosaveP99)),
          unit: 'ms',
          target: 100,
          runs: runs.map((r) => r.autosaveP99),
        },
        {
          name: `${label}: ${name}, /healthz slowest while importing`,
          value: Math.max(...runs.map((r) => r.healthzMax)),
          unit: 'ms',
          target: 1000,
        },
      );
      if (size !== SIZES.at(-1)) {
        // Emptied before the next size, so the server holds that size's accounts alone.
        const empty = join(dir, 'empty.csv');
        writeFileSync(empty, 'username\n');
        await importOnce(server, cookie, environment.id, `Size ${size}`, empty, candidates);
      }
      largest = size;
    }
    // Start-up with the largest list imported: time to the first /healthz answer (the figures load before it).
    await server.stop();
    const started = performance.now();
    server = await startServer(data, undefined, { startWithinMs: 600_000 });
    const startSeconds = (performance.now() - started) / 1000;
    const startPeak = memory(server.child.pid as number).peak;
    figures.push(
      {
        name: `${label}: start with ${largest.toLocaleString('en-GB')} imported accounts`,
        value: startSeconds,
        unit: 's',
      },
      { name: `${label}: start, peak RSS`, value: startPeak, unit: 'MB', target: 1536 },
    );
  } finally {
    await server?.stop();
    await data.remove();
    await postgres?.stop();
  }
  return figures;
}

const all: Figure[] = [];
for (const dialect of DIALECTS) {
  try {
    all.push(...(await benchDialect(dialect)));
  } catch (error) {
    console.error(`${dialect}: ${String(error)}`);
  }
}
report(
  `Imports (${SIZES.map((s) => s.toLocaleString('en-GB')).join(' and ')} rows in ${ORDER} order; ${CANDIDATES} candidates autosaving at ${SAVES_PER_SECOND}/s offered; load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')})`,
  all,
);
