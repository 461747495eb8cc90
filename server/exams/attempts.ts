import type { Account } from '../auth/tables.ts';
import { writeTransaction } from '../db/transaction.ts';
import { notFound } from '../http/errors.ts';
import { admittedExams, type WindowState, windowState } from './access.ts';
import { getExam } from './authoring.ts';
import type { ExamsDeps } from './context.ts';
import { answersOf, attemptClosed, finaliseAttempt, finaliseOverdueFor } from './finalise.ts';
import { flagsOf } from './flags.ts';
import { type Answer, correctAnswer, isAnswered, type PublicQuestion, publicView, scoreAnswer } from './questions.ts';
import type { Attempt, DrawnQuestion, Exam } from './tables.ts';

/** An attempt of this account (staff may pass `any`); anyone else's id is "not found". Overdue ones close first. */
export async function loadAttempt(deps: ExamsDeps, account: Account, attemptId: string, any = false): Promise<Attempt> {
  let attempt = await deps.db.selectFrom('exam_attempts').selectAll().where('id', '=', attemptId).executeTakeFirst();
  if (!attempt || (!any && attempt.account_id !== account.id)) throw notFound('errors.not_found.attempt');
  if (attempt.status === 'in_progress' && attempt.deadline_at <= deps.clock().toISOString()) {
    await finaliseAttempt(deps, attempt.id, 'deadline');
    attempt = await deps.db
      .selectFrom('exam_attempts')
      .selectAll()
      .where('id', '=', attemptId)
      .executeTakeFirstOrThrow();
  }
  return attempt;
}

export interface AttemptQuestionView extends PublicQuestion {
  position: number;
  answer: Answer | null;
  seq: number;
  /** Flagged for review by the candidate (server/exams/flags.ts). */
  flagged: boolean;
}

export interface AttemptView {
  id: string;
  examId: string;
  examTitle: string;
  status: Attempt['status'];
  startedAt: string;
  deadlineAt: string;
  secondsLeft: number;
  finishedAt: string | null;
  questions: AttemptQuestionView[];
  result:
    | { released: false; releasedAt: string | null }
    | {
        released: true;
        scorePercent: number;
        passed: boolean;
        passMark: number;
        review: { position: number; points: number; correctAnswer: Answer }[] | null;
      }
    | null;
  certificateId: string | null;
}

export function resultReleased(exam: Exam, now: Date): boolean {
  return exam.review_policy !== 'after_date' || (!!exam.review_after && exam.review_after <= now.toISOString());
}

export async function attemptView(deps: ExamsDeps, attempt: Attempt): Promise<AttemptView> {
  const exam = await getExam(deps, attempt.exam_id);
  const now = deps.clock();
  const drawn = JSON.parse(attempt.questions) as DrawnQuestion[];
  const answers = await answersOf(deps.db, attempt.id);
  const flags = await flagsOf(deps.db, attempt.id);
  const finished = attempt.status !== 'in_progress';
  const released = finished && resultReleased(exam, now);
  const showAnswers = released && exam.review_policy !== 'score_only';
  const certificate = released
    ? await deps.db
        .selectFrom('certificates')
        .select('id')
        .where('attempt_id', '=', attempt.id)
        .where('replaced_by', 'is', null)
        .executeTakeFirst()
    : undefined;
  return {
    id: attempt.id,
    examId: exam.id,
    examTitle: exam.title,
    status: attempt.status,
    startedAt: attempt.started_at,
    deadlineAt: attempt.deadline_at,
    secondsLeft: finished ? 0 : Math.max(0, Math.floor((Date.parse(attempt.deadline_at) - now.getTime()) / 1000)),
    finishedAt: attempt.finished_at,
    questions: drawn.map((q, position) => ({
      position,
      ...publicView(q.content),
      answer: answers.get(position)?.answer ?? null,
      seq: answers.get(position)?.seq ?? 0,
      flagged: flags.has(position),
    })),
    result: !finished
      ? null
      : released
        ? {
            released: true,
            scorePercent: attempt.score_percent ?? 0,
            passed: attempt.passed === 1,
            passMark: exam.pass_mark,
            review: showAnswers
              ? drawn.map((q, position) => ({
                  position,
                  points: scoreAnswer(q.content, answers.get(position)?.answer),
                  correctAnswer: correctAnswer(q.content),
                }))
              : null,
          }
        : { released: false, releasedAt: exam.review_after },
    certificateId: certificate?.id ?? null,
  };
}

export const unansweredPositions = (view: AttemptView) =>
  view.questions.filter((q) => !isAnswered(q.answer ?? undefined)).map((q) => q.position);

export interface CatalogueEntry {
  exam: Exam;
  attemptsUsed: number;
  attemptsLeft: number | null;
  inProgressAttemptId: string | null;
  availableFrom: string | null;
  /** The availability window (null: no bound) and where the exam stands in it now. */
  opensAt: string | null;
  closesAt: string | null;
  window: WindowState;
}

