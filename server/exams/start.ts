// Starting an attempt: the server fixes the questions (drawn, shuffled) and the deadline at the start.

import { randomInt } from 'node:crypto';
import { randomString } from '../auth/secrets.ts';
import type { Account } from '../auth/tables.ts';
import { writeTransaction } from '../db/transaction.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { message } from '../i18n/messages.ts';
import { assertMayStart } from './access.ts';
import { drawableBank, listQuestions } from './authoring.ts';
import type { ExamsDeps } from './context.ts';
import { drawQuestions, readDrawRules, seededInts, seededShuffle } from './draw-rules.ts';
import { finaliseOverdueFor } from './finalise.ts';
import type { QuestionContent } from './questions.ts';
import type { Attempt, DrawnQuestion } from './tables.ts';

function shuffle<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/**
 * Each attempt's options get fresh random ids (96 bits, base32): an id says nothing about the authoring order, and
 * ids from one attempt mean nothing in another. Scoring reads the snapshot, so it needs no mapping; `authoredId` keeps
 * the way back for reports.
 */
const opaqueOptionId = () => randomString(12);

export function drawOptions(content: QuestionContent, shuffled: boolean): QuestionContent {
  if (content.kind !== 'single' && content.kind !== 'multiple') return content;
  const options = shuffled ? shuffle(content.options) : content.options;
  return {
    ...content,
    options: options.map((o) => ({ ...o, id: opaqueOptionId(), authoredId: o.authoredId ?? o.id })),
  };
}

const offline = () => new ApiError(503, 'candidates_offline', 'errors.candidates_offline');

async function ensureOnline(deps: ExamsDeps): Promise<void> {
  const term = await deps.licenceTerm();
  if (term && term.candidatesOnline === false) throw offline();
}

export async function startAttempt(deps: ExamsDeps, account: Account, examId: string): Promise<Attempt> {
  const exam = await deps.db
    .selectFrom('exams')
    .selectAll()
    .where('id', '=', examId)
    .where('published', '=', 1)
    .executeTakeFirst();
  if (!exam) throw notFound('errors.not_found.exam');
  if (account.role !== 'candidate') throw new ApiError(403, 'candidates_only', 'errors.candidates_only');
  await ensureOnline(deps);
  if (!account.email_verified_at) throw new ApiError(403, 'email_not_verified', 'errors.email_not_verified.exam');
  await finaliseOverdueFor(deps, account.id);
  const bank = drawableBank(await listQuestions(deps, exam.id));
  const rules = readDrawRules(exam.draw_rules);
  const unavailable = () => new ApiError(409, 'exam_unavailable', 'errors.exam_unavailable');
  if (bank.length < exam.question_count) throw unavailable();
  return writeTransaction(deps.db, async (trx) => {
    const now = deps.clock();
    // One start at a time per candidate (on PostgreSQL; SQLite's write transactions are exclusive anyway).
    await trx.selectFrom('accounts').select('id').where('id', '=', account.id).forNoKeyUpdate().execute();
    const previous = await trx
      .selectFrom('exam_attempts')
      .selectAll()
      .where('exam_id', '=', exam.id)
      .where('account_id', '=', account.id)
      .orderBy('started_at', 'desc')
      .execute();
    const open = previous.find((a) => a.status === 'in_progress');
    if (open) return open;
    await assertMayStart(trx, exam, account, now);
    if (exam.attempts_allowed !== null && previous.length >= exam.attempts_allowed)
      throw new ApiError(409, 'no_attempts_left', message('errors.no_attempts_left', { count: exam.attempts_allowed }));
    const last = previous[0];
    if (last?.finished_at && exam.cooldown_minutes > 0) {
      const until = new Date(last.finished_at).getTime() + exam.cooldown_minutes * 60_000;
      if (until > now.getTime()) {
        const seconds = Math.ceil((until - now.getTime()) / 1000);
        const text = message('errors.cooling_down', { until: new Date(until) });
        throw new ApiError(409, 'cooling_down', text, undefined, { 'Retry-After': String(seconds) });
      }
    }
    const accommodation = await trx
      .selectFrom('exam_accommodations')
      .select('extra_minutes')
      .where('exam_id', '=', exam.id)
      .where('account_id', '=', account.id)
      .executeTakeFirst();
    const id = randomString(16);
    // Seeded by the attempt's id: each attempt draws its own questions, and the same attempt always the same ones.
    const picked = drawQuestions(bank, rules, exam.question_count, id)?.map((q) => q.row);
    if (!picked) throw unavailable();
    const ordered = exam.shuffle_questions
      ? seededShuffle(picked, seededInts(`${id}:order`))
      : picked.sort((a, b) => a.position - b.position);
    const drawn: DrawnQuestion[] = ordered.map((row) => {
      const content = drawOptions(JSON.parse(row.content) as QuestionContent, exam.shuffle_options === 1);
      return { questionId: row.id, version: row.version, content };
    });
    const extraSeconds = (accommodation?.extra_minutes ?? 0) * 60;
    const attempt: Attempt = {
      id,
      exam_id: exam.id,
      account_id: account.id,
      status: 'in_progress',
      started_at: now.toISOString(),
      deadline_at: new Date(now.getTime() + exam.time_limit_minutes * 60_000 + extraSeconds * 1000).toISOString(),
      extra_seconds: extraSeconds,
      finished_at: null,
      questions: JSON.stringify(drawn),
      question_total: drawn.length,
      score_points: null,
      max_points: null,
      score_percent: null,
      passed: null,
    };
    await trx.insertInto('exam_attempts').values(attempt).execute();
    return attempt;
  });
}
