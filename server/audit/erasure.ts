// The audit log's share of an erasure (rule 26a): entries stay (what happened, and when, to which account id), but
// the person's address and the network addresses of what they did, or what was done in their name without an account,
// are replaced. An address quoted in an entry's details is removed too.
import type { Db } from '../db/database.ts';
import { contains } from '../db/like.ts';

export const ERASED_IP = 'erased';

export async function eraseFromAuditLog(trx: Db, accountId: string, email: string): Promise<void> {
  await trx
    .updateTable('audit_events')
    .set({ actor_email: null, ip: ERASED_IP })
    .where((eb) =>
      eb.or([
        eb('actor_account_id', '=', accountId),
        eb('actor_email', '=', email),
        // Their own links redeemed, and sign-in attempts with their address, anonymously (jobs name themselves).
        eb.and([
          eb('target_account_id', '=', accountId),
          eb('actor_account_id', 'is', null),
          eb('actor_email', 'is', null),
        ]),
      ]),
    )
    .execute();
  await trx
    .updateTable('audit_events')
    .set((eb) => ({ details: eb.fn('replace', ['details', eb.val(email), eb.val('')]) }))
    .where(contains('details', email))
    .execute();
}
