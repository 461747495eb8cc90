// What operators watch (issue 23, item 12): GET /metrics in Prometheus's text format (read back with an independent
// parser) behind METRICS_TOKEN or on a port of its own, and a request log with a request id, errors included.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { startMetricsServer } from '../../server/http/metrics-route.ts';
import { startNodeServer } from '../../server/http/node-server.ts';
import { createLogger } from '../../server/logger.ts';
import { answerAll, examWorld, startAttempt } from '../support/exams.ts';
import { call, createAccount, makeApp, sessionCookieFor, type TestContext } from '../support/server.ts';

interface Family {
  name: string;
  type: string;
  metrics: { labels?: Record<string, string>; value?: string; buckets?: Record<string, string>; count?: string }[];
}
// The parser ships no types; it is a different implementation of the format than prom-client's.
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

const TOKEN = 'a-metrics-token-of-24-chars-or-more';

async function scrape(ctx: TestContext): Promise<Map<string, Family> & { text: string }> {
  const response = await call(ctx, 'GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
  const text = await response.text();
  return Object.assign(new Map(parsePrometheus(text).map((family) => [family.name, family])), { text });
}

const sample = (family: Family | undefined, labels: Record<string, string>) =>
  family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));

describe('metrics', () => {
  it('are served only with the metrics token', async () => {
    const off = await makeApp();
    expect((await call(off, 'GET', '/metrics')).status).toBe(404);
    const ctx = await makeApp({ env: { METRICS_TOKEN: TOKEN } });
    expect((await call(ctx, 'GET', '/metrics')).status).toBe(401);
    const wrong = await call(ctx, 'GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    const admin = await createAccount(ctx, 'admin');
    // A signed-in admin is not Prometheus: the token is the only key.
    expect((await call(ctx, 'GET', '/metrics', { cookie: await sessionCookieFor(ctx, admin) })).status).toBe(401);
    await scrape(ctx);
  });

  it('count requests by route and status with their latency, autosaves, live figures, mail, imports and the database', async () => {
    const ctx = await makeApp({ env: { METRICS_TOKEN: TOKEN } });
    const server = await startNodeServer(
      ctx.app,
      ctx.config,
      { port: 0, host: '127.0.0.1' },
      { metrics: ctx.deps.metrics },
    );
    try {
      const base = `http://127.0.0.1:${server.port}`;
      for (let i = 0; i < 3; i++) await (await fetch(`${base}/api/v1/me`)).arrayBuffer();
      await (await fetch(`${base}/api/v1/users/someone`)).arrayBuffer();
      await (await fetch(`${base}/no/such/page?token=secret`)).arrayBuffer();
    } finally {
      await server.close();
    }
    const world = await examWorld(ctx);
    await answerAll(ctx, world.cookie, await startAttempt(ctx, world));
    await call(ctx, 'POST', '/api/v1/password-resets', { json: { email: world.candidate.email } });

    const families = await scrape(ctx);
    const requests = families.get('seatkeeper_http_requests_total');
    expect(requests?.type).toBe('COUNTER');
    expect(sample(requests, { method: 'GET', route: '/api/v1/me', status: '401' })?.value).toBe('3');
    expect(sample(requests, { method: 'GET', route: '/api/v1/users/:id', status: '401' })?.value).toBe('1');
    // Paths that match no route share one series, whatever a scanner tries.
    expect(sample(requests, { method: 'GET', route: 'unmatched', status: '404' })?.value).toBe('1');
    const latency = families.get('seatkeeper_http_request_duration_seconds');
    expect(latency?.type).toBe('HISTOGRAM');
    // That parser folds labelled histograms together: their count is read from the text itself.
    expect(families.text).toContain(
      'seatkeeper_http_request_duration_seconds_count{method="GET",route="/api/v1/me"} 3',
    );
    expect(families.get('seatkeeper_autosaved_answers_total')?.metrics[0]?.value).toBe('4');
    const used = families.get('seatkeeper_licences_used');
    expect(Number(sample(used, { kind: 'internal' })?.value) + Number(sample(used, { kind: 'external' })?.value)).toBe(
      2,
    );
    expect(sample(families.get('seatkeeper_mail_queue'), { status: 'held' })?.value).toBe('1');
    expect(sample(families.get('seatkeeper_licence_imports'), { status: 'running' })?.value).toBe('0');
    expect(families.get('seatkeeper_database_up')?.metrics[0]?.value).toBe('1');
  });

  it('can be served on a port of their own, without a token', async () => {
    const ctx = await makeApp();
    const metrics = await startMetricsServer(ctx.deps.metrics, { port: 0, host: '127.0.0.1' });
    try {
      const response = await fetch(`http://127.0.0.1:${metrics.port}/metrics`);
      expect(response.status).toBe(200);
      const names = parsePrometheus(await response.text()).map((family) => family.name);
      expect(names).toEqual(expect.arrayContaining(['seatkeeper_http_requests_total', 'seatkeeper_database_up']));
      expect((await fetch(`http://127.0.0.1:${metrics.port}/`)).status).toBe(404);
    } finally {
      await metrics.close();
    }
  });
});

describe('the request log', () => {
  it('writes one line a request with its id, route, status and time, and the same id on its error', async () => {
    const lines: string[] = [];
    const ctx = await makeApp({ log: (line) => lines.push(line) });
    const logger = createLogger('info', (line) => lines.push(line));
    const server = await startNodeServer(ctx.app, ctx.config, { port: 0, host: '127.0.0.1' }, { logger });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const me = await fetch(`${base}/api/v1/me`);
      const generated = me.headers.get('x-request-id') ?? '';
      expect(generated).toMatch(/^[0-9a-f-]{36}$/);
      const proxied = await fetch(`${base}/api/v1/me`, { headers: { 'x-request-id': 'nginx-4f2a9c' } });
      expect(proxied.headers.get('x-request-id')).toBe('nginx-4f2a9c');
      const forged = await fetch(`${base}/api/v1/me`, { headers: { 'x-request-id': '<script>alert(1)</script>' } });
      expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

      // An unexpected failure: its 500 and the error behind it carry the same id.
      const admin = await createAccount(ctx, 'admin');
      await ctx.licensing.licensing.current();
      ctx.licensing.licensing.live.totals = () => {
        throw new Error('figures exploded');
      };
      const failed = await fetch(`${base}/api/v1/licence/summary`, {
        headers: { cookie: await sessionCookieFor(ctx, admin) },
      });
      expect(failed.status).toBe(500);
      const failedId = failed.headers.get('x-request-id');
      await (await fetch(`${base}/reset-password?token=do-not-log-me`)).arrayBuffer();

      const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const requests = logged.filter((line) => line.message === 'request');
      expect(requests[0]).toMatchObject({
        requestId: generated,
        method: 'GET',
        route: '/api/v1/me',
        path: '/api/v1/me',
        status: 401,
        ms: expect.any(Number),
      });
      expect(requests.map((line) => line.requestId)).toEqual(expect.arrayContaining(['nginx-4f2a9c', failedId]));
      expect(requests.find((line) => line.requestId === failedId)).toMatchObject({ status: 500 });
      const error = logged.find((line) => line.message === 'unhandled error');
      expect(error).toMatchObject({ requestId: failedId });
      expect(String(error?.error)).toContain('figures exploded');
      // Query strings are never logged: they may hold a link's token.
      expect(lines.join('\n')).not.toContain('do-not-log-me');
    } finally {
      await server.close();
    }
  });
});
