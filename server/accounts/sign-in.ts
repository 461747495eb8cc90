// Signing in with email and password, and the session it starts.

import { type Actor, auditActor, recordAudit } from '../audit/log.ts';
import { createSession } from '../auth/sessions.ts';
import type { Account } from '../auth/tables.ts';
import { clearThrottle, hitThrottle, peekThrottle, RULES } from '../auth/throttle.ts';
import type { Db } from '../db/database.ts';
import { writeTransaction } from '../db/transaction.ts';
import type { Deps } from '../deps.ts';
import { ApiError, tooManyRequests } from '../http/errors.ts';
import { change, findAccountByEmail, normaliseEmail } from './accounts.ts';
import { deactivatedByRetention, reactivateAfterRetention } from './deactivation.ts';

const invalidCredentials = () => new ApiError(401, 'invalid_credentials', 'errors.invalid_credentials');

export interface SignInResult {
  account: Account;
  sessionToken: string;
}

/** A new session, the last sign-in time and a sign-in history row: what every successful sign-in writes. */
export async function startSignedInSession(trx: Db, accountId: string, now: Date, actor: Actor): Promise<string> {
  const token = await createSession(trx, accountId, now);
  await trx.updateTable('accounts').set({ last_sign_in_at: now.toISOString() }).where('id', '=', accountId).execute();
  await trx
    .insertInto('sign_in_events')
    .values({
      account_id: accountId,
      at: now.toISOString(),
      ip: actor.ip,
      user_agent: actor.userAgent?.slice(0, 512) ?? null,
    })
    .execute();
  return token;
}

export async function signIn(
  deps: Deps,
  actor: Actor,
  input: { email: string; password: string },
): Promise<SignInResult> {
  const now = deps.clock();
  const email = normaliseEmail(input.email);
  const accountAndIp = `${email}|${actor.ip}`;
  for (const [rule, subject] of [
    [RULES.signInIp, actor.ip],
    [RULES.signInAccountAndIp, accountAndIp],
  ] as const) {
    const state = await peekThrottle(deps.db, rule, subject, now);
    if (state.limited) throw tooManyRequests(state.retryAfterSeconds);
  }
  const account = await findAccountByEmail(deps.db, email);
  let passwordOk = false;
  if (account?.password_hash) passwordOk = await deps.passwords.verify(account.password_hash, input.password);
  else await deps.passwords.verifyAgainstNothing(input.password);
  if (!account || !passwordOk) {
    await hitThrottle(deps.db, RULES.signInIp, actor.ip, now);
    await hitThrottle(deps.db, RULES.signInAccountAndIp, accountAndIp, now);
    await recordAudit(deps.db, now, auditActor(actor), {
      action: 'sign_in.failed',
      targetAccountId: account?.id ?? null,
      details: { reason: account ? 'wrong_password' : 'unknown_email' },
    });
    throw invalidCredentials();
  }
  // Rule 26: a candidate deactivated by retention who signs in again is reactivated; an admin's deactivation stands.
  const reactivate =
    account.active !== 1 && account.role === 'candidate' && (await deactivatedByRetention(deps.db, account.id));
  if (account.active !== 1 && !reactivate) {
    await recordAudit(deps.db, now, auditActor(actor), {
      action: 'sign_in.failed',
      targetAccountId: account.id,
      details: { reason: 'deactivated' },
    });
    throw new ApiError(403, 'account_deactivated', 'errors.account_deactivated');
  }
  await clearThrottle(deps.db, RULES.signInAccountAndIp, accountAndIp);
  const sessionToken = await writeTransaction(deps.db, async (trx) => {
    if (reactivate) await reactivateAfterRetention(trx, account.id, now, actor.ip);
    const token = await startSignedInSession(trx, account.id, now, actor);
    await recordAudit(
      trx,
      now,
      { accountId: account.id, email: account.email, ip: actor.ip },
      {
        action: 'sign_in.succeeded',
        targetAccountId: account.id,
      },
    );
    return token;
  });
  if (reactivate) deps.accountChanges.notify(change('activated', account, now));
  deps.accountChanges.notify(change('signed_in', account, now));
  return {
    account: {
      ...account,
      ...(reactivate ? { active: 1, deactivated_at: null } : {}),
      last_sign_in_at: now.toISOString(),
    },
    sessionToken,
  };
}
