import { addSeconds } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { issueSecret, parseSecret, secretMatches } from './secrets.ts';
import type { OneTimeTokenPurpose } from './tables.ts';

export const ONE_TIME_TOKEN_TTL_SECONDS: Record<OneTimeTokenPurpose, number> = {
  email_verification: 24 * 60 * 60,
  password_reset: 30 * 60,
  invitation: 7 * 24 * 60 * 60,
  setup: 60 * 60,
};

/**
 * Whether a new link retires the unused ones issued before it for the same account and purpose. Setup links do not:
 * every instance started before the first admin exists prints its own, and the first one used retires the others
 * (redeemSetupToken).
 */
const NEW_LINK_RETIRES_EARLIER: Record<OneTimeTokenPurpose, boolean> = {
  email_verification: true,
  password_reset: true,
  invitation: true,
  setup: false,
};

/**
 * Issues a single-use emailed/printed link secret; for most purposes, earlier unused ones for the same account and
 * purpose stop working (NEW_LINK_RETIRES_EARLIER). Pass a transaction when the link belongs to a larger change.
 */
export async function issueOneTimeToken(
  db: Db,
  purpose: OneTimeTokenPurpose,
  accountId: string | null,
  now: Date,
): Promise<string> {
  const { id, token, secretHash } = issueSecret();
  if (NEW_LINK_RETIRES_EARLIER[purpose]) {
    let retire = db
      .updateTable('one_time_tokens')
      .set({ used_at: now.toISOString() })
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null);
    retire = accountId === null ? retire.where('account_id', 'is', null) : retire.where('account_id', '=', accountId);
    await retire.execute();
  }
  await db
    .insertInto('one_time_tokens')
    .values({
      id,
      purpose,
      account_id: accountId,
      secret_hash: secretHash,
      created_at: now.toISOString(),
      expires_at: addSeconds(now, ONE_TIME_TOKEN_TTL_SECONDS[purpose]).toISOString(),
      used_at: null,
    })
    .execute();
  return token;
}

/** The stored row behind a link that is known, unused, unexpired and for one of `purposes`; otherwise null. */
async function usableToken(db: Db, token: string, purposes: readonly OneTimeTokenPurpose[], now: Date) {
  const parsed = parseSecret(token);
  if (!parsed) return null;
  const row = await db.selectFrom('one_time_tokens').selectAll().where('id', '=', parsed.id).executeTakeFirst();
  if (!row || !secretMatches(parsed.secret, row.secret_hash)) return null;
  if (row.used_at || new Date(row.expires_at) <= now || !purposes.includes(row.purpose)) return null;
  return row;
}

/**
 * Marks the token used and returns it, or null when unknown, already used, expired or for another purpose.
 * Call inside the transaction that performs the action so a failure leaves the link usable.
 */
export async function redeemOneTimeToken(
  db: Db,
  token: string,
  purposes: readonly OneTimeTokenPurpose[],
  now: Date,
): Promise<{ id: string; purpose: OneTimeTokenPurpose; accountId: string | null } | null> {
  const row = await usableToken(db, token, purposes, now);
  if (!row) return null;
  const marked = await db
    .updateTable('one_time_tokens')
    .set({ used_at: now.toISOString() })
    .where('id', '=', row.id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (Number(marked.numUpdatedRows) !== 1) return null;
  return { id: row.id, purpose: row.purpose, accountId: row.account_id };
}

/**
 * Uses a first-admin setup link and, in the same statement, every other unused one, so that whichever link creates the
 * admin, the rest stop working. Of two links used at the same moment only one succeeds: the later statement waits for
 * the rows the earlier one marked (PostgreSQL) or for the write lock (SQLite), then finds them used. Call inside the
 * transaction that creates the admin, so a failure leaves every link usable.
 */
export async function redeemSetupToken(db: Db, token: string, now: Date): Promise<boolean> {
  const row = await usableToken(db, token, ['setup'], now);
  if (!row) return false;
  const retired = await db
    .updateTable('one_time_tokens')
    .set({ used_at: now.toISOString() })
    .where('purpose', '=', 'setup')
    .where('used_at', 'is', null)
    .returning('id')
    .execute();
  return retired.some((retiredRow) => retiredRow.id === row.id);
}

/** Checks a link without using it up, so a landing page can say early that it expired. */
export async function peekOneTimeToken(db: Db, token: string, purposes: readonly OneTimeTokenPurpose[], now: Date) {
  const row = await usableToken(db, token, purposes, now);
  return row ? { purpose: row.purpose, accountId: row.account_id } : null;
}
