import { describe, expect, it } from 'vitest';
import { examWorld, startAttempt } from '../support/exams.ts';
import { call, makeApp } from '../support/server.ts';

const location = (response: Response) => response.headers.get('location') ?? '';

/** The value of the choice labelled `text` in the page: the attempt's own opaque option id. */
function choiceValue(page: string, text: string): string {
  const match = new RegExp(`value="([a-z2-7]{20})"[^>]*>(?:\\s|<[^>]*>)*${text}<`).exec(page);
  if (!match?.[1]) throw new Error(`no choice labelled ${text}`);
  return match[1];
}

describe('exam pages without JavaScript', () => {
  it('catalogue → start → save by form → confirmation lists unanswered → submit → result → history', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const catalogue = await call(ctx, 'GET', '/exams', { cookie: world.cookie });
    expect(catalogue.status).toBe(200);
    const page = await catalogue.text();
    expect(page).toContain('Safety basics');
    expect(page).toContain('Attempts left: 2 of 2');

    const started = await call(ctx, 'POST', `/exams/${world.examId}/start`, { cookie: world.cookie, form: {} });
    expect(started.status).toBe(303);
    const attemptPath = location(started);
    expect(attemptPath).toMatch(/^\/attempts\/[a-z2-7]+$/);

    const form = await (await call(ctx, 'GET', attemptPath, { cookie: world.cookie })).text();
    expect(form).toContain('<fieldset');
    expect(form).toMatch(/<legend><span class="question-number">Question 1 of 4/);
    expect(form).toContain('aria-live="polite"');
    expect(form).toContain('<script src="/assets/exam.js" defer');
    expect(form).not.toMatch(/<script>(?!<\/script>)/);
    expect(form).not.toMatch(/correct|paris/i);
    expect(form).toContain('name="seq-0" value="1"');
    expect(form).not.toContain('value="o1"');
    const red = choiceValue(form, 'Red');

    const saved = await call(ctx, 'POST', `${attemptPath}/answers`, {
      cookie: world.cookie,
      form: { 'q-0': red, 'seq-0': '1', 'q-2': 'true', 'seq-2': '1', 'seq-1': '1', 'seq-3': '1', action: 'review' },
    });
    expect(saved.status).toBe(303);
    expect(location(saved)).toBe(`${attemptPath}/submit`);
    const confirm = await (await call(ctx, 'GET', `${attemptPath}/submit`, { cookie: world.cookie })).text();
    expect(confirm).toContain('You have not answered 2 of 4 questions');
    expect(confirm).toContain('Question 2');
    expect(confirm).toContain('Question 4');

    const reloaded = await (await call(ctx, 'GET', attemptPath, { cookie: world.cookie })).text();
    expect(reloaded).toMatch(new RegExp(`value="${red}"[^>]*checked`));
    expect(reloaded).toContain('name="seq-0" value="2"');

    const submitted = await call(ctx, 'POST', `${attemptPath}/submit`, { cookie: world.cookie, form: {} });
    expect(location(submitted)).toBe(attemptPath);
    const result = await (await call(ctx, 'GET', attemptPath, { cookie: world.cookie })).text();
    expect(result).toContain('Not passed');
    expect(result).toContain('50%');
    const historyPage = await (await call(ctx, 'GET', '/history', { cookie: world.cookie })).text();
    expect(historyPage).toContain('Safety basics');
    expect(historyPage).toContain('Not passed');
  });

  it('shows an offline notice instead of the exam when the licence is cancelled', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const attempt = await startAttempt(ctx, world);
    ctx.exams.licenceTerm = async () => ({
      state: 'cancelled',
      endsOn: '2027-01-01',
      daysLeft: 30,
      publishingAllowed: false,
      candidatesOnline: false,
      message: 'cancelled',
    });
    const catalogue = await (await call(ctx, 'GET', '/exams', { cookie: world.cookie })).text();
    expect(catalogue).toContain('Exams are offline');
    expect(catalogue).not.toContain('Start the exam');
    const page = await (await call(ctx, 'GET', `/attempts/${attempt.id}`, { cookie: world.cookie })).text();
    expect(page).toContain('Exams are offline');
  });

  it('serves the enhancement script as a static file', async () => {
    const ctx = await makeApp();
    const response = await call(ctx, 'GET', '/assets/exam.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('javascript');
  });
});

