// Password reset links, and invitation links (the same redemption).

import { type Actor, auditActor, recordAudit } from '../audit/log.ts';
import { issueOneTimeToken, ONE_TIME_TOKEN_TTL_SECONDS, redeemOneTimeToken } from '../auth/one-time-tokens.ts';
import type { Account } from '../auth/tables.ts';
import { addressKey, hitThrottle, RULES } from '../auth/throttle.ts';
import { writeTransaction } from '../db/transaction.ts';
import type { Deps } from '../deps.ts';
import { tooManyRequests } from '../http/errors.ts';
import { mailReader } from '../mail/language.ts';
import { findAccount, findAccountByEmail, guardTokenRedemption, invalidLink, link, sendMail } from './accounts.ts';
import { passwordResetMail } from './mail.ts';
import { endSessionsAndTokens, type SignedOut } from './sign-in-protection.ts';

export const PASSWORD_RESET_MINUTES = ONE_TIME_TOKEN_TTL_SECONDS.password_reset / 60;

/**
 * Same answer, in the same time, whether or not the address has an account: only the address's throttle is counted
 * before answering; finding the account, issuing its link and queueing the mail happen after the answer.
 */
export async function requestPasswordReset(deps: Deps, actor: Actor, email: string): Promise<void> {
  const now = deps.clock();
  const throttle = await hitThrottle(deps.db, RULES.passwordResetIp, addressKey(actor.ip), now);
  if (throttle.limited) throw tooManyRequests(throttle.retryAfterSeconds);
  deps.background.run('password reset mail', () => sendPasswordResetLink(deps, email, now, actor.locale));
}

async function sendPasswordResetLink(deps: Deps, email: string, now: Date, locale: Actor['locale']): Promise<void> {
  const account = await findAccountByEmail(deps.db, email);
  if (account?.active !== 1) return;
  const perAddress = await hitThrottle(deps.db, RULES.passwordResetEmail, account.id, now);
  if (perAddress.limited) return;
  const token = await issueOneTimeToken(deps.db, 'password_reset', account.id, now);
  const reader = mailReader(account, locale);
  const resetLink = link(deps, '/reset-password', token);
  await sendMail(deps, passwordResetMail(reader, account.email, resetLink, PASSWORD_RESET_MINUTES));
}

/**
 * Sets a new password from a reset or invitation link. Whoever knew the old password may have signed in or made
 * access tokens with it: every session of the account ends and every token is revoked, in the same transaction.
 */
export async function confirmPasswordReset(
  deps: Deps,
  actor: Actor,
  token: string,
  password: string,
): Promise<{ account: Account } & SignedOut> {
  const now = deps.clock();
  await guardTokenRedemption(deps, actor, now);
  const passwordHash = await deps.passwords.hash(password);
  return writeTransaction(deps.db, async (trx) => {
    const redeemed = await redeemOneTimeToken(trx, token, ['password_reset', 'invitation'], now);
    if (!redeemed?.accountId) throw invalidLink();
    const account = await findAccount(trx, redeemed.accountId);
    if (account?.active !== 1) throw invalidLink();
    // Receiving the link proves the address, so an unverified account becomes verified here.
    await trx
      .updateTable('accounts')
      .set({ password_hash: passwordHash, email_verified_at: account.email_verified_at ?? now.toISOString() })
      .where('id', '=', account.id)
      .execute();
    const ended = await endSessionsAndTokens(trx, account.id, now);
    await recordAudit(trx, now, auditActor(actor), {
      action: 'account.password_reset',
      targetAccountId: account.id,
      details: { via: redeemed.purpose, ...ended },
    });
    return { account, ...ended };
  });
}
