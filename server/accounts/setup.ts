// The first administrator, created through a one-time setup link printed at the first start.

import { type Actor, recordAudit } from '../audit/log.ts';
import { issueOneTimeToken, peekOneTimeToken, redeemSetupToken } from '../auth/one-time-tokens.ts';
import type { Db } from '../db/database.ts';
import { writeTransaction } from '../db/transaction.ts';
import type { Deps } from '../deps.ts';
import { ApiError } from '../http/errors.ts';
import { change, emailTaken, findAccountByEmail, guardTokenRedemption, insertAccount, link } from './accounts.ts';
import { type SignInResult, startSignedInSession } from './sign-in.ts';

export async function hasActiveAdmin(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('accounts')
    .select('id')
    .where('role', '=', 'admin')
    .where('active', '=', 1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * While no admin exists, issues a one-hour setup link; otherwise null. Links issued before (by earlier starts, or by
 * other instances on the same database) keep working until one of them creates the admin.
 */
export async function issueSetupLinkIfNeeded(deps: Deps): Promise<string | null> {
  const now = deps.clock();
  const token = await writeTransaction(deps.db, async (trx) =>
    (await hasActiveAdmin(trx)) ? null : issueOneTimeToken(trx, 'setup', null, now),
  );
  return token === null ? null : link(deps, '/setup', token);
}

const setupComplete = () => new ApiError(409, 'setup_complete', 'errors.setup_complete', { token: 'fields.setupDone' });

const invalidSetupLink = () =>
  new ApiError(400, 'invalid_token', 'errors.invalid_token.setup', { token: 'fields.setupInvalid' });

/** Why a setup link cannot create the first admin, or null when it can; lets the landing page say so before the form. */
export async function setupLinkRefusal(db: Db, token: string, now: Date): Promise<ApiError | null> {
  if (await hasActiveAdmin(db)) return setupComplete();
  return (await peekOneTimeToken(db, token, ['setup'], now)) ? null : invalidSetupLink();
}

export async function completeSetup(
  deps: Deps,
  actor: Actor,
  input: { token: string; email: string; name: string; password: string },
): Promise<SignInResult> {
  const now = deps.clock();
  await guardTokenRedemption(deps, actor, now);
  const passwordHash = await deps.passwords.hash(input.password);
  const { account, sessionToken } = await writeTransaction(deps.db, async (trx) => {
    const redeemed = await redeemSetupToken(trx, input.token, now);
    // Asked after redeeming: on PostgreSQL, an admin being created through another link becomes visible only once
    // that transaction commits, which redeeming waits for.
    if (await hasActiveAdmin(trx)) throw setupComplete();
    if (!redeemed) throw invalidSetupLink();
    if (await findAccountByEmail(trx, input.email)) throw emailTaken();
    const account = await insertAccount(
      trx,
      { email: input.email, name: input.name, role: 'admin', passwordHash, emailVerifiedAt: null },
      now,
    );
    await recordAudit(
      trx,
      now,
      { accountId: account.id, email: account.email, ip: actor.ip },
      {
        action: 'setup.completed',
        targetAccountId: account.id,
      },
    );
    const sessionToken = await startSignedInSession(trx, account.id, now, actor);
    return { account: { ...account, last_sign_in_at: now.toISOString() }, sessionToken };
  });
  deps.accountChanges.notify(change('created', account, now));
  deps.accountChanges.notify(change('signed_in', account, now));
  return { account, sessionToken };
}
