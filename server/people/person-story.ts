// One person's story as support reads it (issue 18): every attempt with its result (released or not: staff see all),
// every certificate, and every mail the server queued for them (the outbox table keeps every mail, sent or not).
import type { Db } from '../db/database.ts';
import type { MailStatus } from '../mail/tables.ts';

export interface StoryAttempt {
  id: string;
  examId: string;
  examTitle: string;
  status: 'in_progress' | 'submitted' | 'expired';
  startedAt: string;
  finishedAt: string | null;
  scorePercent: number | null;
  passed: boolean | null;
}

export interface StoryCertificate {
  id: string;
  examTitle: string;
  issuedAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface StoryMail {
  id: number;
  createdAt: string;
  subject: string;
  status: MailStatus;
  lastError: string | null;
}

export interface PersonStory {
  attempts: StoryAttempt[];
  certificates: StoryCertificate[];
  mail: StoryMail[];
}

/** The newest mail only: a person with years of reminders has a long tail nobody reads. */
export const STORY_MAIL_LIMIT = 20;

export async function personStory(db: Db, accountId: string, email: string): Promise<PersonStory> {
  const attempts = await db
    .selectFrom('exam_attempts')
    .innerJoin('exams', 'exams.id', 'exam_attempts.exam_id')
    .select([
      'exam_attempts.id',
      'exam_attempts.exam_id',
      'exams.title',
      'exam_attempts.status',
      'exam_attempts.started_at',
      'exam_attempts.finished_at',
      'exam_attempts.score_percent',
      'exam_attempts.passed',
    ])
    .where('exam_attempts.account_id', '=', accountId)
    .orderBy('exam_attempts.started_at', 'desc')
    .execute();
  const certificates = await db
    .selectFrom('certificates')
    .select(['id', 'exam_title', 'issued_at', 'expires_at', 'revoked_at'])
    .where('account_id', '=', accountId)
    .orderBy('issued_at', 'desc')
    .execute();
  // Addresses are stored as typed; mail to an earlier address of the account is not theirs to read here.
  const mail = await db
    .selectFrom('outbox')
    .select(['id', 'created_at', 'subject', 'status', 'last_error'])
    .where((eb) => eb(eb.fn('lower', ['to_address']), '=', email.toLowerCase()))
    .orderBy('id', 'desc')
    .limit(STORY_MAIL_LIMIT)
    .execute();
  return {
    attempts: attempts.map((a) => ({
      id: a.id,
      examId: a.exam_id,
      examTitle: a.title,
      status: a.status,
      startedAt: a.started_at,
      finishedAt: a.finished_at,
      scorePercent: a.score_percent,
      passed: a.passed === null ? null : a.passed === 1,
    })),
    certificates: certificates.map((c) => ({
      id: c.id,
      examTitle: c.exam_title,
      issuedAt: c.issued_at,
      expiresAt: c.expires_at,
      revokedAt: c.revoked_at,
    })),
    mail: mail.map((m) => ({
      id: m.id,
      createdAt: m.created_at,
      subject: m.subject,
      status: m.status,
      lastError: m.last_error,
    })),
  };
}
