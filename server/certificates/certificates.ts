import { sql } from 'kysely';
import { writeTransaction } from '../db/transaction.ts';
import type { Deps } from '../deps.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { newCertificateId } from './issue.ts';
import { cleanDisplayText } from './names.ts';
import type { Certificate } from './tables.ts';

// Certificates: their status for verifiers, views, search, revocation and re-issue.

export type CertificateStatus = 'valid' | 'expired' | 'revoked';

export function certificateStatus(certificate: Certificate, now: Date): CertificateStatus {
  if (certificate.revoked_at) return 'revoked';
  if (certificate.expires_at && certificate.expires_at <= now.toISOString()) return 'expired';
  return 'valid';
}

export const verifyUrl = (deps: Deps, id: string) => `${deps.config.publicUrl}/verify/${id}`;

export interface CertificateView {
  id: string;
  holderName: string;
  examTitle: string;
  examId: string;
  scorePercent: number;
  issuedAt: string;
  expiresAt: string | null;
  status: CertificateStatus;
  revokedAt: string | null;
  revokedReason: string | null;
  replacedBy: string | null;
  verifyUrl: string;
}

export const toCertificateView = (deps: Deps, c: Certificate): CertificateView => ({
  id: c.id,
  holderName: c.holder_name,
  examTitle: c.exam_title,
  examId: c.exam_id,
  scorePercent: c.score_percent,
  issuedAt: c.issued_at,
  expiresAt: c.expires_at,
  status: certificateStatus(c, deps.clock()),
  revokedAt: c.revoked_at,
  revokedReason: c.revoked_reason,
  replacedBy: c.replaced_by,
  verifyUrl: verifyUrl(deps, c.id),
});

/** Public verification view: no account id, no email, no score. */
export const toPublicView = (deps: Deps, c: Certificate) => {
  const { id, holderName, examTitle, issuedAt, expiresAt, status, revokedAt, revokedReason, replacedBy } =
    toCertificateView(deps, c);
  return { id, holderName, examTitle, issuedAt, expiresAt, status, revokedAt, revokedReason, replacedBy };
};

export async function findCertificate(deps: Deps, id: string): Promise<Certificate | undefined> {
  if (!/^[a-z2-7]{16,40}$/.test(id)) return undefined;
  return deps.db.selectFrom('certificates').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Owners see their own; staff see all; any other id is "not found" (no hint that it exists). */
export async function certificateFor(deps: Deps, viewer: { id: string; role: string }, id: string) {
  const certificate = await findCertificate(deps, id);
  if (!certificate || (viewer.role === 'candidate' && certificate.account_id !== viewer.id))
    throw notFound('The certificate');
  return certificate;
}

export async function listCertificates(deps: Deps, query: { q?: string | undefined; examId?: string | undefined }) {
  let select = deps.db.selectFrom('certificates').selectAll().orderBy('issued_at', 'desc').limit(500);
  if (query.examId) select = select.where('exam_id', '=', query.examId);
  if (query.q) {
    // Case-insensitive on both dialects (SQLite's LIKE ignores ASCII case, PostgreSQL's does not); '\\' escapes.
    const like = `%${query.q.toLowerCase().replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
    const matches = (column: 'holder_name' | 'exam_title') =>
      sql<boolean>`lower(${sql.ref(column)}) like ${like} escape '\\'`;
    select = select.where((eb) => eb.or([matches('holder_name'), matches('exam_title'), eb('id', '=', query.q ?? '')]));
  }
  return select.execute();
}

export async function revokeCertificate(deps: Deps, id: string, reason: string): Promise<Certificate> {
  const certificate = await findCertificate(deps, id);
  if (!certificate) throw notFound('The certificate');
  if (!certificate.revoked_at)
    await deps.db
      .updateTable('certificates')
      .set({ revoked_at: deps.clock().toISOString(), revoked_reason: reason })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  return (await findCertificate(deps, id)) as Certificate;
}

/** After a name correction: the old certificate is revoked (pointing at the new one), a new one carries the name. */
export async function reissueCertificate(deps: Deps, id: string, holderName?: string): Promise<Certificate> {
  return writeTransaction(deps.db, async (trx) => {
    const old = await trx.selectFrom('certificates').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!old) throw notFound('The certificate');
    if (old.revoked_at) throw new ApiError(409, 'certificate_revoked', 'A revoked certificate cannot be re-issued.');
    const account = await trx.selectFrom('accounts').select('name').where('id', '=', old.account_id).executeTakeFirst();
    const now = deps.clock().toISOString();
    const replacement: Certificate = {
      ...old,
      id: newCertificateId(),
      holder_name: cleanDisplayText(holderName ?? account?.name ?? old.holder_name),
      revoked_at: null,
      revoked_reason: null,
      replaced_by: null,
      status_index: null,
    };
    await trx.insertInto('certificates').values(replacement).execute();
    await trx
      .updateTable('certificates')
      .set({ revoked_at: now, revoked_reason: 'Re-issued with a corrected name.', replaced_by: replacement.id })
      .where('id', '=', id)
      .execute();
    return replacement;
  });
}
