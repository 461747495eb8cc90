import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { type AccountView, createAccountByAdmin } from '../../server/accounts/accounts.ts';
import { createApp } from '../../server/app.ts';
import { createSession } from '../../server/auth/sessions.ts';
import { createAccessToken } from '../../server/auth/token-management.ts';
import { type Config, loadConfig } from '../../server/config.ts';
import { type Db, openDatabase } from '../../server/db/database.ts';
import type { Account, Role, TokenScope } from '../../server/db/schema.ts';
import { createLogger } from '../../server/logger.ts';
import { createOutboxMailer, type Mailer } from '../../server/mail/mailer.ts';

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

export interface TestContext {
  app: Awaited<ReturnType<typeof createApp>>['app'];
  deps: Awaited<ReturnType<typeof createApp>>['deps'];
  config: Config;
  dataDir: string;
  /** Moves the injected clock. */
  advance(seconds: number): void;
  now(): Date;
}

export async function makeApp(
  options: { env?: Record<string, string>; mailer?: (db: Db) => Mailer; log?: (line: string) => void } = {},
): Promise<TestContext> {
  const dataDir = await tempDir();
  const config = {
    ...loadConfig({ DATA_DIR: dataDir, PUBLIC_URL, LOG_LEVEL: 'silent', ...options.env }),
    passwordHashing: FAST_HASHING,
  };
  const database = await openDatabase(dataDir, { sessionCacheMs: config.sessionCacheMs });
  cleanups.push(() => database.close());
  let current = new Date('2026-11-24T12:00:00.000Z');
  const clock = () => new Date(current);
  const mailer = options.mailer ? options.mailer(database.db) : createOutboxMailer(database.db, clock, () => {});
  const logger = options.log ? createLogger('debug', options.log) : createLogger('silent');
  const { app, deps } = createApp({
    config,
    db: database.db,
    sessionLookup: database.sessionLookup,
    mailer,
    clock,
    logger,
  });
  return {
    app,
    deps,
    config,
    dataDir,
    advance(seconds) {
      current = new Date(current.getTime() + seconds * 1000);
    },
    now: clock,
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
  return ctx.app.request(`${PUBLIC_URL}${path}`, { method, headers, body });
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
