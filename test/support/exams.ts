import type { Account } from '../../server/auth/tables.ts';
import { call, createAccount, sessionCookieFor, type TestContext } from './server.ts';

// Shared set-up for the exam and certificate tests: an admin, a verified candidate and a small published exam.

export const SAMPLE_DOCUMENT = {
  format: 'seatkeeper-exam/1',
  exam: {
    title: 'Safety basics',
    description: 'Five questions on safety.',
    timeLimitMinutes: 30,
    passMark: 60,
    attemptsAllowed: 2,
    cooldownMinutes: 60,
    validityMonths: 12,
    reviewPolicy: 'score_and_answers',
    questionCount: 4,
  },
  questions: [
    {
      kind: 'single',
      text: 'Which colour means stop?',
      options: [{ text: 'Red', correct: true }, { text: 'Green' }],
    },
    {
      kind: 'multiple',
      text: 'Which are primes?',
      scoring: 'partial',
      options: [{ text: '2', correct: true }, { text: '3', correct: true }, { text: '4' }],
    },
    { kind: 'true_false', text: 'Water is wet.', answer: true },
    { kind: 'short_answer', text: 'Capital of France?', accepted: ['paris'], match: 'exact' },
  ],
};

/** The right answers of the sample exams: options by the text the candidate reads (ids differ per attempt). */
const CORRECT: { position: number; options?: string[]; multiple?: boolean; answer?: string }[] = [
  { position: 0, options: ['Red', '赤'] },
  { position: 1, options: ['2', '3'], multiple: true },
  { position: 2, answer: 'true' },
  { position: 3, answer: 'Paris' },
];

/** The ids, in this attempt, of the options of question `position` whose text is one of `texts`. */
export function optionIds(attempt: AttemptJson, position: number, texts: string[]): string[] {
  const options = attempt.questions[position]?.options ?? [];
  const ids = options.filter((o) => texts.includes(o.text)).map((o) => o.id);
  if (!ids.length) throw new Error(`no option ${texts.join('/')} in question ${position}`);
  return ids;
}

/** The right answers of the sample exam in this attempt's option ids. */
export const correctAnswers = (attempt: AttemptJson) =>
  CORRECT.map(({ position, options, multiple, answer }) => {
    if (!options) return { position, answer: answer as string };
    const ids = optionIds(attempt, position, options);
    return { position, answer: multiple ? ids : (ids[0] as string) };
  });

export interface ExamWorld {
  admin: Account;
  adminCookie: string;
  candidate: Account;
  cookie: string;
  examId: string;
}

export async function verifiedCandidate(ctx: TestContext, name = 'Candidate Person') {
  const candidate = await createAccount(ctx, 'candidate');
  await ctx.deps.db
    .updateTable('accounts')
    .set({ email_verified_at: ctx.now().toISOString(), name })
    .where('id', '=', candidate.id)
    .execute();
  const updated = { ...candidate, email_verified_at: ctx.now().toISOString(), name };
  return { candidate: updated, cookie: await sessionCookieFor(ctx, updated) };
}

export async function examWorld(
  ctx: TestContext,
  overrides: Record<string, unknown> = {},
  questions: unknown[] = SAMPLE_DOCUMENT.questions,
): Promise<ExamWorld> {
  const admin = await createAccount(ctx, 'admin');
  const adminCookie = await sessionCookieFor(ctx, admin);
  const imported = await call(ctx, 'POST', '/api/v1/exam-imports', {
    cookie: adminCookie,
    json: { ...SAMPLE_DOCUMENT, exam: { ...SAMPLE_DOCUMENT.exam, ...overrides }, questions },
  });
  if (imported.status !== 201) throw new Error(`import failed: ${await imported.text()}`);
  const { exam } = (await imported.json()) as { exam: { id: string } };
  const published = await call(ctx, 'POST', `/api/v1/exams/${exam.id}/publish`, { cookie: adminCookie });
  if (published.status !== 200) throw new Error(`publish failed: ${await published.text()}`);
  const { candidate, cookie } = await verifiedCandidate(ctx);
  return { admin, adminCookie, candidate, cookie, examId: exam.id };
}

export interface AttemptJson {
  id: string;
  status: string;
  deadlineAt: string;
  secondsLeft: number;
  questions: {
    position: number;
    kind: string;
    text: string;
    options?: { id: string; text: string }[];
    answer: unknown;
    seq: number;
    flagged: boolean;
  }[];
  result: null | { released: boolean; scorePercent?: number; passed?: boolean; review?: unknown };
  certificateId: string | null;
}

export async function startAttempt(ctx: TestContext, world: { cookie: string; examId: string }): Promise<AttemptJson> {
  const response = await call(ctx, 'POST', `/api/v1/exams/${world.examId}/attempts`, { cookie: world.cookie });
  if (response.status !== 201) throw new Error(`start failed ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { attempt: AttemptJson }).attempt;
}

/** Answers matching the drawn order (the sample exam does not shuffle): all correct. */
export async function answerAll(ctx: TestContext, cookie: string, attempt: AttemptJson, seq = 1) {
  return call(ctx, 'POST', `/api/v1/attempts/${attempt.id}/answers`, {
    cookie,
    json: { answers: correctAnswers(attempt).map((a) => ({ ...a, seq })) },
  });
}

export async function submit(ctx: TestContext, cookie: string, attemptId: string): Promise<AttemptJson> {
  const response = await call(ctx, 'POST', `/api/v1/attempts/${attemptId}/submit`, { cookie });
  if (response.status !== 200) throw new Error(`submit failed ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { attempt: AttemptJson }).attempt;
}

/** The sample exam as a Japanese organisation writes it (issue 16): the title the issue quotes, questions in Japanese. */
export const JAPANESE_DOCUMENT = {
  ...SAMPLE_DOCUMENT,
  exam: {
    ...SAMPLE_DOCUMENT.exam,
    title: 'OutSystems 基礎認定試験',
    description: 'OutSystems の基礎知識を確認する試験です。',
  },
  questions: [
    {
      kind: 'single',
      text: '停止を意味する信号の色はどれですか？',
      options: [{ text: '赤', correct: true }, { text: '緑' }],
    },
    {
      kind: 'multiple',
      text: '素数をすべて選んでください。',
      scoring: 'partial',
      options: [{ text: '2', correct: true }, { text: '3', correct: true }, { text: '4' }],
    },
    { kind: 'true_false', text: '水は液体です。', answer: true },
    { kind: 'short_answer', text: '日本の首都はどこですか？', accepted: ['東京'], match: 'exact' },
  ],
};
