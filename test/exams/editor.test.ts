import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { examWorld, SAMPLE_DOCUMENT, startAttempt, submit } from '../support/exams.ts';
import { followRedirect } from '../support/flash.ts';
import {
  call,
  createAccount,
  makeApp,
  ORIGIN,
  PUBLIC_URL,
  sessionCookieFor,
  type TestContext,
} from '../support/server.ts';

// The question editor and settings pages, by plain form posts as a browser without script sends them.

const location = (response: Response) => response.headers.get('location') ?? '';

async function admin(ctx: TestContext) {
  return sessionCookieFor(ctx, await createAccount(ctx, 'admin'));
}

/** The question ids of an exam in bank order, as the API lists them. */
async function bank(ctx: TestContext, cookie: string, examId: string) {
  const response = await call(ctx, 'GET', `/api/v1/exams/${examId}/questions`, { cookie });
  return ((await response.json()) as { items: { id: string; version: number; question: { text: string } }[] }).items;
}

const SETTINGS = {
  title: 'Forklift safety',
  description: 'Driving a forklift safely.',
  timeLimitMinutes: '20',
  passMark: '75',
  attemptsAllowed: '3',
  cooldownMinutes: '10',
  validityMonths: '24',
  reviewPolicy: 'score_and_answers',
  questionCount: '4',
  shuffleOptions: 'on',
};

describe('exam settings page', () => {
  it('creates an exam; a refused form keeps what was typed and marks each wrong field', async () => {
    const ctx = await makeApp();
    const cookie = await admin(ctx);
    const refused = await call(ctx, 'POST', '/portal/new-exam', {
      cookie,
      form: { ...SETTINGS, title: '', passMark: '150', reviewPolicy: 'after_date' },
    });
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(page).toMatch(/<input id="title" name="title"[^>]* aria-invalid="true"/);
    expect(page).toMatch(/<input id="title" name="title"[^>]* value\/?>/);
    const passMark = page.match(/<input id="passMark"[^>]*>/)?.[0] ?? '';
    expect(passMark).toContain('value="150"');
    expect(passMark).toContain('aria-invalid="true"');
    expect(passMark).toContain('aria-describedby="passMark-hint passMark-error"');
    expect(page).toContain(
      '<p class="field-error" id="passMark-error">Give the pass mark as a whole percentage from 0 to 100.</p>',
    );
    expect(page).toMatch(/id="reviewAfter"[^>]*aria-invalid="true"/);
    expect(page).toContain('Give the date results are released.');
    // What was typed elsewhere is kept.
    expect(page).toContain('value="24"');
    expect(page).toContain('Driving a forklift safely.</textarea>');
    expect(page).toMatch(/id="shuffleOptions"[^>]*checked/);
    expect(await ctx.deps.db.selectFrom('exams').select('id').execute()).toHaveLength(0);

    const created = await call(ctx, 'POST', '/portal/new-exam', { cookie, form: SETTINGS });
    expect(created.status).toBe(303);
    const examId = /^\/portal\/exams\/([a-z2-7]+)\/questions$/.exec(location(created))?.[1] ?? '';
    expect(examId).not.toBe('');
    const exam = (await (await call(ctx, 'GET', `/api/v1/exams/${examId}`, { cookie })).json()) as {
      exam: Record<string, unknown>;
    };
    expect(exam.exam).toMatchObject({
      title: 'Forklift safety',
      timeLimitMinutes: 20,
      passMark: 75,
      attemptsAllowed: 3,
      cooldownMinutes: 10,
      validityMonths: 24,
      reviewPolicy: 'score_and_answers',
      questionCount: 4,
      drawRules: [],
      shuffleQuestions: false,
      shuffleOptions: true,
      version: 1,
      frozen: false,
    });

    // The settings page shows them back; saving changes them, empty "attempts" means unlimited.
    const form = await (await call(ctx, 'GET', `/portal/exams/${examId}/settings`, { cookie })).text();
    expect(form).toMatch(/id="timeLimitMinutes"[^>]*value="20"/);
    expect(form).toMatch(/<option value="score_and_answers" selected/);
    const saved = await call(ctx, 'POST', `/portal/exams/${examId}/settings`, {
      cookie,
      form: { ...SETTINGS, attemptsAllowed: '', shuffleQuestions: 'on' },
    });
    const { location: back, text: examPage } = await followRedirect(ctx, saved, cookie);
    expect(back).toBe(`/portal/exams/${examId}`);
    expect(examPage).toContain('Settings saved.');
    expect(examPage).toContain('<dt>Time limit</dt><dd>20 minutes</dd>');
    expect(examPage).toContain('<dt>Pass mark</dt><dd>75%</dd>');
    expect(examPage).toContain('<dt>Attempts allowed</dt><dd>Unlimited</dd>');
    expect(examPage).toContain('<dt>Cool-down</dt><dd>10 minutes</dd>');
    expect(examPage).toContain('<dt>Questions per attempt</dt><dd>4</dd>');
    expect(examPage).toContain('questions shuffled; options shuffled');
    expect(examPage).toContain('<dt>Certificate validity</dt><dd>24 months</dd>');
  });
});

