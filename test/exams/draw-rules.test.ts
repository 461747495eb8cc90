// Issue 17's draw rules: several tag -> count rules on the settings page (rows added and removed without script,
// each wrong row named), stored with the version, drawn per attempt, exported and imported (old one-tag documents
// too). Runs on SQLite and PostgreSQL like the rest of test/exams.
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/database.ts';
import { drawQuestions, drawRuleProblems } from '../../server/exams/draw-rules.ts';
import { createLogger } from '../../server/logger.ts';
import { migrations } from '../../server/migrations.ts';
import { englishRuns, readableText } from '../support/english-text.ts';
import { SAMPLE_DOCUMENT, startAttempt, verifiedCandidate } from '../support/exams.ts';
import {
  call,
  createAccount,
  makeApp,
  PUBLIC_URL,
  sessionCookieFor,
  type TestContext,
  tempDatabase,
} from '../support/server.ts';

const location = (response: Response) => response.headers.get('location') ?? '';

/** A bank of true/false questions: `net-1`... tagged networking, `sec-1`... security, `both-1` carries both. */
function bankQuestions() {
  const question = (text: string, tags: string[]) => ({ kind: 'true_false', text, answer: true, tags });
  return [
    ...[1, 2, 3, 4, 5, 6].map((n) => question(`net-${n}`, ['networking'])),
    ...[1, 2, 3].map((n) => question(`sec-${n}`, ['security'])),
    question('both-1', ['networking', 'security']),
    ...[1, 2].map((n) => question(`misc-${n}`, [])),
  ];
}

async function draftWithBank(ctx: TestContext) {
  const cookie = await sessionCookieFor(ctx, await createAccount(ctx, 'admin'));
  const imported = await call(ctx, 'POST', '/api/v1/exam-imports', {
    cookie,
    json: {
      ...SAMPLE_DOCUMENT,
      exam: { ...SAMPLE_DOCUMENT.exam, title: 'Infrastructure', questionCount: 8, attemptsAllowed: null },
      questions: bankQuestions(),
    },
  });
  expect(imported.status).toBe(201);
  const { exam } = (await imported.json()) as { exam: { id: string } };
  return { cookie, examId: exam.id };
}

/** The settings form as the page sends it, with the given rule rows. */
function settingsForm(rows: [string, string][], extra: Record<string, string> = {}) {
  const form: Record<string, string> = {
    title: 'Infrastructure',
    description: '',
    timeLimitMinutes: '30',
    passMark: '60',
    attemptsAllowed: '',
    cooldownMinutes: '0',
    validityMonths: '',
    reviewPolicy: 'score_only',
    reviewAfter: '',
    questionCount: '8',
    ...extra,
  };
  rows.forEach(([tag, count], index) => {
    form[`drawRules.${index}.tag`] = tag;
    form[`drawRules.${index}.count`] = count;
  });
  return form;
}

const inputOf = (page: string, name: string) =>
  page.match(new RegExp(`<input id="${name.replaceAll('.', '\\.')}"[^>]*>`))?.[0] ?? '';

describe('draw rules: the rule itself', () => {
  const bank = bankQuestions().map((q) => ({ text: q.text, tags: q.tags }));
  const rules = [
    { tag: 'networking', count: 5 },
    { tag: 'security', count: 3 },
  ];

  it('draws each rule’s count from its tag, never a question twice, the same for the same attempt', () => {
    const draws = new Map<string, string>();
    for (let i = 0; i < 200; i++) {
      const drawn = drawQuestions(bank, rules, 9, `attempt-${i}`) ?? [];
      const texts = drawn.map((q) => q.text);
      expect(new Set(texts).size).toBe(9);
      // The ninth comes from the questions no rule claims.
      expect(texts.filter((t) => t.startsWith('misc-'))).toHaveLength(1);
      // "both-1" belongs to the first rule (networking): it can only be drawn as one of the five.
      expect(drawn.filter((q) => q.tags.includes('networking'))).toHaveLength(5);
      expect(drawn.filter((q) => q.tags.includes('security') && !q.tags.includes('networking'))).toHaveLength(3);
      expect(drawQuestions(bank, rules, 9, `attempt-${i}`)?.map((q) => q.text)).toEqual(texts);
      draws.set([...texts].sort().join(','), `attempt-${i}`);
    }
    // Different attempts draw differently: 7 networking questions choose 5 (21 ways) times 2 misc choose 1.
    expect(draws.size).toBe(42);
  });

  it('names each impossible rule by its row', () => {
    const problems = drawRuleProblems(
      bank,
      [
        { tag: 'networking', count: 7 },
        { tag: 'security', count: 4 },
        { tag: 'storage', count: 1 },
        { tag: 'networking-extra', count: 1 },
      ],
      10,
    );
    expect(Object.keys(problems).sort()).toEqual([
      'drawRules.1.count',
      'drawRules.2.tag',
      'drawRules.3.tag',
      'questionCount',
    ]);
    expect(problems['drawRules.1.count']).toMatchObject({
      key: 'exams.drawRules.shared',
      values: { tag: 'security', holds: 4, shared: 1, left: 3 },
    });
    expect(drawRuleProblems(bank, [{ tag: 'security', count: 5 }], 8)).toEqual({
      'drawRules.0.count': { key: 'exams.drawRules.tooMany', values: { tag: 'security', holds: 4 } },
    });
    expect(drawQuestions(bank, [{ tag: 'security', count: 5 }], 8, 'x')).toBeNull();
    // Publishing also needs enough questions outside the rules' tags for the rest of the count.
    expect(drawRuleProblems(bank, rules, 11, true)).toEqual({
      questionCount: { key: 'exams.drawRules.restShort', values: { ruled: 8, rest: 3, unruled: 2 } },
    });
    expect(drawRuleProblems(bank, rules, 11)).toEqual({});
    expect(drawQuestions(bank, rules, 11, 'x')).toBeNull();
  });
});

