// Who may sit an exam (issue 17): every registered candidate, invited addresses, holders of an access code, or
// addresses in listed domains; and when (an availability window). Candidates see only the exams they may sit and
// starting any other is refused with 403.
import { z } from 'zod';
import type { Account } from '../auth/tables.ts';
import { addressKey, hitThrottle, refundThrottle, type ThrottleRule } from '../auth/throttle.ts';
import type { Db } from '../db/database.ts';
import { writeTransaction } from '../db/transaction.ts';
import { ApiError, notFound, validationFailed } from '../http/errors.ts';
import type { Locale } from '../i18n/locales.ts';
import { message } from '../i18n/messages.ts';
import { mailReader } from '../mail/language.ts';
import { getExam } from './authoring.ts';
import type { ExamsDeps } from './context.ts';
import type { AccessRule, Exam, ExamAccess } from './tables.ts';

export const ACCESS_RULES = ['everyone', 'invited', 'code', 'domains'] as const satisfies readonly AccessRule[];
/** Invitations per request: a class list or a department, not a mailing campaign. */
export const INVITATIONS_MAX = 500;

const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .transform((d) => d.replace(/^@/, ''))
  .pipe(z.string().regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/, 'exams.access.field.domain'));

const instant = z.iso.datetime({ offset: true, error: 'exams.access.field.instant' }).nullable().default(null);

export const accessSettings = z
  .strictObject({
    rule: z.enum(ACCESS_RULES, { error: 'exams.access.field.rule' }),
    accessCode: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{6,64}$/, 'exams.access.field.code')
      .nullable()
      .default(null),
    domains: z.array(domainName).max(50).default([]),
    opensAt: instant,
    closesAt: instant,
  })
  .superRefine((a, ctx) => {
    if (a.rule === 'code' && !a.accessCode)
      ctx.addIssue({ code: 'custom', path: ['accessCode'], message: 'exams.access.field.codeNeeded' });
    if (a.rule === 'domains' && a.domains.length === 0)
      ctx.addIssue({ code: 'custom', path: ['domains'], message: 'exams.access.field.domainsNeeded' });
    if (a.opensAt && a.closesAt && Date.parse(a.closesAt) <= Date.parse(a.opensAt))
      ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'exams.access.field.closesBeforeOpens' });
  });
export type AccessSettings = z.output<typeof accessSettings>;

const EVERYONE: AccessSettings = { rule: 'everyone', accessCode: null, domains: [], opensAt: null, closesAt: null };

const toSettings = (row: ExamAccess | undefined): AccessSettings =>
  row
    ? {
        rule: row.rule,
        accessCode: row.access_code,
        domains: JSON.parse(row.domains) as string[],
        opensAt: row.opens_at,
        closesAt: row.closes_at,
      }
    : EVERYONE;

export async function accessOf(deps: Pick<ExamsDeps, 'db'>, examId: string): Promise<AccessSettings> {
  return toSettings(
    await deps.db.selectFrom('exam_access').selectAll().where('exam_id', '=', examId).executeTakeFirst(),
  );
}

export async function setAccess(deps: ExamsDeps, examId: string, settings: AccessSettings): Promise<AccessSettings> {
  await getExam(deps, examId);
  const code = settings.rule === 'code' ? settings.accessCode : null;
  return writeTransaction(deps.db, async (trx) => {
    if (code) {
      const taken = await trx
        .selectFrom('exam_access')
        .select('exam_id')
        .where('access_code', '=', code)
        .where('exam_id', '!=', examId)
        .executeTakeFirst();
      if (taken) throw validationFailed({ accessCode: 'exams.access.field.codeTaken' });
    }
    const row = {
      rule: settings.rule,
      access_code: code,
      domains: JSON.stringify(settings.rule === 'domains' ? settings.domains : []),
      opens_at: settings.opensAt ? new Date(settings.opensAt).toISOString() : null,
      closes_at: settings.closesAt ? new Date(settings.closesAt).toISOString() : null,
      updated_at: deps.clock().toISOString(),
    };
    await trx
      .insertInto('exam_access')
      .values({ exam_id: examId, ...row })
      .onConflict((oc) => oc.column('exam_id').doUpdateSet(row))
      .execute();
    return toSettings({ exam_id: examId, ...row });
  });
}

