// Writes an import's rows under its generation, out of sight, one short transaction per batch so other writers get
// the database between batches: SQLite through one prepared statement, PostgreSQL through COPY ... FROM STDIN, and
// Kysely inserts where neither raw handle is given (tests).
import { once } from 'node:events';
import type { Database as SQLiteDatabase } from 'better-sqlite3';
import type { Insertable } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import { writeTransaction } from '../db/transaction.ts';
import type { LicensingDeps } from './context.ts';
import type { LicenceAccountsTable } from './tables.ts';

export type StagedRow = Insertable<LicenceAccountsTable> & { generation: number };

const COLUMNS = [
  'source',
  'environment_id',
  'provider',
  'tenant',
  'username',
  'email',
  'name',
  'username_lc',
  'email_lc',
  'name_lc',
  'email_domain',
  'username_domain',
  'active',
  'it_user',
  'staff',
  'role',
  'classification',
  'last_sign_in_at',
  'created_at',
  'generation',
] as const satisfies readonly (keyof StagedRow)[];

type Cell = string | number | null;

const valuesOf = (row: StagedRow): Cell[] => COLUMNS.map((column) => (row[column] ?? null) as Cell);

/** How far the import has come, written with each batch. */
export interface StagingProgress {
  importId: string;
  rowsRead: number;
  rowsWritten: number;
  bytesRead: number;
}

export interface Staging {
  write(rows: StagedRow[], progress: StagingProgress): Promise<void>;
}

export function stagingFor(deps: LicensingDeps): Staging {
  if (deps.sqlite) return sqliteStaging(deps, deps.sqlite);
  if (deps.postgres) return copyStaging(deps, deps.postgres.pool);
  return kyselyStaging(deps);
}

function sqliteStaging(deps: LicensingDeps, sqlite: SQLiteDatabase): Staging {
  const insert = sqlite.prepare(
    `insert into licence_accounts (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`,
  );
  const progress = sqlite.prepare('update licence_imports set rows = ?, processed = ?, bytes_read = ? where id = ?');
  const batch = sqlite.transaction((rows: StagedRow[], p: StagingProgress) => {
    for (const row of rows) insert.run(valuesOf(row));
    progress.run(p.rowsRead, p.rowsWritten, p.bytesRead, p.importId);
  });
  return {
    // Kysely's one connection is held meanwhile, so no query of the app's runs inside this transaction.
    write: (rows, p) => deps.db.connection().execute(async () => batch.immediate(rows, p)),
  };
}

function kyselyStaging(deps: LicensingDeps): Staging {
  return {
    write: (rows, p) =>
      writeTransaction(deps.db, async (trx) => {
        // Well under SQLite's 32,766 parameters per statement.
        for (let from = 0; from < rows.length; from += 500) {
          await trx
            .insertInto('licence_accounts')
            .values(rows.slice(from, from + 500))
            .execute();
        }
        await trx
          .updateTable('licence_imports')
          .set({ rows: p.rowsRead, processed: p.rowsWritten, bytes_read: p.bytesRead })
          .where('id', '=', p.importId)
          .execute();
      }),
  };
}

/** PostgreSQL's text format: tab between fields, \N for null, backslash escapes. */
function copyField(value: Cell): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
    : value;
}

function copyStaging(deps: LicensingDeps, pool: import('pg').Pool): Staging {
  const statement = `copy licence_accounts (${COLUMNS.join(', ')}) from stdin`;
  return {
    async write(rows, p) {
      const client = await pool.connect();
      try {
        const stream = client.query(copyFrom(statement));
        const done = once(stream, 'finish');
        stream.end(rows.map((row) => `${valuesOf(row).map(copyField).join('\t')}\n`).join(''));
        await done;
      } finally {
        client.release();
      }
      await deps.db
        .updateTable('licence_imports')
        .set({ rows: p.rowsRead, processed: p.rowsWritten, bytes_read: p.bytesRead })
        .where('id', '=', p.importId)
        .execute();
    },
  };
}
