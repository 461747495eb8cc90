// The exams area's portal forms (issue 17): a successful POST answers 303 with a flash shown once; a refused one
// shows the page again with what was typed, the failing field marked and its message beside it. Deleting a question
// asks first, naming it.
import { describe, expect, it } from 'vitest';
import { examWorld, startAttempt, submit, verifiedCandidate } from '../support/exams.ts';
import { cookiesSetBy, expectKeptField, followRedirect } from '../support/flash.ts';
import { call, makeApp, type TestContext } from '../support/server.ts';

/** The POST's redirect followed with its flash, then the same page again: the flash is gone. */
async function flashedOnce(ctx: TestContext, response: Response, cookie: string, text: string) {
  const followed = await followRedirect(ctx, response, cookie);
  expect(followed.text).toContain(text);
  // The page that showed it deletes the flash cookie; the browser then asks again with the session alone.
  expect(followed.page.headers.getSetCookie().some((c) => /^seatkeeper_flash=;/.test(c))).toBe(true);
  const again = await (await call(ctx, 'GET', followed.location, { cookie })).text();
  expect(again).not.toContain(text);
  return followed;
}

describe('publishing from the exam list', () => {
  it('publish and unpublish answer 303 with a flash shown once', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const cookie = world.adminCookie;
    const off = await call(ctx, 'POST', `/portal/exams/${world.examId}/unpublish`, { cookie, form: {} });
    const followed = await flashedOnce(
      ctx,
      off,
      cookie,
      '“Safety basics” is no longer published: no one can start it.',
    );
    expect(followed.location).toBe('/portal/exams');
    const on = await call(ctx, 'POST', `/portal/exams/${world.examId}/publish`, { cookie, form: {} });
    await flashedOnce(ctx, on, cookie, '“Safety basics” is published');
    // The flash is written in the language of the page that shows it.
    const ja = await call(ctx, 'POST', `/portal/exams/${world.examId}/unpublish`, { cookie, form: {} });
    const jaPage = await call(ctx, 'GET', '/portal/exams', {
      cookie: [cookie, ...cookiesSetBy(ja)].join('; '),
      headers: { 'accept-language': 'ja' },
    });
    expect(await jaPage.text()).toContain('「Safety basics」の公開を停止しました。');
  });

  it('a refused publish shows the list again with the reason, and publishes nothing', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    await call(ctx, 'POST', `/portal/exams/${world.examId}/unpublish`, { cookie: world.adminCookie, form: {} });
    ctx.exams.licenceTerm = async () => ({
      state: 'expired',
      endsOn: '2026-01-01',
      daysLeft: -30,
      publishingAllowed: false,
      candidatesOnline: true,
      message: 'expired',
    });
    const refused = await call(ctx, 'POST', `/portal/exams/${world.examId}/publish`, {
      cookie: world.adminCookie,
      form: {},
    });
    expect(refused.status).toBe(409);
    const page = await refused.text();
    expect(page).toMatch(/<div class="alert error" role="alert">[^<]*licen[cs]e/i);
    const exam = await ctx.deps.db
      .selectFrom('exams')
      .select('published')
      .where('id', '=', world.examId)
      .executeTakeFirst();
    expect(exam?.published).toBe(0);
  });
});

describe('extra time on an attempt in progress', () => {
  it('keeps what was typed and marks the field when the minutes are wrong; 303 + flash when added', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const attempt = await startAttempt(ctx, world);
    const action = `/portal/exams/${world.examId}/attempts/${attempt.id}/extra-time`;
    const field = `extra-${attempt.id}`;
    for (const typed of ['0', '1441', '2.5']) {
      const refused = await call(ctx, 'POST', action, { cookie: world.adminCookie, form: { minutes: typed } });
      expect(refused.status, typed).toBe(400);
      const page = await refused.text();
      expectKeptField(page, field, typed);
      expect(page).toContain('Enter a whole number of minutes from 1 to 1440 (24 hours).');
    }
    const before = await ctx.deps.db.selectFrom('exam_attempts').select('deadline_at').executeTakeFirstOrThrow();
    expect(before.deadline_at).toBe('2026-11-24T12:30:00.000Z');

    const added = await call(ctx, 'POST', action, { cookie: world.adminCookie, form: { minutes: '15' } });
    const followed = await flashedOnce(
      ctx,
      added,
      world.adminCookie,
      '15 minutes added to the attempt of Candidate Person; it now ends at 24 November 2026 at 12:45 UTC.',
    );
    expect(followed.location).toBe(`/portal/exams/${world.examId}#attempts`);
  });

  it('a closed attempt: the page says so; another exam’s attempt is not found', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const attempt = await startAttempt(ctx, world);
    await submit(ctx, world.cookie, attempt.id);
    const refused = await call(ctx, 'POST', `/portal/exams/${world.examId}/attempts/${attempt.id}/extra-time`, {
      cookie: world.adminCookie,
      form: { minutes: '10' },
    });
    expect(refused.status).toBe(409);
    const closedPage = await refused.text();
    expect(closedPage).toMatch(
      /<div class="alert error" role="alert">This attempt has ended: the time is up or it was submitted\.<\/div>/,
    );
    const other = await examWorld(ctx, { title: 'Another exam' });
    const elsewhere = await call(ctx, 'POST', `/portal/exams/${other.examId}/attempts/${attempt.id}/extra-time`, {
      cookie: world.adminCookie,
      form: { minutes: '10' },
    });
    expect(elsewhere.status).toBe(404);
  });
});

