// `seatkeeper db copy --to postgres://...`: moves an installation from SQLite (DATA_DIR) to PostgreSQL, so it can run
// as several instances. One snapshot of the source, one transaction on the target, row counts checked per table.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type SQLite from 'better-sqlite3';
import type pg from 'pg';
import { SHARED_KEY_NAME, SIGNING_KEY_FILE } from '../certificates/signing-key.ts';
import { ConfigError, databaseUrlSchema, loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrations } from '../migrations.ts';
import { runBackup } from './backup.ts';
import type { CliIo } from './io.ts';
import { progressBar } from './progress.ts';

export const DB_USAGE = `usage: seatkeeper db copy [--to postgres://USER:PASSWORD@HOST:5432/DATABASE] [--replace]
       seatkeeper db backup --to FILE

  db copy: copies the SQLite database in DATA_DIR (default ./data) into PostgreSQL: the one --to names, or else
  the one DATABASE_URL names (which keeps its password out of the process list and the shell history). The source is first brought to the
  current schema (as \`npm start\` would); the target gets the same schema, then every row of one snapshot of the
  source, in one transaction whose row counts are compared with the source's, table by table, before it commits.
  The credential signing key in DATA_DIR goes along. Stop the server first: what it writes meanwhile is not copied.

  --replace   delete what the target holds (in the same transaction). Without it, a target holding more than a
              freshly created schema is refused.
`;

class CopyRefused extends Error {}

const number = new Intl.NumberFormat('en-GB');
const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** PostgreSQL binds at most 65,535 parameters per statement. */
const MAX_PARAMETERS = 65_535;

interface Table {
  name: string;
  columns: string[];
  rows: number;
}

/** The source's tables, each after the tables it references, so foreign keys hold while rows arrive. */
function tablesInDependencyOrder(sqlite: SQLite.Database): Table[] {
  const names = sqlite
    .prepare<[], { name: string }>(
      // pragma_table_list tells ordinary tables from virtual ones and their shadow tables (the FTS5 search index,
      // which PostgreSQL keeps as pg_trgm indexes of its own); the index's backlog (search-backlog-migration.ts) is
      // SQLite's alone too.
      `select name from pragma_table_list where schema = 'main' and type = 'table'
         and name not like 'sqlite\\_%' escape '\\' and name not like 'kysely\\_%' escape '\\'
         and name <> 'licence_search_backlog' order by name`,
    )
    .all()
    .map((t) => t.name);
  const ordered: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (ordered.includes(name)) return;
    if (path.includes(name)) throw new Error(`foreign keys form a cycle: ${[...path, name].join(' -> ')}`);
    const references = sqlite.pragma(`foreign_key_list(${quoted(name)})`) as { table: string }[];
    for (const { table } of references) if (table !== name) visit(table, [...path, name]);
    ordered.push(name);
  };
  for (const name of names) visit(name, []);
  return ordered.map((name) => ({
    name,
    columns: (sqlite.pragma(`table_info(${quoted(name)})`) as { name: string }[]).map((c) => c.name),
    rows: (sqlite.prepare(`select count(*) as n from ${quoted(name)}`).get() as { n: number }).n,
  }));
}

