// Imports of user lists (issues 15 and 21): answered at once, rows out of sight until one short switch, cancel and
// limits that change nothing, the portal's preview and remembered column choices, encodings, and exports that import
// back to the same usernames.
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { cancelImport, readingProgress } from '../../server/licensing/import.ts';
import { importSettled } from '../../server/licensing/import-run.ts';
import { importCsv, importJson, putCsv, settledImport } from '../support/imports.ts';
import {
  call,
  createAccount,
  makeApp,
  PUBLIC_URL,
  sessionCookieFor,
  type TestContext,
  useBulkReads,
} from '../support/server.ts';

async function adminOf(ctx: TestContext) {
  const account = await createAccount(ctx, 'admin', `root-${Math.random().toString(36).slice(2, 8)}@mycompany.com`);
  return { account, cookie: await sessionCookieFor(ctx, account) };
}

async function environment(ctx: TestContext, cookie: string, name = 'Partner portal', domains = 'mycompany.com') {
  const created = await call(ctx, 'POST', '/api/v1/environments', {
    cookie,
    json: { name, production: true, internalDomains: domains },
  });
  return ((await created.json()) as { environment: { id: string } }).environment.id;
}

async function summary(ctx: TestContext, cookie: string) {
  const response = await call(ctx, 'GET', '/api/v1/licence/summary', { cookie });
  return (await response.json()) as { internal: { used: number }; external: { used: number } };
}

/** Usernames the users list shows for an environment (every page). */
async function listed(ctx: TestContext, cookie: string, envId: string): Promise<string[]> {
  const names: string[] = [];
  let path = `/portal/users?environment=${envId}&sort=username`;
  for (;;) {
    const html = await (await call(ctx, 'GET', path, { cookie })).text();
    for (const match of html.matchAll(/<tr data-username="([^"]*)"/g)) names.push(match[1] as string);
    const next = /href="([^"]+)" rel="next"/.exec(html)?.[1];
    if (!next) return names;
    path = next.replace(/&amp;/g, '&');
  }
}

async function upload(
  ctx: TestContext,
  envId: string,
  cookie: string,
  csv: string | Uint8Array<ArrayBuffer>,
  fields = {},
) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value as string);
  form.set('file', new File([csv], 'users.csv', { type: 'text/csv' }));
  const response = await ctx.app.request(`${PUBLIC_URL}/portal/environments/${envId}/import`, {
    method: 'POST',
    headers: { cookie, origin: PUBLIC_URL },
    body: form,
  });
  expect(response.status).toBe(303);
  const id = (response.headers.get('location') ?? '').split('/').pop() as string;
  await importSettled(id);
  return id;
}

