import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type Migration, Migrator, PostgresDialect } from 'kysely';
import type { Logger } from '../logger.ts';
import { type ChangeFeed, listenForChanges, noChangeFeed } from './change-feed.ts';
import { type DialectName, SqliteWithoutRowLocks } from './dialect.ts';
import { useMemoryMap } from './memory-map.ts';
import { createPool, type PostgresHandle } from './postgres.ts';
import type { Database } from './schema.ts';
import { WriteSignal } from './write-signal.ts';
import { writeTurnsOf } from './write-turns.ts';

export type Db = Kysely<Database>;

export interface OpenedDatabase {
  db: Db;
  dialect: DialectName;
  /** SQLite only: the underlying handle, for prepared statements on hot paths and bulk reads. */
  sqlite?: SQLite.Database;
  /** PostgreSQL only: the pool beneath Kysely, for bulk reads. */
  postgres?: PostgresHandle;
  /** What other instances sharing the database commit (never anything on SQLite, which one process owns). */
  changes: ChangeFeed;
  /** Calls `listener` after every statement of this process that may have changed data (caches drop what they hold). */
  onWrite(listener: () => void): void;
  close(): Promise<void>;
}

/** Where the data lives: PostgreSQL when `databaseUrl` is set, otherwise SQLite in `dataDir` (Config has both). */
export interface DatabaseSettings {
  dataDir: string;
  databaseUrl?: string | undefined;
  databasePoolSize?: number;
}

export interface OpenOptions {
  /** Every area's migrations (server/migrations.ts), applied in name order. */
  migrations: Record<string, Migration>;
  /** Where the PostgreSQL change feed reports a lost connection. */
  logger?: Logger;
}

/** Opens the database the settings name and applies pending migrations. */
export function openDatabase(settings: DatabaseSettings, options: OpenOptions): Promise<OpenedDatabase> {
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
  useMemoryMap(sqlite);
  const writes = new WriteSignal();
  const db = new Kysely<Database>({
    // Each statement that may write takes its turn with a worker thread's import (write-turns.ts).
    dialect: writeTurnsOf(sqlite).dialect(),
    plugins: [writes, new SqliteWithoutRowLocks()],
  });
  await migrate(db, options.migrations);
  return {
    db,
    dialect: 'sqlite',
    sqlite,
    changes: noChangeFeed,
    onWrite: (listener) => writes.onWrite(listener),
    close: () => db.destroy(),
  };
}

/** Several instances may share the database: nothing a request needs is cached in this process. */
async function openPostgres(url: string, poolSize: number, options: OpenOptions): Promise<OpenedDatabase> {
  const pool = createPool(url, poolSize);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrate(db, options.migrations);
    // Listening starts before anything is read into memory, so no change committed afterwards can be missed.
    const changes = await listenForChanges(url, options.logger);
    return {
      db,
      dialect: 'postgres',
      postgres: { pool, url },
      changes,
      // Another instance may change anything: nothing here caches what a write would invalidate.
      onWrite: () => {},
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

export async function migrate(db: Db, migrations: Record<string, Migration>): Promise<void> {
  // Areas add migrations on branches merged in any order, so one may sort before a migration a database already ran:
  // it runs all the same (each migration touches only its own tables and columns).
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