describe('exam reports', () => {
  it('pass rate, distribution, item analysis (facility and discrimination) and CSV', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx, { attemptsAllowed: null, cooldownMinutes: 0 });
    const { verifiedCandidate, answerAll, submit } = await import('../support/exams.ts');
    // Four candidates: two answer everything right, two answer only question 3 right.
    for (let i = 0; i < 4; i++) {
      const who = i === 0 ? world : await verifiedCandidate(ctx, `Person ${i}`);
      const attempt = await startAttempt(ctx, { cookie: who.cookie, examId: world.examId });
      if (i < 2) await answerAll(ctx, who.cookie, attempt);
      else
        await call(ctx, 'POST', `/api/v1/attempts/${attempt.id}/answers`, {
          cookie: who.cookie,
          json: { answers: [{ position: 2, seq: 1, answer: 'true' }] },
        });
      await submit(ctx, who.cookie, attempt.id);
    }
    const response = await call(ctx, 'GET', `/api/v1/exams/${world.examId}/report`, { cookie: world.adminCookie });
    const report = (await response.json()) as {
      attempts: number;
      passRate: number;
      distribution: number[];
      items: { text: string; facility: number; discrimination: number }[];
    };
    expect(report.attempts).toBe(4);
    expect(report.passRate).toBe(0.5);
    expect(report.distribution[9]).toBe(2);
    expect(report.distribution[2]).toBe(2);
    const first = report.items.find((i) => i.text === 'Which colour means stop?');
    expect(first).toMatchObject({ facility: 0.5, discrimination: 1 });
    const third = report.items.find((i) => i.text === 'Water is wet.');
    expect(third).toMatchObject({ facility: 1, discrimination: 0 });
    const csv = await call(ctx, 'GET', `/api/v1/exams/${world.examId}/report?format=csv`, {
      cookie: world.adminCookie,
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the UTF-8 byte-order mark spreadsheets look for
    const text = new TextDecoder().decode(bytes);
    expect(text.split('\r\n')[0]).toBe('attempt_id,email,name,status,started_at,finished_at,score_percent,passed');
    expect(text).toContain('question_id,question,responses,facility,discrimination');
    const adminPage = await (
      await call(ctx, 'GET', `/portal/exams/${world.examId}`, { cookie: world.adminCookie })
    ).text();
    expect(adminPage).toContain('<svg');
    expect(adminPage).toContain('Item analysis');
  });
});

describe('admin exam pages', () => {
  it('import by form, publish, extra time for an attempt in progress and an accommodation by email', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const { SAMPLE_DOCUMENT, verifiedCandidate } = await import('../support/exams.ts');
    const imported = await call(ctx, 'POST', '/portal/exam-imports', {
      cookie: world.adminCookie,
      form: { document: JSON.stringify({ ...SAMPLE_DOCUMENT, exam: { ...SAMPLE_DOCUMENT.exam, title: 'By form' } }) },
    });
    expect(location(imported)).toMatch(/^\/portal\/exams\/[a-z2-7]+$/);
    const bad = await call(ctx, 'POST', '/portal/exam-imports', {
      cookie: world.adminCookie,
      form: { document: JSON.stringify({ ...SAMPLE_DOCUMENT, questions: [{ kind: 'single', text: '' }] }) },
    });
    // Refused: the list again, with the document kept and the problem named by its place in the document.
    expect(bad.status).toBe(400);
    const refused = await bad.text();
    expect(refused).toContain('questions[0]');
    expect(refused).toContain('&quot;kind&quot;:&quot;single&quot;');
    const published = await call(ctx, 'POST', `${location(imported)}/publish`, { cookie: world.adminCookie, form: {} });
    expect(location(published)).toBe('/portal/exams');

    const attempt = await startAttempt(ctx, world);
    const page = await (await call(ctx, 'GET', `/portal/exams/${world.examId}`, { cookie: world.adminCookie })).text();
    expect(page).toContain(`/attempts/${attempt.id}/extra-time`);
    await call(ctx, 'POST', `/portal/exams/${world.examId}/attempts/${attempt.id}/extra-time`, {
      cookie: world.adminCookie,
      form: { minutes: '7' },
    });
    const after = (await (
      await call(ctx, 'GET', `/api/v1/attempts/${attempt.id}`, { cookie: world.cookie })
    ).json()) as {
      attempt: { secondsLeft: number };
    };
    expect(after.attempt.secondsLeft).toBe(37 * 60);

    const other = await verifiedCandidate(ctx);
    await call(ctx, 'POST', `/portal/exams/${world.examId}/accommodations`, {
      cookie: world.adminCookie,
      form: { email: other.candidate.email, minutes: '20' },
    });
    const long = await startAttempt(ctx, { cookie: other.cookie, examId: world.examId });
    expect(long.secondsLeft).toBe(50 * 60);
  });
});
