import { describe, expect, it } from 'vitest';
import { sweepOverdueAttempts } from '../../server/exams/finalise.ts';
import {
  type AttemptJson,
  answerAll,
  examWorld,
  optionIds,
  SAMPLE_DOCUMENT,
  startAttempt,
  submit,
  verifiedCandidate,
} from '../support/exams.ts';
import { call, makeApp } from '../support/server.ts';

type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

describe('exam authoring', () => {
  it('imports, exports and round-trips an exam document', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const exported = await call(ctx, 'GET', `/api/v1/exams/${world.examId}/export`, { cookie: world.adminCookie });
    expect(exported.status).toBe(200);
    const doc = (await exported.json()) as typeof SAMPLE_DOCUMENT;
    expect(doc.format).toBe('seatkeeper-exam/1');
    expect(doc.questions).toHaveLength(4);
    expect(doc.exam.title).toBe('Safety basics');
    // The same title again: the API asks which of the two the author means instead of making a namesake.
    const again = await call(ctx, 'POST', '/api/v1/exam-imports', { cookie: world.adminCookie, json: doc });
    expect(again.status).toBe(409);
    const asked = (await again.json()) as ErrorBody;
    expect(asked.error.code).toBe('exam_title_exists');
    expect(asked.error.message).toContain('Safety basics');
    type ExamJson = { exam: { id: string; seriesId: string; version: number; published: boolean } };
    const version = await call(ctx, 'POST', '/api/v1/exam-imports?mode=new_version', {
      cookie: world.adminCookie,
      json: doc,
    });
    expect(version.status).toBe(201);
    const next = ((await version.json()) as ExamJson).exam;
    expect(next).toMatchObject({ seriesId: world.examId, version: 2, published: false });
    const separate = await call(ctx, 'POST', '/api/v1/exam-imports?mode=new_exam', {
      cookie: world.adminCookie,
      json: doc,
    });
    expect(separate.status).toBe(201);
    const separateExam = ((await separate.json()) as ExamJson).exam;
    expect(separateExam).toMatchObject({ version: 1, published: false });
    expect(separateExam.seriesId).toBe(separateExam.id);
    const bad = await call(ctx, 'POST', '/api/v1/exam-imports?mode=replace', { cookie: world.adminCookie, json: doc });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.fields).toHaveProperty('mode');
  });

  it('names the exact path of every error in an imported document', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const bad = structuredClone(SAMPLE_DOCUMENT) as { questions: Record<string, unknown>[] };
    bad.questions[1] = { kind: 'multiple', text: 'x', options: [{ text: 'a', correct: true }, { text: '' }] };
    bad.questions.push({ kind: 'short_answer', text: 'Evil', match: 'pattern', accepted: ['(a+)+$'] });
    const response = await call(ctx, 'POST', '/api/v1/exam-imports', { cookie: world.adminCookie, json: bad });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.fields).toHaveProperty('questions[1].options[1].text');
    expect(body.error.fields?.['questions[4].accepted[0]']).toMatch(/repeated group/);
    expect(body.error.message).toContain('questions[1].options[1].text:');
  });

  it('refuses unknown fields (no mass assignment) and single choice without exactly one correct option', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const extra = await call(ctx, 'PATCH', `/api/v1/exams/${world.examId}`, {
      cookie: world.adminCookie,
      json: { published: 1 },
    });
    expect(extra.status).toBe(400);
    const noneCorrect = await call(ctx, 'POST', `/api/v1/exams/${world.examId}/questions`, {
      cookie: world.adminCookie,
      json: { kind: 'single', text: 'Q', options: [{ text: 'a' }, { text: 'b' }] },
    });
    expect(noneCorrect.status).toBe(400);
    expect(((await noneCorrect.json()) as ErrorBody).error.fields).toHaveProperty('options');
  });

  it('refuses publishing while the licence is expired', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    ctx.exams.licenceTerm = async () => ({
      state: 'expired',
      endsOn: '2026-01-01',
      daysLeft: -10,
      publishingAllowed: false,
      candidatesOnline: true,
      message: 'expired on 2026-01-01',
    });
    await call(ctx, 'POST', `/api/v1/exams/${world.examId}/unpublish`, { cookie: world.adminCookie });
    const response = await call(ctx, 'POST', `/api/v1/exams/${world.examId}/publish`, { cookie: world.adminCookie });
    expect(response.status).toBe(409);
    expect(((await response.json()) as ErrorBody).error.code).toBe('licence_expired');
  });
});

