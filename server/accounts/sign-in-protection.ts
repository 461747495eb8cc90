// What an admin can do for one person's sign-ins: end every session and revoke every access token at once ("sign out
// everywhere", e.g. after a lost laptop), and see or lift the pause on sign-ins from unknown devices that many failed
// attempts at the account set off (server/auth/throttle.ts, RULES.signInAccount).
import { type Actor, auditActor, recordAudit } from '../audit/log.ts';
import { revokeAccountTokens } from '../auth/access-tokens.ts';
import { deleteAccountSessions } from '../auth/sessions.ts';
import { clearThrottle, RULES, throttleStanding } from '../auth/throttle.ts';
import type { Db } from '../db/database.ts';
import { writeTransaction } from '../db/transaction.ts';
import type { Deps } from '../deps.ts';
import { notFound } from '../http/errors.ts';
import { findAccount } from './accounts.ts';

export interface SignedOut {
  sessionsEnded: number;
  tokensRevoked: number;
}

/** Ends the account's sessions and revokes its tokens in one transaction (also what a password reset does). */
export async function endSessionsAndTokens(trx: Db, accountId: string, now: Date): Promise<SignedOut> {
  return {
    sessionsEnded: await deleteAccountSessions(trx, accountId),
    tokensRevoked: await revokeAccountTokens(trx, accountId, now),
  };
}

export async function signOutEverywhere(deps: Deps, actor: Actor, accountId: string): Promise<SignedOut> {
  const now = deps.clock();
  if (!(await findAccount(deps.db, accountId))) throw notFound('The account');
  return writeTransaction(deps.db, async (trx) => {
    const ended = await endSessionsAndTokens(trx, accountId, now);
    await recordAudit(trx, now, auditActor(actor), {
      action: 'account.signed_out_everywhere',
      targetAccountId: accountId,
      details: { ...ended },
    });
    return ended;
  });
}

export interface SignInLock {
  /** Failed sign-ins at the account from unknown devices in the current hour. */
  failedAttempts: number;
  /** Sign-ins from unknown devices are refused until then; known devices sign in as usual. */
  pausedUntil: string | null;
}

export async function signInLock(deps: Deps, email: string): Promise<SignInLock> {
  const standing = await throttleStanding(deps.db, RULES.signInAccount, email, deps.clock());
  return { failedAttempts: standing.attempts, pausedUntil: standing.heldUntil };
}

export async function liftSignInLock(deps: Deps, actor: Actor, accountId: string): Promise<void> {
  const account = await findAccount(deps.db, accountId);
  if (!account) throw notFound('The account');
  await clearThrottle(deps.db, RULES.signInAccount, account.email);
  await recordAudit(deps.db, deps.clock(), auditActor(actor), {
    action: 'account.sign_in_lock_lifted',
    targetAccountId: accountId,
  });
}
