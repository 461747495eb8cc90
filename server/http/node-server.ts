import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Config } from '../config.ts';
import { observeRequest, type RequestObserver } from './observe.ts';
import { headerProfileFor, securityHeaderLists } from './security.ts';

/**
 * Serves the app over Node's http module. Security headers are set here on the ServerResponse (Node merges them
 * with the app's own headers, which win); see securityHeaders() in security.ts for why. With an observer, every
 * request gets an id, a log line and its metrics (http/observe.ts).
 */
export async function startNodeServer(
  // biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its Env type.
  app: Hono<any>,
  config: Config,
  listenOn: { port: number; host: string } = { port: config.port, host: config.host },
  observer?: RequestObserver,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const headers = await securityHeaderLists(config);
  const listener = getRequestListener(app.fetch);
  const server = createServer((req, res) => {
    for (const [name, value] of headers[headerProfileFor(req.url ?? '/')]) res.setHeader(name, value);
    if (observer) observeRequest(req, res, observer);
    return listener(req, res);
  });
  const close = closerOf(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenOn.port, listenOn.host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close,
  };
}

/**
 * How to close `server` (call before it listens): stop accepting; requests in flight are answered, then their
 * keep-alive connections close at once; connections that are idle or never carried a request close now. A browser
 * opens connections before it needs them (a preconnect), and such a connection, which never sent a byte, is not idle
 * to Node (closeIdleConnections leaves it): server.close() waited for the browser to drop it, about a minute and a half
 * when measured with Chromium, and a stopping server waited for its deadline.
 */
export function closerOf(server: Server): () => Promise<void> {
  const connections = new Set<Socket>();
  server.on('connection', (socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  return () =>
    new Promise<void>((resolve) => {
      server.keepAliveTimeout = 1;
      server.close(() => resolve());
      server.closeIdleConnections();
      for (const socket of connections) if (socket.bytesRead === 0) socket.destroy();
    });
}