describe('taking an exam', () => {
  it('fixes questions on the server, hides answer keys, saves idempotently and scores on submit', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const attempt = await startAttempt(ctx, world);
    expect(attempt.questions).toHaveLength(4);
    expect(JSON.stringify(attempt)).not.toMatch(/correct|accepted|paris/i);
    expect(attempt.secondsLeft).toBe(30 * 60);

    expect((await answerAll(ctx, world.cookie, attempt, 5)).status).toBe(200);
    // A stale (lower seq) save is ignored; a retried identical save is harmless.
    const stale = await call(ctx, 'POST', `/api/v1/attempts/${attempt.id}/answers`, {
      cookie: world.cookie,
      json: { answers: [{ position: 0, seq: 4, answer: optionIds(attempt, 0, ['Green'])[0] }] },
    });
    expect(((await stale.json()) as { saved: { applied: boolean }[] }).saved[0]?.applied).toBe(false);
    expect((await answerAll(ctx, world.cookie, attempt, 5)).status).toBe(200);

    // Starting again resumes the same attempt with the saved answers.
    const resumed = await startAttempt(ctx, world);
    expect(resumed.id).toBe(attempt.id);
    expect(resumed.questions[0]?.answer).toBe(optionIds(attempt, 0, ['Red'])[0]);
    expect(resumed.questions[0]?.options).toEqual(attempt.questions[0]?.options);
    expect(resumed.questions[0]?.seq).toBe(5);

    const result = await submit(ctx, world.cookie, attempt.id);
    expect(result.status).toBe('submitted');
    expect(result.result).toMatchObject({ released: true, scorePercent: 100, passed: true });
    expect(result.certificateId).toMatch(/^[a-z2-7]{32}$/);
    // Submitting twice changes nothing.
    const again = await submit(ctx, world.cookie, attempt.id);
    expect(again.certificateId).toBe(result.certificateId);
    expect(await ctx.deps.db.selectFrom('certificates').selectAll().execute()).toHaveLength(1);
  });

  it('scores partial credit and wrong answers; editing a question later does not change the old score', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const attempt = await startAttempt(ctx, world);
    await call(ctx, 'POST', `/api/v1/attempts/${attempt.id}/answers`, {
      cookie: world.cookie,
      json: {
        answers: [
          { position: 0, seq: 1, answer: optionIds(attempt, 0, ['Green'])[0] },
          { position: 1, seq: 1, answer: optionIds(attempt, 1, ['2']) },
          { position: 2, seq: 1, answer: 'true' },
        ],
      },
    });
    const result = await submit(ctx, world.cookie, attempt.id);
    expect(result.result).toMatchObject({ scorePercent: 37.5, passed: false });
    const questions = (await (
      await call(ctx, 'GET', `/api/v1/exams/${world.examId}/questions`, { cookie: world.adminCookie })
    ).json()) as { items: { id: string }[] };
    const firstId = questions.items[0]?.id;
    const change = {
      kind: 'single',
      text: 'Which colour means go?',
      options: [{ text: 'Red' }, { text: 'Green', correct: true }],
    };
    // A published version is frozen: the change goes into its next version, a draft until published.
    const refused = await call(ctx, 'PATCH', `/api/v1/exams/${world.examId}/questions/${firstId}`, {
      cookie: world.adminCookie,
      json: change,
    });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('exam_frozen');
    const draft = (await (
      await call(ctx, 'POST', `/api/v1/exams/${world.examId}/versions`, { cookie: world.adminCookie })
    ).json()) as { exam: { id: string; version: number } };
    expect(draft.exam.version).toBe(2);
    const draftQuestions = (await (
      await call(ctx, 'GET', `/api/v1/exams/${draft.exam.id}/questions`, { cookie: world.adminCookie })
    ).json()) as { items: { id: string }[] };
    const edited = await call(ctx, 'PATCH', `/api/v1/exams/${draft.exam.id}/questions/${draftQuestions.items[0]?.id}`, {
      cookie: world.adminCookie,
      json: change,
    });
    expect(edited.status).toBe(200);
    const published = await call(ctx, 'POST', `/api/v1/exams/${draft.exam.id}/publish`, { cookie: world.adminCookie });
    expect(published.status).toBe(200);
    const old = (await (
      await call(ctx, 'GET', `/api/v1/exams/${world.examId}`, { cookie: world.adminCookie })
    ).json()) as { exam: { published: boolean } };
    expect(old.exam.published).toBe(false);
    const reread = (await (
      await call(ctx, 'GET', `/api/v1/attempts/${attempt.id}`, { cookie: world.cookie })
    ).json()) as {
      attempt: AttemptJson;
    };
    expect(reread.attempt.result).toMatchObject({ scorePercent: 37.5 });
    expect(reread.attempt.questions[0]?.text).toBe('Which colour means stop?');
  });

  it('refuses answers after the deadline and the sweeper finalises overdue attempts with the injected clock', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const attempt = await startAttempt(ctx, world);
    await answerAll(ctx, world.cookie, attempt);
    ctx.advance(30 * 60);
    // No read has touched it yet: still open in storage until the sweeper runs.
    const before = await ctx.deps.db.selectFrom('exam_attempts').select('status').executeTakeFirstOrThrow();
    expect(before.status).toBe('in_progress');
    expect(await sweepOverdueAttempts(ctx.exams)).toBe(1);
    expect(await sweepOverdueAttempts(ctx.exams)).toBe(0);
    const row = await ctx.deps.db.selectFrom('exam_attempts').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'expired', score_percent: 100, passed: 1, finished_at: attempt.deadlineAt });
    const late = await call(ctx, 'POST', `/api/v1/attempts/${attempt.id}/answers`, {
      cookie: world.cookie,
      json: { answers: [{ position: 0, seq: 9, answer: 'o2' }] },
    });
    expect(late.status).toBe(409);
    expect(((await late.json()) as ErrorBody).error.code).toBe('attempt_closed');
  });

  it('finalises lazily on read when the sweeper has not run, and two finalisers never double-issue', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const attempt = await startAttempt(ctx, world);
    await answerAll(ctx, world.cookie, attempt);
    ctx.advance(31 * 60);
    const [a, b] = await Promise.all([
      call(ctx, 'GET', `/api/v1/attempts/${attempt.id}`, { cookie: world.cookie }),
      sweepOverdueAttempts(ctx.exams),
    ]);
    expect(a.status).toBe(200);
    expect(b).toBeLessThanOrEqual(1);
    expect(((await a.json()) as { attempt: AttemptJson }).attempt.status).toBe('expired');
    expect(await ctx.deps.db.selectFrom('certificates').selectAll().execute()).toHaveLength(1);
  });

  it('extra time granted during an attempt extends its deadline; accommodations apply at the start', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const attempt = await startAttempt(ctx, world);
    const granted = await call(ctx, 'POST', `/api/v1/attempts/${attempt.id}/extra-time`, {
      cookie: world.adminCookie,
      json: { minutes: 10 },
    });
    expect(granted.status).toBe(200);
    ctx.advance(35 * 60);
    expect((await answerAll(ctx, world.cookie, attempt, 2)).status).toBe(200);
    ctx.advance(6 * 60);
    expect((await answerAll(ctx, world.cookie, attempt, 3)).status).toBe(409);

    const other = await verifiedCandidate(ctx);
    await call(ctx, 'POST', `/api/v1/exams/${world.examId}/accommodations`, {
      cookie: world.adminCookie,
      json: { accountId: other.candidate.id, extraMinutes: 15 },
    });
    const long = await startAttempt(ctx, { cookie: other.cookie, examId: world.examId });
    expect(long.secondsLeft).toBe(45 * 60);
  });

  it('enforces attempts allowed and the cool-down between attempts', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const first = await startAttempt(ctx, world);
    await submit(ctx, world.cookie, first.id);
    const early = await call(ctx, 'POST', `/api/v1/exams/${world.examId}/attempts`, { cookie: world.cookie });
    expect(early.status).toBe(409);
    expect(((await early.json()) as ErrorBody).error.code).toBe('cooling_down');
    expect(early.headers.get('retry-after')).toBe('3600');
    const catalogue = (await (await call(ctx, 'GET', '/api/v1/catalogue', { cookie: world.cookie })).json()) as {
      items: { attemptsLeft: number; availableFrom: string }[];
    };
    expect(catalogue.items[0]).toMatchObject({ attemptsLeft: 1 });
    expect(catalogue.items[0]?.availableFrom).toBeTruthy();
    ctx.advance(60 * 60);
    const second = await startAttempt(ctx, world);
    await submit(ctx, world.cookie, second.id);
    ctx.advance(61 * 60);
    const none = await call(ctx, 'POST', `/api/v1/exams/${world.examId}/attempts`, { cookie: world.cookie });
    expect(((await none.json()) as ErrorBody).error.code).toBe('no_attempts_left');
  });

  it('requires a verified email and goes offline when the licence is cancelled', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    await ctx.deps.db
      .updateTable('accounts')
      .set({ email_verified_at: null })
      .where('id', '=', world.candidate.id)
      .execute();
    const unverified = await call(ctx, 'POST', `/api/v1/exams/${world.examId}/attempts`, { cookie: world.cookie });
    expect(((await unverified.json()) as ErrorBody).error.code).toBe('email_not_verified');
    const other = await verifiedCandidate(ctx);
    ctx.exams.licenceTerm = async () => ({
      state: 'cancelled',
      endsOn: '2027-01-01',
      daysLeft: 30,
      publishingAllowed: false,
      candidatesOnline: false,
      message: 'cancelled',
    });
    const offline = await call(ctx, 'POST', `/api/v1/exams/${world.examId}/attempts`, { cookie: other.cookie });
    expect(offline.status).toBe(503);
  });

  it('saves sent at once are written together, each with its own answer, the highest sequence kept', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const attempt = await startAttempt(ctx, world);
    const intruder = await verifiedCandidate(ctx);
    const [red, green] = optionIds(attempt, 0, ['Red', 'Green']) as [string, string];
    type Saved = { saved: { position: number; seq: number; applied: boolean }[] };
    const save = (cookie: string, position: number, seq: number, answer: string) =>
      call(ctx, 'POST', `/api/v1/attempts/${attempt.id}/answers`, {
        cookie,
        json: { answers: [{ position, seq, answer }] },
      });
    // Sequences 1 to 20 for question 0 in a scrambled order, the highest naming Red; another candidate's save between.
    const seqs = Array.from({ length: 20 }, (_, i) => ((i * 7) % 20) + 1);
    const [answers, intruding] = await Promise.all([
      Promise.all(seqs.map((seq) => save(world.cookie, 0, seq, seq === 20 ? red : green))),
      save(intruder.cookie, 0, 99, green),
    ]);
    expect(intruding.status).toBe(404);
    const outcomes = await Promise.all(answers.map(async (r) => ((await r.json()) as Saved).saved[0]));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(outcomes.map((o) => o?.seq)).toEqual(seqs);
    expect(outcomes.find((o) => o?.seq === 20)?.applied).toBe(true);
    const resumed = await startAttempt(ctx, world);
    expect(resumed.questions[0]).toMatchObject({ answer: red, seq: 20 });
  });

  it("answers 404 for another candidate's attempt, result and certificate", async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const attempt = await startAttempt(ctx, world);
    await answerAll(ctx, world.cookie, attempt);
    const done = await submit(ctx, world.cookie, attempt.id);
    const intruder = await verifiedCandidate(ctx);
    for (const [method, path, json] of [
      ['GET', `/api/v1/attempts/${attempt.id}`, undefined],
      ['POST', `/api/v1/attempts/${attempt.id}/submit`, undefined],
      ['POST', `/api/v1/attempts/${attempt.id}/answers`, { answers: [{ position: 0, seq: 99, answer: 'o2' }] }],
      ['GET', `/api/v1/certificates/${done.certificateId}`, undefined],
      ['GET', `/api/v1/certificates/${done.certificateId}/pdf`, undefined],
      ['GET', `/api/v1/certificates/${done.certificateId}/credential`, undefined],
      ['GET', `/attempts/${attempt.id}`, undefined],
    ] as const) {
      const response = await call(ctx, method, path, { cookie: intruder.cookie, ...(json ? { json } : {}) });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
  });

  it('review policies: score only hides keys; after a date hides everything until then', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx, { reviewPolicy: 'score_only' });
    const attempt = await startAttempt(ctx, world);
    const done = await submit(ctx, world.cookie, attempt.id);
    expect(done.result).toMatchObject({ released: true, passed: false, review: null });

    const later = await examWorld(ctx, {
      title: 'Later',
      reviewPolicy: 'after_date',
      reviewAfter: '2026-11-25T00:00:00Z',
    });
    const a2 = await startAttempt(ctx, later);
    await answerAll(ctx, later.cookie, a2);
    const hidden = await submit(ctx, later.cookie, a2.id);
    expect(hidden.result).toEqual({ released: false, releasedAt: '2026-11-25T00:00:00.000Z' });
    expect(hidden.certificateId).toBeNull();
    const history = (await (await call(ctx, 'GET', '/api/v1/me/history', { cookie: later.cookie })).json()) as {
      attempts: { scorePercent: number | null }[];
      certificates: unknown[];
    };
    expect(history.attempts[0]?.scorePercent).toBeNull();
    expect(history.certificates).toHaveLength(0);
    ctx.advance(13 * 3600);
    const shown = (await (await call(ctx, 'GET', `/api/v1/attempts/${a2.id}`, { cookie: later.cookie })).json()) as {
      attempt: AttemptJson;
    };
    expect(shown.attempt.result).toMatchObject({ released: true, scorePercent: 100 });
    expect(shown.attempt.certificateId).toBeTruthy();
  });
});

