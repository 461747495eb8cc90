import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { main } from '../../server/cli/main.ts';
import type { Db } from '../../server/db/database.ts';
import { answerAll, examWorld, startAttempt, submit } from '../support/exams.ts';
import { runCommand } from '../support/run-command.ts';
import {
  anotherInstance,
  call,
  createAccount,
  makeApp,
  STRONG_PASSWORD,
  sessionCookieFor,
  signInCookie,
  type TestContext,
  tempDir,
} from '../support/server.ts';
import { freshPostgresDatabase } from '../support/test-database.ts';

const seatkeeper = (args: string[], env: NodeJS.ProcessEnv) => runCommand(main, args, { env });

/** Every row of every table, in a stable order, as plain values. */
async function contents(db: Db, tables: string[]) {
  const all: Record<string, unknown[]> = {};
  for (const table of tables) {
    const rows = (await db
      .selectFrom(table as 'accounts')
      .selectAll()
      .execute()) as Record<string, unknown>[];
    all[table] = rows.map((row) => JSON.stringify(row, Object.keys(row).sort())).sort();
  }
  return all;
}

/** A SQLite installation with something in every corner: accounts, sign-ins, exams, a certificate, imports, mail. */
async function populatedSqlite(): Promise<{ ctx: TestContext; certificateId: string; cookie: string }> {
  const ctx = await makeApp({ dialect: 'sqlite' });
  const admin = await createAccount(ctx, 'admin', 'root@mycompany.com');
  const cookie = await sessionCookieFor(ctx, admin);
  await call(ctx, 'PUT', '/api/v1/licence', { cookie, json: { type: 'subscription', startsOn: '2026-01-01' } });
  await call(ctx, 'PATCH', '/api/v1/environments/own', { cookie, json: { internalDomains: 'mycompany.com' } });
  const env = await call(ctx, 'POST', '/api/v1/environments', {
    cookie,
    json: { name: 'Partner portal', production: true, internalDomains: 'partner.org' },
  });
  const { environment } = (await env.json()) as { environment: { id: string } };
  await call(ctx, 'PUT', `/api/v1/environments/${environment.id}/users`, {
    cookie,
    json: {
      provider: 'LDAP',
      users: Array.from({ length: 250 }, (_, i) => ({ username: `u${i}`, email: `u${i}@partner.org` })),
    },
  });
  const world = await examWorld(ctx);
  const attempt = await startAttempt(ctx, world);
  await answerAll(ctx, world.cookie, attempt);
  const done = await submit(ctx, world.cookie, attempt.id);
  // The credential creates the signing key (kept in DATA_DIR on SQLite).
  await call(ctx, 'GET', `/api/v1/certificates/${done.certificateId}/credential`, { cookie: world.cookie });
  expect((await signInCookie(ctx, admin.email)).status).toBe(200);
  await call(ctx, 'POST', '/api/v1/registrations', {
    json: { name: 'Someone', email: 'someone@example.org', password: STRONG_PASSWORD },
  });
  await ctx.licensing.licensing.current();
  return { ctx, certificateId: done.certificateId as string, cookie };
}

const TABLES = [
  'accounts',
  'sessions',
  'one_time_tokens',
  'access_tokens',
  'sign_in_events',
  'audit_events',
  'outbox',
  'rate_limits',
  'licence_environments',
  'licence_providers',
  'licence_accounts',
  'licence_imports',
  'licence_settings',
  'licence_history',
  'licence_notifications',
  'licence_job_runs',
  'exams',
  'exam_questions',
  'exam_attempts',
  'attempt_answers',
  'exam_accommodations',
  'certificates',
];

