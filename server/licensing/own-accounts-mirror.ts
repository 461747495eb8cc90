// The directory's rows for the platform's own accounts (licence_accounts with source 'own'): what the portal's users
// list, search and lookups read. Written when an account changes, and reconciled at start for changes no process saw.
import type { CompiledRules } from '../../shared/licensing/classify.ts';
import type { Account, AccountErasureColumn } from '../auth/tables.ts';
import type { Deps } from '../deps.ts';
import { directoryRow, OWN_PROVIDER } from './records.ts';

/** Accounts whose directory row is missing, outdated, or left behind by an erasure. */
export async function staleMirrorIds(db: Deps['db']): Promise<string[]> {
  const stale = await db
    .withTables<AccountErasureColumn>()
    .selectFrom('accounts as a')
    .leftJoin('licence_accounts as m', 'm.account_id', 'a.id')
    .select(['a.id'])
    .where((eb) =>
      eb.or([
        eb.and([eb('a.erased_at', 'is not', null), eb('m.id', 'is not', null)]),
        eb.and([
          eb('a.erased_at', 'is', null),
          eb.or([
            eb('m.id', 'is', null),
            eb('m.active', '!=', eb.ref('a.active')),
            eb('m.name', '!=', eb.ref('a.name')),
            eb('m.role', '!=', eb.ref('a.role')),
            eb('m.email', '!=', eb.ref('a.email')),
          ]),
        ]),
      ]),
    )
    .execute();
  return stale.map(({ id }) => id);
}

/** Writes the account's directory row as the account is stored now; the account, or undefined if gone or erased. */
export async function writeMirrorRow(
  db: Deps['db'],
  ownEnvironmentId: string,
  rules: CompiledRules,
  accountId: string,
): Promise<Account | undefined> {
  const a = await db
    .withTables<AccountErasureColumn>()
    .selectFrom('accounts')
    .selectAll()
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!a) return undefined;
  if (a.erased_at !== null) {
    // Rule 26a: an erased account leaves the directory (and so every lookup) with its personal data.
    await db.deleteFrom('licence_accounts').where('account_id', '=', accountId).execute();
    return undefined;
  }
  const row = directoryRow(ownEnvironmentId, rules, {
    provider: OWN_PROVIDER,
    tenant: '',
    username: a.email,
    email: a.email,
    name: a.name,
    active: a.active === 1,
    itUser: false,
    staff: a.role !== 'candidate',
    role: a.role,
    lastSignInAt: a.last_sign_in_at,
    createdAt: a.created_at,
  });
  await db
    .insertInto('licence_accounts')
    .values({ ...row, source: 'own', account_id: a.id })
    .onConflict((oc) => oc.column('account_id').doUpdateSet(row))
    .execute();
  return a;
}