describe('draw rules on the settings page', () => {
  it('adds and removes rows without script, names the wrong row, keeps what was typed, then saves and draws', async () => {
    const ctx = await makeApp();
    const { cookie, examId } = await draftWithBank(ctx);
    const settings = `/portal/exams/${examId}/settings`;

    // The page starts with one blank row. "Add a row" after filling it: nothing saved, the form back as typed with
    // a new blank row under the filled one.
    const blank = await (await call(ctx, 'GET', settings, { cookie })).text();
    expect(inputOf(blank, 'drawRules.0.tag')).toMatch(/ value\/>$/);
    expect(inputOf(blank, 'drawRules.1.tag')).toBe('');
    const added = await call(ctx, 'POST', settings, {
      cookie,
      form: {
        ...settingsForm(
          [
            ['networking', '5'],
            ['', ''],
          ],
          { title: 'Typed title' },
        ),
        drawRuleAction: 'add',
      },
    });
    expect(added.status).toBe(200);
    const addedPage = await added.text();
    expect(inputOf(addedPage, 'title')).toContain('value="Typed title"');
    expect(inputOf(addedPage, 'drawRules.0.tag')).toContain('value="networking"');
    expect(inputOf(addedPage, 'drawRules.0.count')).toContain('value="5"');
    expect(inputOf(addedPage, 'drawRules.1.tag')).toMatch(/ value\/>$/);
    expect(inputOf(addedPage, 'drawRules.2.tag')).toBe('');
    expect(await ctx.deps.db.selectFrom('exams').select('title').executeTakeFirstOrThrow()).toEqual({
      title: 'Infrastructure',
    });

    // A repeated tag is named at its row.
    const repeated = await call(ctx, 'POST', settings, {
      cookie,
      form: settingsForm([
        ['networking', '5'],
        ['security', '3'],
        ['networking', '1'],
      ]),
    });
    expect(repeated.status).toBe(400);
    const repeatedPage = await repeated.text();
    expect(inputOf(repeatedPage, 'drawRules.2.tag')).toContain('aria-invalid="true"');
    expect(repeatedPage).toContain(
      '<p class="field-error" id="drawRules.2.tag-error">This tag already has a rule above: put both counts in one row.</p>',
    );

    // Problems with the bank, each beside its row; a blank row in between is dropped and the rows renumbered.
    const refused = await call(ctx, 'POST', settings, {
      cookie,
      form: settingsForm([
        ['networking', '5'],
        ['', ''],
        ['security', '4'],
        ['storage', '2'],
      ]),
    });
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(inputOf(page, 'drawRules.0.tag')).toContain('value="networking"');
    expect(inputOf(page, 'drawRules.0.tag')).not.toContain('aria-invalid');
    expect(inputOf(page, 'drawRules.1.count')).toContain('aria-invalid="true"');
    expect(page).toContain(
      '<p class="field-error" id="drawRules.1.count-error">4 questions are tagged “security”, but 1 of them also carries the tag of an earlier rule and counts there: at most 3 can come from this rule.</p>',
    );
    expect(inputOf(page, 'drawRules.2.tag')).toContain('aria-invalid="true"');
    expect(inputOf(page, 'drawRules.2.tag')).toContain('value="storage"');
    expect(await ctx.deps.db.selectFrom('exams').select('draw_rules').executeTakeFirstOrThrow()).toEqual({
      draw_rules: '[]',
    });
    const unknown = await call(ctx, 'POST', settings, { cookie, form: settingsForm([['storage', '2']]) });
    expect(await unknown.text()).toContain(
      '<p class="field-error" id="drawRules.0.tag-error">No question of this exam is tagged “storage”. Check the spelling, or tag questions first.</p>',
    );
    const tooMany = await call(ctx, 'POST', settings, { cookie, form: settingsForm([['security', '9']]) });
    expect(await tooMany.text()).toContain('Only 4 questions are tagged “security”.');

    // Two rules saved; a third row ticked "remove" is dropped.
    const saved = await call(ctx, 'POST', settings, {
      cookie,
      form: {
        ...settingsForm([
          ['networking', '5'],
          ['security', '3'],
          ['misc', '1'],
        ]),
        'drawRules.2.remove': 'on',
      },
    });
    expect(saved.status).toBe(303);
    expect(location(saved)).toBe(`/portal/exams/${examId}`);
    const view = (await (await call(ctx, 'GET', `/api/v1/exams/${examId}`, { cookie })).json()) as {
      exam: { drawRules: unknown };
    };
    expect(view.exam.drawRules).toEqual([
      { tag: 'networking', count: 5 },
      { tag: 'security', count: 3 },
    ]);
    const examPage = await (await call(ctx, 'GET', `/portal/exams/${examId}`, { cookie })).text();
    expect(examPage).toContain(
      '<dt>Questions per attempt</dt><dd>8 (5 tagged “networking” and 3 tagged “security”)</dd>',
    );
    const again = await (await call(ctx, 'GET', settings, { cookie })).text();
    expect(inputOf(again, 'drawRules.1.tag')).toContain('value="security"');
    expect(inputOf(again, 'drawRules.1.count')).toContain('value="3"');

    // Each attempt draws its own questions, five and three per rule.
    expect((await call(ctx, 'POST', `/api/v1/exams/${examId}/publish`, { cookie })).status).toBe(200);
    const drawnSets = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const candidate = await verifiedCandidate(ctx, `Candidate ${i}`);
      const attempt = await startAttempt(ctx, { cookie: candidate.cookie, examId });
      const texts = attempt.questions.map((q) => q.text);
      expect(texts.filter((t) => /^(net|both)-/.test(t))).toHaveLength(5);
      expect(texts.filter((t) => t.startsWith('sec-'))).toHaveLength(3);
      drawnSets.add([...texts].sort().join(','));
    }
    expect(drawnSets.size).toBeGreaterThan(1);
  });

  it('reads in Japanese, the row messages too', async () => {
    const ctx = await makeApp();
    const { cookie, examId } = await draftWithBank(ctx);
    await ctx.deps.db.updateTable('accounts').set({ locale: 'ja' }).where('role', '=', 'admin').execute();
    const refused = await call(ctx, 'POST', `/portal/exams/${examId}/settings`, {
      cookie,
      form: settingsForm([
        ['networking', '5'],
        ['security', '4'],
        ['storage', '2'],
      ]),
    });
    const page = await refused.text();
    expect(page).toContain('<html lang="ja">');
    expect(page).toContain('出題ルール');
    expect(page).toContain(
      '「security」タグの問題は 4 問ありますが、そのうち 1 問は上のルールのタグも付いているため、そちらで数えます。このルールで出題できるのは最大 3 問です。',
    );
    expect(page).toContain('この試験に「storage」タグの付いた問題はありません。');
    // Only what the author typed (the title, the tags) may be English.
    expect(englishRuns(readableText(page)).filter((run) => !/Infrastructure/.test(run))).toEqual([]);
  });

  it('a new exam has no questions yet: its page refuses any rule, naming the tag', async () => {
    const ctx = await makeApp();
    const cookie = await sessionCookieFor(ctx, await createAccount(ctx, 'admin'));
    const refused = await call(ctx, 'POST', '/portal/new-exam', { cookie, form: settingsForm([['networking', '2']]) });
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(inputOf(page, 'title')).toContain('value="Infrastructure"');
    expect(page).toContain('No question of this exam is tagged “networking”.');
    expect(await ctx.deps.db.selectFrom('exams').select('id').execute()).toEqual([]);
    const created = await call(ctx, 'POST', '/portal/new-exam', { cookie, form: settingsForm([]) });
    expect(created.status).toBe(303);
  });

  it('the API refuses rules the bank cannot give, by row; publishing checks them again', async () => {
    const ctx = await makeApp();
    const { cookie, examId } = await draftWithBank(ctx);
    const patched = await call(ctx, 'PATCH', `/api/v1/exams/${examId}`, {
      cookie,
      json: { drawRules: [{ tag: 'security', count: 5 }] },
    });
    expect(patched.status).toBe(400);
    const body = (await patched.json()) as { error: { fields: Record<string, string> } };
    expect(body.error.fields).toEqual({ 'drawRules.0.count': 'Only 4 questions are tagged “security”.' });
    const ok = await call(ctx, 'PATCH', `/api/v1/exams/${examId}`, {
      cookie,
      json: { drawRules: [{ tag: 'security', count: 4 }] },
    });
    expect(ok.status).toBe(200);
    // Archiving a security question leaves the rule one short: publishing says so.
    const bank = (await (await call(ctx, 'GET', `/api/v1/exams/${examId}/questions`, { cookie })).json()) as {
      items: { id: string; question: { text: string } }[];
    };
    const sec = bank.items.find((q) => q.question.text === 'sec-1');
    await call(ctx, 'DELETE', `/api/v1/exams/${examId}/questions/${sec?.id}`, { cookie });
    const publish = await call(ctx, 'POST', `/api/v1/exams/${examId}/publish`, { cookie });
    expect(publish.status).toBe(409);
    expect(((await publish.json()) as { error: { message: string } }).error.message).toBe(
      'Only 3 questions are tagged “security”.',
    );
  });
});

