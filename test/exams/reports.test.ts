// Issue 17's reports: per-option statistics mapped back from each attempt's opaque ids, the pass-mark line, readable
// status words, and one attempt opened by staff (and by nobody else).
import { describe, expect, it } from 'vitest';
import { answerAll, examWorld, optionIds, startAttempt, submit, verifiedCandidate } from '../support/exams.ts';
import { call, createAccount, makeApp, sessionCookieFor, type TestContext } from '../support/server.ts';

interface Tally {
  options: { id: string; text: string; correct: boolean; chosen: number; share: number | null }[];
  answers: { answer: string; count: number; correct: boolean }[];
  distinctAnswers: number;
}
interface Report {
  passMark: number;
  attempts: number;
  finished: number;
  passed: number;
  passRate: number;
  meanScore: number;
  distribution: number[];
  items: { text: string; responses: number; tally: Tally }[];
  rows: { attemptId: string; name: string }[];
}

/** Four finished attempts on a shuffled exam (two right, two mostly wrong) and one in progress. */
async function reportWorld(ctx: TestContext) {
  const world = await examWorld(ctx, { attemptsAllowed: null, cooldownMinutes: 0, shuffleOptions: true });
  const people = [world, ...(await Promise.all([1, 2, 3, 4].map((i) => verifiedCandidate(ctx, `Person ${i}`))))];
  const attempts = [];
  for (const [i, who] of people.entries()) {
    const attempt = await startAttempt(ctx, { cookie: who.cookie, examId: world.examId });
    attempts.push(attempt);
    if (i === 4) break; // stays in progress
    if (i < 2) await answerAll(ctx, who.cookie, attempt);
    const answers =
      i === 2
        ? [
            { position: 0, seq: 1, answer: optionIds(attempt, 0, ['Green'])[0] },
            { position: 1, seq: 1, answer: optionIds(attempt, 1, ['2', '4']) },
            { position: 2, seq: 1, answer: 'false' },
            { position: 3, seq: 1, answer: '  PARIS ' },
          ]
        : i === 3
          ? [
              { position: 2, seq: 1, answer: 'true' },
              { position: 3, seq: 1, answer: 'Lyon' },
            ]
          : [];
    if (answers.length)
      await call(ctx, 'POST', `/api/v1/attempts/${attempt.id}/answers`, { cookie: who.cookie, json: { answers } });
    await submit(ctx, who.cookie, attempt.id);
  }
  return { world, attempts };
}

describe('exam report: per-option statistics, pass-mark line, status words', () => {
  it('counts each option in authoring ids whatever ids the attempts showed, and short answers as scored', async () => {
    const ctx = await makeApp();
    const { world } = await reportWorld(ctx);
    const response = await call(ctx, 'GET', `/api/v1/exams/${world.examId}/report`, { cookie: world.adminCookie });
    expect(response.status).toBe(200);
    const report = (await response.json()) as Report;
    // Figures from the database: 5 attempts, 4 finished, 2 passed (100 % twice; 25 % twice), mean 62.5 %.
    expect(report).toMatchObject({ passMark: 60, attempts: 5, finished: 4, passed: 2, passRate: 0.5, meanScore: 62.5 });
    expect(report.distribution).toEqual([0, 0, 2, 0, 0, 0, 0, 0, 0, 2]);
    const tally = (text: string) => report.items.find((i) => i.text === text)?.tally as Tally;
    expect(tally('Which colour means stop?').options).toEqual([
      { id: 'o1', text: 'Red', correct: true, chosen: 2, share: 0.5 },
      { id: 'o2', text: 'Green', correct: false, chosen: 1, share: 0.25 },
    ]);
    expect(tally('Which are primes?').options.map((o) => [o.text, o.correct, o.chosen])).toEqual([
      ['2', true, 3],
      ['3', true, 2],
      ['4', false, 1],
    ]);
    expect(tally('Water is wet.').options.map((o) => [o.id, o.correct, o.chosen, o.share])).toEqual([
      ['true', true, 3, 0.75],
      ['false', false, 1, 0.25],
    ]);
    // "Paris" twice and "  PARIS " once are one answer, as scoring compares them (trimmed, case folded).
    expect(tally('Capital of France?')).toEqual({
      options: [],
      answers: [
        { answer: 'paris', count: 3, correct: true },
        { answer: 'lyon', count: 1, correct: false },
      ],
      distinctAnswers: 2,
    });
  });

  it('draws the pass mark on the chart, names it for screen readers and says each attempt in words', async () => {
    const ctx = await makeApp();
    const { world, attempts } = await reportWorld(ctx);
    const page = await (await call(ctx, 'GET', `/portal/exams/${world.examId}`, { cookie: world.adminCookie })).text();
    // 60 % sits at x = 30 + 60 × 3.6 = 246 on the chart's scale.
    expect(page).toMatch(
      /<g class="pass-mark"><line x1="246" y1="14" x2="246"[^>]*\/><text[^>]*>Pass mark 60%<\/text>/,
    );
    expect(page).toMatch(/role="img" aria-label="Score distribution: [^"]*Pass mark 60%\."/);
    expect(page).toContain('The dashed line marks the pass mark (60%).');
    expect(page).toContain('What candidates chose');
    expect(page).toMatch(
      /<th scope="row">Red<\/th><td><strong class="right-answer">Right<\/strong><\/td><td class="num">2<\/td><td class="num">50%<\/td>/,
    );
    expect(page).toMatch(
      /<th scope="row">paris<\/th><td><strong class="right-answer">Accepted<\/strong><\/td><td class="num">3<\/td>/,
    );
    for (const word of ['Passed', 'Failed', 'In progress']) expect(page).toContain(`<td>${word}</td>`);
    expect(page).not.toMatch(/<td>(in_progress|submitted|expired)<\/td>/);
    for (const attempt of attempts)
      expect(page).toContain(`href="/portal/exams/${world.examId}/attempts/${attempt.id}"`);

    const ja = await (
      await call(ctx, 'GET', `/portal/exams/${world.examId}`, {
        cookie: world.adminCookie,
        headers: { 'accept-language': 'ja' },
      })
    ).text();
    expect(ja).toContain('合格点 60%');
    for (const word of ['合格', '不合格', '受験中']) expect(ja).toContain(`<td>${word}</td>`);
  });

  it('says "timed out" for an attempt the deadline closed', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    await startAttempt(ctx, world);
    ctx.advance(31 * 60);
    const page = await (await call(ctx, 'GET', `/portal/exams/${world.examId}`, { cookie: world.adminCookie })).text();
    expect(page).toContain('<td>Timed out, failed</td>');
  });
});

