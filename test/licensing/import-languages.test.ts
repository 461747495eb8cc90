// A refused user list's problems (rules 33, 34) in the reader's language: the shared reader and the import keep them
// as facts (code, values, line), the import page and the import API word them; English readers get the rulebook's
// own sentence, as the CLI prints it.
import { describe, expect, it } from 'vitest';
import { importSettled } from '../../server/licensing/import-run.ts';
import { englishRuns, readableText } from '../support/english-text.ts';
import { importCsv, portalImport } from '../support/imports.ts';
import { call, createAccount, makeApp, sessionCookieFor, type TestContext } from '../support/server.ts';

interface Answer {
  status: string;
  problems: string[];
  problemFacts: { line?: number; code: string; values: Record<string, string | number> }[];
}

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** Lists refused for different reasons: each problem the reader or the import finds, by line. */
const REFUSED: { csv: string | Uint8Array; codes: string[] }[] = [
  {
    // Field counts, a yes/no nobody can read, a provider the import does not replace.
    csv: 'username,email,active,provider\nann,ann@example.com,true\nbob,bob@example.com,maybe,HR\ncid,cid@example.com,true,Other\n',
    codes: ['field-count', 'flag-value', 'wrong-provider'],
  },
  // Staging is a production environment; the list says otherwise.
  { csv: 'username,email,production\nann,ann@example.com,false\n', codes: ['wrong-production'] },
  { csv: 'username,email\nann,"ann@example.com\n', codes: ['quote-not-closed'] },
  { csv: '', codes: ['empty-file'] },
  { csv: new Uint8Array([0xff, 0xfe, 0x61, 0x00]), codes: ['utf-16'] },
  { csv: 'name,department\nAnn,Sales\n', codes: ['no-identity-column'] },
];

async function setUp(): Promise<{ ctx: TestContext; japanese: string; english: string; envId: string }> {
  const ctx = await makeApp();
  const japaneseAdmin = await createAccount(ctx, 'admin', 'kanri@example.com');
  await ctx.deps.db.updateTable('accounts').set({ locale: 'ja' }).where('id', '=', japaneseAdmin.id).execute();
  const english = await sessionCookieFor(ctx, await createAccount(ctx, 'admin', 'boss@example.com'));
  const japanese = await sessionCookieFor(ctx, japaneseAdmin);
  const created = await call(ctx, 'POST', '/api/v1/environments', {
    cookie: english,
    json: { name: 'Staging', production: true },
  });
  const envId = ((await created.json()) as { environment: { id: string } }).environment.id;
  return { ctx, japanese, english, envId };
}

async function read(ctx: TestContext, cookie: string, id: string): Promise<Answer> {
  return (await (await call(ctx, 'GET', `/api/v1/imports/${id}`, { cookie })).json()) as Answer;
}

