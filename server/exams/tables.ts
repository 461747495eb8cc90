import type { Selectable } from 'kysely';
import type { QuestionContent } from './questions.ts';

// Exams, their question bank, attempts with per-question answers and accommodations.
// Timestamps are UTC ISO-8601 text and booleans 0/1, like the rest of the schema.

export type ReviewPolicy = 'score_only' | 'score_and_answers' | 'after_date';
export type AttemptStatus = 'in_progress' | 'submitted' | 'expired';

export interface ExamsTable {
  id: string;
  title: string;
  description: string;
  time_limit_minutes: number;
  /** Percentage 0-100 needed to pass. */
  pass_mark: number;
  /** Null: unlimited. */
  attempts_allowed: number | null;
  cooldown_minutes: number;
  /** Null: certificates never expire. */
  validity_months: number | null;
  review_policy: ReviewPolicy;
  /** With review_policy 'after_date': nothing is shown before this instant. */
  review_after: string | null;
  /** Questions drawn per attempt. */
  question_count: number;
  /** Draw rules as JSON, [{tag, count}] (server/exams/draw-rules.ts); [] draws from the whole bank. */
  draw_rules: string;
  shuffle_questions: number;
  shuffle_options: number;
  published: number;
  /** The exam and its later versions share a series (the first version's id). */
  series_id: string;
  /** 1 for the first version of a series. */
  version: number;
  /** Set when first published: a frozen version is never edited again; a change makes the next version. */
  frozen_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ExamQuestionsTable {
  id: string;
  exam_id: string;
  position: number;
  /** JSON: QuestionContent (including the answer key; never sent to candidates). */
  content: string;
  /** JSON array of tags. */
  tags: string;
  version: number;
  archived: number;
  created_at: string;
  updated_at: string;
}

export interface ExamAttemptsTable {
  id: string;
  exam_id: string;
  account_id: string;
  status: AttemptStatus;
  started_at: string;
  deadline_at: string;
  extra_seconds: number;
  finished_at: string | null;
  /** JSON: the drawn questions as they were at the start (content, key, option order): later edits do not rescore. */
  questions: string;
  /** Number of drawn questions (answers are saved by position 0..question_total-1). */
  question_total: number;
  score_points: number | null;
  max_points: number | null;
  score_percent: number | null;
  passed: number | null;
}

export interface AttemptAnswersTable {
  attempt_id: string;
  /** Index of the question within the attempt (0-based). */
  position: number;
  /** Highest client sequence number accepted; older or repeated saves are ignored. */
  seq: number;
  /** JSON answer: string (option id / "true" / "false" / text) or string[] for multiple choice. */
  answer: string;
  saved_at: string;
}

/** A question the candidate flagged for review (a row while flagged). */
export interface AttemptFlagsTable {
  attempt_id: string;
  position: number;
  flagged_at: string;
}

export interface ExamAccommodationsTable {
  exam_id: string;
  account_id: string;
  extra_minutes: number;
  created_at: string;
}

/** Who may sit an exam; an exam without a row is open to every registered candidate at any time. */
export type AccessRule = 'everyone' | 'invited' | 'code' | 'domains';

export interface ExamAccessTable {
  exam_id: string;
  rule: AccessRule;
  /** With rule 'code': the code candidates enter (unique across exams, so a code finds its exam). */
  access_code: string | null;
  /** JSON array of lower-case domains, for rule 'domains'. */
  domains: string;
  /** Null: no bound. UTC instants; the portal reads and shows them in the organisation's time zone. */
  opens_at: string | null;
  closes_at: string | null;
  updated_at: string;
}

export interface ExamInvitationsTable {
  exam_id: string;
  /** Lower case; matched against the account's email. */
  email: string;
  invited_at: string;
}

export interface ExamAccessGrantsTable {
  exam_id: string;
  account_id: string;
  granted_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    exams: ExamsTable;
    exam_questions: ExamQuestionsTable;
    exam_attempts: ExamAttemptsTable;
    attempt_answers: AttemptAnswersTable;
    attempt_flags: AttemptFlagsTable;
    exam_accommodations: ExamAccommodationsTable;
    exam_access: ExamAccessTable;
    exam_invitations: ExamInvitationsTable;
    exam_access_grants: ExamAccessGrantsTable;
  }
}

export type Exam = Selectable<ExamsTable>;
export type ExamQuestionRow = Selectable<ExamQuestionsTable>;
export type Attempt = Selectable<ExamAttemptsTable>;
export type ExamAccess = Selectable<ExamAccessTable>;

/** One question as drawn into an attempt (exam_attempts.questions holds them as JSON, in the candidate's order). */
export interface DrawnQuestion {
  questionId: string;
  version: number;
  content: QuestionContent;
}
