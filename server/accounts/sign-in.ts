// Signing in with email and password, and the session it starts.

import { type Actor, auditActor, recordAudit } from '../audit/log.ts';
import { knownDevice, rememberDevice } from '../auth/known-devices.ts';
import { createSession } from '../auth/sessions.ts';
import type { Account } from '../auth/tables.ts';
import { addressKey, clearThrottle, hitThrottle, RULES, refundThrottle, type ThrottleRule } from '../auth/throttle.ts';
import type { Db } from '../db/database.ts';
import { writeTransaction } from '../db/transaction.ts';
import type { Deps } from '../deps.ts';
import { ApiError, tooManyRequests } from '../http/errors.ts';
import { change, findAccountByEmail, normaliseEmail } from './accounts.ts';
import { accountClosed, deactivatedByRetention, deactivationReason, reactivateAfterRetention } from './deactivation.ts';

const invalidCredentials = () => new ApiError(401, 'invalid_credentials', 'errors.invalid_credentials');

export interface SignInResult {
  account: Account;
  sessionToken: string;
  /** The device cookie this browser should carry from now on (server/auth/known-devices.ts). */
  deviceToken?: string;
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

/**
 * Which limits an attempt counts against, the most specific first (so attempts refused there do not use up the
 * address's allowance). A browser known to the account counts only against its own limit: attacks on the account or
 * from its address do not hold it back.
 */
function throttlesFor(email: string, ip: string, device: string | null): [ThrottleRule, string][] {
  if (device) return [[RULES.signInDevice, device]];
  const address = addressKey(ip);
  return [
    [RULES.signInAccountAndIp, `${email}|${address}`],
    [RULES.signInAccount, email],
    [RULES.signInIp, address],
  ];
}

export async function signIn(
  deps: Deps,
  actor: Actor,
  input: { email: string; password: string },
  deviceCookie?: string,
): Promise<SignInResult> {
  const now = deps.clock();
  const email = normaliseEmail(input.email);
  const account = await findAccountByEmail(deps.db, email);
  const device = account ? await knownDevice(deps.db, deviceCookie, account.id, now) : null;
  const throttles = throttlesFor(email, actor.ip, device);
  // Consume, then check: the attempt is counted before the password is, so a burst cannot outrun its limit.
  for (const [rule, subject] of throttles) {
    const state = await hitThrottle(deps.db, rule, subject, now);
    if (state.limited) throw tooManyRequests(state.retryAfterSeconds);
  }
  let passwordOk = false;
  if (account?.password_hash) passwordOk = await deps.passwords.verify(account.password_hash, input.password);
  else await deps.passwords.verifyAgainstNothing(input.password);
  if (!account || !passwordOk) {
    await recordAudit(deps.db, now, auditActor(actor), {
      action: 'sign_in.failed',
      targetAccountId: account?.id ?? null,
      details: { reason: account ? 'wrong_password' : 'unknown_email' },
    });
    throw invalidCredentials();
  }
  // The right password: the attempt was no failure. The limit nearest the person starts again.
  const [[nearest, nearestSubject], ...wider] = throttles as [[ThrottleRule, string], ...[ThrottleRule, string][]];
  await clearThrottle(deps.db, nearest, nearestSubject);
  for (const [rule, subject] of wider) await refundThrottle(deps.db, rule, subject);
  // Rule 26a: an account its owner closed stays closed, whatever the password; signing in says so.
  if (account.active !== 1 && (await deactivationReason(deps.db, account.id)) === 'closed') {
    await recordAudit(deps.db, now, auditActor(actor), {
      action: 'sign_in.failed',
      targetAccountId: account.id,
      details: { reason: 'closed' },
    });
    throw accountClosed();
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
  const { sessionToken, deviceToken } = await writeTransaction(deps.db, async (trx) => {
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
    return { sessionToken: token, deviceToken: await rememberDevice(trx, deviceCookie, account.id, now) };
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
    deviceToken,
  };
}
