// The accounts area's share of an erasure (rule 26a): the account row keeps its id (certificates and attempts name
// it) and loses everything that identifies the person; sessions, access tokens, emailed links, the sign-in history and
// the throttle counters keyed by the person's addresses go. Called inside the erasure's transaction (before the audit
// log's share, whose network addresses it reads: server/people/erasure.ts).
import type { Account, AccountDeactivationColumn, AccountErasureColumn } from '../auth/tables.ts';
import type { Db } from '../db/database.ts';
import { contains, endsWith } from '../db/like.ts';

/** What an erased account's email column holds: unique, not an address, so it can link nobody (rules 10, 14). */
export const erasedEmail = (accountId: string) => `erased:${accountId}`;

export async function eraseAccountRecords(trx: Db, account: Account, now: Date): Promise<void> {
  const at = now.toISOString();
  const db = trx.withTables<AccountDeactivationColumn & AccountErasureColumn>();
  const before = await db
    .selectFrom('accounts')
    .select('deactivation_reason')
    .where('id', '=', account.id)
    .executeTakeFirst();
  await db
    .updateTable('accounts')
    .set({
      email: erasedEmail(account.id),
      name: '',
      password_hash: null,
      active: 0,
      deactivated_at: account.deactivated_at ?? at,
      // A closed account stays "closed" in the figures; an active one an administrator erased was deactivated by them.
      deactivation_reason: account.active === 1 ? 'admin' : (before?.deactivation_reason ?? 'admin'),
      email_verified_at: null,
      last_sign_in_at: null,
      erased_at: at,
    })
    .where('id', '=', account.id)
    .execute();
  const addresses = await networkAddressesOf(trx, account.id);
  await trx.deleteFrom('sessions').where('account_id', '=', account.id).execute();
  await trx.deleteFrom('access_tokens').where('account_id', '=', account.id).execute();
  await trx.deleteFrom('one_time_tokens').where('account_id', '=', account.id).execute();
  await trx.deleteFrom('sign_in_events').where('account_id', '=', account.id).execute();
  // Throttle keys name the address (sign-in), the account (password reset mails) or a network address the person
  // used (`<rule>:<ip>`); counters shared with others behind that address start again, which costs them nothing.
  await trx
    .deleteFrom('rate_limits')
    .where((eb) =>
      eb.or([
        contains('key', account.email),
        contains('key', account.id),
        ...addresses.map((ip) => endsWith('key', `:${ip}`)),
      ]),
    )
    .execute();
}

/** The network addresses the person signed in or acted from (before the audit log's are replaced). */
async function networkAddressesOf(trx: Db, accountId: string): Promise<string[]> {
  const signIns = await trx
    .selectFrom('sign_in_events')
    .select('ip')
    .distinct()
    .where('account_id', '=', accountId)
    .execute();
  const acted = await trx
    .selectFrom('audit_events')
    .select('ip')
    .distinct()
    .where((eb) =>
      eb.or([
        eb('actor_account_id', '=', accountId),
        eb.and([
          eb('target_account_id', '=', accountId),
          eb('actor_account_id', 'is', null),
          eb('actor_email', 'is', null),
        ]),
      ]),
    )
    .execute();
  return [...new Set([...signIns, ...acted].map((row) => row.ip))];
}
