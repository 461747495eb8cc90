// Stopping the server (issue 23, item 9): `kill -TERM` (or Ctrl-C) of the `npm start` process stops the server itself,
// not just npm: it stops accepting, answers the request in flight, closes the database and exits 0 within 10 s. A
// connection that never carried a request (a browser opens them ahead of need) does not hold the stop up.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN, createAdmin, freePort, makeDataDir, ROOT } from './server-process.ts';

function npmStart(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    // Its own process group, so that a failed test can end npm, its shell and the server together.
    detached: true,
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  return { child, output: () => output };
}

async function listening(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A sign-in whose body is held back until `release`. `accepted` resolves once the server has read its headers (it
 * answers `Expect: 100-continue`): from then on the request is in flight.
 */
function heldSignIn(url: string, body: string) {
  const req = request(`${url}/api/v1/session`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      origin: url,
      expect: '100-continue',
    },
  });
  const accepted = new Promise<void>((resolve, reject) => {
    req.once('continue', resolve);
    req.once('error', reject);
  });
  const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.once('response', (response) => {
      let text = '';
      response.on('data', (chunk) => {
        text += String(chunk);
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    req.once('error', reject);
  });
  req.flushHeaders();
  return { accepted, answered, release: () => req.end(body) };
}

/** GET /healthz on a connection of its own (no agent, so no kept-alive connection is reused): its status. */
function healthOnNewConnection(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/healthz`, { agent: false }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('stopping the server', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s to npm start: answers the request in flight, closes unused connections, the database, frees the port and exits 0',
    async (signal) => {
      const data = await makeDataDir();
      let started: ChildProcess | undefined;
      try {
        createAdmin(data);
        const port = await freePort();
        const url = `http://127.0.0.1:${port}`;
        const { child, output } = npmStart({ ...data.env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url });
        started = child;
        const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
          child.once('exit', (code, exitSignal) => resolve({ code, signal: exitSignal })),
        );
        await listening(url, child, output);

        const inFlight = heldSignIn(url, JSON.stringify({ email: ADMIN.email, password: ADMIN.password }));
        await inFlight.accepted;
        // A browser's preconnect: a connection that sends nothing. The server must close it rather than wait for it
        // until its stop deadline.
        const preconnect = connect(port, '127.0.0.1');
        const preconnectClosed = new Promise<void>((resolve) => preconnect.once('close', () => resolve()));
        preconnect.on('error', () => {});
        await new Promise<void>((resolve) => preconnect.once('connect', () => resolve()));
        // The server accepts connections in the order they came: once it has answered one opened after the
        // preconnect, the preconnect is accepted too (not left in the listen queue, which closing would reset).
        expect(await healthOnNewConnection(url)).toBe(200);
        const signalled = performance.now();
        child.kill(signal);
        // The request in flight is still answered, after the signal.
        inFlight.release();
        const answer = await inFlight.answered;
        expect(answer.status).toBe(200);

        const { code } = await exited;
        const seconds = (performance.now() - signalled) / 1000;
        expect(code, output()).toBe(0);
        expect(seconds).toBeLessThan(10);
        // Nothing is left answering on the port: the server stopped with npm, not orphaned behind it.
        await expect(fetch(`${url}/healthz`)).rejects.toThrow();
        expect(output()).toContain('"message":"stopped"');
        // The preconnect was closed by the server when it stopped, not at its deadline by force.
        await preconnectClosed;
        expect(output()).not.toContain('requests still running at the stop deadline');
        if (!data.env.DATABASE_URL) {
          // SQLite checkpoints and removes its write-ahead log when the last connection closes cleanly.
          expect(existsSync(join(data.dir, 'seatkeeper.sqlite-wal'))).toBe(false);
        }
      } finally {
        // A failed test must not leave a server behind: npm's process group goes with it.
        if (started?.pid && started.exitCode === null) process.kill(-started.pid, 'SIGKILL');
        await data.remove();
      }
    },
  );
});
