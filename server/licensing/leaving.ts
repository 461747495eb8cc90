// People who leave (rule 26a): the organisation's erasure policy for closed accounts, the figures an admin sees
// (closed by the person this month, seats freed, erased), the daily erasure of closed accounts that are due, and the
// licence directory's share of an erasure.
import { addDays } from '../../shared/licensing/capacity.ts';
import type { Actor } from '../audit/log.ts';
import { recordAudit } from '../audit/log.ts';
import type { AccountDeactivationColumn, AccountErasureColumn } from '../auth/tables.ts';
import type { Db } from '../db/database.ts';
import { writeTransaction } from '../db/transaction.ts';
import type { LicensingDeps } from './context.ts';
import { auditActor, today } from './licence.ts';
import { ownRef } from './records.ts';
import { forgettingSearchIndex } from './search-index.ts';

export const DEFAULT_ERASURE_DAYS = 30;
export const MAX_ERASURE_DAYS = 3650;

export async function readErasureDays(deps: Pick<LicensingDeps, 'db'>): Promise<number> {
  const row = await deps.db
    .selectFrom('licence_settings')
    .select('erase_closed_after_days')
    .where('id', '=', 1)
    .executeTakeFirst();
  return row?.erase_closed_after_days ?? DEFAULT_ERASURE_DAYS;
}

/** Sets after how many days a closed account is erased (0: at the next daily run); audited like every setting. */
export async function saveErasureDays(deps: LicensingDeps, actor: Actor, days: number): Promise<number> {
  const before = await readErasureDays(deps);
  if (before === days) return days;
  const now = deps.clock();
  await writeTransaction(deps.db, async (trx) => {
    await trx.updateTable('licence_settings').set({ erase_closed_after_days: days }).where('id', '=', 1).execute();
    await recordAudit(trx, now, auditActor(actor), {
      action: 'configuration.changed',
      details: { what: 'erasure-policy', closedAccountsAfterDays: days, before },
    });
  });
  return days;
}

/** Closed accounts whose erasure day has come (closed `days` or more days before today), oldest first. */
export async function closedAccountsDue(deps: LicensingDeps, days: number): Promise<string[]> {
  // Closed before the start of the day after (today - days): a day's closures are erased together, on their day.
  const cutoff = addDays(await today(deps), 1 - days);
  const rows = await deps.db
    .withTables<AccountDeactivationColumn & AccountErasureColumn>()
    .selectFrom('accounts')
    .select('id')
    .where('deactivation_reason', '=', 'closed')
    .where('erased_at', 'is', null)
    .where('deactivated_at', '<', cutoff)
    .orderBy('deactivated_at')
    .execute();
  return rows.map((r) => r.id);
}

/** The daily job's part: erases every closed account past the policy's days; returns how many it erased. */
export async function eraseClosedAccountsDue(deps: LicensingDeps): Promise<number> {
  let erased = 0;
  for (const id of await closedAccountsDue(deps, await readErasureDays(deps))) {
    try {
      await deps.eraseClosedAccount(id);
      erased++;
    } catch (error) {
      // One account that cannot be erased now must not keep the others; it is due again at the next run.
      deps.logger.error('erasure of a closed account failed', { accountId: id, error: String(error) });
    }
  }
  return erased;
}

/** The licence directory's share of an erasure: the account's mirror row, and its address on imports it ran. */
export async function forgetOwnAccount(trx: Db, accountId: string, email: string): Promise<void> {
  await forgettingSearchIndex(trx, () =>
    trx.deleteFrom('licence_accounts').where('account_id', '=', accountId).execute(),
  );
  await trx.updateTable('licence_imports').set({ actor_email: null }).where('actor_email', '=', email).execute();
}

export interface LeavingMonth {
  /** `YYYY-MM`. */
  month: string;
  /** Accounts their owners closed that month. */
  closed: number;
  /** Of those, the ones whose person no longer counts at all: the seat is free. */
  seatsFreed: number;
  /** Accounts whose personal data was erased that month. */
  erased: number;
}

export interface LeavingFigures {
  asOf: string;
  /** This month first, then the eleven before it. */
  months: LeavingMonth[];
  /** Closed accounts whose erasure is still to come. */
  awaitingErasure: number;
  erasureDays: number;
}

const monthOf = (iso: string) => iso.slice(0, 7);

/** The twelve months ending with `month` (`YYYY-MM`), newest first. */
function lastTwelveMonths(month: string): string[] {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  return Array.from({ length: 12 }, (_, i) => {
    const index = year * 12 + (mon - 1) - i;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  });
}

/**
 * Rule 26a in figures: who closed their account, month by month, how many seats that freed (an account whose person
 * still counts through another account frees none, rule 14), and how many accounts were erased.
 */
export async function leavingFigures(deps: LicensingDeps): Promise<LeavingFigures> {
  await deps.licensing.current();
  const months = lastTwelveMonths(monthOf(await today(deps)));
  const from = `${months[months.length - 1]}-01`;
  const db = deps.db.withTables<AccountDeactivationColumn & AccountErasureColumn>();
  const closed = await db
    .selectFrom('accounts')
    .select(['id', 'deactivated_at', 'erased_at'])
    .where('deactivation_reason', '=', 'closed')
    .where('deactivated_at', '>=', from)
    .execute();
  const erased = await db.selectFrom('accounts').select('erased_at').where('erased_at', '>=', from).execute();
  const { live } = deps.licensing;
  const seatFreed = (id: string, erasedAt: string | null) => {
    if (erasedAt !== null) return true;
    const account = live.account(ownRef(id));
    return !account?.mergedWith.some((ref) => live.account(ref)?.counted);
  };
  const byMonth = new Map(months.map((month) => [month, { month, closed: 0, seatsFreed: 0, erased: 0 }]));
  for (const row of closed) {
    const entry = byMonth.get(monthOf(row.deactivated_at ?? ''));
    if (!entry) continue;
    entry.closed++;
    if (seatFreed(row.id, row.erased_at)) entry.seatsFreed++;
  }
  for (const row of erased) {
    const entry = byMonth.get(monthOf(row.erased_at ?? ''));
    if (entry) entry.erased++;
  }
  const awaiting = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('deactivation_reason', '=', 'closed')
    .where('erased_at', 'is', null)
    .executeTakeFirstOrThrow();
  return {
    asOf: deps.clock().toISOString(),
    months: [...byMonth.values()],
    awaitingErasure: Number(awaiting.n),
    erasureDays: await readErasureDays(deps),
  };
}
