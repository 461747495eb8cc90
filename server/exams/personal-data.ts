// What the exams area holds about one person, for their data download (issue 22): every attempt as they may see it
// (questions, their answers, the result once released), their certificates once released (as /history lists them),
// and the extra time they were granted. Erasure removes the granted extra time (it may reveal a health condition),
// invitations to their address and the access codes they entered;
// attempts stay, pseudonymous, for the exam statistics.
import type { Certificate } from '../certificates/tables.ts';
import type { Db } from '../db/database.ts';
import { type AttemptView, attemptView } from './attempts.ts';
import type { ExamsDeps } from './context.ts';

export interface ExamRecords {
  attempts: AttemptView[];
  /** Oldest first; those of exams whose results are not released yet are left out, as on /history. */
  certificates: Certificate[];
  accommodations: { examId: string; extraMinutes: number; createdAt: string }[];
}

export async function examRecordsOf(deps: ExamsDeps, accountId: string): Promise<ExamRecords> {
  const attempts = await deps.db
    .selectFrom('exam_attempts')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('started_at')
    .execute();
  const views: AttemptView[] = [];
  for (const attempt of attempts) views.push(await attemptView(deps, attempt));
  const now = deps.clock().toISOString();
  const certificates = await deps.db
    .selectFrom('certificates')
    .innerJoin('exams', 'exams.id', 'certificates.exam_id')
    .selectAll('certificates')
    .where('certificates.account_id', '=', accountId)
    .where((eb) => eb.or([eb('exams.review_policy', '!=', 'after_date'), eb('exams.review_after', '<=', now)]))
    .orderBy('certificates.issued_at')
    .execute();
  const accommodations = await deps.db
    .selectFrom('exam_accommodations')
    .select(['exam_id', 'extra_minutes', 'created_at'])
    .where('account_id', '=', accountId)
    .execute();
  return {
    attempts: views,
    certificates,
    accommodations: accommodations.map((a) => ({
      examId: a.exam_id,
      extraMinutes: a.extra_minutes,
      createdAt: a.created_at,
    })),
  };
}

/** Inside the erasure's transaction; `email` is the address the account had (invitations are kept by address). */
export async function eraseExamPersonalData(trx: Db, accountId: string, email: string): Promise<void> {
  await trx.deleteFrom('exam_accommodations').where('account_id', '=', accountId).execute();
  await trx.deleteFrom('exam_invitations').where('email', '=', email.toLowerCase()).execute();
  await trx.deleteFrom('exam_access_grants').where('account_id', '=', accountId).execute();
}
