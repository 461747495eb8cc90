import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const hours = (n: number) => n * 60 * 60;
const days = (n: number) => hours(n * 24);

const integer = (what: string) => z.coerce.number({ error: `must be ${what}` }).int(`must be ${what}`);
const secondsSetting = (fallback: number) =>
  integer('a whole number of seconds').positive('must be a positive number of seconds').default(fallback);

/** A PostgreSQL connection URL (DATABASE_URL, and the target of `seatkeeper db copy`). */
export const databaseUrlSchema = z.url({
  protocol: /^postgres(ql)?$/,
  message:
    'must be a PostgreSQL URL, e.g. postgres://seatkeeper:secret@db.example:5432/seatkeeper (unset: SQLite in DATA_DIR)',
});

/** Every setting the server reads from the environment, validated once at start. */
const environmentSchema = z.object({
  PORT: integer('a TCP port number between 1 and 65535')
    .min(1, 'must be a TCP port number between 1 and 65535')
    .max(65535, 'must be a TCP port number between 1 and 65535')
    .default(8787),
  HOST: z.string().min(1, 'must be a host name or IP address to listen on').default('127.0.0.1'),
  DATA_DIR: z.string().min(1, 'must be a directory path').default('./data'),
  DATABASE_URL: databaseUrlSchema.optional(),
  DATABASE_POOL_SIZE: integer('a number of connections')
    .min(1, 'must be at least 1 connection')
    .max(200, 'must be at most 200 connections')
    .default(10),
  PUBLIC_URL: z
    .url({
      protocol: /^https?$/,
      message: 'must be an absolute http:// or https:// URL, e.g. https://seatkeeper.example',
    })
    .optional(),
  SMTP_URL: z
    .url({
      protocol: /^smtps?$/,
      message: 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example:587',
    })
    .optional(),
  MAIL_FROM: z
    .string()
    .min(3, 'must be a sender address, e.g. "Seatkeeper <no-reply@example.com>"')
    .default('Seatkeeper <no-reply@seatkeeper.invalid>'),
  LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error', 'silent'], { error: 'must be one of debug, info, warn, error, silent' })
    .default('info'),
  TRUST_PROXY: integer('the number of reverse proxies in front of the server (0 = trust none)')
    .min(0, 'must be the number of reverse proxies in front of the server (0 = trust none)')
    .max(10, 'must be at most 10 proxies')
    .default(0),
  SESSION_CANDIDATE_IDLE_SECONDS: secondsSetting(days(7)),
  SESSION_CANDIDATE_ABSOLUTE_SECONDS: secondsSetting(days(30)),
  SESSION_STAFF_IDLE_SECONDS: secondsSetting(hours(12)),
  SESSION_STAFF_ABSOLUTE_SECONDS: secondsSetting(days(7)),
  // The default depends on DATABASE_URL (1000 on SQLite, 0 on PostgreSQL): see loadConfig.
  SESSION_CACHE_MS: integer('a whole number of milliseconds')
    .min(0, 'must be 0 (off) or more milliseconds')
    .max(60_000, 'must be at most 60000 ms')
    .optional(),
  EXTENSION_DIR: z.string().min(1, 'must be a directory path').optional(),
  METRICS_TOKEN: z
    .string()
    .min(24, 'must be at least 24 characters (e.g. `openssl rand -hex 24`): Prometheus sends it as a bearer token')
    .optional(),
  METRICS_PORT: integer('a TCP port number between 1 and 65535')
    .min(1, 'must be a TCP port number between 1 and 65535')
    .max(65535, 'must be a TCP port number between 1 and 65535')
    .optional(),
  METRICS_HOST: z.string().min(1, 'must be a host name or IP address to listen on').default('127.0.0.1'),
  BODY_LIMIT_BYTES: integer('a size in bytes')
    .min(1024, 'must be at least 1024 bytes')
    .max(10_485_760, 'must be at most 10485760 bytes (10 MiB)')
    .default(65_536),
  // Imports stream to disk and into the database in batches: memory does not grow with these, disk and time do.
  IMPORT_MAX_BYTES: integer('a size in bytes')
    .min(1024, 'must be at least 1024 bytes')
    .max(17_179_869_184, 'must be at most 17179869184 bytes (16 GiB)')
    .default(209_715_200),
  IMPORT_MAX_ROWS: integer('a number of rows')
    .min(1, 'must be at least 1 row')
    .max(100_000_000, 'must be at most 100000000 rows')
    .default(10_000_000),
  IMPORT_THREAD_FROM_BYTES: integer('a size in bytes').min(0, 'must be 0 or more bytes').default(4_194_304),
});

