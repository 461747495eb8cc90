// Imported accounts written straight into SQLite as an import's worker writes them (server/licensing/import-staging.ts),
// for tests of what reads or indexes them, and the environment they belong to.
import type { Database as SQLiteDatabase } from 'better-sqlite3';
import { type StagedRow, sqliteBatchWriter, stagedRow } from '../../server/licensing/import-staging.ts';
import type { DirectoryFields } from '../../server/licensing/records.ts';
import type { CompiledRules } from '../../shared/licensing/classify.ts';

/**
 * `count` accounts of `generation` in environment `env`, in one transaction of 500-row statements: each the plain
 * account of an import (LDAP, active, no name, role or sign-in) with what `fields(i)` gives it of its own.
 */
export function writeStagedAccounts(
  sqlite: SQLiteDatabase,
  env: string,
  rules: CompiledRules,
  generation: number,
  count: number,
  fields: (i: number) => Partial<DirectoryFields> & Pick<DirectoryFields, 'username' | 'email'>,
): void {
  const rows: StagedRow[] = [];
  for (let i = 0; i < count; i++) {
    const plain: Omit<DirectoryFields, 'username' | 'email'> = {
      provider: 'LDAP',
      tenant: '',
      name: '',
      active: true,
      itUser: false,
      staff: false,
      role: null,
      lastSignInAt: null,
      createdAt: '2026-12-05T00:00:00Z',
    };
    rows.push(stagedRow(env, rules, { ...plain, ...fields(i) }, generation));
  }
  sqliteBatchWriter(sqlite, 500)(
    rows.length,
    (from, to) => rows.slice(from, to),
    (n) => ({ importId: 'none', rowsRead: n, rowsWritten: n, bytesRead: 0 }),
  );
}

/** A production environment `id` named `name`, internal domain acme.com, for staged accounts to belong to. */
export function addEnvironment(sqlite: SQLiteDatabase, id = 'e1', name = 'Partners'): void {
  sqlite
    .prepare(
      `insert into licence_environments (id, name, production, internal_domains, created_at)
       values (?, ?, 1, 'acme.com', '2026-12-05')`,
    )
    .run(id, name);
}
