// The outbox's share of an erasure: mail kept for an address (or quoting it) goes; mail already delivered by SMTP was
// never stored.
import type { Db } from '../db/database.ts';
import { contains } from '../db/like.ts';

export async function forgetRecipient(trx: Db, email: string): Promise<number> {
  const deleted = await trx
    .deleteFrom('outbox')
    .where((eb) => eb.or([eb('to_address', '=', email), contains('body', email)]))
    .executeTakeFirst();
  return Number(deleted.numDeletedRows);
}
