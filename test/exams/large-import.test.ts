import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExam, EXAM_DOCUMENT_LIMIT_BYTES } from '../../server/exams/authoring.ts';
import { startNodeServer } from '../../server/http/node-server.ts';
import { call, createAccount, makeApp, ORIGIN, sessionCookieFor, type TestContext } from '../support/server.ts';

// The largest bank an exam document may hold (2,000 questions), exported by the product and imported again over real
// HTTP, where the route's own body limit (declared in its apiRoute) is what lets it past the default one.

let ctx: TestContext;
let server: Awaited<ReturnType<typeof startNodeServer>>;

beforeAll(async () => {
  ctx = await makeApp();
  server = await startNodeServer(ctx.app, ctx.config, { port: 0, host: '127.0.0.1' });
});
afterAll(() => server.close());

function post(path: string, cookie: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          origin: ORIGIN,
          cookie,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Long questions in two languages: 600 characters of text and four 150-character options each. */
const bank = Array.from({ length: 2000 }, (_, i) => ({
  content: {
    kind: 'single' as const,
    text: `Q${i + 1} ${'安全な作業手順について、次のうち正しいものはどれですか。 Which is right? '.repeat(9)}`
      .slice(0, 600)
      .trim(),
    options: Array.from({ length: 4 }, (_, o) => ({
      id: `o${o + 1}`,
      text: `${o + 1}: ${'保護具を着用してから作業を始める。 Wear protective gear first. '.repeat(4)}`
        .slice(0, 150)
        .trim(),
      correct: o === 0,
    })),
  },
  tags: ['safety', `part-${i % 10}`],
}));

describe('importing a 2,000-question bank', () => {
  it("imports the product's own export of 2,000 questions through the route's declared body limit", async () => {
    const cookie = await sessionCookieFor(ctx, await createAccount(ctx, 'admin'));
    const exam = await createExam(
      ctx.exams,
      {
        title: 'The big bank',
        description: '',
        timeLimitMinutes: 60,
        passMark: 70,
        attemptsAllowed: null,
        cooldownMinutes: 0,
        validityMonths: null,
        reviewPolicy: 'score_only',
        reviewAfter: null,
        questionCount: 50,
        drawRules: [],
        shuffleQuestions: true,
        shuffleOptions: true,
      },
      bank,
    );
    const exported = await call(ctx, 'GET', `/api/v1/exams/${exam.id}/export`, { cookie });
    const document = await exported.text();
    const bytes = Buffer.byteLength(document);
    // Far past the default limit, inside the route's own.
    expect(bytes).toBeGreaterThan(ctx.config.bodyLimitBytes * 10);
    expect(bytes).toBeLessThan(EXAM_DOCUMENT_LIMIT_BYTES);

    const imported = await post('/api/v1/exam-imports?mode=new_exam', cookie, document);
    expect(imported.status, imported.body.slice(0, 300)).toBe(201);
    const { exam: copy } = JSON.parse(imported.body) as { exam: { id: string } };
    const count = await ctx.deps.db
      .selectFrom('exam_questions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('exam_id', '=', copy.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2000);
    const again = await call(ctx, 'GET', `/api/v1/exams/${copy.id}/export`, { cookie });
    const copied = ((await again.json()) as { questions: unknown[] }).questions;
    const original = JSON.parse(document).questions as unknown[];
    expect(copied.length).toBe(original.length);
    expect(copied.findIndex((q, i) => JSON.stringify(q) !== JSON.stringify(original[i]))).toBe(-1);

    // The limit is the route's own: past it, 413 with the error shape, and nothing is created.
    const tooLarge = await post('/api/v1/exam-imports', cookie, ' '.repeat(EXAM_DOCUMENT_LIMIT_BYTES + 1));
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body).error.code).toBe('payload_too_large');
    // Another route keeps the default limit for the same body.
    const elsewhere = await post(`/api/v1/exams/${exam.id}/questions`, cookie, document);
    expect(elsewhere.status).toBe(413);
  }, 120_000);
});