describe('draw rules in exam documents', () => {
  it('exports the rules and imports them back; an old document with one tag imports as one rule', async () => {
    const ctx = await makeApp();
    const { cookie, examId } = await draftWithBank(ctx);
    await call(ctx, 'PATCH', `/api/v1/exams/${examId}`, {
      cookie,
      json: {
        drawRules: [
          { tag: 'networking', count: 5 },
          { tag: 'security', count: 3 },
        ],
      },
    });
    const exported = (await (await call(ctx, 'GET', `/api/v1/exams/${examId}/export`, { cookie })).json()) as {
      exam: Record<string, unknown>;
    };
    expect(exported.exam.drawRules).toEqual([
      { tag: 'networking', count: 5 },
      { tag: 'security', count: 3 },
    ]);
    expect(exported.exam).not.toHaveProperty('drawTag');
    const again = await call(ctx, 'POST', '/api/v1/exam-imports?mode=new_exam', { cookie, json: exported });
    expect(again.status).toBe(201);
    const copy = (await again.json()) as { exam: { drawRules: unknown } };
    expect(copy.exam.drawRules).toEqual(exported.exam.drawRules);

    // Written before draw rules (the format's documented `drawTag`): one rule drawing every question from the tag.
    const old = await call(ctx, 'POST', '/api/v1/exam-imports', {
      cookie,
      json: {
        ...SAMPLE_DOCUMENT,
        exam: { ...SAMPLE_DOCUMENT.exam, title: 'Old tagged', questionCount: 3, drawTag: 'security' },
        questions: bankQuestions(),
      },
    });
    expect(old.status).toBe(201);
    expect(((await old.json()) as { exam: { drawRules: unknown } }).exam.drawRules).toEqual([
      { tag: 'security', count: 3 },
    ]);
    const untagged = await call(ctx, 'POST', '/api/v1/exam-imports', {
      cookie,
      json: { ...SAMPLE_DOCUMENT, exam: { ...SAMPLE_DOCUMENT.exam, title: 'Old untagged', drawTag: null } },
    });
    expect(((await untagged.json()) as { exam: { drawRules: unknown } }).exam.drawRules).toEqual([]);
  });
});

