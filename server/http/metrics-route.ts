// Where Prometheus reads the metrics: GET /metrics on the main port when METRICS_TOKEN is set (a bearer token, compared
// in constant time), and on METRICS_PORT when that is set (a listener of its own, without a token: bind it to an
// address only Prometheus reaches). Not in the OpenAPI document: it is for operators' tools, not API clients.
import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';
import type { Deps } from '../deps.ts';
import type { Metrics } from '../metrics.ts';
import type { AppEnv } from './env.ts';
import { closerOf } from './node-server.ts';
import { bearerTokenOf } from './security.ts';

function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function addMetricsRoute(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/metrics', async (c) => {
    const { token } = deps.config.metrics;
    if (!token) return c.json({ error: { code: 'not_found', message: 'No route for GET /metrics.' } }, 404);
    if (!sameToken(bearerTokenOf(c.req.header('authorization')), token)) {
      c.header('WWW-Authenticate', 'Bearer realm="metrics"');
      return c.json(
        {
          error: { code: 'unauthenticated', message: 'Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.' },
        },
        401,
      );
    }
    return c.body(await deps.metrics.text(), 200, { 'content-type': deps.metrics.contentType });
  });
}

/** The metrics on a port of their own; resolves with the port and a way to close it. */
export async function startMetricsServer(
  metrics: Metrics,
  listenOn: { port: number; host: string },
): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?', 1)[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Metrics are at /metrics.\n');
      return;
    }
    metrics.text().then(
      (text) => res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }).end(text),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
    );
  });
  const close = closerOf(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenOn.port, listenOn.host, () => resolve());
  });
  return { port: (server.address() as AddressInfo).port, close };
}
