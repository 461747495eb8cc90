import { readFileSync } from 'node:fs';
import type { Database as SQLiteDatabase } from 'better-sqlite3';
import { type ErrorHandler, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { sql } from 'kysely';
import type { AccountChanges } from './accounts/changes.ts';
import { createApi } from './api/index.ts';
import { type SessionLookup, sessionCookieName } from './auth/sessions.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { ChangeFeed } from './db/change-feed.ts';
import type { Db, OpenedDatabase } from './db/database.ts';
import type { PostgresHandle } from './db/postgres.ts';
import { buildDeps, type Deps } from './deps.ts';
import { ChainRouter } from './http/chain-router.ts';
import type { AppEnv } from './http/env.ts';
import { errorBody } from './http/errors.ts';
import { requestPipeline } from './http/pipeline.ts';
import type { Logger } from './logger.ts';
import type { Mailer } from './mail/mailer.ts';
import { renderErrorPage } from './web/error-page.tsx';
import { createWeb } from './web/index.tsx';

export interface AppOptions {
  config: Config;
  db: Db;
  mailer: Mailer;
  clock?: Clock;
  logger?: Logger;
  accountChanges?: AccountChanges;
  /** OpenedDatabase#sessionLookup: the prepared-statement fast path for the per-request session read. */
  sessionLookup?: SessionLookup;
  /** OpenedDatabase#sqlite: lets the licence recount read a million rows as raw arrays (server/licensing/). */
  sqlite?: SQLiteDatabase | undefined;
  /** OpenedDatabase#postgres: lets the licence recount read a million rows as raw arrays. */
  postgres?: PostgresHandle | undefined;
  /** OpenedDatabase#changes: what other instances commit, so this one's live licence figures follow. */
  changes?: ChangeFeed;
}

/** Everything createApp takes from an opened database, as the server passes it (its fast paths and change feed). */
export function databaseOptions(
  database: OpenedDatabase,
): Pick<AppOptions, 'db' | 'sessionLookup' | 'sqlite' | 'postgres' | 'changes'> {
  return {
    db: database.db,
    sessionLookup: database.sessionLookup,
    sqlite: database.sqlite,
    postgres: database.postgres,
    changes: database.changes,
  };
}

const STYLESHEET = readFileSync(new URL('./web/assets/app.css', import.meta.url), 'utf8');

export function createApp(options: AppOptions): { app: Hono<AppEnv>; deps: Deps } {
  const deps = buildDeps(options);
  const { config } = deps;
  const cookieName = sessionCookieName(config);
  // The router runs each matched chain synchronously while nothing in it waits (server/http/chain-router.ts).
  const app = new Hono<AppEnv>({ router: new ChainRouter(() => onError) });

  app.use(requestPipeline(deps, cookieName));

  app.get('/healthz', async (c) => {
    await sql`select 1`.execute(deps.db);
    return c.json({ status: 'ok', database: 'ok' }, 200);
  });
  app.get('/assets/app.css', (c) =>
    c.body(STYLESHEET, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }),
  );
  app.route('/api/v1', createApi());
  app.route('/', createWeb());

  app.notFound((c) => {
    if (c.req.path.startsWith('/api/')) {
      return c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}.` } }, 404);
    }
    return c.html(renderErrorPage(404, 'Page not found', 'There is no page at this address.'), 404);
  });

  const onError: ErrorHandler<AppEnv> = (err, c) => {
    const isApi = c.req.path.startsWith('/api/') || c.req.path === '/healthz';
    if (!(err instanceof HTTPException)) {
      deps.logger.error('unhandled error', { method: c.req.method, path: c.req.path, error: String(err) });
      if (isApi)
        return c.json({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } }, 500);
      return c.html(renderErrorPage(500, 'Something went wrong', 'Try again in a moment.'), 500);
    }
    const { status, body, headers } = errorBody(err);
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    if (isApi) return c.json(body, status);
    return c.html(renderErrorPage(status, 'This did not work', body.error.message), status);
  };
  app.onError(onError);

  return { app, deps };
}