const rowsOfGeneration = async (ctx: TestContext, generation: number) =>
  Number(
    (
      await ctx.deps.db
        .selectFrom('licence_accounts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('generation', '=', generation)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('imports of user lists', () => {
  it('estimates reading from the bytes read and the rows written, whether rows are written as read or after', () => {
    const at = (bytesRead: number, rows: number, processed: number) =>
      readingProgress({ bytes_read: bytesRead, bytes_total: 1_000, rows, processed })[0];
    expect(at(0, 0, 0)).toBe(0);
    // Written as read (PostgreSQL, short lists): the two move together.
    expect(at(500, 5_000, 5_000)).toBe(500);
    expect(at(1_000, 10_000, 10_000)).toBe(1_000);
    // A long list on SQLite: read whole into sorted runs first, then written, which takes most of the time.
    expect(at(1_000, 10_000, 0)).toBe(250);
    expect(at(1_000, 10_000, 5_000)).toBe(625);
    expect(at(400, 4_000, 0)).toBe(100);
  });

  it('answer 202 at once; rows stay out of sight until the switch, and the rows they replace are deleted', async () => {
    const ctx = await makeApp();
    const restore = useBulkReads(ctx);
    const { cookie } = await adminOf(ctx);
    const envId = await environment(ctx, cookie);
    // The admin is an own account, internal (the own environment lists no domains): counted in every figure.
    const base = (await summary(ctx, cookie)).internal.used;
    const first = await importJson(ctx, { cookie }, envId, 'LDAP', [
      { username: 'ana', email: 'ana@mycompany.com' },
      { username: 'bo', email: 'bo@gmail.com' },
    ]);
    expect(first).toMatchObject({ status: 'done', rowsRead: 2, rowsWritten: 2, providers: ['LDAP'] });
    expect(await summary(ctx, cookie)).toMatchObject({ internal: { used: base + 1 }, external: { used: 1 } });

    // A portal upload stops at its preview: its rows are written, yet nothing shows them.
    const csv = 'provider,username,email\nLDAP,bo,bo@gmail.com\nLDAP,cy,cy@gmail.com\nLDAP,dee,dee@gmail.com\n';
    const id = await upload(ctx, envId, cookie, csv);
    const waiting = await settledImport(ctx, id, { cookie });
    expect(waiting).toMatchObject({ status: 'preview', rowsWritten: 3 });
    const staged = (
      await ctx.deps.db
        .selectFrom('licence_imports')
        .select('generation')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).generation as number;
    expect(await rowsOfGeneration(ctx, staged)).toBe(3);
    expect(await listed(ctx, cookie, envId)).toEqual(['ana', 'bo']);
    const lookup = await call(ctx, 'POST', '/api/v1/lookup', {
      cookie,
      json: { environment: 'Partner portal', accounts: [{ username: 'dee' }] },
    });
    expect(((await lookup.json()) as { results: { matches: unknown[] }[] }).results[0]?.matches).toEqual([]);
    expect(await summary(ctx, cookie)).toMatchObject({ internal: { used: base + 1 }, external: { used: 1 } });
    const recount = await call(ctx, 'POST', '/api/v1/licence/recount', { cookie });
    expect(await recount.json()).toMatchObject({ agrees: true });
    // What it would change: bo kept, cy and dee added, ana removed.
    expect(waiting.preview?.providers).toEqual([
      expect.objectContaining({ provider: 'LDAP', rows: 3, kept: 1, added: 2, removed: 1 }),
    ]);
    expect(waiting.preview?.installation).toEqual({
      internal: { before: base + 1, after: base },
      external: { before: 1, after: 3 },
    });
    expect(waiting.preview?.environment).toEqual({
      internal: { before: 1, after: 0 },
      external: { before: 1, after: 3 },
    });

    const confirmed = await call(ctx, 'POST', `/api/v1/imports/${id}/confirmation`, { cookie });
    expect(confirmed.status).toBe(202);
    expect(confirmed.headers.get('location')).toBe(`/api/v1/imports/${id}`);
    expect(await settledImport(ctx, id, { cookie })).toMatchObject({ status: 'done', phase: '' });
    expect(await listed(ctx, cookie, envId)).toEqual(['bo', 'cy', 'dee']);
    expect(await summary(ctx, cookie)).toMatchObject({ internal: { used: base }, external: { used: 3 } });
    expect(await (await call(ctx, 'POST', '/api/v1/licence/recount', { cookie })).json()).toMatchObject({
      agrees: true,
    });
    // The first import's rows were replaced: deleted in the background, a batch at a time.
    await ctx.licensing.licensing.swept();
    const firstGeneration = (
      await ctx.deps.db
        .selectFrom('licence_imports')
        .select('generation')
        .where('id', '=', first.id)
        .executeTakeFirstOrThrow()
    ).generation as number;
    expect(await rowsOfGeneration(ctx, firstGeneration)).toBe(0);
    expect(await rowsOfGeneration(ctx, staged)).toBe(3);
    restore();
  });

  it('takes an import into the figures ahead of its switch, and gives them back when the switch fails', async () => {
    const ctx = await makeApp();
    useBulkReads(ctx);
    const { cookie } = await adminOf(ctx);
    const envId = await environment(ctx, cookie);
    await importJson(ctx, { cookie }, envId, 'LDAP', [
      { username: 'ana', email: 'ana@mycompany.com' },
      { username: 'bo', email: 'bo@gmail.com' },
    ]);
    const before = await summary(ctx, cookie);
    // Rows of a generation not switched to: a portal upload waiting at its preview.
    const csv = 'provider,username,email\nLDAP,bo,bo@gmail.com\nLDAP,cy,cy@gmail.com\nLDAP,dee,dee@mycompany.com\n';
    const id = await upload(ctx, envId, cookie, csv);
    expect(await settledImport(ctx, id, { cookie })).toMatchObject({ status: 'preview' });
    const { generation } = await ctx.deps.db
      .selectFrom('licence_imports')
      .select('generation')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const state = ctx.licensing.licensing;
    let counted: unknown;
    const failing = state.applyStaged(envId, generation as number, ['LDAP'], async () => {
      // Counted by now, not yet committed: what the switch would make of the figures.
      const { internal, external } = state.live.totals();
      counted = { internal, external };
      throw new Error('the switch was refused');
    });
    await expect(failing).rejects.toThrow('the switch was refused');
    // ana (internal) and bo replaced by bo, cy and dee (internal).
    expect(counted).toEqual({ internal: before.internal.used, external: before.external.used + 1 });
    expect(await summary(ctx, cookie)).toEqual(before);
    const recount = await call(ctx, 'POST', '/api/v1/licence/recount', { cookie });
    expect(await recount.json()).toMatchObject({ agrees: true });
  });

  it('writes every row of a large list, in statements of many rows and the rest one by one, each one searchable', async () => {
    const ctx = await makeApp();
    const restore = useBulkReads(ctx);
    const { cookie } = await adminOf(ctx);
    const envId = await environment(ctx, cookie);
    // 1,234 rows: a first batch of a thousand (whole statements of many rows), then 234 written one by one on SQLite;
    // on PostgreSQL one COPY sent in two pieces, a backslash (escaped in COPY's text) in the second.
    const users = Array.from({ length: 1_234 }, (_, i) => ({
      username: `member${String(i).padStart(4, '0')}${i === 1_100 ? '\\back' : ''}`,
      email: `member.${String(i).padStart(4, '0')}@mycompany.com`,
    }));
    const done = await importJson(ctx, { cookie }, envId, 'LDAP', users);
    expect(done).toMatchObject({ status: 'done', rowsRead: 1_234, rowsWritten: 1_234 });
    const stored = await ctx.deps.db
      .selectFrom('licence_accounts')
      .select('username')
      .where('environment_id', '=', envId)
      .where('provider', '=', 'LDAP')
      .execute();
    expect(stored.map((row) => row.username).sort()).toEqual(users.map((user) => user.username).sort());
    expect(stored.map((row) => row.username)).toContain('member1100\\back');
    // The search index took each of them: the first and last row of a statement, and rows written one by one.
    for (const n of ['0000', '0249', '0250', '0999', '1000', '1233']) {
      const html = await (await call(ctx, 'GET', `/portal/users?q=member.${n}@`, { cookie })).text();
      expect(
        [...html.matchAll(/data-email="([^"]*)"/g)].map((m) => m[1]),
        n,
      ).toEqual([`member.${n}@mycompany.com`]);
    }
    expect(await (await call(ctx, 'POST', '/api/v1/licence/recount', { cookie })).json()).toMatchObject({
      agrees: true,
    });
    restore();
  });

  it('cancel leaves the previous users in force, whether asked while reading or at the preview', async () => {
    const ctx = await makeApp();
    const { cookie, account } = await adminOf(ctx);
    const envId = await environment(ctx, cookie);
    await importJson(ctx, { cookie }, envId, 'LDAP', [{ username: 'ana', email: 'ana@gmail.com' }]);

    // Asked before its first batch is written: it stops there.
    const response = await putCsv(ctx, { cookie }, envId, 'LDAP', 'username,email\nzed,zed@gmail.com\n');
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    await cancelImport(ctx.licensing, { account, ip: '127.0.0.1' }, id);
    expect(await settledImport(ctx, id, { cookie })).toMatchObject({
      status: 'cancelled',
      problems: ['cancelled; nothing was imported and the previous users are still in force'],
    });

    const previewed = await upload(ctx, envId, cookie, 'provider,username\nLDAP,yan\n');
    const cancelled = await call(ctx, 'POST', `/api/v1/imports/${previewed}/cancellation`, { cookie });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: 'cancelled' });
    const again = await call(ctx, 'POST', `/api/v1/imports/${previewed}/confirmation`, { cookie });
    expect(again.status).toBe(409);
    expect(await listed(ctx, cookie, envId)).toEqual(['ana']);
    expect(await summary(ctx, cookie)).toMatchObject({ external: { used: 1 } });
    // Too late once switched: 409, saying how to go back.
    const done = await importJson(ctx, { cookie }, envId, 'LDAP', [{ username: 'bo' }]);
    const late = await call(ctx, 'POST', `/api/v1/imports/${done.id}/cancellation`, { cookie });
    expect(late.status).toBe(409);
    expect(JSON.stringify(await late.json())).toContain('import the previous list again');
  });

  it('refuses lists past IMPORT_MAX_BYTES or IMPORT_MAX_ROWS with 413 naming the limit, and records nothing', async () => {
    const ctx = await makeApp({ env: { IMPORT_MAX_BYTES: '2048', IMPORT_MAX_ROWS: '5' } });
    const { cookie } = await adminOf(ctx);
    const envId = await environment(ctx, cookie);
    const big = `username\n${'x'.repeat(100)}\n`.repeat(30);
    const bytes = await putCsv(ctx, { cookie }, envId, 'LDAP', big);
    expect(bytes.status).toBe(413);
    expect(((await bytes.json()) as { error: { message: string } }).error.message).toContain(
      'at most 2 KiB (IMPORT_MAX_BYTES)',
    );
    // Without a Content-Length (chunked), counted as it arrives.
    const encoder = new TextEncoder();
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let k = 0; k < 30; k++) controller.enqueue(encoder.encode(`${'y'.repeat(100)}\n`));
        controller.close();
      },
    });
    const streamed = await putCsv(ctx, { cookie }, envId, 'LDAP', chunked);
    expect(streamed.status).toBe(413);
    const rows = await putCsv(ctx, { cookie }, envId, 'LDAP', 'username\na\nb\n"c\nstill c"\nd\ne\nf\n');
    expect(rows.status).toBe(413);
    expect(((await rows.json()) as { error: { message: string } }).error.message).toContain(
      'at most 5 (IMPORT_MAX_ROWS)',
    );
    // Five rows (one spanning two lines inside quotes) pass.
    expect(await importCsv(ctx, { cookie }, envId, 'LDAP', 'username\na\nb\n"c\nstill c"\nd\ne\n')).toMatchObject({
      status: 'done',
      rowsWritten: 5,
    });
    const recorded = await ctx.deps.db.selectFrom('licence_imports').select('status').execute();
    expect(recorded.map((r) => r.status)).toEqual(['done']);
  });

  it('reads Shift_JIS when told, and names the line of an undecodable byte when not', async () => {
    const ctx = await makeApp();
    const { cookie } = await adminOf(ctx);
    const envId = await environment(ctx, cookie);
    // 田中 and テスト in Shift_JIS, as Excel in Japan saves them.
    const sjis = new Uint8Array([
      ...new TextEncoder().encode('username,email\n'),
      0x93,
      0x63,
      0x92,
      0x86,
      ...new TextEncoder().encode(',tanaka@gmail.com\n'),
      0x83,
      0x65,
      0x83,
      0x58,
      0x83,
      0x67,
      ...new TextEncoder().encode(',test@gmail.com\n'),
    ]);
    expect(new TextDecoder('shift_jis').decode(sjis)).toContain('田中');
    const wrong = await importCsv(ctx, { cookie }, envId, 'HR', sjis);
    expect(wrong.status).toBe('failed');
    expect(wrong.problems[0]).toMatch(/^line 2: /);
    const right = await importCsv(ctx, { cookie }, envId, 'HR', sjis, { encoding: 'shift_jis' });
    expect(right).toMatchObject({ status: 'done', rowsWritten: 2, encoding: 'shift_jis' });
    expect(await listed(ctx, cookie, envId)).toEqual(['テスト', '田中'].sort());
  });

  it('reads an export back to the same usernames: byte-order mark, formula guard after any separator', async () => {
    const ctx = await makeApp();
    const { cookie } = await adminOf(ctx);
    const envId = await environment(ctx, cookie);
    const usernames = ['=1+1', 'Jo;=1+1;', '@sum', '-2', 'plain', "'quoted", 'a,b', 'line\nbreak', '+x;-y'];
    await importJson(
      ctx,
      { cookie },
      envId,
      'LDAP',
      usernames.map((username, k) => ({ username, email: `u${k}@gmail.com` })),
    );
    const exported = await call(ctx, 'GET', `/portal/users.csv?environment=${envId}`, { cookie });
    const bytes = new Uint8Array(await exported.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    // An independent CSV parser sees every cell that could start a formula guarded by an apostrophe.
    const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
    const cells = parsed.data.map((row) => row.username as string);
    expect(cells).toContain("'=1+1");
    expect(cells).toContain("Jo;'=1+1;");
    expect(cells).toContain("'+x;'-y");
    for (const cell of cells) for (const part of cell.split(/[,;\t\r\n]/)) expect(part).not.toMatch(/^[=+\-@]/);

    // Imported back (the portal: every provider in the file is replaced), the usernames are the same.
    const id = await upload(ctx, envId, cookie, bytes);
    const view = await settledImport(ctx, id, { cookie });
    expect(view.preview?.platform).toBe("Seatkeeper's own columns");
    expect(view.preview?.providers).toEqual([expect.objectContaining({ provider: 'LDAP', kept: 9, added: 0 })]);
    await call(ctx, 'POST', `/api/v1/imports/${id}/confirmation`, { cookie });
    await settledImport(ctx, id, { cookie });
    const stored = await ctx.deps.db
      .selectFrom('licence_accounts')
      .select('username')
      .where('generation', '=', (await generationOf(ctx, id)) as number)
      .execute();
    expect(stored.map((r) => r.username).sort()).toEqual([...usernames].sort());
  });

  it('reads a column as an admin chose, remembers the choice for the provider, and uses it next time', async () => {
    const ctx = await makeApp();
    const { cookie } = await adminOf(ctx);
    const envId = await environment(ctx, cookie);
    // An Okta export whose login column was renamed by whoever made the file.
    const csv = 'Login ID,email,status\nann.lee,ann@mycompany.com,ACTIVE\nbob.k,bob@gmail.com,SUSPENDED\n';
    const first = await upload(ctx, envId, cookie, csv, { provider: 'Okta' });
    const before = await settledImport(ctx, first, { cookie });
    expect(before.preview?.columns.find((c) => c.header === 'Login ID')).toMatchObject({ status: 'unrecognised' });
    const page = await (await call(ctx, 'GET', `/portal/imports/${first}`, { cookie })).text();
    expect(page).toContain('name="column-1"');
    const reread = await call(ctx, 'POST', `/portal/imports/${first}/columns`, {
      cookie,
      form: {
        'header-1': 'Login ID',
        'column-1': 'username',
        'header-2': 'email',
        'column-2': 'email',
        'header-3': 'status',
        'column-3': 'active',
      },
    });
    expect(reread.status).toBe(303);
    const second = (reread.headers.get('location') ?? '').split('/').pop() as string;
    await importSettled(second);
    const after = await settledImport(ctx, second, { cookie });
    expect(after.preview?.columns.find((c) => c.header === 'Login ID')).toMatchObject({
      readAs: 'username',
      chosen: true,
    });
    // status keeps Okta's vocabulary: SUSPENDED is not counted.
    expect(after.preview?.environment).toEqual({
      internal: { before: 0, after: 1 },
      external: { before: 0, after: 0 },
    });
    expect((await settledImport(ctx, first, { cookie })).status).toBe('cancelled');
    await call(ctx, 'POST', `/api/v1/imports/${second}/confirmation`, { cookie });
    await settledImport(ctx, second, { cookie });
    expect(await listed(ctx, cookie, envId)).toEqual(['ann.lee', 'bob.k']);

    // The next file of that provider is read with the remembered choice.
    const next = await upload(ctx, envId, cookie, 'Login ID,email,status\ncy,cy@mycompany.com,ACTIVE\n', {
      provider: 'Okta',
    });
    const remembered = await settledImport(ctx, next, { cookie });
    expect(remembered.columns).toMatchObject({ 'Login ID': 'username' });
    expect(remembered.preview?.providers).toEqual([
      expect.objectContaining({ provider: 'Okta', added: 1, removed: 2 }),
    ]);
  });
});

async function generationOf(ctx: TestContext, id: string) {
  return (
    await ctx.deps.db.selectFrom('licence_imports').select('generation').where('id', '=', id).executeTakeFirstOrThrow()
  ).generation;
}
