// Every account as the engine sees it is read from PostgreSQL through COPY ... TO STDOUT (postgres-records.ts), whose
// text format escapes what it must and writes NULL as \N. The values must come back exactly as pg's own reading of the
// same query gives them, whatever they hold; and a reader that gives up half-way must leave its connection usable.
import { sql } from 'kysely';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { eachPostgresRecord, pooledPostgresRecords } from '../../server/licensing/postgres-records.ts';
import {
  IMPORTED_ROWS_SQL,
  type ImportedRow,
  importedRecord,
  importRef,
  OWN_ROWS_SQL,
  type OwnRow,
  ownRecord,
} from '../../server/licensing/records.ts';
import { adminWithDirectory, importJson } from '../support/imports.ts';
import { makeApp } from '../support/server.ts';

// Values COPY's text format escapes (backslash, tab, newline, carriage return and the other controls), a value that
// reads like its NULL marker, characters beyond ASCII and an empty one.
const ODD = [
  'back\\slash',
  'tab\there',
  'two\nlines',
  'cr\rlf',
  'bell\u0007 vt\u000b ff\u000c bs\u0008',
  '\\N',
  '\\',
  '山田 太郎',
  'emoji 🎓',
  '',
];

describe('reading every account from PostgreSQL', () => {
  it('gives back every value as pg reads it, escapes and NULL markers included, batch after batch', async () => {
    const ctx = await makeApp({ dialect: 'postgres' });
    const { cookie, envId } = await adminWithDirectory(ctx);
    // More rows than two batches of the reader (10,000), so batches join where the stream's chunks end.
    const users = Array.from({ length: 25_000 }, (_, i) => ({
      username: `user${i}`,
      email: `user.${i}@mycompany.com`,
    }));
    expect(await importJson(ctx, { cookie }, envId, 'LDAP', users)).toMatchObject({ status: 'done' });
    // Values no import would write (controls), put straight into the table in the provider's generation.
    const { generation } = await ctx.deps.db
      .selectFrom('licence_providers')
      .select('generation')
      .where('environment_id', '=', envId)
      .where('name', '=', 'LDAP')
      .executeTakeFirstOrThrow();
    for (const [k, value] of ODD.entries()) {
      await sql`insert into licence_accounts (source, environment_id, provider, tenant, username, email, name,
          username_lc, email_lc, name_lc, active, it_user, staff, classification, created_at, generation)
        values ('import', ${envId}, 'LDAP', ${value}, ${value}, ${`odd${k}@mycompany.com`}, '', ${value.toLowerCase()},
          ${`odd${k}@mycompany.com`}, '', ${k % 2}, ${k % 3 === 0 ? 1 : 0}, 0, 'internal', '2026-12-04T00:00:00Z',
          ${generation})`.execute(ctx.deps.db);
    }
    const pool = ctx.database.postgres?.pool as pg.Pool;
    const names = new Map([
      ['own', 'Seatkeeper'],
      [envId, 'Directory'],
    ]);

    // pg's own reading of the same queries, row by row.
    const own = await pool.query<OwnRow>({ text: OWN_ROWS_SQL, rowMode: 'array' });
    const imported = await pool.query<ImportedRow>({ text: IMPORTED_ROWS_SQL, rowMode: 'array' });
    const expected = [
      ...own.rows.map(([id, email, role, active]) =>
        ownRecord('Seatkeeper', { id, email, role: role as 'admin', active }),
      ),
      ...imported.rows.map((row) => importedRecord(row, names, importRef)),
    ];
    const read = await pooledPostgresRecords(pool, 'Seatkeeper', names, importRef);
    expect(read.length).toBe(25_000 + ODD.length + 1);
    const byRef = (records: typeof read) => [...records].sort((a, b) => String(a.ref).localeCompare(String(b.ref)));
    expect(byRef(read)).toEqual(byRef(expected));
    for (const value of ODD) expect(read.some((r) => r.username === value && r.tenant === value)).toBe(true);
    expect(read.find((r) => r.username === '\\N')?.tenant).toBe('\\N');
  });

  it('leaves its connection ready for the next query when the caller fails half-way', async () => {
    const ctx = await makeApp({ dialect: 'postgres' });
    const { cookie, envId } = await adminWithDirectory(ctx);
    const users = Array.from({ length: 30_000 }, (_, i) => ({ username: `u${i}`, email: `u.${i}@example.org` }));
    expect(await importJson(ctx, { cookie }, envId, 'LDAP', users)).toMatchObject({ status: 'done' });
    const pool = ctx.database.postgres?.pool as pg.Pool;
    const client = await pool.connect();
    try {
      let batches = 0;
      const failing = eachPostgresRecord(client, 'Seatkeeper', new Map([[envId, 'Directory']]), importRef, async () => {
        batches++;
        if (batches === 2) throw new Error('the caller gave up');
      });
      await expect(failing).rejects.toThrow('the caller gave up');
      // Nothing more was handed over after the failure, and the connection answers, outside any transaction.
      expect(batches).toBe(2);
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      expect((await client.query('show transaction_isolation')).rows[0]).toBeDefined();
      expect((await client.query("select current_setting('transaction_read_only') as ro")).rows[0]).toEqual({
        ro: 'off',
      });
    } finally {
      client.release();
    }
  });
});
