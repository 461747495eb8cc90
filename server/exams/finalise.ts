import { writeTransaction } from '../db/transaction.ts';
import { ApiError } from '../http/errors.ts';
import type { ExamsDeps } from './context.ts';
import { type Answer, scoreAnswer } from './questions.ts';
import type { DrawnQuestion } from './tables.ts';

export const attemptClosed = () => new ApiError(409, 'attempt_closed', 'errors.attempt_closed');

/**
 * Scores and closes an attempt. Idempotent and safe to race: the closing update is conditional on the attempt still
 * being open, inside a BEGIN IMMEDIATE transaction. `deadline` only closes attempts whose deadline has passed.
 */
export async function finaliseAttempt(
  deps: ExamsDeps,
  attemptId: string,
  by: 'candidate' | 'deadline',
): Promise<boolean> {
  return writeTransaction(deps.db, async (trx) => {
    const now = deps.clock();
    // Locked until commit: a concurrent autosave (shareLock) waits, then finds the attempt closed.
    const attempt = await trx
      .selectFrom('exam_attempts')
      .selectAll()
      .where('id', '=', attemptId)
      .where('status', '=', 'in_progress')
      .forNoKeyUpdate()
      .executeTakeFirst();
    if (!attempt) return false;
    const overdue = attempt.deadline_at <= now.toISOString();
    if (by === 'deadline' && !overdue) return false;
    const exam = await trx.selectFrom('exams').selectAll().where('id', '=', attempt.exam_id).executeTakeFirstOrThrow();
    const answers = await answersOf(trx, attemptId);
    const drawn = JSON.parse(attempt.questions) as DrawnQuestion[];
    const points = drawn.reduce((sum, q, i) => sum + scoreAnswer(q.content, answers.get(i)?.answer), 0);
    const percent = drawn.length ? Math.round((points / drawn.length) * 10_000) / 100 : 0;
    const passed = percent >= exam.pass_mark;
    const finishedAt = overdue ? attempt.deadline_at : now.toISOString();
    const updated = await trx
      .updateTable('exam_attempts')
      .set({
        status: overdue ? 'expired' : 'submitted',
        finished_at: finishedAt,
        score_points: points,
        max_points: drawn.length,
        score_percent: percent,
        passed: passed ? 1 : 0,
      })
      .where('id', '=', attemptId)
      .where('status', '=', 'in_progress')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    if (passed) {
      const closed = { ...attempt, score_percent: percent };
      await deps.issueCertificate(trx, closed, exam, finishedAt);
    }
    return true;
  });
}

type AnswerRow = { position: number; seq: number; answer: Answer };

export async function answersOf(db: ExamsDeps['db'], attemptId: string): Promise<Map<number, AnswerRow>> {
  const rows = await db
    .selectFrom('attempt_answers')
    .select(['position', 'seq', 'answer'])
    .where('attempt_id', '=', attemptId)
    .execute();
  return new Map(rows.map((r) => [r.position, { position: r.position, seq: r.seq, answer: JSON.parse(r.answer) }]));
}

/** Closes every attempt past its deadline; returns how many this call closed. Safe to run from several places. */
export async function sweepOverdueAttempts(deps: ExamsDeps): Promise<number> {
  const due = await deps.db
    .selectFrom('exam_attempts')
    .select('id')
    .where('status', '=', 'in_progress')
    .where('deadline_at', '<=', deps.clock().toISOString())
    .execute();
  let closed = 0;
  for (const { id } of due) if (await finaliseAttempt(deps, id, 'deadline')) closed++;
  return closed;
}

export async function finaliseOverdueFor(deps: ExamsDeps, accountId: string): Promise<void> {
  const due = await deps.db
    .selectFrom('exam_attempts')
    .select('id')
    .where('account_id', '=', accountId)
    .where('status', '=', 'in_progress')
    .where('deadline_at', '<=', deps.clock().toISOString())
    .execute();
  for (const { id } of due) await finaliseAttempt(deps, id, 'deadline');
}

/** Closes every attempt of the account still in progress, as a submission (before the account closes, rule 26a). */
export async function finaliseAttemptsOf(deps: ExamsDeps, accountId: string): Promise<number> {
  const open = await deps.db
    .selectFrom('exam_attempts')
    .select('id')
    .where('account_id', '=', accountId)
    .where('status', '=', 'in_progress')
    .execute();
  let closed = 0;
  for (const { id } of open) if (await finaliseAttempt(deps, id, 'candidate')) closed++;
  return closed;
}

/** The sweeper in the server process: every `intervalMs` (default 20 s). Returns a stop function. */
export function startAttemptSweeper(deps: ExamsDeps, intervalMs = 20_000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepOverdueAttempts(deps)
      .catch((error) => deps.logger.error('attempt sweep failed', { error: String(error) }))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

export async function accountsWithExamInProgress(deps: ExamsDeps): Promise<Set<string>> {
  const rows = await deps.db
    .selectFrom('exam_attempts')
    .select('account_id')
    .distinct()
    .where('status', '=', 'in_progress')
    .where('deadline_at', '>', deps.clock().toISOString())
    .execute();
  return new Set(rows.map((r) => r.account_id));
}
