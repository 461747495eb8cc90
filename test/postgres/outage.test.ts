// PostgreSQL stopped and started again under two instances (issue 23, item 10): while it is away, requests that need
// it answer 503 database_unavailable with Retry-After, the outage is logged once (start, then end), /healthz fails;
// once it is back, the other instance's live figures follow a change within a second (README), and nothing
// acknowledged is lost. A private cluster of its own, so stopping it disturbs no other test.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  anotherInstance,
  call,
  createAccount,
  makeApp,
  sessionCookieFor,
  type TestContext,
} from '../support/server.ts';

const SCRIPT = resolve(import.meta.dirname, '../../scripts/pg-cluster.sh');

function cluster(command: string, ...args: string[]): string {
  const result = spawnSync(SCRIPT, [command, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`pg-cluster.sh ${command} failed: ${result.stderr}`);
  return result.stdout;
}

const clusters: string[] = [];
afterEach(() => {
  for (const dir of clusters.splice(0)) cluster('stop', dir);
});

function privateCluster(): { url: string; dir: string } {
  const started = cluster('start');
  const value = (name: string) => new RegExp(`^export ${name}=(.*)$`, 'm').exec(started)?.[1] ?? '';
  const dir = value('SEATKEEPER_PG_DIR');
  clusters.push(dir);
  return { url: value('TEST_DATABASE_URL'), dir };
}

const messages = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

/** Licences in use, as the instance's live figures say. */
async function used(ctx: TestContext, cookie: string): Promise<number> {
  const response = await call(ctx, 'GET', '/api/v1/licence/summary', { cookie });
  const summary = (await response.json()) as { internal: { used: number }; external: { used: number } };
  return summary.internal.used + summary.external.used;
}

describe('PostgreSQL going away and coming back', () => {
  it('answers 503 with Retry-After, logs the outage once, and the other instance is current within a second', async () => {
    const { url, dir } = privateCluster();
    const linesA: string[] = [];
    const linesB: string[] = [];
    const a = await makeApp({ dialect: 'postgres', env: { DATABASE_URL: url }, log: (line) => linesA.push(line) });
    const b = await anotherInstance(a, { log: (line) => linesB.push(line) });
    const admin = await createAccount(a, 'admin');
    const cookie = await sessionCookieFor(a, admin);
    await createAccount(a, 'candidate', 'before@example.org');
    const before = await used(b, cookie);

    cluster('pause', dir);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2
          ? call(a, 'GET', '/api/v1/me', { cookie })
          : call(a, 'POST', '/api/v1/users', {
              cookie,
              json: { email: `during${i}@example.org`, name: 'During', role: 'candidate' },
            }),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');
    }
    const page = await call(a, 'GET', '/portal/users', { cookie });
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('The database cannot be reached right now, so nothing was changed.');
    const health = await call(a, 'GET', '/healthz');
    expect(health.status).toBe(503);
    expect(((await health.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');
    // One line for the whole outage, not one per request.
    const outage = messages(linesA).filter((line) => line.message === 'database unavailable');
    expect(outage).toHaveLength(1);
    expect(messages(linesA).filter((line) => line.message === 'unhandled error')).toEqual([]);

    cluster('resume', dir);
    // A change committed as soon as the database is back...
    let created: Response;
    do
      created = await call(a, 'POST', '/api/v1/users', {
        cookie,
        json: { email: 'after@example.org', name: 'After', role: 'candidate' },
      });
    while (created.status === 503);
    expect(created.status).toBe(201);
    const committed = performance.now();
    // ...is in the other instance's live figures within a second.
    while ((await used(b, cookie)) !== before + 1) {
      expect(performance.now() - committed).toBeLessThan(1000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(performance.now() - committed).toBeLessThan(1000);

    // The end of the outage is logged too, with its start; the change feeds said they were back, once each.
    const ended = await new Promise<Record<string, unknown>>((resolve) => {
      const poll = () => {
        const found = messages(linesA).find((line) => line.message === 'database available again');
        if (found) resolve(found);
        else setTimeout(poll, 50);
      };
      poll();
    });
    expect(ended).toMatchObject({ kind: 'database_unavailable', since: outage[0]?.since });
    expect(ended.failedRequests).toBeGreaterThanOrEqual(42);
    for (const lines of [linesA, linesB]) {
      expect(
        messages(lines).filter((line) => line.message === 'change feed connection lost; reconnecting'),
      ).toHaveLength(1);
      expect(messages(lines).filter((line) => line.message === 'change feed reconnected')).toHaveLength(1);
    }
    expect((await call(a, 'GET', '/healthz')).status).toBe(200);
    // Nothing refused was half-written; what was acknowledged is there.
    const emails = (await a.deps.db.selectFrom('accounts').select('email').execute()).map((row) => row.email);
    expect(emails).toEqual(expect.arrayContaining(['before@example.org', 'after@example.org']));
    expect(emails.filter((email) => email.startsWith('during'))).toEqual([]);
  }, 60_000);
});
