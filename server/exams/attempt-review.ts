import type { Account } from '../auth/tables.ts';
import { notFound } from '../http/errors.ts';
import { loadAttempt } from './attempts.ts';
import { getExam } from './authoring.ts';
import type { ExamsDeps } from './context.ts';
import { answersOf } from './finalise.ts';
import { type Answer, scoreAnswer } from './questions.ts';
import type { DrawnQuestion } from './tables.ts';

// One attempt as staff open it from the report: every question with the candidate's answer beside the right one,
// whatever the exam's review policy shows the candidate. Read-only.

export interface ReviewedQuestion {
  position: number;
  kind: DrawnQuestion['content']['kind'];
  text: string;
  /** Choices in the order the candidate saw them (true/false: `true`, `false`). */
  options: { id: string; text: string; correct: boolean; chosen: boolean }[];
  /** Short answers: what was typed, and what scoring accepts. */
  given: string | null;
  accepted: string[];
  answered: boolean;
  points: number;
}

export interface AttemptReview {
  attemptId: string;
  examId: string;
  examTitle: string;
  candidateName: string;
  candidateEmail: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  /** From the start to the finish; null while in progress. */
  secondsTaken: number | null;
  scorePercent: number | null;
  passed: boolean | null;
  passMark: number;
  questions: ReviewedQuestion[];
}

const chosenIds = (answer: Answer | undefined) =>
  new Set(answer === undefined ? [] : Array.isArray(answer) ? answer : [answer]);

/** The attempt of this exam with its answers against the key; another exam's attempt id is "not found". */
export async function reviewAttempt(
  deps: ExamsDeps,
  staff: Account,
  examId: string,
  attemptId: string,
): Promise<AttemptReview> {
  const attempt = await loadAttempt(deps, staff, attemptId, true);
  if (attempt.exam_id !== examId) throw notFound('errors.not_found.attempt');
  const exam = await getExam(deps, examId);
  const candidate = await deps.db
    .selectFrom('accounts')
    .select(['name', 'email'])
    .where('id', '=', attempt.account_id)
    .executeTakeFirstOrThrow();
  const answers = await answersOf(deps.db, attempt.id);
  const drawn = JSON.parse(attempt.questions) as DrawnQuestion[];
  const finished = attempt.status !== 'in_progress';
  return {
    attemptId: attempt.id,
    examId,
    examTitle: exam.title,
    candidateName: candidate.name,
    candidateEmail: candidate.email,
    status: attempt.status,
    startedAt: attempt.started_at,
    finishedAt: attempt.finished_at,
    secondsTaken:
      attempt.finished_at === null
        ? null
        : Math.max(0, Math.round((Date.parse(attempt.finished_at) - Date.parse(attempt.started_at)) / 1000)),
    scorePercent: finished ? attempt.score_percent : null,
    passed: finished && attempt.passed !== null ? attempt.passed === 1 : null,
    passMark: exam.pass_mark,
    questions: drawn.map(({ content }, position) => {
      const answer = answers.get(position)?.answer as Answer | undefined;
      const chosen = chosenIds(answer);
      const options =
        content.kind === 'single' || content.kind === 'multiple'
          ? content.options.map((o) => ({ id: o.id, text: o.text, correct: o.correct, chosen: chosen.has(o.id) }))
          : content.kind === 'true_false'
            ? ['true', 'false'].map((id) => ({
                id,
                text: id,
                correct: String(content.answer) === id,
                chosen: chosen.has(id),
              }))
            : [];
      return {
        position,
        kind: content.kind,
        text: content.text,
        options,
        given: content.kind === 'short_answer' && typeof answer === 'string' ? answer : null,
        accepted: content.kind === 'short_answer' ? content.accepted : [],
        answered: chosen.size > 0 && !(typeof answer === 'string' && answer.trim() === ''),
        points: scoreAnswer(content, answer),
      };
    }),
  };
}
