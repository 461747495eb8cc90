import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { AccountView } from '../../server/accounts/accounts.ts';
import { createAccountByAdmin } from '../../server/accounts/administration.ts';
import { createAccessToken } from '../../server/accounts/tokens.ts';
import { createApp, type SeatkeeperApp } from '../../server/app.ts';
import { createSession } from '../../server/auth/sessions.ts';
import type { Account, Role, TokenScope } from '../../server/auth/tables.ts';
import type { Clock } from '../../server/clock.ts';
import { type Config, loadConfig } from '../../server/config.ts';
import { type Db, type OpenedDatabase, openDatabase } from '../../server/db/database.ts';
import { createLogger, type Logger } from '../../server/logger.ts';
import type { Mailer } from '../../server/mail/mailer.ts';
import { createOutboxMailer, MailQueue } from '../../server/mail/queue.ts';
import { migrations } from '../../server/migrations.ts';
import { type TestDatabase, type TestDialect, testDatabase } from './test-database.ts';

export const PUBLIC_URL = 'http://seatkeeper.test';
export const ORIGIN = PUBLIC_URL;
export const STRONG_PASSWORD = 'correct horse battery staple';

/** Cheap argon2 for speed; the production default is asserted separately in secrets.test.ts. */
const FAST_HASHING = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'seatkeeper-test-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A database of this project's dialect for one test (removed after it), with its DATA_DIR. */
export async function tempDatabase(dialect?: TestDialect): Promise<TestDatabase> {
  const database = await testDatabase(await tempDir(), dialect);
  cleanups.push(database.remove);
  return database;
}

export interface TestContext {
  app: SeatkeeperApp['app'];
  /** The infrastructure. */
  deps: SeatkeeperApp['deps'];
  /** The areas' contexts, as the wiring built them (stub a function on one to change what that area sees). */
  accounts: SeatkeeperApp['accounts'];
  exams: SeatkeeperApp['exams'];
  licensing: SeatkeeperApp['licensing'];
  people: SeatkeeperApp['people'];
  openApiDocument: SeatkeeperApp['openApiDocument'];
  config: Config;
  dataDir: string;
  database: OpenedDatabase;
  /** Moves the injected clock. */
  advance(seconds: number): void;
  now(): Date;
}

type AppOptions = {
  env?: Record<string, string>;
  /** The mailer of the instance (default: the outbox without SMTP), built on its database, clock and logger. */
  mailer?: (db: Db, instance: { clock: Clock; logger: Logger }) => Mailer;
  log?: (line: string) => void;
};

/** An app on a new database of the vitest project's dialect (or `dialect`), with an injected clock. */
export async function makeApp(options: AppOptions & { dialect?: TestDialect } = {}): Promise<TestContext> {
  const { env } = await tempDatabase(options.dialect);
  const config = {
    ...loadConfig({ ...env, PUBLIC_URL, LOG_LEVEL: 'silent', ...options.env }),
    passwordHashing: FAST_HASHING,
  };
  let current = new Date('2026-11-24T12:00:00.000Z');
  return startInstance(config, options, {
    now: () => new Date(current),
    advance(seconds) {
      current = new Date(current.getTime() + seconds * 1000);
    },
  });
}

/**
 * A second server instance on the same database (sharing the test's clock), as another process would open it. On
 * PostgreSQL it may have a DATA_DIR of its own, as an instance on another machine would; `databaseUrl` opens another
 * PostgreSQL database instead (a copy).
 */
export async function anotherInstance(
  ctx: TestContext,
  options: AppOptions & { dataDir?: string; databaseUrl?: string } = {},
) {
  const config = {
    ...ctx.config,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl, sessionCacheMs: 0 } : {}),
  };
  return startInstance(config, options, ctx);
}

async function startInstance(
  config: Config,
  options: AppOptions,
  clock: Pick<TestContext, 'now' | 'advance'>,
): Promise<TestContext> {
  const logger = options.log ? createLogger('debug', options.log) : createLogger('silent');
  const database = await openDatabase(config, { migrations, logger });
  cleanups.push(() => database.close());
  const mailer = options.mailer
    ? options.mailer(database.db, { clock: clock.now, logger })
    : createOutboxMailer(database.db, clock.now, () => {});
  // A sender still delivering must finish before its database closes (cleanups run last first).
  if (mailer instanceof MailQueue) cleanups.push(() => mailer.stop());
  const built = createApp({ config, database, mailer, clock: clock.now, logger });
  return { ...built, config, dataDir: config.dataDir, database, advance: clock.advance, now: clock.now };
}