describe('a refused import’s problems', () => {
  it('read in Japanese in the API and on the import page, with no English sentence, and keep their facts', async () => {
    const { ctx, japanese, english, envId } = await setUp();
    for (const { csv, codes } of REFUSED) {
      const { id } = await importCsv(ctx, { cookie: english }, envId, 'HR', csv);
      const answer = await read(ctx, japanese, id);
      expect(answer.status).toBe('failed');
      expect(answer.problemFacts.map((fact) => fact.code)).toEqual(codes);
      for (const problem of answer.problems) expect(problem).toMatch(JAPANESE);
      expect(englishRuns(answer.problems)).toEqual([]);
      const page = await (await call(ctx, 'GET', `/portal/imports/${id}`, { cookie: japanese })).text();
      expect(page).not.toContain('<li lang="en">');
      for (const problem of answer.problems) expect(page).toContain(problem.replaceAll('"', '&quot;'));
      expect(englishRuns(readableText(page))).toEqual([]);
    }
  });

  it('name the line and the values in Japanese, and the rulebook’s English for English readers', async () => {
    const { ctx, japanese, english, envId } = await setUp();
    const [first] = REFUSED;
    const { id } = await importCsv(ctx, { cookie: english }, envId, 'HR', first?.csv ?? '');
    const inJapanese = await read(ctx, japanese, id);
    expect(inJapanese.problemFacts).toEqual([
      { line: 2, code: 'field-count', values: { count: 3, width: 4 } },
      {
        line: 3,
        code: 'flag-value',
        values: { column: 'active', value: '"maybe"', accepted: 'true, 1, yes, false, 0, no' },
      },
      { line: 4, code: 'wrong-provider', values: { value: 'Other', provider: 'HR' } },
    ]);
    expect(inJapanese.problems).toEqual([
      '2 行目: 見出し行は 4 列ですが、この行は 3 列です。区切り文字の抜けや余分、または引用符で囲まれていない値の中の区切り文字がないか確認してください',
      '3 行目: active の値が "maybe" です。true, 1, yes, false, 0, no のいずれかにしてください',
      '4 行目: ユーザープロバイダーが「Other」ですが、この取り込みで置き換えるのは「HR」です。セルを修正するか、空にしてください',
    ]);
    const inEnglish = await read(ctx, english, id);
    expect(inEnglish.problemFacts).toEqual(inJapanese.problemFacts);
    expect(inEnglish.problems).toEqual([
      'line 2: 3 fields where the header has 4; check for a missing or extra separator, or an unquoted separator inside a value',
      'line 3: active is "maybe": use true or false, 1 or 0, yes or no',
      'line 4: provider is "Other" but this import replaces "HR"; fix the cell or leave it empty',
    ]);
  });

  it('say which way production is wrong, in each language', async () => {
    const { ctx, japanese, english, envId } = await setUp();
    const { id } = await importCsv(
      ctx,
      { cookie: english },
      envId,
      'HR',
      'username,email,production\nann,ann@example.com,false\n',
    );
    expect((await read(ctx, english, id)).problems).toEqual([
      'line 2: production is false but Staging is a production environment',
    ]);
    expect((await read(ctx, japanese, id)).problems).toEqual([
      '2 行目: 本番フラグが false ですが、Staging は本番環境です',
    ]);
  });

  it('of imports ended without a switch (a preview cancelled, a file read again) are facts worded per reader', async () => {
    const { ctx, japanese, english, envId } = await setUp();
    const csv = 'provider,username,email\nHR,ann,ann@example.com\n';
    const cancelled = await portalImport(ctx, english, envId, csv, { confirm: false });
    expect(cancelled.view.status).toBe('preview');
    expect((await call(ctx, 'POST', `/api/v1/imports/${cancelled.id}/cancellation`, { cookie: english })).status).toBe(
      200,
    );
    const previewed = await portalImport(ctx, english, envId, csv, { confirm: false });
    const reread = await call(ctx, 'POST', `/portal/imports/${previewed.id}/columns`, {
      cookie: english,
      form: { 'header-1': 'provider', 'column-1': 'provider', 'header-2': 'username', 'column-2': 'username' },
    });
    expect(reread.status).toBe(303);
    const newer = (reread.headers.get('location') ?? '').split('/').pop() as string;
    expect(newer).not.toBe(previewed.id);
    await importSettled(newer);
    const cases = [
      {
        id: cancelled.id,
        fact: { code: 'cancelled', values: {} },
        english: 'cancelled; nothing was imported and the previous users are still in force',
        japanese: '取り込みを中止しました。何も取り込まれておらず、以前のユーザーがそのまま有効です',
      },
      {
        id: previewed.id,
        fact: { code: 'read-again', values: { newer } },
        english: 'read again with other columns; see the newer import',
        japanese: '別の列の読み方で読み直しました。新しいインポートをご覧ください',
      },
    ];
    for (const { id, fact, english: inEnglish, japanese: inJapanese } of cases) {
      expect(await read(ctx, japanese, id)).toMatchObject({
        status: 'cancelled',
        problems: [inJapanese],
        problemFacts: [fact],
      });
      expect((await read(ctx, english, id)).problems).toEqual([inEnglish]);
    }
    // The page of the import read again leads to the newer one, in the reader's language.
    const page = await (await call(ctx, 'GET', `/portal/imports/${previewed.id}`, { cookie: japanese })).text();
    expect(page).toContain(
      `<a href="/portal/imports/${newer}">このファイルを別の列の読み方で読み直したインポートを見る</a>`,
    );
    expect(englishRuns(readableText(page))).toEqual([]);
    const cancelledPage = await (
      await call(ctx, 'GET', `/portal/imports/${cancelled.id}`, { cookie: japanese })
    ).text();
    expect(cancelledPage).not.toContain('読み直したインポートを見る');
  });

  it('stored before they were kept as facts stay English, marked so on the page', async () => {
    const { ctx, japanese, english, envId } = await setUp();
    const { id } = await importCsv(ctx, { cookie: english }, envId, 'HR', '');
    const old = 'line 1: the file is empty; the first line must name the columns, e.g. username,email,active';
    await ctx.deps.db
      .updateTable('licence_imports')
      .set({ errors: JSON.stringify([old]) })
      .where('id', '=', id)
      .execute();
    expect(await read(ctx, japanese, id)).toMatchObject({ problems: [old], problemFacts: [] });
    const page = await (await call(ctx, 'GET', `/portal/imports/${id}`, { cookie: japanese })).text();
    expect(page).toContain(`<li lang="en">${old}</li>`);
  });
});
