// Self-registration of candidates and the confirmation of their email address.

import { type Actor, auditActor, recordAudit } from '../audit/log.ts';
import { issueOneTimeToken, redeemOneTimeToken } from '../auth/one-time-tokens.ts';
import type { Account } from '../auth/tables.ts';
import { addressKey, hitThrottle, RULES } from '../auth/throttle.ts';
import { isUniqueViolation } from '../db/dialect.ts';
import { writeTransaction } from '../db/transaction.ts';
import type { Deps } from '../deps.ts';
import { ApiError, tooManyRequests } from '../http/errors.ts';
import type { Locale } from '../i18n/locales.ts';
import { mailReader } from '../mail/language.ts';
import {
  change,
  findAccount,
  findAccountByEmail,
  guardTokenRedemption,
  insertAccount,
  invalidLink,
  link,
  sendMail,
} from './accounts.ts';
import { alreadyRegisteredMail, verificationMail } from './mail.ts';

/**
 * Always answers the same way, in about the same time, so registration cannot be used to find out which addresses
 * have accounts: both paths hash the password (most of the time spent) and write one transaction, then queue a mail.
 */
export async function registerCandidate(
  deps: Deps,
  actor: Actor,
  input: { name: string; email: string; password: string },
): Promise<void> {
  const now = deps.clock();
  const throttle = await hitThrottle(deps.db, RULES.registrationIp, addressKey(actor.ip), now);
  if (throttle.limited) throw tooManyRequests(throttle.retryAfterSeconds);
  const alreadyRegistered = async (account: Account) => {
    await recordAudit(deps.db, now, auditActor(actor), {
      action: 'account.registration_repeated',
      targetAccountId: account.id,
    });
    await sendMail(
      deps,
      alreadyRegisteredMail(
        mailReader(account, actor.locale),
        account.email,
        `${deps.config.publicUrl}/sign-in`,
        `${deps.config.publicUrl}/forgot-password`,
      ),
    );
  };
  const passwordHash = await deps.passwords.hash(input.password);
  const existing = await findAccountByEmail(deps.db, input.email);
  if (existing) return alreadyRegistered(existing);
  const registered = await writeTransaction(deps.db, async (trx) => {
    const account = await insertAccount(
      trx,
      // The language they registered in (chosen, or their browser's) becomes their account's: mail follows it.
      {
        email: input.email,
        name: input.name,
        role: 'candidate',
        passwordHash,
        emailVerifiedAt: null,
        locale: actor.locale,
      },
      now,
    );
    const token = await issueOneTimeToken(trx, 'email_verification', account.id, now);
    await recordAudit(trx, now, auditActor(actor), { action: 'account.registered', targetAccountId: account.id });
    return { account, token };
  }).catch((error: unknown) => {
    // The same address registered at the same moment (another request, maybe on another instance) won the race.
    if (isUniqueViolation(error)) return null;
    throw error;
  });
  if (!registered) {
    const winner = await findAccountByEmail(deps.db, input.email);
    return winner ? alreadyRegistered(winner) : undefined;
  }
  const { account, token } = registered;
  deps.accountChanges.notify(change('created', account, now));
  const reader = mailReader(account, actor.locale);
  await sendMail(deps, verificationMail(reader, account.email, account.name, link(deps, '/verify-email', token)));
}

/** The gate the exam module will call: candidates sit exams only with a verified email address. */
export function assertMaySitExam(account: Account): void {
  if (account.active !== 1) throw new ApiError(403, 'account_deactivated', 'errors.account_deactivated.short');
  if (!account.email_verified_at) throw new ApiError(403, 'email_not_verified', 'errors.email_not_verified');
}

export async function sendVerificationMail(deps: Deps, account: Account, requestLocale?: Locale): Promise<void> {
  if (account.email_verified_at) return;
  const token = await issueOneTimeToken(deps.db, 'email_verification', account.id, deps.clock());
  const reader = mailReader(account, requestLocale);
  await sendMail(deps, verificationMail(reader, account.email, account.name, link(deps, '/verify-email', token)));
}

export async function verifyEmail(deps: Deps, actor: Actor, token: string): Promise<Account> {
  const now = deps.clock();
  await guardTokenRedemption(deps, actor, now);
  return writeTransaction(deps.db, async (trx) => {
    const redeemed = await redeemOneTimeToken(trx, token, ['email_verification'], now);
    if (!redeemed?.accountId) throw invalidLink();
    await trx
      .updateTable('accounts')
      .set({ email_verified_at: now.toISOString() })
      .where('id', '=', redeemed.accountId)
      .where('email_verified_at', 'is', null)
      .execute();
    await recordAudit(trx, now, auditActor(actor), {
      action: 'account.email_verified',
      targetAccountId: redeemed.accountId,
    });
    const account = await findAccount(trx, redeemed.accountId);
    if (!account) throw invalidLink();
    return account;
  });
}
