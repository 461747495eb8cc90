// The organisation's time zone: a setting admins change on the licence page. Times are shown in it to everyone who
// has not chosen their own, and its calendar decides the licence's days.
import { type Actor, auditActor, recordAudit } from '../audit/log.ts';
import type { Db } from '../db/database.ts';
import { writeTransaction } from '../db/transaction.ts';
import type { Deps } from '../deps.ts';
import { validationFailed } from '../http/errors.ts';
import { canonicalTimeZone } from '../i18n/format.ts';
import { DEFAULT_TIME_ZONE } from '../i18n/request.ts';

export async function readOrganisationTimeZone(db: Db): Promise<string> {
  const row = await db.selectFrom('licence_settings').select('time_zone').where('id', '=', 1).executeTakeFirst();
  return row?.time_zone ?? DEFAULT_TIME_ZONE;
}

/** Rejects a name Intl does not know (`Asia/Tokio`), naming the field. */
export async function saveOrganisationTimeZone(deps: Deps, actor: Actor, zone: string): Promise<string> {
  const timeZone = canonicalTimeZone(zone);
  if (!timeZone) throw validationFailed({ timeZone: 'fields.timeZone' });
  const now = deps.clock();
  await writeTransaction(deps.db, async (trx) => {
    await trx.updateTable('licence_settings').set({ time_zone: timeZone }).where('id', '=', 1).execute();
    await recordAudit(trx, now, auditActor(actor), {
      action: 'configuration.changed',
      details: { what: 'organisation-time-zone', timeZone },
    });
  });
  return timeZone;
}