describe('short-answer patterns', () => {
  it('accept a safe subset and refuse shapes that can backtrack catastrophically', async () => {
    const { unsafePatternReason, scoreAnswer } = await import('../../server/exams/questions.ts');
    for (const safe of ['colou?r', '[a-z]+ing', '(ab)+', '\\d{3}-\\d{4}', 'yes|no', '(?:ab|cd)']) {
      expect(unsafePatternReason(safe), safe).toBeNull();
    }
    for (const unsafe of ['(a+)+$', '(a|b)*', '(\\w+\\s?)*', '(x)\\1', '(?=a)a', '((a)*)*', 'a'.repeat(201), '(']) {
      expect(unsafePatternReason(unsafe), unsafe).not.toBeNull();
    }
    const content = {
      kind: 'short_answer',
      text: 'Spell it',
      match: 'pattern',
      caseSensitive: false,
      accepted: ['colou?r'],
    } as const;
    expect(scoreAnswer({ ...content, accepted: [...content.accepted] }, ' COLOUR ')).toBe(1);
    expect(scoreAnswer({ ...content, accepted: [...content.accepted] }, 'colors')).toBe(0);
    expect(scoreAnswer({ ...content, accepted: ['(ab)+c'] }, `${'ab'.repeat(250)}`)).toBe(0);
    // What bounds the work of a safe pattern: the answer it runs on is never longer than this.
    const { answerSchema, ANSWER_MAX_LENGTH } = await import('../../server/exams/questions.ts');
    expect(answerSchema.safeParse('a'.repeat(ANSWER_MAX_LENGTH)).success).toBe(true);
    expect(answerSchema.safeParse('a'.repeat(ANSWER_MAX_LENGTH + 1)).success).toBe(false);
  });
});

describe('the sweeper in the server process', () => {
  it('runs on its interval, closes overdue attempts, and reports exams in progress to the licence portal', async () => {
    const { startAttemptSweeper } = await import('../../server/exams/finalise.ts');
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const attempt = await startAttempt(ctx, world);
    expect(await ctx.licensing.accountsWithExamInProgress()).toEqual(new Set([world.candidate.id]));
    const stop = startAttemptSweeper(ctx.exams, 10);
    try {
      ctx.advance(30 * 60 + 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const row = await ctx.deps.db
        .selectFrom('exam_attempts')
        .select('status')
        .where('id', '=', attempt.id)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('expired');
      expect(await ctx.licensing.accountsWithExamInProgress()).toEqual(new Set());
    } finally {
      stop();
    }
  });
});
