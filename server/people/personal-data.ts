// Download my data (issue 22; GDPR Art. 15 and 20, APPI Art. 33): everything Seatkeeper holds about the signed-in
// person, as one JSON file, or as a zip of that file with their certificates' PDFs and signed credentials. What they
// could not see on their pages stays hidden here too: results before their release date, answer keys the review
// policy withholds, other people's addresses, the secrets in emailed links.
import { strToU8, zipSync } from 'fflate';
import { type AccountView, findAccount, toAccountView } from '../accounts/accounts.ts';
import type { AccountDeactivationColumn, DeactivationReason } from '../auth/tables.ts';
import { type CertificateView, toCertificateView } from '../certificates/certificates.ts';
import type { Certificate } from '../certificates/tables.ts';
import type { AttemptView } from '../exams/attempts.ts';
import type { ExamRecords } from '../exams/personal-data.ts';
import { notFound } from '../http/errors.ts';
import type { PeopleDeps } from './context.ts';

export const PERSONAL_DATA_FORMAT = 'seatkeeper-personal-data/1';
export const PERSONAL_DATA_FILE = 'personal-data.json';

export interface PersonalData {
  format: typeof PERSONAL_DATA_FORMAT;
  exportedAt: string;
  account: AccountView & { deactivationReason: DeactivationReason | null };
  signIns: { at: string; ip: string; userAgent: string | null }[];
  /** The audit log's entries about the account: by the person, by staff (not named), by the system. */
  events: { at: string; action: string; by: 'you' | 'staff' | 'system'; ip: string | null; details: unknown }[];
  attempts: AttemptView[];
  accommodations: ExamRecords['accommodations'];
  certificates: (CertificateView & {
    /** Paths inside the zip download. */
    files: { pdf: string; credential: string | null };
  })[];
  /** Mail kept in the outbox for the address (mail sent through SMTP is not stored); link secrets removed. */
  mail: { at: string; subject: string; body: string }[];
}

/** Links in mail carry single-use secrets: the export shows that a link was sent, not a key that may still work. */
const withoutSecrets = (body: string) => body.replace(/([?&]token=)[^\s&]+/g, '$1(removed)');

const certificateFile = (c: Certificate, extension: 'pdf' | 'jwt') => `certificates/${c.id}.${extension}`;

/** The data, and the certificate rows its files are made from. */
async function collect(
  deps: PeopleDeps,
  accountId: string,
): Promise<{ data: PersonalData; certificates: Certificate[] }> {
  const account = await findAccount(deps.db, accountId);
  if (!account) throw notFound('The account');
  const reason = await deps.db
    .withTables<AccountDeactivationColumn>()
    .selectFrom('accounts')
    .select('deactivation_reason')
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  const signIns = await deps.db
    .selectFrom('sign_in_events')
    .select(['at', 'ip', 'user_agent'])
    .where('account_id', '=', accountId)
    .orderBy('at')
    .execute();
  const events = await deps.db
    .selectFrom('audit_events')
    .select(['at', 'action', 'actor_account_id', 'details', 'ip'])
    .where((eb) => eb.or([eb('target_account_id', '=', accountId), eb('actor_account_id', '=', accountId)]))
    .orderBy('id')
    .execute();
  const exams = await deps.examRecordsOf(accountId);
  const { certificates } = exams;
  const mail = await deps.db
    .selectFrom('outbox')
    .select(['created_at', 'subject', 'body'])
    .where('to_address', '=', account.email)
    .orderBy('id')
    .execute();
  const data: PersonalData = {
    format: PERSONAL_DATA_FORMAT,
    exportedAt: deps.clock().toISOString(),
    account: { ...toAccountView(account), deactivationReason: reason.deactivation_reason },
    signIns: signIns.map((s) => ({ at: s.at, ip: s.ip, userAgent: s.user_agent })),
    events: events.map((e) => {
      const by = e.actor_account_id === accountId ? 'you' : e.actor_account_id ? 'staff' : 'system';
      return { at: e.at, action: e.action, by, ip: by === 'you' ? e.ip : null, details: JSON.parse(e.details) };
    }),
    attempts: exams.attempts,
    accommodations: exams.accommodations,
    certificates: certificates.map((c) => ({
      ...toCertificateView(deps, c),
      // A revoked certificate is not handed out as a signed credential (as GET /certificates/{id}/credential).
      files: { pdf: certificateFile(c, 'pdf'), credential: c.revoked_at ? null : certificateFile(c, 'jwt') },
    })),
    mail: mail.map((m) => ({ at: m.created_at, subject: m.subject, body: withoutSecrets(m.body) })),
  };
  return { data, certificates };
}

export const personalData = async (deps: PeopleDeps, accountId: string) => (await collect(deps, accountId)).data;

/** The JSON file and, beside it, every certificate's PDF and (unless revoked) its signed credential. */
export async function personalDataZip(deps: PeopleDeps, accountId: string): Promise<Uint8Array> {
  const { data, certificates } = await collect(deps, accountId);
  const mtime = new Date(data.exportedAt);
  const files: Record<string, [Uint8Array, { mtime: Date }]> = {
    [PERSONAL_DATA_FILE]: [strToU8(`${JSON.stringify(data, null, 2)}\n`), { mtime }],
  };
  for (const certificate of certificates) {
    files[certificateFile(certificate, 'pdf')] = [await deps.certificatePdf(certificate), { mtime }];
    if (!certificate.revoked_at) {
      files[certificateFile(certificate, 'jwt')] = [strToU8(await deps.certificateCredential(certificate)), { mtime }];
    }
  }
  return zipSync(files);
}

/** `seatkeeper-data-2026-11-24.json` (the day of the download). */
export const downloadName = (exportedAt: string, extension: 'json' | 'zip') =>
  `seatkeeper-data-${exportedAt.slice(0, 10)}.${extension}`;
