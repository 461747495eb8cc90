import type { Kysely } from 'kysely';
import { randomString } from '../auth/secrets.ts';
import type { Database } from '../db/schema.ts';
import type { Attempt, Exam } from '../exams/tables.ts';
import { cleanDisplayText } from './names.ts';
import type { Certificate } from './tables.ts';

/** Public certificate id: 160 random bits in lower-case base32 (32 characters), unguessable. */
export const newCertificateId = (): string => randomString(20);

export function addMonths(iso: string, months: number): string {
  const date = new Date(iso);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, last));
  return date.toISOString();
}

/** One certificate per passing attempt: a second call for the same attempt returns the existing one. */
export async function issueCertificate(
  trx: Kysely<Database>,
  attempt: Attempt,
  exam: Exam,
  issuedAt: string,
): Promise<Certificate> {
  const existing = await trx
    .selectFrom('certificates')
    .selectAll()
    .where('attempt_id', '=', attempt.id)
    .orderBy('issued_at', 'desc')
    .executeTakeFirst();
  if (existing) return existing;
  const holder = await trx
    .selectFrom('accounts')
    .select('name')
    .where('id', '=', attempt.account_id)
    .executeTakeFirstOrThrow();
  const certificate: Certificate = {
    id: newCertificateId(),
    attempt_id: attempt.id,
    account_id: attempt.account_id,
    exam_id: exam.id,
    // Stored as printed and signed: one Unicode form, no invisible characters (names.ts).
    holder_name: cleanDisplayText(holder.name),
    exam_title: cleanDisplayText(exam.title),
    score_percent: attempt.score_percent ?? 0,
    issued_at: issuedAt,
    expires_at: exam.validity_months ? addMonths(issuedAt, exam.validity_months) : null,
    revoked_at: null,
    revoked_reason: null,
    replaced_by: null,
    status_index: null,
  };
  await trx.insertInto('certificates').values(certificate).execute();
  return certificate;
}
