// Large imports are read and written by a worker thread on a connection of its own (issue 21,
// server/licensing/import-worker.ts): on SQLite taking turns with the main thread's writes (server/db/write-turns.ts),
// on PostgreSQL through COPY. IMPORT_THREAD_FROM_BYTES=0 sends every list there.
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { writeTurnsOf } from '../../server/db/write-turns.ts';
import { cancelImport, type ImportView } from '../../server/licensing/import.ts';
import { importSettled } from '../../server/licensing/import-run.ts';
import { spoolDirectory } from '../../server/licensing/import-spool.ts';
import { importCsv, putCsv, settledImport } from '../support/imports.ts';
import { call, createAccount, makeApp, sessionCookieFor, type TestContext, useBulkReads } from '../support/server.ts';
import { TEST_DIALECT } from '../support/test-database.ts';

/** `heard` is told each log line as it is written. */
async function workerApp(heard: (line: string) => void = () => {}) {
  const logged: string[] = [];
  const ctx = await makeApp({
    env: { IMPORT_THREAD_FROM_BYTES: '0', LOG_LEVEL: 'info' },
    log: (line) => {
      logged.push(line);
      heard(line);
    },
  });
  useBulkReads(ctx);
  const account = await createAccount(ctx, 'admin', 'root@mycompany.com');
  const cookie = await sessionCookieFor(ctx, account);
  const response = await call(ctx, 'POST', '/api/v1/environments', {
    cookie,
    json: { name: 'Partner portal', production: true, internalDomains: 'mycompany.com' },
  });
  const { environment } = (await response.json()) as { environment: { id: string } };
  return { ctx, account, cookie, envId: environment.id, logged };
}

/** The same, its workers beginning no transaction from the first log line `holds` says yes to until `resume()`. */
async function workerAppHeldAt(holds: (line: string) => boolean) {
  let resumeTurns: (() => void) | undefined;
  let turns: ReturnType<typeof writeTurnsOf> | undefined;
  const app = await workerApp((line) => {
    if (holds(line)) resumeTurns ??= turns?.pause();
  });
  turns = writeTurnsOf(app.ctx.database.sqlite as NonNullable<typeof app.ctx.database.sqlite>);
  return { ...app, held: () => resumeTurns !== undefined, resume: () => resumeTurns?.() };
}

const inWorker = (logged: string[]) => logged.filter((line) => line.includes('import read by a worker thread')).length;

async function listedCount(ctx: TestContext, cookie: string) {
  return (await (await call(ctx, 'GET', '/api/v1/licence/summary', { cookie })).json()) as {
    internal: { used: number };
    external: { used: number };
  };
}