describe('question editor', () => {
  it('adds the four kinds, keeps what was typed on an error, edits, reorders, tags and deletes', async () => {
    const ctx = await makeApp();
    const cookie = await admin(ctx);
    const created = await call(ctx, 'POST', '/portal/new-exam', { cookie, form: SETTINGS });
    const base = location(created).replace(/\/questions$/, '');
    const examId = base.split('/').at(-1) ?? '';

    // A single-choice question with no correct option: refused, the rows kept, the message beside the options.
    const refused = await call(ctx, 'POST', `${base}/new-question?kind=single`, {
      cookie,
      form: { text: 'Which sign means stop?', 'option-0': 'Red octagon', 'option-2': 'Green arrow', tags: 'signs' },
    });
    expect(refused.status).toBe(400);
    const refusedPage = await refused.text();
    expect(refusedPage).toContain('Mark exactly one option as correct.');
    expect(refusedPage).toMatch(/<fieldset class="option-rows" aria-invalid="true" aria-describedby="options-error"/);
    expect(refusedPage).toMatch(/id="option-0"[^>]*value="Red octagon"/);
    expect(refusedPage).toMatch(/id="option-2"[^>]*value="Green arrow"/);
    expect(refusedPage).toMatch(/id="tags"[^>]*value="signs"/);
    expect(refusedPage).toContain('Which sign means stop?</textarea>');
    expect(await bank(ctx, cookie, examId)).toHaveLength(0);

    // An option too long is named by the row the author typed it in (row 3, after an empty row 2).
    const long = await call(ctx, 'POST', `${base}/new-question?kind=multiple`, {
      cookie,
      form: { text: 'Pick', 'option-0': 'a', 'correct-0': 'on', 'option-2': 'x'.repeat(501) },
    });
    expect(long.status).toBe(400);
    expect(await long.text()).toMatch(/id="option-2"[^>]*aria-invalid="true"[^>]*aria-describedby="option-2-error"/);

    const forms: [string, Record<string, string>][] = [
      [
        'single',
        {
          text: 'Which sign means stop?',
          'option-0': 'Red octagon',
          'option-2': 'Green arrow',
          correct: '0',
          tags: 'signs, core',
        },
      ],
      [
        'multiple',
        {
          text: 'Which are safe loads?',
          'option-0': 'Centred',
          'correct-0': 'on',
          'option-1': 'Strapped',
          'correct-1': 'on',
          'option-2': 'Overhanging',
          scoring: 'partial',
          tags: 'core',
        },
      ],
      ['true_false', { text: 'Forks go down when parked.', answer: 'true', tags: 'core' }],
      [
        'short_answer',
        { text: 'Colour of the warning light?', accepted: 'amber\nyellow', match: 'exact', tags: 'core' },
      ],
    ];
    for (const [kind, form] of forms) {
      const added = await call(ctx, 'POST', `${base}/new-question?kind=${kind}`, { cookie, form });
      expect(added.status, kind).toBe(303);
      expect(location(added)).toMatch(new RegExp(`^${base}/questions#question-[a-z2-7]+$`));
    }
    const exported = (await (
      await call(ctx, 'GET', `/api/v1/exams/${examId}/export`, { cookie })
    ).json()) as typeof SAMPLE_DOCUMENT & {
      questions: Record<string, unknown>[];
    };
    expect(exported.questions).toEqual([
      {
        kind: 'single',
        text: 'Which sign means stop?',
        tags: ['signs', 'core'],
        options: [
          { text: 'Red octagon', correct: true },
          { text: 'Green arrow', correct: false },
        ],
      },
      {
        kind: 'multiple',
        text: 'Which are safe loads?',
        tags: ['core'],
        scoring: 'partial',
        options: [
          { text: 'Centred', correct: true },
          { text: 'Strapped', correct: true },
          { text: 'Overhanging', correct: false },
        ],
      },
      { kind: 'true_false', text: 'Forks go down when parked.', tags: ['core'], answer: true },
      {
        kind: 'short_answer',
        text: 'Colour of the warning light?',
        tags: ['core'],
        match: 'exact',
        caseSensitive: false,
        accepted: ['amber', 'yellow'],
      },
    ]);

    // Editing shows the stored question in the form, and saving bumps its version.
    let ids = await bank(ctx, cookie, examId);
    const editForm = await (await call(ctx, 'GET', `${base}/questions/${ids[1]?.id}`, { cookie })).text();
    expect(editForm).toMatch(/id="option-1"[^>]*value="Strapped"/);
    expect(editForm).toMatch(/id="correct-1"[^>]*checked/);
    expect(editForm).toMatch(/<option value="partial" selected/);
    const edited = await call(ctx, 'POST', `${base}/questions/${ids[1]?.id}`, {
      cookie,
      form: {
        text: 'Which loads are safe?',
        'option-0': 'Centred',
        'correct-0': 'on',
        'option-1': 'Overhanging',
        scoring: 'all_or_nothing',
        tags: 'core, loads',
      },
    });
    expect(edited.status).toBe(303);
    ids = await bank(ctx, cookie, examId);
    expect(ids[1]).toMatchObject({ version: 2, question: { text: 'Which loads are safe?' } });

    // Up and down are forms: the list works without script. The first cannot go up.
    const list = await (await call(ctx, 'GET', `${base}/questions`, { cookie })).text();
    expect(list).toMatch(/<button type="submit" class="secondary" disabled aria-label="Move question 1 up"/);
    await call(ctx, 'POST', `${base}/questions/${ids[3]?.id}/move`, { cookie, form: { direction: 'up' } });
    await call(ctx, 'POST', `${base}/questions/${ids[0]?.id}/move`, { cookie, form: { direction: 'up' } });
    await call(ctx, 'POST', `${base}/questions/${ids[0]?.id}/move`, { cookie, form: { direction: 'down' } });
    const order = (await bank(ctx, cookie, examId)).map((q) => q.id);
    expect(order).toEqual([ids[1]?.id, ids[0]?.id, ids[3]?.id, ids[2]?.id]);

    // Deleting asks first (the question named), then deletes when confirmed.
    const asked = await call(ctx, 'POST', `${base}/questions/${ids[2]?.id}/delete`, { cookie, form: {} });
    expect(asked.status).toBe(200);
    expect(await bank(ctx, cookie, examId)).toHaveLength(4);
    const deleted = await call(ctx, 'POST', `${base}/questions/${ids[2]?.id}/delete`, {
      cookie,
      form: { confirmed: '1' },
    });
    expect(location(deleted)).toBe(`${base}/questions`);
    expect((await bank(ctx, cookie, examId)).map((q) => q.id)).toEqual([ids[1]?.id, ids[0]?.id, ids[3]?.id]);
  });

  it('publishing freezes a version; editing makes the next version; attempts keep the version they started', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const cookie = world.adminCookie;
    const base = `/portal/exams/${world.examId}`;
    const attempt = await startAttempt(ctx, world);
    const [first] = await bank(ctx, cookie, world.examId);

    // The frozen version's forms are replaced by the way to its next version; a post is refused and changes nothing.
    const form = await (await call(ctx, 'GET', `${base}/questions/${first?.id}`, { cookie })).text();
    expect(form).toContain('This version is published and can no longer change');
    expect(form).not.toContain('name="text"');
    await call(ctx, 'POST', `${base}/questions/${first?.id}`, {
      cookie,
      form: { text: 'Changed', 'option-0': 'a', 'option-1': 'b', correct: '0' },
    });
    expect((await bank(ctx, cookie, world.examId))[0]?.question.text).toBe('Which colour means stop?');
    const settings = await call(ctx, 'POST', `${base}/settings`, { cookie, form: { ...SETTINGS } });
    expect(settings.status).toBe(409);
    expect(await settings.text()).toContain('This version is published and can no longer change');

    const next = await call(ctx, 'POST', `${base}/versions`, { cookie, form: {} });
    const draftBase = location(next).replace(/\/questions$/, '');
    expect(draftBase).not.toBe(base);
    // Asking again gives the same open draft, not a third version.
    expect(location(await call(ctx, 'POST', `${base}/versions`, { cookie, form: {} }))).toBe(location(next));
    const draftId = draftBase.split('/').at(-1) ?? '';
    const [draftFirst] = await bank(ctx, cookie, draftId);
    await call(ctx, 'POST', `${draftBase}/questions/${draftFirst?.id}`, {
      cookie,
      form: { text: 'Which colour means go?', 'option-0': 'Red', 'option-1': 'Green', correct: '1' },
    });
    const published = await call(ctx, 'POST', `${draftBase}/publish`, { cookie, form: {} });
    expect(published.status).toBe(303);

    // The attempt started on version 1 keeps its questions and is scored on them.
    const done = await submit(ctx, world.cookie, attempt.id);
    expect(done.questions[0]?.text).toBe('Which colour means stop?');
    const stored = await ctx.deps.db
      .selectFrom('exam_attempts')
      .select(['exam_id', 'questions'])
      .where('id', '=', attempt.id)
      .executeTakeFirstOrThrow();
    expect(stored.exam_id).toBe(world.examId);
    expect(stored.questions).toContain('Which colour means stop?');
    // New attempts get version 2, the one open version of the series.
    const catalogue = await (await call(ctx, 'GET', '/exams', { cookie: world.cookie })).text();
    expect(catalogue.match(/Safety basics/g)).toHaveLength(1);
    const exams = await ctx.deps.db
      .selectFrom('exams')
      .select(['id', 'version', 'published'])
      .orderBy('version')
      .execute();
    expect(exams).toEqual([
      { id: world.examId, version: 1, published: 0 },
      { id: draftId, version: 2, published: 1 },
    ]);
  });

  it('duplicates an exam as a separate draft with the same questions', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const copied = await call(ctx, 'POST', `/portal/exams/${world.examId}/duplicate`, {
      cookie: world.adminCookie,
      form: {},
    });
    const copyId = /^\/portal\/exams\/([a-z2-7]+)\/settings$/.exec(location(copied))?.[1] ?? '';
    const copy = (await (await call(ctx, 'GET', `/api/v1/exams/${copyId}`, { cookie: world.adminCookie })).json()) as {
      exam: Record<string, unknown>;
    };
    expect(copy.exam).toMatchObject({
      title: 'Safety basics (copy)',
      seriesId: copyId,
      version: 1,
      published: false,
      frozen: false,
      passMark: 60,
    });
    const texts = async (id: string) => (await bank(ctx, world.adminCookie, id)).map((q) => q.question.text);
    expect(await texts(copyId)).toEqual(await texts(world.examId));
  });
});

