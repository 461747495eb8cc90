// The outbox's share of an erasure: every mail kept for an address (or quoting it) goes, whether held, queued, sent or
// failed; a mail an SMTP server already accepted is beyond the installation's reach.
import type { Db } from '../db/database.ts';
import { contains } from '../db/like.ts';

export async function forgetRecipient(trx: Db, email: string): Promise<number> {
  const deleted = await trx
    .deleteFrom('outbox')
    .where((eb) => eb.or([eb('to_address', '=', email), contains('body', email)]))
    .executeTakeFirst();
  return Number(deleted.numDeletedRows);
}
