import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DatabaseSettings } from '../../server/db/database.ts';
import { testDatabase } from '../support/test-database.ts';

// Starts the real server (`server/main.ts`) as a child process on a random loopback port with a temp DATA_DIR and
// the database of the vitest project (SQLite in that DATA_DIR, or a fresh PostgreSQL database).

export const ROOT = resolve(import.meta.dirname, '../..');
export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple admin', name: 'Ada Admin' };

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}

export interface ServerData {
  dir: string;
  settings: DatabaseSettings;
  /** DATA_DIR, and DATABASE_URL on PostgreSQL. */
  env: Record<string, string>;
  remove(): Promise<void>;
}

export async function makeDataDir(): Promise<ServerData> {
  const dir = await mkdtemp(join(tmpdir(), 'seatkeeper-e2e-'));
  const database = await testDatabase(dir);
  return {
    dir,
    settings: database.settings,
    env: database.env,
    remove: async () => {
      await database.remove();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function createAdmin(data: ServerData): void {
  const result = spawnSync(
    process.execPath,
    [
      join(ROOT, 'bin/seatkeeper.mjs'),
      'admin',
      'create',
      '--email',
      ADMIN.email,
      '--password-stdin',
      '--name',
      ADMIN.name,
    ],
    { input: `${ADMIN.password}\n`, env: { ...process.env, ...data.env, LOG_LEVEL: 'silent' }, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`admin create failed: ${result.stderr}`);
}

export interface RunningServer {
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
  /** SIGKILL: no shutdown handlers run. */
  kill(): Promise<void>;
}

export async function startServer(
  data: ServerData,
  port?: number,
  options: { startWithinMs?: number } = {},
): Promise<RunningServer> {
  const chosen = port ?? (await freePort());
  const url = `http://127.0.0.1:${chosen}`;
  // Node itself with the tsx loader (not the tsx CLI, which runs the server in a grandchild a SIGKILL would miss).
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(chosen),
      HOST: '127.0.0.1',
      ...data.env,
      PUBLIC_URL: url,
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const deadline = Date.now() + (options.startWithinMs ?? 20_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early: ${stderr}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port: chosen,
    child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Signs in over HTTP as a same-origin client; returns the cookie pair. */
export async function signIn(url: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`sign-in failed ${response.status}: ${await response.text()}`);
  return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

export async function api(url: string, cookie: string, method: string, path: string, json?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { cookie, origin: url, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  if (!response.ok) throw new Error(`${method} ${path} failed ${response.status}: ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

/** After a PUT of users (answered 202): asks for the import until its work has ended; fails when it did not import. */
export async function importFinished(url: string, cookie: string, answer: unknown): Promise<void> {
  const { id } = answer as { id: string };
  for (;;) {
    const view = (await api(url, cookie, 'GET', `/api/v1/imports/${id}`)) as {
      status: string;
      phase: string;
      problems: string[];
    };
    if (view.status === 'failed' || view.status === 'cancelled') {
      throw new Error(`import ${id} ${view.status}: ${view.problems.join('; ')}`);
    }
    if (view.status === 'done' && view.phase === '') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