describe('preview', () => {
  it('shows the whole exam and one question as candidates see them, and writes nothing', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const support = await sessionCookieFor(ctx, await createAccount(ctx, 'support'));
    const tables = [
      'exam_attempts',
      'attempt_answers',
      'certificates',
      'accounts',
      'audit_events',
      'sessions',
    ] as const;
    const counts = async () => {
      const result: Record<string, number> = {};
      for (const table of tables) {
        const { rows } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM ${sql.table(table)}`.execute(ctx.deps.db);
        result[table] = Number(rows[0]?.n);
      }
      return result;
    };
    const before = await counts();
    const whole = await call(ctx, 'GET', `/portal/exams/${world.examId}/preview`, { cookie: support });
    expect(whole.status).toBe(200);
    const page = await whole.text();
    expect(page).toContain('Nothing is saved; no attempt is started and no licence seat is used.');
    expect(page).toMatch(
      /<legend><span class="question-number">Question 1 of 4:<\/span> <span class="question-text">Which colour means stop\?/,
    );
    expect(page).toContain('Question 2 of 4 (choose all that apply):');
    // The candidate's own page: its choice rows, navigator and timer, in preview mode.
    expect(page).toMatch(/<label class="choice" for="q-2-true"><input type="radio" id="q-2-true"/);
    expect(page).toMatch(/<label for="q-3">Your answer<\/label>/);
    expect(page).toContain('<nav class="question-nav"');
    expect(page).toContain('<p id="timer">Time left: <strong id="time-left">30 minutes</strong>');
    // No answer key, no form that could send anything, no autosave script.
    expect(page).not.toMatch(/correct|paris/i);
    expect(page).toContain('<div id="attempt-form" class="preview">');
    expect(page).not.toContain('action="/attempts');
    expect(page).not.toContain('data-attempt');
    expect(page).not.toContain('/assets/exam.js');
    const [, second] = await bank(ctx, world.adminCookie, world.examId);
    const one = await (
      await call(ctx, 'GET', `/portal/exams/${world.examId}/questions/${second?.id}/preview`, { cookie: support })
    ).text();
    expect(one).toContain('Which are primes?');
    expect(one).not.toContain('Which colour means stop?');
    expect(await counts()).toEqual(before);
  });
});

describe('import by form', () => {
  const post = (ctx: TestContext, cookie: string, fields: Record<string, string>) => {
    // As the page's form sends it: multipart.
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.set(name, value);
    return ctx.app.request(`${PUBLIC_URL}/portal/exam-imports`, {
      method: 'POST',
      headers: { cookie, origin: ORIGIN },
      body,
    });
  };

  it('keeps the text on a JSON or validation error, names the place, and asks before reusing a title', async () => {
    const ctx = await makeApp();
    const cookie = await admin(ctx);
    const broken = '{\n  "format": "seatkeeper-exam/1",\n  "exam": {,\n}';
    const notJson = await post(ctx, cookie, { document: broken });
    expect(notJson.status).toBe(400);
    const notJsonPage = await notJson.text();
    expect(notJsonPage).toContain('check line 3, column 12');
    expect(notJsonPage).toContain('&quot;exam&quot;: {,');
    expect(notJsonPage).toMatch(/<textarea id="document"[^>]*aria-invalid="true"/);

    const invalid = structuredClone(SAMPLE_DOCUMENT) as { questions: Record<string, unknown>[] };
    (invalid.questions[0] as { options: unknown[] }).options = [{ text: 'Only one', correct: true }];
    const refused = await post(ctx, cookie, { document: JSON.stringify(invalid, null, 2) });
    expect(refused.status).toBe(400);
    const refusedPage = await refused.text();
    expect(refusedPage).toContain('<code>questions[0].options</code>: Give at least 2 options.');
    expect(refusedPage).toContain('&quot;Only one&quot;');

    const document = JSON.stringify(SAMPLE_DOCUMENT);
    const first = await post(ctx, cookie, { document });
    expect(first.status).toBe(303);
    const again = await post(ctx, cookie, { document });
    expect(again.status).toBe(400);
    const asked = await again.text();
    expect(asked).toContain('An exam titled &quot;Safety basics&quot; already exists');
    expect(asked).toContain('<button type="submit" name="mode" value="new_version">');
    expect(asked).toContain('<button type="submit" name="mode" value="new_exam"');
    expect(await ctx.deps.db.selectFrom('exams').select('id').execute()).toHaveLength(1);
    const asVersion = await post(ctx, cookie, { document, mode: 'new_version' });
    expect(asVersion.status).toBe(303);
    const asExam = await post(ctx, cookie, { document, mode: 'new_exam' });
    expect(asExam.status).toBe(303);
    const rows = await ctx.deps.db.selectFrom('exams').select(['series_id', 'version']).orderBy('created_at').execute();
    expect(rows.map((r) => r.version).sort()).toEqual([1, 1, 2]);
    expect(new Set(rows.map((r) => r.series_id)).size).toBe(2);
  });
});

describe('authoring pages by role', () => {
  // Every page route this work adds, with who may use it: staffRead (support and admin) or admin only.
  const routes = (examId: string, questionId: string) =>
    [
      ['GET', '/portal/new-exam', 'admin'],
      ['POST', '/portal/new-exam', 'admin'],
      ['GET', `/portal/exams/${examId}/settings`, 'admin'],
      ['POST', `/portal/exams/${examId}/settings`, 'admin'],
      ['GET', `/portal/exams/${examId}/questions`, 'staffRead'],
      ['GET', `/portal/exams/${examId}/new-question?kind=single`, 'admin'],
      ['POST', `/portal/exams/${examId}/new-question?kind=true_false`, 'admin'],
      ['GET', `/portal/exams/${examId}/questions/${questionId}`, 'admin'],
      ['POST', `/portal/exams/${examId}/questions/${questionId}`, 'admin'],
      ['POST', `/portal/exams/${examId}/questions/${questionId}/move`, 'admin'],
      ['POST', `/portal/exams/${examId}/questions/${questionId}/delete`, 'admin'],
      ['POST', `/portal/exams/${examId}/versions`, 'admin'],
      ['POST', `/portal/exams/${examId}/duplicate`, 'admin'],
      ['GET', `/portal/exams/${examId}/preview`, 'staffRead'],
      ['GET', `/portal/exams/${examId}/questions/${questionId}/preview`, 'staffRead'],
    ] as const;

  it('answers anonymous, candidate, support and admin as each route allows', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const [question] = await bank(ctx, world.adminCookie, world.examId);
    const support = await sessionCookieFor(ctx, await createAccount(ctx, 'support'));
    const callers = { anonymous: undefined, candidate: world.cookie, support, admin: world.adminCookie };
    const outcome: string[] = [];
    for (const [method, path, access] of routes(world.examId, question?.id ?? '')) {
      for (const [who, cookie] of Object.entries(callers)) {
        const response = await call(ctx, method, path, {
          ...(cookie && { cookie }),
          ...(method === 'POST' && { form: {} }),
        });
        const allowed = who === 'admin' || (who === 'support' && access === 'staffRead');
        const status = response.status;
        if (who === 'anonymous')
          expect([status, location(response)?.split('?')[0]], `${method} ${path}`).toEqual([303, '/sign-in']);
        else if (!allowed) expect(status, `${who} ${method} ${path}`).toBe(403);
        else expect(status, `${who} ${method} ${path}`).toBeLessThan(500);
        if (allowed) expect(status, `${who} ${method} ${path}`).not.toBe(403);
        outcome.push(`${who} ${method} ${path} ${status}`);
      }
    }
    expect(outcome).toHaveLength(routes('', '').length * 4);
  });
});