export type LogLevel = z.infer<typeof environmentSchema>['LOG_LEVEL'];

/** Every variable the server reads (.env.example lists each; a test keeps the two the same). */
export const ENVIRONMENT_VARIABLES = Object.keys(environmentSchema.shape);

/** argon2id cost. Production always uses OWASP's m=19456 KiB, t=2, p=1; only tests pass something cheaper. */
export interface PasswordHashingCost {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const DEFAULT_PASSWORD_HASHING: PasswordHashingCost = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export interface SessionLifetimes {
  idleSeconds: number;
  absoluteSeconds: number;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL when set (several instances may share it); SQLite in dataDir otherwise. Never logged: it may hold a password. */
  databaseUrl: string | undefined;
  /** Connections each instance keeps to PostgreSQL. */
  databasePoolSize: number;
  /** External base URL without trailing slash; used in emailed links and for the CSRF origin check. */
  publicUrl: string;
  publicOrigin: string;
  /** True when PUBLIC_URL is https: Secure + __Host- cookies and HSTS. */
  secure: boolean;
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: LogLevel;
  trustProxy: number;
  sessions: { candidate: SessionLifetimes; staff: SessionLifetimes };
  /**
   * Reuse of a looked-up session within one process; local writes clear it at once (auth/session-cache.ts). Always 0
   * with PostgreSQL, where another instance may end a session this one has cached.
   */
  sessionCacheMs: number;
  bodyLimitBytes: number;
  /**
   * Prometheus metrics: GET /metrics on the main port with `Authorization: Bearer <token>`, and/or a listener of
   * their own (no token; bind it where only Prometheus reaches). Neither set: no metrics are served.
   */
  metrics: { token: string | undefined; port: number | undefined; host: string };
  /** The largest user list an import accepts, in bytes and in rows (413 past either, the limit named). */
  importMaxBytes: number;
  importMaxRows: number;
  /** On SQLite, lists at least this large are read and written by a worker thread (import-worker.ts). */
  importThreadFromBytes: number;
  passwordHashing: PasswordHashingCost;
  /** Where `npm run build:ext` leaves the extension's zips, offered to staff at /portal/extension. */
  extensionDir: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the environment once; throws ConfigError naming each bad variable and what to fix. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset so `PORT= npm start` behaves like no PORT at all.
  const cleaned = Object.fromEntries(
    Object.keys(environmentSchema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const parsed = environmentSchema
    .superRefine((e, ctx) => {
      if (e.DATABASE_URL !== undefined && e.SESSION_CACHE_MS !== undefined && e.SESSION_CACHE_MS > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['SESSION_CACHE_MS'],
          message:
            'must be 0 (or unset) with DATABASE_URL: instances sharing PostgreSQL cannot see when another one ends a session, so none may keep sessions in memory',
        });
      }
    })
    .safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://${e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST}:${e.PORT}`).replace(
    /\/+$/,
    '',
  );
  const url = new URL(publicUrl);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    publicUrl,
    publicOrigin: url.origin,
    secure: url.protocol === 'https:',
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    sessions: {
      candidate: {
        idleSeconds: e.SESSION_CANDIDATE_IDLE_SECONDS,
        absoluteSeconds: e.SESSION_CANDIDATE_ABSOLUTE_SECONDS,
      },
      staff: { idleSeconds: e.SESSION_STAFF_IDLE_SECONDS, absoluteSeconds: e.SESSION_STAFF_ABSOLUTE_SECONDS },
    },
    sessionCacheMs: e.SESSION_CACHE_MS ?? (e.DATABASE_URL === undefined ? 1000 : 0),
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT, host: e.METRICS_HOST },
    importMaxBytes: e.IMPORT_MAX_BYTES,
    importMaxRows: e.IMPORT_MAX_ROWS,
    importThreadFromBytes: e.IMPORT_THREAD_FROM_BYTES,
    passwordHashing: DEFAULT_PASSWORD_HASHING,
    extensionDir: e.EXTENSION_DIR ?? fileURLToPath(new URL('../.output', import.meta.url)),
  };
}