/** The published exams this account may sit (issue 17), and any it has an attempt in progress in. */
export async function catalogue(deps: ExamsDeps, account: Account): Promise<CatalogueEntry[]> {
  await finaliseOverdueFor(deps, account.id);
  const published = await deps.db.selectFrom('exams').selectAll().where('published', '=', 1).orderBy('title').execute();
  const admitted = await admittedExams(
    deps.db,
    account,
    published.map((e) => e.id),
  );
  const attempts = await deps.db
    .selectFrom('exam_attempts')
    .select(['id', 'exam_id', 'status', 'finished_at', 'started_at'])
    .where('account_id', '=', account.id)
    .orderBy('started_at', 'desc')
    .execute();
  const now = deps.clock().getTime();
  const inProgress = new Set(attempts.filter((a) => a.status === 'in_progress').map((a) => a.exam_id));
  const exams = published.filter((e) => admitted.has(e.id) || inProgress.has(e.id));
  return exams.map((exam) => {
    const access = admitted.get(exam.id) ?? { opensAt: null, closesAt: null };
    const mine = attempts.filter((a) => a.exam_id === exam.id);
    const open = mine.find((a) => a.status === 'in_progress');
    const lastFinished = mine.find((a) => a.finished_at)?.finished_at;
    const until = lastFinished ? Date.parse(lastFinished) + exam.cooldown_minutes * 60_000 : 0;
    return {
      exam,
      attemptsUsed: mine.length,
      attemptsLeft: exam.attempts_allowed === null ? null : Math.max(0, exam.attempts_allowed - mine.length),
      inProgressAttemptId: open?.id ?? null,
      availableFrom: until > now ? new Date(until).toISOString() : null,
      opensAt: access.opensAt,
      closesAt: access.closesAt,
      window: windowState(access, new Date(now)),
    };
  });
}

export async function grantExtraTime(deps: ExamsDeps, attemptId: string, minutes: number): Promise<Attempt> {
  return writeTransaction(deps.db, async (trx) => {
    const attempt = await trx
      .selectFrom('exam_attempts')
      .selectAll()
      .where('id', '=', attemptId)
      .forNoKeyUpdate()
      .executeTakeFirst();
    if (!attempt) throw notFound('errors.not_found.attempt');
    if (attempt.status !== 'in_progress' || attempt.deadline_at <= deps.clock().toISOString()) throw attemptClosed();
    const deadline = new Date(Date.parse(attempt.deadline_at) + minutes * 60_000).toISOString();
    await trx
      .updateTable('exam_attempts')
      .set({ deadline_at: deadline, extra_seconds: attempt.extra_seconds + minutes * 60 })
      .where('id', '=', attemptId)
      .execute();
    return { ...attempt, deadline_at: deadline, extra_seconds: attempt.extra_seconds + minutes * 60 };
  });
}

/** Attempts with the title and review policy of their exam: the one query the history and home pages read. */
export const attemptsWithExam = (db: ExamsDeps['db']) =>
  db
    .selectFrom('exam_attempts')
    .innerJoin('exams', 'exams.id', 'exam_attempts.exam_id')
    .select([
      'exam_attempts.id',
      'exam_attempts.exam_id',
      'exam_attempts.account_id',
      'exam_attempts.status',
      'exam_attempts.started_at',
      'exam_attempts.finished_at',
      'exam_attempts.deadline_at',
      'exam_attempts.score_percent',
      'exam_attempts.passed',
      'exams.title',
      'exams.review_policy',
      'exams.review_after',
    ]);

export async function history(deps: ExamsDeps, account: Account) {
  await finaliseOverdueFor(deps, account.id);
  const attempts = await attemptsWithExam(deps.db)
    .where('exam_attempts.account_id', '=', account.id)
    .orderBy('exam_attempts.started_at', 'desc')
    .execute();
  const now = deps.clock().toISOString();
  const released = (a: { review_policy: string; review_after: string | null }) =>
    a.review_policy !== 'after_date' || (!!a.review_after && a.review_after <= now);
  const certificates = await deps.db
    .selectFrom('certificates')
    .innerJoin('exams', 'exams.id', 'certificates.exam_id')
    .selectAll('certificates')
    .select(['exams.review_policy', 'exams.review_after'])
    .where('certificates.account_id', '=', account.id)
    .orderBy('certificates.issued_at', 'desc')
    .execute();
  return {
    attempts: attempts.map((a) => ({
      id: a.id,
      examId: a.exam_id,
      examTitle: a.title,
      deadlineAt: a.deadline_at,
      status: a.status,
      startedAt: a.started_at,
      finishedAt: a.finished_at,
      scorePercent: a.status !== 'in_progress' && released(a) ? a.score_percent : null,
      passed: a.status !== 'in_progress' && released(a) ? a.passed === 1 : null,
    })),
    certificates: certificates.filter(released).map((c) => ({
      id: c.id,
      examId: c.exam_id,
      examTitle: c.exam_title,
      holderName: c.holder_name,
      scorePercent: c.score_percent,
      issuedAt: c.issued_at,
      expiresAt: c.expires_at,
      revokedAt: c.revoked_at,
      revokedReason: c.revoked_reason,
      replacedBy: c.replaced_by,
    })),
  };
}