describe('one attempt opened from the report', () => {
  it('shows staff the answers against the right ones, score, time taken, who and when; read-only', async () => {
    const ctx = await makeApp();
    const { world, attempts } = await reportWorld(ctx);
    const wrong = attempts[2];
    if (!wrong) throw new Error('no attempt');
    const path = `/portal/exams/${world.examId}/attempts/${wrong.id}`;
    const response = await call(ctx, 'GET', path, { cookie: world.adminCookie });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('Attempt by Person 2');
    expect(page).toMatch(/<dd>Person 2 \([^)]+@[^)]+\)<\/dd>/);
    expect(page).toContain('<dd>Failed</dd>');
    expect(page).toContain('<dd>25% (pass mark 60%)</dd>');
    expect(page).toMatch(/<dt>Time taken<\/dt><dd>[^<]+<\/dd>/);
    expect(page).toMatch(/1\. Which colour means stop\?<\/th><td>Green<\/td><td>Red<\/td><td class="num">0<\/td>/);
    // Options in the order this candidate saw them (shuffled).
    expect(page).toMatch(
      /2\. Which are primes\?<\/th><td>(2, 4|4, 2)<\/td><td>(2, 3|3, 2)<\/td><td class="num">0<\/td>/,
    );
    expect(page).toMatch(/3\. Water is wet\.<\/th><td>False<\/td><td>True<\/td>/);
    expect(page).toMatch(/4\. Capital of France\?<\/th><td> {2}PARIS <\/td><td>paris<\/td><td class="num">1<\/td>/);
    expect(page.slice(page.indexOf('<main'))).not.toContain('<form');

    const inProgress = await (
      await call(ctx, 'GET', `/portal/exams/${world.examId}/attempts/${attempts[4]?.id}`, { cookie: world.adminCookie })
    ).text();
    expect(inProgress).toContain('<dd>In progress</dd>');
  });

  it('is for staff only: support reads it, a candidate (even its own) is refused, another exam’s path is 404', async () => {
    const ctx = await makeApp();
    const { world, attempts } = await reportWorld(ctx);
    const attempt = attempts[0];
    if (!attempt) throw new Error('no attempt');
    const path = `/portal/exams/${world.examId}/attempts/${attempt.id}`;
    const support = await sessionCookieFor(ctx, await createAccount(ctx, 'support'));
    expect((await call(ctx, 'GET', path, { cookie: support })).status).toBe(200);
    expect((await call(ctx, 'GET', path, { cookie: world.adminCookie })).status).toBe(200);
    expect((await call(ctx, 'GET', path, { cookie: world.cookie })).status).toBe(403);
    const anonymous = await call(ctx, 'GET', path);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/sign-in/);
    const other = await examWorld(ctx, { title: 'Other exam' });
    expect(
      (await call(ctx, 'GET', `/portal/exams/${other.examId}/attempts/${attempt.id}`, { cookie: support })).status,
    ).toBe(404);
    expect((await call(ctx, 'GET', `/portal/exams/${world.examId}/attempts/nope`, { cookie: support })).status).toBe(
      404,
    );
  });
});
