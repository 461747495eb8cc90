// A person's own language and time zone (issue 16): kept on their account, so pages and mail follow them anywhere.
import { z } from 'zod';
import type { Account } from '../auth/tables.ts';
import type { Deps } from '../deps.ts';
import { canonicalTimeZone } from '../i18n/format.ts';
import { LOCALES, type Locale } from '../i18n/locales.ts';

export const preferencesBody = z.strictObject({
  locale: z.enum(LOCALES as [Locale, ...Locale[]], { error: 'fields.locale' }),
  /** Absent or empty: the organisation's time zone. */
  timeZone: z
    .string()
    .max(64, 'fields.timeZone')
    .refine((zone) => canonicalTimeZone(zone) !== null, { message: 'fields.timeZone' })
    .optional(),
});

export async function setLanguage(deps: Deps, account: Account, locale: Locale): Promise<void> {
  await deps.db.updateTable('accounts').set({ locale }).where('id', '=', account.id).execute();
}

export async function savePreferences(
  deps: Deps,
  account: Account,
  input: z.output<typeof preferencesBody>,
): Promise<void> {
  const timeZone = input.timeZone ? canonicalTimeZone(input.timeZone) : null;
  await deps.db
    .updateTable('accounts')
    .set({ locale: input.locale, time_zone: timeZone })
    .where('id', '=', account.id)
    .execute();
}
