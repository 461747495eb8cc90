// Rule 26: why an account was deactivated, and the reactivation of a retention-deactivated candidate at sign-in.
import { recordAudit } from '../audit/log.ts';
import type { AccountDeactivationColumn, AccountErasureColumn, DeactivationReason } from '../auth/tables.ts';
import type { Db } from '../db/database.ts';
import { ApiError } from '../http/errors.ts';

/** Rule 26a: what signing in to, or reactivating, an account its owner closed answers. */
export const accountClosed = () =>
  new ApiError(
    403,
    'account_closed',
    'This account was closed by its owner and cannot be used again. Certificates issued to it stay verifiable.',
  );

/** Rule 26a: an administrator cannot undo the owner's closing either. */
export const closedNotReactivated = () =>
  new ApiError(
    409,
    'account_closed',
    'The person closed this account themselves; it cannot be reactivated. They can register again once it is erased.',
  );

export const accountErased = () =>
  new ApiError(409, 'account_erased', "This account's personal data was erased; it cannot be changed any more.");

/** How an account has left, if it has: closed by its owner (rule 26a), and whether its personal data is erased. */
export async function leavingState(
  db: Db,
  accountId: string,
): Promise<{ closed: boolean; erasedAt: string | null } | undefined> {
  const row = await db
    .withTables<AccountDeactivationColumn & AccountErasureColumn>()
    .selectFrom('accounts')
    .select(['deactivation_reason', 'erased_at'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  return row && { closed: row.deactivation_reason === 'closed', erasedAt: row.erased_at };
}

export async function deactivationReason(db: Db, accountId: string): Promise<DeactivationReason | null> {
  const row = await db
    .withTables<AccountDeactivationColumn>()
    .selectFrom('accounts')
    .select('deactivation_reason')
    .where('id', '=', accountId)
    .executeTakeFirst();
  return row?.deactivation_reason ?? null;
}

export async function deactivatedByRetention(db: Db, accountId: string): Promise<boolean> {
  const reason = await deactivationReason(db, accountId);
  return reason === 'retention' || reason === 'unverified';
}

export async function recordDeactivationReason(db: Db, accountId: string, reason: DeactivationReason | null) {
  await db
    .withTables<AccountDeactivationColumn>()
    .updateTable('accounts')
    .set({ deactivation_reason: reason })
    .where('id', '=', accountId)
    .execute();
}

/** Inside the sign-in transaction: active again, counted again (via the AccountChanges hook), audited. */
export async function reactivateAfterRetention(db: Db, accountId: string, now: Date, ip: string): Promise<void> {
  const before = await deactivationReason(db, accountId);
  await db
    .withTables<AccountDeactivationColumn>()
    .updateTable('accounts')
    .set({ active: 1, deactivated_at: null, deactivation_reason: null })
    .where('id', '=', accountId)
    .execute();
  await recordAudit(
    db,
    now,
    { accountId, email: null, ip },
    { action: 'account.activated', targetAccountId: accountId, details: { via: 'sign-in', deactivatedBy: before } },
  );
}
