// A PostgreSQL server for benchmarks: BENCH_DATABASE_URL when given, otherwise a private cluster started for this run
// with durable settings (fsync on, synchronous commit), so it is compared fairly with SQLite's synchronous=FULL.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import pg from 'pg';

const SCRIPT = resolve(import.meta.dirname, '../../scripts/pg-cluster.sh');

export interface BenchPostgres {
  /** A new, empty database on the server; its URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

export async function benchPostgres(): Promise<BenchPostgres> {
  let url = process.env.BENCH_DATABASE_URL;
  let stopCluster = () => {};
  if (!url) {
    const started = spawnSync(SCRIPT, ['start', '--durable'], { encoding: 'utf8' });
    if (started.status !== 0) {
      throw new Error(`no BENCH_DATABASE_URL and no private PostgreSQL cluster could be started: ${started.stderr}`);
    }
    const value = (name: string) => new RegExp(`^export ${name}=(.*)$`, 'm').exec(started.stdout)?.[1] ?? '';
    url = value('TEST_DATABASE_URL');
    const dir = value('SEATKEEPER_PG_DIR');
    stopCluster = () => void spawnSync(SCRIPT, ['stop', dir], { stdio: 'ignore' });
  }
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const created: string[] = [];
  return {
    async createDatabase() {
      const name = `seatkeeper_bench_${randomBytes(4).toString('hex')}`;
      await admin.query(`create database "${name}"`);
      created.push(name);
      const database = new URL(url);
      database.pathname = `/${name}`;
      return database.toString();
    },
    async stop() {
      for (const name of created) await admin.query(`drop database if exists "${name}" with (force)`).catch(() => {});
      await admin.end();
      stopCluster();
    },
  };
}