/** Where the exam stands in its window at `now`. */
export type WindowState = 'open' | 'not_yet_open' | 'closed';
export function windowState(access: Pick<AccessSettings, 'opensAt' | 'closesAt'>, now: Date): WindowState {
  if (access.opensAt && Date.parse(access.opensAt) > now.getTime()) return 'not_yet_open';
  if (access.closesAt && Date.parse(access.closesAt) <= now.getTime()) return 'closed';
  return 'open';
}

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

/** The exams whose rule admits this account (the window aside), with each exam's settings. */
export async function admittedExams(db: Db, account: Account, examIds: string[]): Promise<Map<string, AccessSettings>> {
  const admitted = new Map<string, AccessSettings>();
  if (!examIds.length) return admitted;
  const rows = await db.selectFrom('exam_access').selectAll().where('exam_id', 'in', examIds).execute();
  const byExam = new Map(rows.map((r) => [r.exam_id, r]));
  const email = account.email.toLowerCase();
  const invited = new Set(
    (await db.selectFrom('exam_invitations').select('exam_id').where('email', '=', email).execute()).map(
      (r) => r.exam_id,
    ),
  );
  const granted = new Set(
    (await db.selectFrom('exam_access_grants').select('exam_id').where('account_id', '=', account.id).execute()).map(
      (r) => r.exam_id,
    ),
  );
  for (const examId of examIds) {
    const settings = toSettings(byExam.get(examId));
    const ok =
      settings.rule === 'everyone' ||
      (settings.rule === 'invited' && invited.has(examId)) ||
      (settings.rule === 'code' && granted.has(examId)) ||
      (settings.rule === 'domains' && settings.domains.includes(domainOf(email)));
    if (ok) admitted.set(examId, settings);
  }
  return admitted;
}

/** Refuses a new attempt the exam's rule or window does not allow (403, saying which). */
export async function assertMayStart(db: Db, exam: Exam, account: Account, now: Date): Promise<void> {
  const settings = (await admittedExams(db, account, [exam.id])).get(exam.id);
  if (!settings) throw new ApiError(403, 'exam_not_for_you', 'errors.exam_not_for_you');
  const state = windowState(settings, now);
  if (state === 'not_yet_open') throw new ApiError(403, 'exam_not_yet_open', 'errors.exam_not_yet_open');
  if (state === 'closed') throw new ApiError(403, 'exam_closed', 'errors.exam_closed');
}

const emailAddress = z.email({ error: 'fields.email' }).max(320, 'fields.tooLong');

/**
 * The addresses in pasted text or a CSV file: anything separated by commas, semicolons, tabs, spaces or lines; words
 * without an @ (a CSV header, names) are skipped, and words with an @ that are no address are named in the error.
 */
