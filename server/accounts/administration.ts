// Staff managing accounts: create (with an invitation), rename, change role, deactivate, list.

import { sql } from 'kysely';
import { type Actor, auditActor, recordAudit } from '../audit/log.ts';
import { issueOneTimeToken } from '../auth/one-time-tokens.ts';
import { deleteAccountSessions } from '../auth/sessions.ts';
import type { Account, Role } from '../auth/tables.ts';
import type { Db } from '../db/database.ts';
import { isUniqueViolation } from '../db/dialect.ts';
import { writeTransaction } from '../db/transaction.ts';
import type { Deps } from '../deps.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { mailReader } from '../mail/language.ts';
import { change, emailTaken, findAccount, findAccountByEmail, insertAccount, link, sendMail } from './accounts.ts';
import { accountErased, closedNotReactivated, leavingState, recordDeactivationReason } from './deactivation.ts';
import { invitationMail } from './mail.ts';

export async function createAccountByAdmin(
  deps: Deps,
  actor: Actor,
  input: { email: string; name: string; role: Role; password?: string | undefined },
): Promise<Account> {
  const now = deps.clock();
  if (await findAccountByEmail(deps.db, input.email)) throw emailTaken();
  const passwordHash = input.password ? await deps.passwords.hash(input.password) : null;
  const { account, invitation } = await writeTransaction(deps.db, async (trx) => {
    const account = await insertAccount(
      trx,
      // An admin-chosen password proves nothing about the mailbox, so the address stays unverified.
      { email: input.email, name: input.name, role: input.role, passwordHash, emailVerifiedAt: null },
      now,
    );
    const invitation = passwordHash ? null : await issueOneTimeToken(trx, 'invitation', account.id, now);
    await recordAudit(trx, now, auditActor(actor), {
      action: 'account.created',
      targetAccountId: account.id,
      details: { role: account.role, invited: invitation !== null },
    });
    return { account, invitation };
  }).catch((error: unknown) => {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  });
  deps.accountChanges.notify(change('created', account, now));
  if (invitation) {
    const reader = mailReader(account, actor.locale);
    const role = reader.t(`accounts.role.${account.role}`);
    await sendMail(
      deps,
      invitationMail(reader, account.email, account.name, role, link(deps, '/reset-password', invitation)),
    );
  }
  return account;
}

const cannotChangeSelf = (what: 'role' | 'deactivate') =>
  new ApiError(409, 'cannot_change_self', `errors.cannot_change_self.${what}`);

export async function updateAccount(
  deps: Deps,
  actor: Actor,
  id: string,
  patch: { name?: string | undefined; role?: Role | undefined },
): Promise<Account> {
  const now = deps.clock();
  const before = await findAccount(deps.db, id);
  if (!before) throw notFound('errors.not_found.account');
  if ((await leavingState(deps.db, id))?.erasedAt) throw accountErased();
  const roleChanged = patch.role !== undefined && patch.role !== before.role;
  const renamed = patch.name !== undefined && patch.name.trim() !== before.name;
  if (roleChanged && actor.account?.id === id) throw cannotChangeSelf('role');
  // The name and role it already has: nothing to write, nothing to audit.
  if (!renamed && !roleChanged) return before;
  const after = await writeTransaction(deps.db, async (trx) => {
    await trx
      .updateTable('accounts')
      .set({
        ...(renamed ? { name: patch.name?.trim() } : {}),
        ...(roleChanged ? { role: patch.role } : {}),
      })
      .where('id', '=', id)
      .execute();
    if (renamed) {
      await recordAudit(trx, now, auditActor(actor), {
        action: 'account.updated',
        targetAccountId: id,
        details: { field: 'name' },
      });
    }
    if (roleChanged) {
      await recordAudit(trx, now, auditActor(actor), {
        action: 'account.role_changed',
        targetAccountId: id,
        details: { from: before.role, to: patch.role ?? null },
      });
    }
    return (await findAccount(trx, id)) as Account;
  });
  // A new name counts for nothing, but the licence portal's users list shows it.
  if (renamed) deps.accountChanges.notify(change('renamed', after, now));
  if (roleChanged) deps.accountChanges.notify(change('role_changed', after, now));
  return after;
}

/** Deactivation ends every session at once; tokens stop working because their owner is checked on each use. */
export async function setAccountActive(deps: Deps, actor: Actor, id: string, active: boolean): Promise<Account> {
  const now = deps.clock();
  const before = await findAccount(deps.db, id);
  if (!before) throw notFound('errors.not_found.account');
  if (!active && actor.account?.id === id) throw cannotChangeSelf('deactivate');
  if ((before.active === 1) === active) return before;
  // Rule 26a: the owner's closing stands; only a new registration brings them back.
  const leaving = await leavingState(deps.db, id);
  if (leaving?.erasedAt) throw accountErased();
  if (active && leaving?.closed) throw closedNotReactivated();
  const after = await writeTransaction(deps.db, async (trx) => {
    await trx
      .updateTable('accounts')
      .set({ active: active ? 1 : 0, deactivated_at: active ? null : now.toISOString() })
      .where('id', '=', id)
      .execute();
    await recordDeactivationReason(trx, id, active ? null : 'admin');
    if (!active) await deleteAccountSessions(trx, id);
    await recordAudit(trx, now, auditActor(actor), {
      action: active ? 'account.activated' : 'account.deactivated',
      targetAccountId: id,
    });
    return (await findAccount(trx, id)) as Account;
  });
  deps.accountChanges.notify(change(active ? 'activated' : 'deactivated', after, now));
  return after;
}

export interface AccountQuery {
  q?: string | undefined;
  role?: Role | undefined;
  active?: boolean | undefined;
  page: number;
  pageSize: number;
}

export async function listAccounts(db: Db, query: AccountQuery): Promise<{ items: Account[]; total: number }> {
  let base = db.selectFrom('accounts');
  if (query.q) {
    // Escape LIKE wildcards so a search for "a_b" means exactly that.
    const pattern = `%${query.q
      .trim()
      .toLowerCase()
      .replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    base = base.where(
      sql<boolean>`(${sql.ref('email')} like ${pattern} escape '\\' or lower(${sql.ref('name')}) like ${pattern} escape '\\')`,
    );
  }
  if (query.role) base = base.where('role', '=', query.role);
  if (query.active !== undefined) base = base.where('active', '=', query.active ? 1 : 0);
  const [items, count] = await Promise.all([
    base
      .selectAll()
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.total) };
}
