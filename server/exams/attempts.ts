import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { randomString } from '../auth/secrets.ts';
import { issueCertificate } from '../certificates/issue.ts';
import { dialectOf } from '../db/dialect.ts';
import type { Account } from '../db/schema.ts';
import { writeTransaction } from '../db/transaction.ts';
import type { Deps } from '../deps.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { activeQuestions, getExam } from './authoring.ts';
import {
  type Answer,
  correctAnswer,
  isAnswered,
  type PublicQuestion,
  publicView,
  type QuestionContent,
  scoreAnswer,
} from './questions.ts';
import type { Attempt, Exam } from './schema.ts';

// Taking an exam: the server fixes questions and deadline at the start, keeps the highest-sequence answer per
// question, refuses saves after the deadline and finalises overdue attempts itself (sweeper + on every read).

export interface DrawnQuestion {
  questionId: string;
  version: number;
  content: QuestionContent;
}

function shuffle<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const offline = () =>
  new ApiError(503, 'candidates_offline', 'Exams are offline: the platform licence has been cancelled.');

async function ensureOnline(deps: Deps): Promise<void> {
  const term = await deps.licenceTerm();
  if (term && term.candidatesOnline === false) throw offline();
}

export async function startAttempt(deps: Deps, account: Account, examId: string): Promise<Attempt> {
  const exam = await deps.db
    .selectFrom('exams')
    .selectAll()
    .where('id', '=', examId)
    .where('published', '=', 1)
    .executeTakeFirst();
  if (!exam) throw notFound('The exam');
  if (account.role !== 'candidate') throw new ApiError(403, 'candidates_only', 'Only candidates can sit exams.');
  await ensureOnline(deps);
  if (!account.email_verified_at)
    throw new ApiError(403, 'email_not_verified', 'Confirm your email address before you sit an exam.');
  await finaliseOverdueFor(deps, account.id);
  const bank = await activeQuestions(deps, exam);
  if (bank.length < exam.question_count)
    throw new ApiError(409, 'exam_unavailable', 'This exam cannot be taken right now. Try again later.');
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
    if (exam.attempts_allowed !== null && previous.length >= exam.attempts_allowed)
      throw new ApiError(409, 'no_attempts_left', `You have used all ${exam.attempts_allowed} attempts of this exam.`);
    const last = previous[0];
    if (last?.finished_at && exam.cooldown_minutes > 0) {
      const until = new Date(last.finished_at).getTime() + exam.cooldown_minutes * 60_000;
      if (until > now.getTime()) {
        const seconds = Math.ceil((until - now.getTime()) / 1000);
        throw new ApiError(409, 'cooling_down', `You can try again from ${new Date(until).toISOString()}.`, undefined, {
          'Retry-After': String(seconds),
        });
      }
    }
    const accommodation = await trx
      .selectFrom('exam_accommodations')
      .select('extra_minutes')
      .where('exam_id', '=', exam.id)
      .where('account_id', '=', account.id)
      .executeTakeFirst();
    const picked = shuffle(bank).slice(0, exam.question_count);
    const ordered = exam.shuffle_questions ? picked : picked.sort((a, b) => a.position - b.position);
    const drawn: DrawnQuestion[] = ordered.map((row) => {
      const content = JSON.parse(row.content) as QuestionContent;
      if (exam.shuffle_options && (content.kind === 'single' || content.kind === 'multiple'))
        content.options = shuffle(content.options);
      return { questionId: row.id, version: row.version, content };
    });
    const extraSeconds = (accommodation?.extra_minutes ?? 0) * 60;
    const attempt: Attempt = {
      id: randomString(16),
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

export interface AnswerSave {
  position: number;
  seq: number;
  answer: Answer;
}

const attemptClosed = () =>
  new ApiError(409, 'attempt_closed', 'This attempt has ended: the time is up or it was submitted.');

interface SaveOutcome {
  applied: boolean;
  /** The attempt as seen in the same transaction; undefined when it is not this account's. */
  attempt: { status: Attempt['status']; deadline_at: string; question_total: number } | undefined;
}

interface QueuedSave {
  attemptId: string;
  accountId: string;
  save: AnswerSave;
  now: string;
  done: (outcome: SaveOutcome) => void;
  fail: (error: unknown) => void;
}

interface SaveWriter {
  queue: QueuedSave[];
  running: boolean;
}

const writers = new WeakMap<Deps['db'], SaveWriter>();

/**
 * Group commit: while one batch is being written, new saves wait and then go together in the next BEGIN IMMEDIATE
 * transaction (one fsync for all of them). Each request is answered only after its batch has committed, so an
 * acknowledged save is durable.
 */
function queueSave(deps: Deps, item: Omit<QueuedSave, 'done' | 'fail'>): Promise<SaveOutcome> {
  let writer = writers.get(deps.db);
  if (!writer) {
    writer = { queue: [], running: false };
    writers.set(deps.db, writer);
  }
  const current = writer;
  return new Promise((done, fail) => {
    current.queue.push({ ...item, done, fail });
    if (!current.running) {
      current.running = true;
      setImmediate(() => void drain(deps, current));
    }
  });
}

async function drain(deps: Deps, writer: SaveWriter): Promise<void> {
  while (writer.queue.length) await writeBatch(deps, writer.queue.splice(0));
  writer.running = false;
}

/** Rows per statement, well below SQLite's bound-parameter limit (6 parameters per row). */
const BATCH_ROWS = 1000;

async function writeBatch(deps: Deps, batch: QueuedSave[]): Promise<void> {
  try {
    // Autosaves cannot change sessions or accounts, so they skip the write signal that clears the session cache.
    const db = deps.db.withoutPlugins();
    const outcomes = await writeTransaction(db, async (trx) => {
      const applied = new Set<string>();
      for (let from = 0; from < batch.length; from += BATCH_ROWS) {
        const rows = batch
          .slice(from, from + BATCH_ROWS)
          .map(
            ({ attemptId, accountId, save, now }) =>
              sql`(${attemptId}, ${accountId}, cast(${save.position} as integer), cast(${save.seq} as integer), ${JSON.stringify(save.answer)}, ${now})`,
          );
        // One conditional upsert for the whole batch; RETURNING names the rows that were actually written.
        const written = await sql<{ attempt_id: string; position: number; seq: number }>`
          insert into attempt_answers (attempt_id, position, seq, answer, saved_at)
          select a.id, v.column3, v.column4, v.column5, v.column6
            from (values ${sql.join(rows)}) v
            join exam_attempts a on a.id = v.column1 and a.account_id = v.column2
           where a.status = 'in_progress' and a.deadline_at > v.column6 and a.question_total > v.column3
          ${dialectOf(trx).shareLock('a')}
          on conflict (attempt_id, position) do update
             set seq = excluded.seq, answer = excluded.answer, saved_at = excluded.saved_at
           where excluded.seq > attempt_answers.seq
          returning attempt_id, position, seq`.execute(trx);
        for (const row of written.rows) applied.add(`${row.attempt_id}:${row.position}:${row.seq}`);
      }
      const ids = [...new Set(batch.map((item) => item.attemptId))];
      const attempts = await sql<NonNullable<SaveOutcome['attempt']> & { id: string; account_id: string }>`
        select id, account_id, status, deadline_at, question_total from exam_attempts
         where id in (${sql.join(ids)})`.execute(trx);
      const byId = new Map(attempts.rows.map((a) => [a.id, a]));
      return batch.map(({ attemptId, accountId, save }): SaveOutcome => {
        const attempt = byId.get(attemptId);
        return {
          applied: applied.has(`${attemptId}:${save.position}:${save.seq}`),
          attempt:
            attempt && attempt.account_id === accountId
              ? { status: attempt.status, deadline_at: attempt.deadline_at, question_total: attempt.question_total }
              : undefined,
        };
      });
    });
    batch.forEach((item, i) => {
      item.done(outcomes[i] ?? { applied: false, attempt: undefined });
    });
  } catch (error) {
    for (const item of batch) item.fail(error);
  }
}

/**
 * Saves answers idempotently: one conditional upsert per answer that only applies while the attempt is open, before
 * its deadline, and when the sequence number is higher than the stored one (a retried or reordered save is ignored).
 */
export async function saveAnswers(
  deps: Deps,
  account: Account,
  attemptId: string,
  answers: AnswerSave[],
): Promise<{ saved: { position: number; seq: number; applied: boolean }[]; deadlineAt: string }> {
  const now = deps.clock().toISOString();
  const outcomes = await Promise.all(
    answers.map((save) => queueSave(deps, { attemptId, accountId: account.id, save, now })),
  );
  const attempt = outcomes.at(-1)?.attempt;
  if (!attempt) throw notFound('The attempt');
  if (outcomes.some((o) => !o.applied)) {
    if (attempt.status !== 'in_progress' || attempt.deadline_at <= now) {
      await finaliseAttempt(deps, attemptId, 'deadline');
      throw attemptClosed();
    }
    if (answers.some((a) => a.position >= attempt.question_total)) throw notFound('The question');
  }
  return {
    saved: answers.map((save, i) => ({
      position: save.position,
      seq: save.seq,
      applied: outcomes[i]?.applied ?? false,
    })),
    deadlineAt: attempt.deadline_at,
  };
}

/**
 * Scores and closes an attempt. Idempotent and safe to race: the closing update is conditional on the attempt still
 * being open, inside a BEGIN IMMEDIATE transaction. `deadline` only closes attempts whose deadline has passed.
 */
export async function finaliseAttempt(deps: Deps, attemptId: string, by: 'candidate' | 'deadline'): Promise<boolean> {
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
      await issueCertificate(trx, closed, exam, finishedAt);
    }
    return true;
  });
}

