// Rule 26: why an account was deactivated, and the reactivation of a retention-deactivated candidate at sign-in.
import { recordAudit } from '../audit/log.ts';
import type { AccountDeactivationColumn, DeactivationReason } from '../auth/tables.ts';
import type { Db } from '../db/database.ts';

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
