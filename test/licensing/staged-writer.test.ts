// An import's rows as SQLite's batch writer writes them (server/licensing/import-staging.ts), with the cells every row
// holds alike bound once per statement (`shared`): the same rows as with every cell bound per row, through each of
// its statements (500 rows, 50 rows, one row), and a row that does not hold the shared value refused with nothing of
// its transaction written.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database as SQLiteDatabase } from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.ts';
import {
  type SharedCells,
  type StagedRow,
  sqliteBatchWriter,
  stagedRow,
} from '../../server/licensing/import-staging.ts';
import { DIRECTORY_FIELDS } from '../../server/licensing/records.ts';
import { migrations } from '../../server/migrations.ts';
import { compileRules } from '../../shared/licensing/classify.ts';
import { addEnvironment } from '../support/staged-accounts.ts';

const dirs: string[] = [];
const closing: (() => unknown)[] = [];
afterAll(async () => {
  for (const close of closing) await close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function database(): Promise<SQLiteDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'seatkeeper-staged-writer-'));
  dirs.push(dir);
  const opened = await openDatabase({ dataDir: dir }, { migrations });
  closing.push(() => opened.close());
  const sqlite = opened.sqlite as SQLiteDatabase;
  addEnvironment(sqlite);
  sqlite
    .prepare(
      `insert into licence_imports (id, environment_id, provider, status, started_at)
       values ('i1', 'e1', 'LDAP', 'running', '2026-12-05')`,
    )
    .run();
  return sqlite;
}

const rules = compileRules('Partners', ['acme.com']);
const CREATED = '2026-12-05T08:00:00Z';

/** Rows that differ in every cell an import's rows may differ in: provider, tenant, flags, domains, classification. */
function rows(count: number): StagedRow[] {
  return Array.from({ length: count }, (_, i) =>
    stagedRow(
      'e1',
      rules,
      {
        provider: i % 2 === 0 ? 'LDAP' : 'AD',
        tenant: i % 7 === 0 ? 'North' : '',
        username: i % 11 === 0 ? `Name.${i}@Acme.com` : `user${i}`,
        email: i % 13 === 0 ? '' : `person.${i}@${i % 3 === 0 ? 'acme.com' : 'Partner.example'}`,
        name: '',
        active: i % 5 !== 0,
        itUser: i % 17 === 0,
        staff: i % 19 === 0,
        role: null,
        lastSignInAt: null,
        createdAt: CREATED,
      },
      4,
    ),
  );
}

const SHARED: SharedCells = {
  environment_id: 'e1',
  name: '',
  name_lc: '',
  role: null,
  last_sign_in_at: null,
  created_at: CREATED,
  source: 'import',
  generation: 4,
};

const progress = (n: number) => ({ importId: 'i1', rowsRead: n, rowsWritten: n, bytesRead: 0 });

/** Every column of the written rows but their ids, in the order written. */
const written = (sqlite: SQLiteDatabase): Record<string, unknown>[] =>
  sqlite
    .prepare('select * from licence_accounts order by id')
    .all()
    .map((row) => ({ ...(row as Record<string, unknown>), id: undefined }));

describe("an import's rows written with the cells they share bound once a statement", () => {
  it('writes the same rows as binding every cell, through statements of 500, of 50 and of one row', async () => {
    // 1,234 rows: two statements of 500, four of 50, 34 of one.
    const all = rows(1_234);
    const plain = await database();
    const withShared = await database();
    expect(sqliteBatchWriter(plain, 500)(all.length, (a, b) => all.slice(a, b), progress)).toBe(1_234);
    expect(sqliteBatchWriter(withShared, 500, SHARED)(all.length, (a, b) => all.slice(a, b), progress)).toBe(1_234);
    const expected = written(plain);
    expect(expected).toHaveLength(1_234);
    expect(new Set(expected.map((row) => row.provider))).toEqual(new Set(['LDAP', 'AD']));
    expect(written(withShared)).toEqual(expected);
  });

  it('refuses a row that does not hold a shared value, and writes nothing of its transaction', async () => {
    const sqlite = await database();
    const all = rows(700);
    // The last row (a statement of one) has another creation time than the one shared.
    (all[699] as StagedRow)[DIRECTORY_FIELDS.indexOf('created_at')] = '2026-12-06T00:00:00Z';
    expect(() => sqliteBatchWriter(sqlite, 500, SHARED)(all.length, (a, b) => all.slice(a, b), progress)).toThrow(
      "a row's created_at differs from the value its statement shares",
    );
    expect(written(sqlite)).toEqual([]);
    expect(sqlite.prepare("select processed from licence_imports where id = 'i1'").pluck().get()).toBe(0);
  });
});
