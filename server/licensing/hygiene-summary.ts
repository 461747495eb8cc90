// The last hygiene run, kept as counts by kind and when it ran: the overview shows them without a full count
// (4 to 19 s at a million accounts), and says how old they are.
import type { HygieneCode } from '../../shared/licensing/hygiene.ts';
import type { Db } from '../db/database.ts';

export interface HygieneSummary {
  computedAt: string;
  /** Every finding of each kind found, not only the ones the hygiene page lists. */
  counts: Partial<Record<HygieneCode, number>>;
}

export async function saveHygieneSummary(db: Db, summary: HygieneSummary): Promise<void> {
  await db
    .updateTable('licence_settings')
    .set({ hygiene_computed_at: summary.computedAt, hygiene_counts: JSON.stringify(summary.counts) })
    .where('id', '=', 1)
    .execute();
}

/** The last run's summary, or undefined when hygiene was never checked. */
export async function readHygieneSummary(db: Db): Promise<HygieneSummary | undefined> {
  const row = await db
    .selectFrom('licence_settings')
    .select(['hygiene_computed_at', 'hygiene_counts'])
    .where('id', '=', 1)
    .executeTakeFirst();
  if (!row?.hygiene_computed_at || !row.hygiene_counts) return undefined;
  return { computedAt: row.hygiene_computed_at, counts: JSON.parse(row.hygiene_counts) as HygieneSummary['counts'] };
}