describe('accommodation for future attempts', () => {
  it('keeps the email and minutes on an error, names the field; 303 + flash when saved, applied on the next start', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const action = `/portal/exams/${world.examId}/accommodations`;
    const unknown = await call(ctx, 'POST', action, {
      cookie: world.adminCookie,
      form: { email: 'nobody@example.com', minutes: '20' },
    });
    expect(unknown.status).toBe(400);
    const page = await unknown.text();
    expectKeptField(page, 'accommodation-email', 'nobody@example.com');
    expect(page).toContain('No account has this email address.');
    expect(page).toMatch(/<input[^>]*id="accommodation-minutes"[^>]*value="20"/);

    const other = await verifiedCandidate(ctx, 'Extra Person');
    const badMinutes = await call(ctx, 'POST', action, {
      cookie: world.adminCookie,
      form: { email: other.candidate.email, minutes: 'lots' },
    });
    expect(badMinutes.status).toBe(400);
    const again = await badMinutes.text();
    expectKeptField(again, 'accommodation-minutes', 'lots');
    expect(again).toMatch(new RegExp(`<input[^>]*id="accommodation-email"[^>]*value="${other.candidate.email}"`));

    const saved = await call(ctx, 'POST', action, {
      cookie: world.adminCookie,
      form: { email: other.candidate.email.toUpperCase(), minutes: '20' },
    });
    await flashedOnce(
      ctx,
      saved,
      world.adminCookie,
      `${other.candidate.email} now gets 20 extra minutes on every attempt at this exam`,
    );
    const long = await startAttempt(ctx, { cookie: other.cookie, examId: world.examId });
    expect(long.secondsLeft).toBe(50 * 60);
  });
});

describe('deleting a question', () => {
  it('asks first, naming the question and what the bank keeps; deletes when confirmed, with a flash once', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const cookie = world.adminCookie;
    const draft = (await (await call(ctx, 'POST', `/api/v1/exams/${world.examId}/versions`, { cookie })).json()) as {
      exam: { id: string };
    };
    const questions = (await (
      await call(ctx, 'GET', `/api/v1/exams/${draft.exam.id}/questions`, { cookie })
    ).json()) as { items: { id: string }[] };
    const third = questions.items[2]?.id;
    const path = `/portal/exams/${draft.exam.id}/questions/${third}/delete`;
    const asked = await call(ctx, 'POST', path, { cookie, form: {} });
    expect(asked.status).toBe(200);
    const confirmation = await asked.text();
    expect(confirmation).toContain('<h1>Delete question 3?</h1>');
    expect(confirmation).toContain('Question 3, “Water is wet.”, leaves the bank of this draft.');
    expect(confirmation).toContain('The bank then holds 3 questions; each attempt draws 4.');
    expect(confirmation).toContain(`<form method="post" action="${path}"`);
    expect(confirmation).toContain('<input type="hidden" name="confirmed" value="1"/>');
    const still = await call(ctx, 'GET', `/api/v1/exams/${draft.exam.id}/questions`, { cookie });
    expect(((await still.json()) as { items: unknown[] }).items).toHaveLength(4);

    const deleted = await call(ctx, 'POST', path, { cookie, form: { confirmed: '1' } });
    const followed = await flashedOnce(ctx, deleted, cookie, 'Question “Water is wet.” deleted.');
    expect(followed.location).toBe(`/portal/exams/${draft.exam.id}/questions`);
    const after = await call(ctx, 'GET', `/api/v1/exams/${draft.exam.id}/questions`, { cookie });
    expect(((await after.json()) as { items: { id: string }[] }).items.map((q) => q.id)).not.toContain(third);
  });
});