type AnswerRow = { position: number; seq: number; answer: Answer };

async function answersOf(db: Deps['db'], attemptId: string): Promise<Map<number, AnswerRow>> {
  const rows = await db
    .selectFrom('attempt_answers')
    .select(['position', 'seq', 'answer'])
    .where('attempt_id', '=', attemptId)
    .execute();
  return new Map(rows.map((r) => [r.position, { position: r.position, seq: r.seq, answer: JSON.parse(r.answer) }]));
}

/** Closes every attempt past its deadline; returns how many this call closed. Safe to run from several places. */
export async function sweepOverdueAttempts(deps: Deps): Promise<number> {
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

async function finaliseOverdueFor(deps: Deps, accountId: string): Promise<void> {
  const due = await deps.db
    .selectFrom('exam_attempts')
    .select('id')
    .where('account_id', '=', accountId)
    .where('status', '=', 'in_progress')
    .where('deadline_at', '<=', deps.clock().toISOString())
    .execute();
  for (const { id } of due) await finaliseAttempt(deps, id, 'deadline');
}

/** The sweeper in the server process: every `intervalMs` (default 20 s). Returns a stop function. */
export function startAttemptSweeper(deps: Deps, intervalMs = 20_000): () => void {
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

export async function accountsWithExamInProgress(deps: Deps): Promise<Set<string>> {
  const rows = await deps.db
    .selectFrom('exam_attempts')
    .select('account_id')
    .distinct()
    .where('status', '=', 'in_progress')
    .where('deadline_at', '>', deps.clock().toISOString())
    .execute();
  return new Set(rows.map((r) => r.account_id));
}

/** An attempt of this account (staff may pass `any`); anyone else's id is "not found". Overdue ones close first. */
export async function loadAttempt(deps: Deps, account: Account, attemptId: string, any = false): Promise<Attempt> {
  let attempt = await deps.db.selectFrom('exam_attempts').selectAll().where('id', '=', attemptId).executeTakeFirst();
  if (!attempt || (!any && attempt.account_id !== account.id)) throw notFound('The attempt');
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

export async function attemptView(deps: Deps, attempt: Attempt): Promise<AttemptView> {
  const exam = await getExam(deps, attempt.exam_id);
  const now = deps.clock();
  const drawn = JSON.parse(attempt.questions) as DrawnQuestion[];
  const answers = await answersOf(deps.db, attempt.id);
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
}

export async function catalogue(deps: Deps, account: Account): Promise<CatalogueEntry[]> {
  await finaliseOverdueFor(deps, account.id);
  const exams = await deps.db.selectFrom('exams').selectAll().where('published', '=', 1).orderBy('title').execute();
  const attempts = await deps.db
    .selectFrom('exam_attempts')
    .select(['id', 'exam_id', 'status', 'finished_at', 'started_at'])
    .where('account_id', '=', account.id)
    .orderBy('started_at', 'desc')
    .execute();
  const now = deps.clock().getTime();
  return exams.map((exam) => {
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
    };
  });
}

export async function grantExtraTime(deps: Deps, attemptId: string, minutes: number): Promise<Attempt> {
  return writeTransaction(deps.db, async (trx) => {
    const attempt = await trx
      .selectFrom('exam_attempts')
      .selectAll()
      .where('id', '=', attemptId)
      .forNoKeyUpdate()
      .executeTakeFirst();
    if (!attempt) throw notFound('The attempt');
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

export async function history(deps: Deps, account: Account) {
  await finaliseOverdueFor(deps, account.id);
  const attempts = await deps.db
    .selectFrom('exam_attempts')
    .innerJoin('exams', 'exams.id', 'exam_attempts.exam_id')
    .select([
      'exam_attempts.id',
      'exam_attempts.status',
      'exam_attempts.started_at',
      'exam_attempts.finished_at',
      'exam_attempts.score_percent',
      'exam_attempts.passed',
      'exams.title',
      'exams.review_policy',
      'exams.review_after',
    ])
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
      examTitle: a.title,
      status: a.status,
      startedAt: a.started_at,
      finishedAt: a.finished_at,
      scorePercent: a.status !== 'in_progress' && released(a) ? a.score_percent : null,
      passed: a.status !== 'in_progress' && released(a) ? a.passed === 1 : null,
    })),
    certificates: certificates.filter(released).map(({ review_policy: _p, review_after: _a, ...c }) => c),
  };
}
