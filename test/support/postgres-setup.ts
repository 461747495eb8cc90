// globalSetup of the `postgres` vitest project: finds (TEST_DATABASE_URL) or starts (scripts/pg-cluster.sh) a
// PostgreSQL server and migrates one template database that every test copies. When neither works the tests are not
// skipped: each one fails with the message below, which says how to provide a server.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../server/db/database.ts';
import { migrations } from '../../server/migrations.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: { url: string; template: string } | { error: string };
  }
}

const SCRIPT = resolve(import.meta.dirname, '../../scripts/pg-cluster.sh');
const INSTALL = 'install the PostgreSQL server (Debian/Ubuntu: apt-get install -y postgresql)';

const redacted = (url: string) => {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
};

function startPrivateCluster(): { url: string; stop(): void } {
  const started = spawnSync(SCRIPT, ['start'], { encoding: 'utf8' });
  if (started.status !== 0) {
    throw new Error(
      `PostgreSQL tests: no TEST_DATABASE_URL was given and no private cluster could be started (${started.stderr.trim() || started.error}). Either ${INSTALL} so that npm test starts one itself, or set TEST_DATABASE_URL to a server where you may create databases (\`eval "$(scripts/pg-cluster.sh start)"\` starts one and exports it).`,
    );
  }
  const value = (name: string) => new RegExp(`^export ${name}=(.*)$`, 'm').exec(started.stdout)?.[1] ?? '';
  const dir = value('SEATKEEPER_PG_DIR');
  return { url: value('TEST_DATABASE_URL'), stop: () => void spawnSync(SCRIPT, ['stop', dir], { stdio: 'ignore' }) };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let stopCluster = () => {};
  const given = process.env.TEST_DATABASE_URL;
  let url = given;
  try {
    if (!url) {
      const cluster = startPrivateCluster();
      url = cluster.url;
      stopCluster = cluster.stop;
    }
  } catch (error) {
    project.provide('postgres', { error: (error as Error).message });
    return async () => {};
  }
  const template = `seatkeeper_template_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  try {
    await admin.connect();
    await admin.query(`create database "${template}"`);
    const templateUrl = new URL(url);
    templateUrl.pathname = `/${template}`;
    const migrated = await openDatabase({ dataDir: '', databaseUrl: templateUrl.toString() }, { migrations });
    await migrated.close();
  } catch (error) {
    await admin.end().catch(() => {});
    stopCluster();
    project.provide('postgres', {
      error: given
        ? `PostgreSQL at ${redacted(url)} (TEST_DATABASE_URL) cannot be used: ${(error as Error).message}. Start that server (\`eval "$(scripts/pg-cluster.sh start)"\` starts a private one and exports its URL), or unset TEST_DATABASE_URL so that npm test starts one itself (needs the server binaries: ${INSTALL}).`
        : `PostgreSQL tests: the private cluster started for this run cannot be used: ${(error as Error).message}.`,
    });
    return async () => {};
  }
  project.provide('postgres', { url, template });
  return async () => {
    await admin.query(`drop database if exists "${template}" with (force)`).catch(() => {});
    await admin.end().catch(() => {});
    stopCluster();
  };
}