describe('seatkeeper db copy', () => {
  it('copies a SQLite installation into PostgreSQL, which then serves as it did', async () => {
    const { ctx, certificateId, cookie } = await populatedSqlite();
    const target = await freshPostgresDatabase();
    const copied = await seatkeeper(['db', 'copy', '--to', target.url], { DATA_DIR: ctx.dataDir });
    try {
      expect(copied.code, copied.err).toBe(0);
      expect(copied.out).toMatch(/row counts verified/);
      // 250 imported accounts and the directory rows of the 4 own ones.
      expect(copied.out).toMatch(/licence_accounts\s+254\n/);
      expect(copied.err).toContain('copying licence_accounts (254 rows)');
      expect(copied.out).toContain('and the credential signing key');

      const moved = await anotherInstance(ctx, { databaseUrl: target.url, dataDir: await tempDir() });
      expect(await contents(moved.deps.db, TABLES)).toEqual(await contents(ctx.deps.db, TABLES));

      // The same server, now on PostgreSQL: figures, sign-in, the certificate's signature, new rows.
      const summary = async (c: TestContext) => (await call(c, 'GET', '/api/v1/licence/summary', { cookie })).json();
      expect(await summary(moved)).toEqual(await summary(ctx));
      expect((await signInCookie(moved, 'root@mycompany.com')).status).toBe(200);
      const jwks = await (await call(ctx, 'GET', '/.well-known/jwks.json')).json();
      expect(await (await call(moved, 'GET', '/.well-known/jwks.json')).json()).toEqual(jwks);
      const world = await moved.deps.db.selectFrom('certificates').select('account_id').executeTakeFirstOrThrow();
      const holder = await moved.deps.db
        .selectFrom('accounts')
        .selectAll()
        .where('id', '=', world.account_id)
        .executeTakeFirstOrThrow();
      const credential = await call(moved, 'GET', `/api/v1/certificates/${certificateId}/credential`, {
        cookie: await sessionCookieFor(moved, holder),
      });
      const keySet = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
      await expect(jwtVerify(await credential.text(), keySet, { currentDate: ctx.now() })).resolves.toBeTruthy();
      const registered = await call(moved, 'POST', '/api/v1/registrations', {
        json: { name: 'New', email: 'new@example.org', password: STRONG_PASSWORD },
      });
      expect(registered.status).toBe(202);
    } finally {
      await target.remove();
    }
  });

  it('refuses a target that holds data unless told to replace it, and leaves it untouched when a row does not fit', async () => {
    const { ctx } = await populatedSqlite();
    const target = await freshPostgresDatabase();
    const env = { DATA_DIR: ctx.dataDir };
    try {
      expect((await seatkeeper(['db', 'copy', '--to', target.url], env)).code).toBe(0);
      const again = await seatkeeper(['db', 'copy', '--to', target.url], env);
      expect(again.code).toBe(2);
      expect(again.err).toMatch(/already holds data \(accounts: \d+ rows.*add --replace/);
      await ctx.deps.db
        .insertInto('outbox')
        .values({ created_at: 'x', to_address: 'a@b.c', subject: 'late', body: '' })
        .execute();
      expect((await seatkeeper(['db', 'copy', '--to', target.url, '--replace'], env)).code).toBe(0);

      // PostgreSQL enforces varchar(200) where SQLite does not: the copy fails as a whole.
      await ctx.deps.db
        .updateTable('accounts')
        .set({ name: 'x'.repeat(300) })
        .where('role', '=', 'admin')
        .execute();
      const failed = await seatkeeper(['db', 'copy', '--to', target.url, '--replace'], env);
      expect(failed.code).toBe(1);
      expect(failed.err).toMatch(/the copy failed and the target is unchanged: .*too long/);
      const moved = await anotherInstance(ctx, { databaseUrl: target.url, dataDir: await tempDir() });
      const admin = await moved.deps.db
        .selectFrom('accounts')
        .select('name')
        .where('role', '=', 'admin')
        .executeTakeFirstOrThrow();
      expect(admin.name).toBe('Test admin');
      expect(
        await moved.deps.db.selectFrom('outbox').select('subject').where('subject', '=', 'late').execute(),
      ).toHaveLength(1);
    } finally {
      await target.remove();
    }
  });

  it.each([
    [['db', 'copy'], 'name the target: set DATABASE_URL (keeps the password out of the process list) or give --to'],
    [['db', 'copy', '--to', 'mysql://db.example/x'], '--to: must be a PostgreSQL URL'],
    [['db', 'copy', '--to', 'postgres://db.example/x', '--force'], "Unknown option '--force'"],
    [['db', 'move'], 'unknown db command "move"'],
  ])('refuses %j with a message and exit code 2', async (args, message) => {
    const result = await seatkeeper(args, { DATA_DIR: await tempDir() });
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.out).toBe('');
  });

  it('takes the target from DATABASE_URL when --to is not given, so its password is not in the process list', async () => {
    const { ctx } = await populatedSqlite();
    const target = await freshPostgresDatabase();
    try {
      const copied = await seatkeeper(['db', 'copy'], { DATA_DIR: ctx.dataDir, DATABASE_URL: target.url });
      expect(copied.code, copied.err).toBe(0);
      expect(copied.out).toMatch(/row counts verified/);
      const moved = await anotherInstance(ctx, { databaseUrl: target.url, dataDir: await tempDir() });
      expect(await contents(moved.deps.db, TABLES)).toEqual(await contents(ctx.deps.db, TABLES));
      const bad = await seatkeeper(['db', 'copy'], { DATA_DIR: ctx.dataDir, DATABASE_URL: 'mysql://db.example/x' });
      expect(bad).toMatchObject({ code: 2, out: '' });
      expect(bad.err).toContain('DATABASE_URL: must be a PostgreSQL URL');
    } finally {
      await target.remove();
    }
  });

  it('says where it looked when DATA_DIR holds no database', async () => {
    const dir = await tempDir();
    const result = await seatkeeper(['db', 'copy', '--to', 'postgres://db.example/x'], { DATA_DIR: dir });
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toContain(`no SQLite database at ${dir}/seatkeeper.sqlite`);
  });
});
