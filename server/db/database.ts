import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { cachedSessionLookup } from '../auth/session-cache.ts';
import type { SessionLookup, SessionRecord } from '../auth/sessions.ts';
import type { Logger } from '../logger.ts';
import { type ChangeFeed, listenForChanges, noChangeFeed } from './change-feed.ts';
import { type DialectName, SqliteWithoutRowLocks } from './dialect.ts';
import { migrationProvider } from './migrations.ts';
import { createPool, type PostgresHandle, preparedPostgresSessionLookup } from './postgres.ts';
import type { Account, Database } from './schema.ts';
import { WriteSignal } from './write-signal.ts';

export type Db = Kysely<Database>;

export interface OpenedDatabase {
  db: Db;
  dialect: DialectName;
  /** SQLite only: the underlying handle; only this module prepares statements on it. */
  sqlite?: SQLite.Database;
  /** PostgreSQL only: the pool beneath Kysely, for bulk reads. */
  postgres?: PostgresHandle;
  /** What other instances sharing the database commit (never anything on SQLite, which one process owns). */
  changes: ChangeFeed;
  /**
   * Session lookup: on SQLite a statement prepared once, behind a short cache cleared by every write
   * (auth/session-cache.ts); on PostgreSQL a query per request, since another instance may end any session.
   */
  sessionLookup: SessionLookup;
  close(): Promise<void>;
}

/** Where the data lives: PostgreSQL when `databaseUrl` is set, otherwise SQLite in `dataDir` (Config has both). */
export interface DatabaseSettings {
  dataDir: string;
  databaseUrl?: string | undefined;
  databasePoolSize?: number;
}

export type SessionRow = [
  id: string,
  email: string,
  name: string,
  role: Account['role'],
  active: number,
  passwordHash: string | null,
  createdAt: string,
  deactivatedAt: string | null,
  emailVerifiedAt: string | null,
  lastSignInAt: string | null,
  secretHash: string,
  sessionCreatedAt: string,
  lastVerifiedAt: string,
];

/** The columns of SessionRow, `$1` the session id (SQLite takes `?`). */
export const SESSION_LOOKUP_SQL = `select a.id, a.email, a.name, a.role, a.active, a.password_hash, a.created_at, a.deactivated_at,
              a.email_verified_at, a.last_sign_in_at, s.secret_hash, s.created_at, s.last_verified_at
         from sessions s join accounts a on a.id = s.account_id
        where s.id = $1`;

/** Raw rows and explicit object construction: measurably cheaper than spreading a flat row on every request. */
export function sessionRecordOf(row: SessionRow): SessionRecord {
  return {
    account: {
      id: row[0],
      email: row[1],
      name: row[2],
      role: row[3],
      active: row[4],
      password_hash: row[5],
      created_at: row[6],
      deactivated_at: row[7],
      email_verified_at: row[8],
      last_sign_in_at: row[9],
    },
    secretHash: row[10],
    createdAt: row[11],
    lastVerifiedAt: row[12],
  };
}

function preparedSessionLookup(sqlite: SQLite.Database): SessionLookup {
  const statement = sqlite.prepare<[string], SessionRow>(SESSION_LOOKUP_SQL.replace('$1', '?')).raw(true);
  return (sessionId) => {
    const row = statement.get(sessionId);
    return row ? sessionRecordOf(row) : undefined;
  };
}

export interface OpenOptions {
  /** How long a looked-up session may be reused on SQLite (0 = read the database on every request). */
  sessionCacheMs?: number;
  /** Where the PostgreSQL change feed reports a lost connection. */
  logger?: Logger;
}

/** Opens the database the settings name and applies pending migrations. */
export function openDatabase(settings: DatabaseSettings, options: OpenOptions = {}): Promise<OpenedDatabase> {
  return settings.databaseUrl
    ? openPostgres(settings.databaseUrl, settings.databasePoolSize ?? 10, options)
    : openSqlite(settings.dataDir, options);
}

/** Creates DATA_DIR/seatkeeper.sqlite if needed, with durable settings. */
async function openSqlite(dataDir: string, options: OpenOptions): Promise<OpenedDatabase> {
  mkdirSync(dataDir, { recursive: true });
  const sqlite = new SQLite(join(dataDir, 'seatkeeper.sqlite'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('mmap_size = 268435456');
  const writes = new WriteSignal();
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite }),
    plugins: [writes, new SqliteWithoutRowLocks()],
  });
  await migrate(db);
  const sessions = cachedSessionLookup(preparedSessionLookup(sqlite), options.sessionCacheMs ?? 0);
  writes.onWrite(sessions.clear);
  return {
    db,
    dialect: 'sqlite',
    sqlite,
    changes: noChangeFeed,
    sessionLookup: sessions.lookup,
    close: () => db.destroy(),
  };
}

/** Several instances may share the database: nothing a request needs is cached in this process. */
async function openPostgres(url: string, poolSize: number, options: OpenOptions): Promise<OpenedDatabase> {
  const pool = createPool(url, poolSize);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrate(db);
    // Listening starts before anything is read into memory, so no change committed afterwards can be missed.
    const changes = await listenForChanges(url, (message, error) =>
      options.logger?.warn(message, { error: String(error) }),
    );
    return {
      db,
      dialect: 'postgres',
      postgres: { pool, url },
      changes,
      sessionLookup: preparedPostgresSessionLookup(pool),
      async close() {
        await changes.close();
        await db.destroy();
      },
    };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

export async function migrate(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
