// What the Node layer records of every request: an id (the proxy's X-Request-Id when it sent a sane one, else a new
// UUID) returned in X-Request-Id and written in every log line about the request, and, once it is answered, one
// request log line and the request metrics, by the route it matched.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';

export interface RequestObserver {
  metrics?: Metrics | undefined;
  logger?: Logger | undefined;
}

interface Observed {
  requestId: string;
  /** The declared path the request matched ("/api/v1/attempts/:id/answers"), once the app has routed it. */
  route?: string;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const observed = new WeakMap<IncomingMessage, Observed>();
/** Answers too frequent and too dull to log when they succeed: the balancer's and Prometheus's polls. */
const QUIET = new Set(['/healthz', '/metrics']);

const incomingOf = (c: Context) => (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;

export function observeRequest(req: IncomingMessage, res: ServerResponse, observer: RequestObserver): void {
  const started = performance.now();
  const given = req.headers['x-request-id'];
  const entry: Observed = { requestId: typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID() };
  observed.set(req, entry);
  res.setHeader('x-request-id', entry.requestId);
  res.once('close', () => {
    const seconds = (performance.now() - started) / 1000;
    const method = req.method ?? 'GET';
    // Unmatched paths share one label: a scanner's guesses must not make a metric series each.
    const route = entry.route ?? 'unmatched';
    const status = res.statusCode;
    observer.metrics?.observeRequest(method, route, status, seconds);
    // The path without its query, which may hold a link's token.
    const path = (req.url ?? '/').split('?', 1)[0] as string;
    if (QUIET.has(path) && status < 400) return;
    observer.logger?.info('request', {
      requestId: entry.requestId,
      method,
      route,
      path,
      status,
      ms: Math.round(seconds * 10_000) / 10,
      ...(res.writableFinished ? {} : { aborted: true }),
    });
  });
}

/** Called by the pipeline once the app has routed the request: the route the metrics and the log name. */
export function noteRoute(c: Context): void {
  const incoming = incomingOf(c);
  const entry = incoming && observed.get(incoming);
  if (!entry) return;
  const route = routePath(c, -1);
  // Only the pipeline's catch-all matched: no route has this path.
  if (route !== '/*' && route !== '*') entry.route = route;
}

/** The request's id, for log lines about it (undefined outside the Node server, e.g. app.request in tests). */
export const requestIdOf = (c: Context): string | undefined => {
  const incoming = incomingOf(c);
  return incoming ? observed.get(incoming)?.requestId : undefined;
};