describe('the draw rules migration', () => {
  it('turns an exam’s one draw tag into one rule drawing the exam’s question count', async () => {
    const { env } = await tempDatabase();
    if (env.DATABASE_URL) {
      // The run's PostgreSQL databases come migrated: start this one empty.
      const client = new pg.Client({ connectionString: env.DATABASE_URL });
      await client.connect();
      await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      await client.end();
    }
    const config = loadConfig({ ...env, PUBLIC_URL, LOG_LEVEL: 'silent' });
    const logger = createLogger('silent');
    const MIGRATION = '2026-12-06-exam-draw-rules';
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < MIGRATION));
    const old = await openDatabase(config, { migrations: before, logger });
    for (const [id, tag] of [
      ['tagged', 'security'],
      ['untagged', null],
    ] as const)
      await sql`INSERT INTO exams (id, title, description, time_limit_minutes, pass_mark, cooldown_minutes,
        review_policy, question_count, draw_tag, created_at, updated_at)
        VALUES (${id}, ${id}, '', 30, 60, 0, 'score_only', 7, ${tag}, '2026-12-01T00:00:00.000Z',
        '2026-12-01T00:00:00.000Z')`.execute(old.db);
    await old.close();
    const migrated = await openDatabase(config, { migrations, logger });
    const rows = await migrated.db.selectFrom('exams').select(['id', 'draw_rules']).orderBy('id').execute();
    await migrated.close();
    expect(rows).toEqual([
      { id: 'tagged', draw_rules: JSON.stringify([{ tag: 'security', count: 7 }]) },
      { id: 'untagged', draw_rules: '[]' },
    ]);
  });
});