export function readInvitationList(text: string): string[] {
  const words = text
    .split(/[\s,;"]+/)
    .map((w) => w.trim().replace(/^<|>$/g, ''))
    .filter((w) => w.includes('@'));
  const wrong = words.filter((w) => !emailAddress.safeParse(w).success);
  if (wrong.length)
    throw validationFailed({ emails: message('exams.access.field.badEmails', { list: wrong.slice(0, 5).join(', ') }) });
  const unique = [...new Set(words.map((w) => w.toLowerCase()))];
  if (!unique.length) throw validationFailed({ emails: 'exams.access.field.noEmails' });
  if (unique.length > INVITATIONS_MAX)
    throw validationFailed({ emails: message('exams.access.field.tooManyEmails', { max: INVITATIONS_MAX }) });
  return unique;
}

export interface Invitation {
  email: string;
  invitedAt: string;
}

export async function invitationsOf(deps: Pick<ExamsDeps, 'db'>, examId: string): Promise<Invitation[]> {
  const rows = await deps.db
    .selectFrom('exam_invitations')
    .select(['email', 'invited_at'])
    .where('exam_id', '=', examId)
    .orderBy('email')
    .execute();
  return rows.map((r) => ({ email: r.email, invitedAt: r.invited_at }));
}

/**
 * Invites addresses not invited yet and mails each one a link, in the recipient's language (their account's, else
 * that of the admin's request). Returns the addresses newly invited.
 */
export async function invite(deps: ExamsDeps, examId: string, emails: string[], requestLocale: Locale) {
  const exam = await getExam(deps, examId);
  const now = deps.clock().toISOString();
  const fresh = await writeTransaction(deps.db, async (trx) => {
    const existing = new Set(
      (await trx.selectFrom('exam_invitations').select('email').where('exam_id', '=', examId).execute()).map(
        (r) => r.email,
      ),
    );
    const added = emails.filter((e) => !existing.has(e));
    if (added.length)
      await trx
        .insertInto('exam_invitations')
        .values(added.map((email) => ({ exam_id: examId, email, invited_at: now })))
        .execute();
    return added;
  });
  const accounts = fresh.length
    ? await deps.db.selectFrom('accounts').select(['email', 'locale']).where('email', 'in', fresh).execute()
    : [];
  const byEmail = new Map(accounts.map((a) => [a.email.toLowerCase(), a]));
  for (const email of fresh) {
    const account = byEmail.get(email);
    const { t } = mailReader(account, requestLocale);
    const link = `${deps.config.publicUrl}${account ? '/exams' : '/register'}`;
    await deps.mailer.send({
      to: email,
      subject: t('exams.access.mail.subject', { exam: exam.title }),
      text: t(account ? 'exams.access.mail.body' : 'exams.access.mail.bodyRegister', { exam: exam.title, link, email }),
    });
  }
  return fresh;
}

export async function withdrawInvitation(deps: ExamsDeps, examId: string, email: string): Promise<void> {
  const removed = await deps.db
    .deleteFrom('exam_invitations')
    .where('exam_id', '=', examId)
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  if (!Number(removed.numDeletedRows)) throw notFound('errors.not_found.invitation');
}

/**
 * Wrong access codes: ten an hour per account, thirty an hour per address (an exam centre shares one). A code is
 * short enough to guess, so guesses are counted before the code is looked at (consume, then check).
 */
export const ACCESS_CODE_RULES = {
  account: { name: 'access-code:account', limit: 10, windowSeconds: 60 * 60 },
  address: { name: 'access-code:ip', limit: 30, windowSeconds: 60 * 60 },
} as const satisfies Record<string, ThrottleRule>;

const codeGuessesHeldBack = (now: Date, seconds: number) =>
  new ApiError(
    429,
    'rate_limited',
    message('exams.access.codeThrottled', { at: new Date(now.getTime() + seconds * 1000) }),
    undefined,
    { 'Retry-After': String(seconds) },
  );

/** An access code entered by a candidate: the exam it opens is theirs to sit from now on. */
export async function redeemAccessCode(deps: ExamsDeps, account: Account, code: string, ip: string): Promise<Exam> {
  const now = deps.clock();
  const address = addressKey(ip);
  const byAccount = await hitThrottle(deps.db, ACCESS_CODE_RULES.account, account.id, now);
  if (byAccount.limited) throw codeGuessesHeldBack(now, byAccount.retryAfterSeconds);
  const byAddress = await hitThrottle(deps.db, ACCESS_CODE_RULES.address, address, now);
  if (byAddress.limited) {
    await refundThrottle(deps.db, ACCESS_CODE_RULES.account, account.id);
    throw codeGuessesHeldBack(now, byAddress.retryAfterSeconds);
  }
  const access = await deps.db
    .selectFrom('exam_access')
    .innerJoin('exams', 'exams.id', 'exam_access.exam_id')
    .select('exam_access.exam_id')
    .where('exam_access.rule', '=', 'code')
    .where('exam_access.access_code', '=', code.trim())
    .where('exams.published', '=', 1)
    .executeTakeFirst();
  if (!access) throw validationFailed({ code: 'exams.access.field.codeUnknown' });
  // The counters count wrong codes: the right one gives its place back.
  await refundThrottle(deps.db, ACCESS_CODE_RULES.account, account.id);
  await refundThrottle(deps.db, ACCESS_CODE_RULES.address, address);
  await deps.db
    .insertInto('exam_access_grants')
    .values({ exam_id: access.exam_id, account_id: account.id, granted_at: now.toISOString() })
    .onConflict((oc) => oc.columns(['exam_id', 'account_id']).doNothing())
    .execute();
  return getExam(deps, access.exam_id);
}