/** Rows per table in a database that has only what the migrations create (a few seeded rows). */
async function freshSchemaRows(): Promise<Map<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'seatkeeper-fresh-'));
  try {
    const fresh = await openDatabase({ dataDir: dir }, { migrations });
    try {
      return new Map(tablesInDependencyOrder(fresh.sqlite as SQLite.Database).map((t) => [t.name, t.rows]));
    } finally {
      await fresh.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function countRows(client: pg.ClientBase, table: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${quoted(table)}`);
  return Number(rows[0]?.n ?? 0);
}

async function insertRows(client: pg.ClientBase, table: Table, rows: unknown[][]): Promise<void> {
  const width = table.columns.length;
  const tuples = rows.map((_, r) => `(${table.columns.map((__, c) => `$${r * width + c + 1}`).join(', ')})`);
  await client.query(
    `insert into ${quoted(table.name)} (${table.columns.map(quoted).join(', ')}) values ${tuples.join(', ')}`,
    rows.flat(),
  );
}

/** Identity columns received explicit ids: their next value must come after the largest copied. */
async function resetIdentities(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    `select table_name, column_name from information_schema.columns
      where table_schema = current_schema() and is_identity = 'YES'`,
  );
  for (const { table_name: table, column_name: column } of rows) {
    await client.query(
      `select setval(pg_get_serial_sequence($1, $2), coalesce((select max(${quoted(column)}) from ${quoted(table)}), 0) + 1, false)`,
      [quoted(table), column],
    );
  }
}

async function copy(
  source: SQLite.Database,
  target: pg.ClientBase,
  options: { replace: boolean; dataDir: string },
  io: CliIo,
): Promise<{ tables: Table[]; signingKey: boolean }> {
  // One snapshot of the source (a read transaction), whatever else touches the file meanwhile.
  source.exec('begin');
  try {
    const tables = tablesInDependencyOrder(source);
    const fresh = await freshSchemaRows();
    await target.query('begin');
    try {
      if (!options.replace) {
        const holding: string[] = [];
        for (const table of tables) {
          const rows = await countRows(target, table.name);
          if (rows > (fresh.get(table.name) ?? 0)) holding.push(`${table.name}: ${number.format(rows)} rows`);
        }
        if (holding.length > 0) {
          throw new CopyRefused(
            `the target database already holds data (${holding.join(', ')}); copy into an empty database, or add --replace to delete what it holds`,
          );
        }
      }
      for (const table of [...tables].reverse()) await target.query(`delete from ${quoted(table.name)}`);
      const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
      for (const table of tables) {
        const bar = tty ? progressBar(io.stderr, `copying ${table.name}`) : null;
        if (!bar) io.stderr.write(`copying ${table.name} (${number.format(table.rows)} rows)\n`);
        const perStatement = Math.min(1000, Math.floor(MAX_PARAMETERS / table.columns.length));
        const select = source.prepare(`select ${table.columns.map(quoted).join(', ')} from ${quoted(table.name)}`);
        let batch: unknown[][] = [];
        let copied = 0;
        for (const row of select.raw(true).iterate() as IterableIterator<unknown[]>) {
          batch.push(row);
          if (batch.length < perStatement) continue;
          await insertRows(target, table, batch);
          copied += batch.length;
          batch = [];
          bar?.update(copied / table.rows);
        }
        if (batch.length > 0) await insertRows(target, table, batch);
        bar?.done();
      }
      await resetIdentities(target);
      const differences: string[] = [];
      for (const table of tables) {
        const copied = await countRows(target, table.name);
        if (copied !== table.rows) differences.push(`${table.name}: ${table.rows} in the source, ${copied} copied`);
      }
      if (differences.length > 0) throw new Error(`row counts differ (${differences.join('; ')})`);
      const keyFile = join(options.dataDir, SIGNING_KEY_FILE);
      const signingKey = existsSync(keyFile);
      if (signingKey) {
        // SQLite keeps the credential signing key in DATA_DIR; on PostgreSQL every instance reads it from here.
        await target.query(
          `insert into credential_signing_keys (name, private_jwk, created_at) values ($1, $2, $3)
           on conflict (name) do update set private_jwk = excluded.private_jwk, created_at = excluded.created_at`,
          [SHARED_KEY_NAME, readFileSync(keyFile, 'utf8'), new Date().toISOString()],
        );
      }
      await target.query('commit');
      return { tables, signingKey };
    } catch (error) {
      await target.query('rollback').catch(() => {});
      throw error;
    }
  } finally {
    source.exec('commit');
  }
}

export async function runDbCommand(args: string[], io: CliIo): Promise<number> {
  const refuse = (message: string) => {
    io.stderr.write(`seatkeeper db: ${message}\n`);
    return 2;
  };
  const [command, ...rest] = args;
  if (command === undefined || command === 'help' || command === '--help') {
    (command === undefined ? io.stderr : io.stdout).write(DB_USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'backup') return runBackup(rest, io);
  if (command !== 'copy') return refuse(`unknown db command "${command}"\n\n${DB_USAGE}`);
  let values: { to?: string | undefined; replace?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { to: { type: 'string' }, replace: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return refuse(`${(error as Error).message}\n\n${DB_USAGE}`);
  }
  const given = values.to ?? io.env.DATABASE_URL;
  if (!given) {
    return refuse(
      `name the target: set DATABASE_URL (keeps the password out of the process list) or give --to\n\n${DB_USAGE}`,
    );
  }
  const to = databaseUrlSchema.safeParse(given);
  if (!to.success) return refuse(`${values.to ? '--to' : 'DATABASE_URL'}: ${to.error.issues[0]?.message}`);
  let dataDir: string;
  try {
    dataDir = loadConfig({ ...io.env, DATABASE_URL: undefined }).dataDir;
  } catch (error) {
    if (error instanceof ConfigError) return refuse(error.message);
    throw error;
  }
  if (!existsSync(join(dataDir, 'seatkeeper.sqlite'))) {
    return refuse(
      `no SQLite database at ${join(dataDir, 'seatkeeper.sqlite')}; set DATA_DIR to the server's directory`,
    );
  }

  const source = await openDatabase({ dataDir }, { migrations });
  try {
    let target: Awaited<ReturnType<typeof openDatabase>>;
    try {
      target = await openDatabase({ dataDir, databaseUrl: to.data, databasePoolSize: 1 }, { migrations });
    } catch (error) {
      io.stderr.write(`seatkeeper db: cannot open the target database: ${(error as Error).message}\n`);
      return 1;
    }
    const client = await (target.postgres as NonNullable<typeof target.postgres>).pool.connect();
    try {
      const started = performance.now();
      const { tables, signingKey } = await copy(
        source.sqlite as SQLite.Database,
        client,
        { replace: values.replace === true, dataDir },
        io,
      );
      const width = Math.max(...tables.map((t) => t.name.length));
      io.stdout.write(`Copied ${dataDir}/seatkeeper.sqlite to PostgreSQL; row counts verified:\n`);
      for (const table of tables) {
        io.stdout.write(`  ${table.name.padEnd(width)}  ${number.format(table.rows).padStart(11)}\n`);
      }
      if (signingKey) io.stdout.write(`  and the credential signing key (${SIGNING_KEY_FILE})\n`);
      io.stdout.write(
        `in ${((performance.now() - started) / 1000).toFixed(1)} s. Start the instances with DATABASE_URL set.\n`,
      );
      return 0;
    } catch (error) {
      if (error instanceof CopyRefused) return refuse(error.message);
      io.stderr.write(`seatkeeper db: the copy failed and the target is unchanged: ${(error as Error).message}\n`);
      return 1;
    } finally {
      client.release();
      await target.close();
    }
  } finally {
    await source.close();
  }
}