/**
 * Switches the licence figures to the bulk reads `npm start` uses: SQLite's raw handle (synchronous updates in the
 * account hook, raw-array reads, the recount in a worker on the file), or PostgreSQL's pool (raw-array reads through
 * cursors, the recount in a worker on its own connection). Returns the way back to the portable Kysely reads.
 */
export function useBulkReads(ctx: TestContext): () => void {
  const { sqlite, postgres } = ctx.database;
  // The licensing area has its own copy of the infrastructure (its context): both see the handles.
  for (const deps of [ctx.deps, ctx.licensing]) {
    deps.sqlite = sqlite;
    deps.postgres = postgres;
  }
  return () => {
    for (const deps of [ctx.deps, ctx.licensing]) {
      deps.sqlite = undefined;
      deps.postgres = undefined;
    }
  };
}

export interface CallOptions {
  json?: unknown;
  form?: Record<string, string>;
  cookie?: string;
  token?: string;
  headers?: Record<string, string>;
  /** Send Origin = PUBLIC_URL (default true), as a same-origin browser would. */
  sameOrigin?: boolean;
}

export async function call(
  ctx: TestContext,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.sameOrigin !== false && !('origin' in headers) && !('sec-fetch-site' in headers)) headers.origin = ORIGIN;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  const response = await ctx.app.request(`${PUBLIC_URL}${path}`, { method, headers, body });
  // What the request started in the background (a reset mail) is done before the test looks.
  await ctx.deps.background.settled();
  return response;
}

/** The "name=value" pair from a Set-Cookie header, ready to send back. */
export function sessionCookieFrom(response: Response): string {
  const header = response.headers.get('set-cookie') ?? '';
  const pair = header.split(';')[0] ?? '';
  if (!pair.includes('=') || pair.endsWith('=')) throw new Error(`no session cookie in: ${header}`);
  return pair;
}

let counter = 0;
export const uniqueEmail = (prefix: string) => `${prefix}${++counter}@example.com`;

export async function createAccount(ctx: TestContext, role: Role, email = uniqueEmail(role)): Promise<Account> {
  return createAccountByAdmin(
    ctx.deps,
    { account: null, ip: 'test' },
    { email, name: `Test ${role}`, role, password: STRONG_PASSWORD },
  );
}

/** A signed-in cookie for the account, made directly in storage (no password round trip). */
export async function sessionCookieFor(ctx: TestContext, account: Account): Promise<string> {
  const token = await createSession(ctx.deps.db, account.id, ctx.now());
  return `seatkeeper_session=${token}`;
}

export async function tokenFor(ctx: TestContext, account: Account, scope: TokenScope): Promise<string> {
  const { token } = await createAccessToken(ctx.deps, { account, ip: 'test' }, { name: `${scope} token`, scope });
  return token;
}

export async function signInCookie(
  ctx: TestContext,
  email: string,
  password = STRONG_PASSWORD,
  ip?: string,
): Promise<Response> {
  return call(ctx, 'POST', '/api/v1/session', {
    json: { email, password },
    ...(ip ? { headers: { 'x-forwarded-for': ip } } : {}),
  });
}

export async function outbox(ctx: TestContext, to?: string) {
  let query = ctx.deps.db.selectFrom('outbox').selectAll().orderBy('id', 'asc');
  if (to) query = query.where('to_address', '=', to);
  return query.execute();
}

/** The token query parameter of the first link with `path` in a mail body. */
export function linkToken(body: string, path: string): string {
  const match = new RegExp(`${path}\\?token=([^\\s]+)`).exec(body);
  if (!match?.[1]) throw new Error(`no ${path} link in mail:\n${body}`);
  return decodeURIComponent(match[1]);
}

export const accountOf = async (response: Response): Promise<AccountView> =>
  ((await response.json()) as { account: AccountView }).account;
