// Which database the integration tests run on: the vitest project sets SEATKEEPER_TEST_DATABASE (vitest.config.ts).
// SQLite: a temporary DATA_DIR per test. PostgreSQL: a new database per test, copied from a migrated template that
// test/support/postgres-setup.ts prepares once per run, so test files stay independent and run in parallel.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { DatabaseSettings } from '../../server/db/database.ts';

export type TestDialect = 'sqlite' | 'postgres';

export const TEST_DIALECT: TestDialect = process.env.SEATKEEPER_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

export interface TestDatabase {
  settings: DatabaseSettings;
  /** The environment a server process needs to use the same database. */
  env: Record<string, string>;
  remove(): Promise<void>;
}

let admin: pg.Pool | undefined;

/** The PostgreSQL server of this run, or a failure that says how to provide one (never a skip). */
export function postgresServer(): { url: string; template: string } {
  const server = inject('postgres');
  if (!server) throw new Error('PostgreSQL tests need test/support/postgres-setup.ts as their globalSetup.');
  if ('error' in server) throw new Error(server.error);
  return server;
}

/** A new PostgreSQL database copied from the run's migrated template (about 30 ms), dropped by remove(). */
export async function freshPostgresDatabase(): Promise<{ url: string; remove(): Promise<void> }> {
  const server = postgresServer();
  admin ??= new pg.Pool({ connectionString: server.url, max: 2, idleTimeoutMillis: 1000, allowExitOnIdle: true });
  const pool = admin;
  const name = `seatkeeper_test_${randomBytes(6).toString('hex')}`;
  await pool.query(`create database "${name}" template "${server.template}"`);
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    remove: async () => {
      await pool.query(`drop database if exists "${name}" with (force)`);
    },
  };
}

/** The database one test works on, in the dialect of the current vitest project unless told otherwise. */
export async function testDatabase(dataDir: string, dialect: TestDialect = TEST_DIALECT): Promise<TestDatabase> {
  if (dialect === 'sqlite') return { settings: { dataDir }, env: { DATA_DIR: dataDir }, remove: async () => {} };
  const { url, remove } = await freshPostgresDatabase();
  return { settings: { dataDir, databaseUrl: url }, env: { DATA_DIR: dataDir, DATABASE_URL: url }, remove };
}