/** An import of `count` usernames into LDAP, started (202): its id. */
async function startUsers(ctx: TestContext, cookie: string, envId: string, count: number): Promise<string> {
  const lines = ['username'];
  for (let i = 0; i < count; i++) lines.push(`user${i}`);
  const response = await putCsv(ctx, { cookie }, envId, 'LDAP', `${lines.join('\n')}\n`);
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

/**
 * The second import of the test (after ana's) ends cancelled, in the worker, having written at most `mostWritten` rows,
 * and ana alone still counts.
 */
async function expectCancelled(
  ctx: TestContext,
  cookie: string,
  id: string,
  logged: string[],
  mostWritten: number,
): Promise<void> {
  const cancelled = await settledImport(ctx, id, { cookie });
  expect(cancelled).toMatchObject({
    status: 'cancelled',
    problems: ['cancelled; nothing was imported and the previous users are still in force'],
  });
  expect(cancelled.rowsWritten).toBeLessThanOrEqual(mostWritten);
  expect(inWorker(logged)).toBe(2);
  expect(await listedCount(ctx, cookie)).toMatchObject({ external: { used: 1 } });
}

describe('imports read by a worker thread', () => {
  it('writes every row in batches, searchable, classified, counted and agreeing with a recount', async () => {
    const { ctx, cookie, envId, logged } = await workerApp();
    // 2,345 rows: two whole batches and a part one; every tenth row internal; Unicode and an IDN domain among them.
    const lines = ['username,email,active'];
    for (let i = 0; i < 2_345; i++) {
      const domain = i % 10 === 0 ? 'mycompany.com' : i === 7 ? 'bücher.example' : 'partner.example';
      lines.push(`${i === 3 ? '田中' : 'member'}${i},member.${i}@${domain},${i % 50 === 0 ? 'false' : 'true'}`);
    }
    const done = await importCsv(ctx, { cookie }, envId, 'LDAP', `${lines.join('\n')}\n`);
    expect(done).toMatchObject({ status: 'done', rowsRead: 2_345, rowsWritten: 2_345 });
    expect(inWorker(logged)).toBe(1);
    const stored = await ctx.deps.db
      .selectFrom('licence_accounts')
      .select(['username', 'email', 'classification', 'active'])
      .where('environment_id', '=', envId)
      .where('provider', '=', 'LDAP')
      .orderBy('id')
      .execute();
    expect(stored).toHaveLength(2_345);
    // On SQLite written sorted by email a window at a time (import-worker.ts), not in the list's order.
    if (TEST_DIALECT === 'sqlite') {
      const emails = stored.map((row) => row.email);
      expect(emails).toEqual([...emails].sort());
      expect(emails.slice(0, 3)).toEqual([
        'member.0@mycompany.com',
        'member.1000@mycompany.com',
        'member.1001@partner.example',
      ]);
    }
    expect(stored.find((row) => row.username === '田中3')).toMatchObject({ classification: 'external', active: 1 });
    expect(stored.find((row) => row.username === 'member7')?.email).toBe('member.7@bücher.example');
    expect(stored.filter((row) => row.classification === 'internal')).toHaveLength(235);
    expect(stored.filter((row) => row.active === 0)).toHaveLength(47);
    for (const n of ['0', '999', '1000', '2344']) {
      const html = await (await call(ctx, 'GET', `/portal/users?q=member.${n}@`, { cookie })).text();
      expect(
        [...html.matchAll(/data-email="([^"]*)"/g)].map((m) => m[1]),
        n,
      ).toEqual([`member.${n}@${Number(n) % 10 === 0 ? 'mycompany.com' : 'partner.example'}`]);
    }
    // Active rows only count: 235 internal of which 47 inactive (every 50th is a multiple of 10), 2,110 external; and
    // the admin signed in (Seatkeeper's own account, internal).
    expect(await listedCount(ctx, cookie)).toMatchObject({ internal: { used: 188 + 1 }, external: { used: 2_110 } });
    expect(await (await call(ctx, 'POST', '/api/v1/licence/recount', { cookie })).json()).toMatchObject({
      agrees: true,
    });
  });

  it('refuses a list with problems, naming each line, and leaves the previous rows in force', async () => {
    const { ctx, cookie, envId, logged } = await workerApp();
    await importCsv(ctx, { cookie }, envId, 'LDAP', 'username,email\nana,ana@gmail.com\n');
    // Past one sorting window of rows. PostgreSQL writes rows as they are read, so the refused list leaves rows written
    // to sweep; SQLite sorts a list that long in runs on disk and writes nothing before the whole list is read and
    // found right.
    const lines = ['provider,username,email'];
    for (let i = 0; i < 101_500; i++) {
      lines.push(`${i === 101_200 || i === 101_300 ? 'Okta' : 'LDAP'},u${i},u${i}@gmail.com`);
    }
    const refused = await importCsv(ctx, { cookie }, envId, 'LDAP', `${lines.join('\n')}\n`);
    expect(inWorker(logged)).toBe(2);
    expect(refused.status).toBe('failed');
    if (TEST_DIALECT === 'sqlite') expect(refused.rowsWritten).toBe(0);
    else expect(refused.rowsWritten).toBeGreaterThan(0);
    expect(refused.problems).toEqual([
      'line 101202: provider is "Okta" but this import replaces "LDAP"; fix the cell or leave it empty',
      'line 101302: provider is "Okta" but this import replaces "LDAP"; fix the cell or leave it empty',
    ]);
    // An undecodable byte: the reader's problem, with its line.
    const bytes = new TextEncoder().encode('username\nbo\nJ\u0000rgen\n');
    bytes[bytes.indexOf(0)] = 0xfc;
    const undecodable = await importCsv(ctx, { cookie }, envId, 'LDAP', bytes);
    expect(undecodable.status).toBe('failed');
    expect(undecodable.problems.join('\n')).toMatch(/line 3/);
    // The same list again replaces ana's row with its twin. The refused imports' rows and the replaced one are retired
    // and deleted in the background (on SQLite by a worker thread of their own too): only ana's new row is left.
    await importCsv(ctx, { cookie }, envId, 'LDAP', 'username,email\nana,ana@gmail.com\n');
    await ctx.licensing.licensing.swept();
    if (TEST_DIALECT === 'sqlite') {
      expect(logged.filter((line) => line.includes('replaced import rows deleted by a worker thread'))).not.toEqual([]);
    }
    expect(await ctx.deps.db.selectFrom('licence_retired_generations').selectAll().execute()).toEqual([]);
    const left = await ctx.deps.db
      .selectFrom('licence_accounts')
      .select('username')
      .where('environment_id', '=', envId)
      .where('source', '=', 'import')
      .execute();
    expect(left.map((row) => row.username)).toEqual(['ana']);
    expect(await listedCount(ctx, cookie)).toMatchObject({ external: { used: 1 } });
  });

  it.skipIf(TEST_DIALECT === 'postgres')(
    'writes a list longer than a sorting window in email order whatever its own order (SQLite), and leaves no runs behind',
    async () => {
      const { ctx, cookie, envId } = await workerApp();
      // 101,500 rows in a scrambled order (a multiplier coprime to the count): two runs on disk, merged.
      const count = 101_500;
      const lines = ['username,email'];
      for (let k = 0; k < count; k++) {
        const i = (k * 7_919) % count;
        lines.push(`u${i},U${i}@${i % 3 === 0 ? 'MyCompany.com' : 'gmail.com'}`);
      }
      const done = await importCsv(ctx, { cookie }, envId, 'LDAP', `${lines.join('\n')}\n`);
      expect(done).toMatchObject({ status: 'done', rowsWritten: count });
      const stored = await ctx.deps.db
        .selectFrom('licence_accounts')
        .select(['username', 'email_lc'])
        .where('source', '=', 'import')
        .orderBy('id')
        .execute();
      expect(stored).toHaveLength(count);
      expect(new Set(stored.map((row) => row.username)).size).toBe(count);
      // Written (so numbered) in the order of the email indexes.
      const emails = stored.map((row) => row.email_lc);
      expect(emails).toEqual([...emails].sort());
      expect(stored.find((row) => row.username === 'u99999')?.email_lc).toBe('u99999@mycompany.com');
      expect(readdirSync(spoolDirectory(ctx.deps.config.dataDir))).toEqual([]);
      expect(await listedCount(ctx, cookie)).toMatchObject({
        internal: { used: 33_834 + 1 },
        external: { used: 67_666 },
      });
    },
  );

  it.skipIf(TEST_DIALECT === 'postgres')(
    'waits for the main thread to give it a turn (SQLite), and stops at its next batch when cancelled',
    async () => {
      const { ctx, cookie, envId, account, logged } = await workerApp();
      await importCsv(ctx, { cookie }, envId, 'LDAP', 'username,email\nana,ana@gmail.com\n');
      const turns = writeTurnsOf(ctx.database.sqlite as NonNullable<typeof ctx.database.sqlite>);
      // The worker may begin no batch until this is undone; the main thread's own writes go on meanwhile.
      const resume = turns.pause();
      const id = await startUsers(ctx, cookie, envId, 3_000);
      await cancelImport(ctx.licensing, { account, ip: '127.0.0.1' }, id);
      resume();
      // The worker was waiting for its first turn: it wrote at most that batch, not the list's three.
      await expectCancelled(ctx, cookie, id, logged, 1_000);
    },
  );

  it.skipIf(TEST_DIALECT === 'postgres')(
    'counts the rows as they are written (SQLite), and gives the figures back when cancelled meanwhile',
    async () => {
      const COUNTING = 'import counted as its worker writes it';
      // The moment the figures begin taking the rows, the main thread holds the worker's writing: it finishes the
      // transaction under way and begins no other until resumed. The worker tells of its rows and goes on writing, so
      // it may have written whole batches (4,000 rows each) before the main thread handles its message: how many
      // depends on the machine's load (4,500 were seen in CI), so only "not imported" is asked of the cancel.
      const { ctx, cookie, envId, account, logged, held, resume } = await workerAppHeldAt(
        (line) => line.includes(COUNTING) && line.includes('"rows":12000'),
      );
      await importCsv(ctx, { cookie }, envId, 'LDAP', 'username,email\nana,ana@gmail.com\n');
      const id = await startUsers(ctx, cookie, envId, 12_000);
      while (!held()) await new Promise((done) => setImmediate(done));
      // Readers of the figures wait for the count (it may hold some of the new rows and none of the old ones gone).
      let figuresRead = false;
      const reading = ctx.licensing.licensing.current().then(() => {
        figuresRead = true;
      });
      for (let turn = 0; turn < 20; turn++) await new Promise((done) => setImmediate(done));
      expect(figuresRead).toBe(false);
      await cancelImport(ctx.licensing, { account, ip: '127.0.0.1' }, id);
      resume();
      await reading;
      await expectCancelled(ctx, cookie, id, logged, 12_000);
      expect(await (await call(ctx, 'POST', '/api/v1/licence/recount', { cookie })).json()).toMatchObject({
        agrees: true,
      });
      // The next import is counted as written, in full.
      const done = await importCsv(
        ctx,
        { cookie },
        envId,
        'LDAP',
        'username,email\nbo,bo@gmail.com\ncy,cy@gmail.com\n',
      );
      expect(done).toMatchObject({ status: 'done', rowsWritten: 2 });
      expect(logged.filter((line) => line.includes(COUNTING))).toHaveLength(3);
      expect(await listedCount(ctx, cookie)).toMatchObject({ external: { used: 2 } });
    },
  );

  it.skipIf(TEST_DIALECT === 'postgres')(
    "shows checking's progress as the rows go into the search index, counted or not (SQLite)",
    async () => {
      const INDEXING = "import's rows going into the search index";
      // Every row written and counted; the index's worker begins no transaction until resumed.
      const { ctx, cookie, envId, held, resume } = await workerAppHeldAt((line) => line.includes(INDEXING));
      const id = await startUsers(ctx, cookie, envId, 12_000);
      const view = async () =>
        (await (await call(ctx, 'GET', `/api/v1/imports/${id}`, { cookie })).json()) as ImportView;
      let seen = await view();
      while (seen.phase !== 'checking' || seen.phaseTotal === 0) {
        await new Promise((done) => setImmediate(done));
        seen = await view();
      }
      expect(held()).toBe(true);
      expect(seen).toMatchObject({ status: 'running', phase: 'checking', phaseDone: 0, phaseTotal: 12_000 });
      resume();
      expect(await settledImport(ctx, id, { cookie })).toMatchObject({
        status: 'done',
        rowsWritten: 12_000,
        phase: '',
      });
      expect(await (await call(ctx, 'POST', '/api/v1/licence/recount', { cookie })).json()).toMatchObject({
        agrees: true,
      });
    },
  );

  it.skipIf(TEST_DIALECT === 'sqlite')('stops at its next batch when cancelled (PostgreSQL)', async () => {
    const { ctx, cookie, envId, account, logged } = await workerApp();
    const first = await importCsv(ctx, { cookie }, envId, 'LDAP', 'username,email\nana,ana@gmail.com\n');
    // Its run ended (its lock on the provider let go) before the table is locked below.
    await importSettled(first.id);
    // A lock that COPY must wait for holds the worker's first batch until the import is cancelled.
    const blocker = new pg.Client({ connectionString: ctx.database.postgres?.url });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table licence_accounts in share mode');
      const id = await startUsers(ctx, cookie, envId, 25_000);
      // The worker's COPY waits for the lock: only then is the import cancelled and the lock let go.
      for (;;) {
        const waiting = await blocker.query(
          "select count(*)::int as n from pg_locks where relation = 'licence_accounts'::regclass and not granted",
        );
        if (waiting.rows[0].n > 0) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      await cancelImport(ctx.licensing, { account, ip: '127.0.0.1' }, id);
      await blocker.query('commit');
      // The first batch of 10,000 went in once the lock was let go; the next two were never written.
      await expectCancelled(ctx, cookie, id, logged, 10_000);
    } finally {
      await blocker.end();
    }
  });
});
