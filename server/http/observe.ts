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
  started: number;
  observer: RequestObserver;
  /** The declared path the request matched ("/api/v1/attempts/:id/answers"), once the app has routed it. */
  route?: string;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Answers too frequent and too dull to log when they succeed: the balancer's and Prometheus's polls. */
const QUIET = new Set(['/healthz', '/metrics']);

/**
 * What is observed of a request is kept on the request and its answer themselves, under a symbol, and one shared
 * function handles every answer's 'close': a WeakMap entry and a closure per request cost more than the rest of the
 * observation on a cheap authenticated GET (`npm run bench -- api-me`, docs/server.md).
 */
const OBSERVED = Symbol('seatkeeper.observed');
type ObservedMessage = IncomingMessage & { [OBSERVED]?: Observed };
type ObservedResponse = ServerResponse & { [OBSERVED]?: Observed };

const incomingOf = (c: Context) => (c.env as { incoming?: ObservedMessage } | undefined)?.incoming;

export function observeRequest(req: IncomingMessage, res: ServerResponse, observer: RequestObserver): void {
  const given = req.headers['x-request-id'];
  const entry: Observed = {
    requestId: typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID(),
    started: performance.now(),
    observer,
  };
  (req as ObservedMessage)[OBSERVED] = entry;
  (res as ObservedResponse)[OBSERVED] = entry;
  res.setHeader('x-request-id', entry.requestId);
  res.on('close', answered);
}

function answered(this: ObservedResponse): void {
  const entry = this[OBSERVED];
  if (!entry) return;
  const seconds = (performance.now() - entry.started) / 1000;
  const req = this.req;
  const method = req.method ?? 'GET';
  // Unmatched paths share one label: a scanner's guesses must not make a metric series each.
  const route = entry.route ?? 'unmatched';
  const status = this.statusCode;
  entry.observer.metrics?.observeRequest(method, route, status, seconds);
  const logger = entry.observer.logger;
  if (!logger) return;
  // The path without its query, which may hold a link's token.
  const path = (req.url ?? '/').split('?', 1)[0] as string;
  if (QUIET.has(path) && status < 400) return;
  logger.info('request', {
    requestId: entry.requestId,
    method,
    route,
    path,
    status,
    ms: Math.round(seconds * 10_000) / 10,
    ...(this.writableFinished ? {} : { aborted: true }),
  });
}

/** Called by the pipeline once the app has routed the request: the route the metrics and the log name. */
export function noteRoute(c: Context): void {
  const incoming = incomingOf(c);
  const entry = incoming?.[OBSERVED];
  if (!entry) return;
  const route = routePath(c, -1);
  // Only the pipeline's catch-all matched: no route has this path.
  if (route !== '/*' && route !== '*') entry.route = route;
}

/** The request's id, for log lines about it (undefined outside the Node server, e.g. app.request in tests). */
export const requestIdOf = (c: Context): string | undefined => {
  const incoming = incomingOf(c);
  return incoming?.[OBSERVED]?.requestId;
};
