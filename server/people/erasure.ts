// Erasure (rule 26a, issue 22): one person's personal data removed or replaced in every table, in one transaction,
// while what others rely on stays: the certificate's holder name as printed and signed, its verification page, the
// attempts behind the exam statistics. Each area erases its own tables; a person spans areas, so this puts them
// together. The erasure is audited without the erased data. What is kept and why: docs/privacy.md.
import { findAccount } from '../accounts/accounts.ts';
import { accountErased, leavingState } from '../accounts/deactivation.ts';
import { eraseAccountRecords } from '../accounts/erasure.ts';
import { eraseFromAuditLog } from '../audit/erasure.ts';
import { type Actor, type AuditActor, auditActor, recordAudit } from '../audit/log.ts';
import type { Account } from '../auth/tables.ts';
import { writeTransaction } from '../db/transaction.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { forgetOwnAccount } from '../licensing/leaving.ts';
import { forgetRecipient } from '../mail/erasure.ts';
import type { PeopleDeps } from './context.ts';

/** The daily job, erasing closed accounts whose days have passed. */
const ERASURE_JOB: AuditActor = { accountId: null, email: 'erasure job', ip: 'system' };

export interface Erasure {
  accountId: string;
  erasedAt: string;
}

/**
 * Erases the account's personal data. `actor` null is the daily job (closed accounts only); an administrator may
 * erase any account but their own. The live figures lose the account through the AccountChanges hook.
 */
export async function eraseAccount(deps: PeopleDeps, actor: Actor | null, accountId: string): Promise<Erasure> {
  const account = await findAccount(deps.db, accountId);
  if (!account) throw notFound('The account');
  if (actor?.account?.id === accountId) {
    throw new ApiError(409, 'cannot_change_self', 'You cannot erase your own account; ask another administrator.');
  }
  const now = deps.clock();
  const erased = await writeTransaction(deps.db, async (trx) => {
    // Locked until commit: a sign-in or a second erasure waits, then finds the account erased.
    const current = (await trx
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', accountId)
      .forUpdate()
      .executeTakeFirst()) as Account;
    const leaving = await leavingState(trx, accountId);
    if (leaving?.erasedAt) throw accountErased();
    if (actor === null && !leaving?.closed) throw new ApiError(409, 'not_closed', 'Only closed accounts are erased.');
    await eraseAccountRecords(trx, current, now);
    await eraseFromAuditLog(trx, accountId, current.email);
    const mails = await forgetRecipient(trx, current.email);
    await forgetOwnAccount(trx, accountId, current.email);
    await deps.eraseExamPersonalData(trx, accountId, current.email);
    await recordAudit(trx, now, actor ? auditActor(actor) : ERASURE_JOB, {
      action: 'account.erased',
      targetAccountId: accountId,
      details: {
        via: actor ? 'administrator' : 'erasure policy',
        closedByThePerson: leaving?.closed ?? false,
        role: current.role,
        mailsRemoved: mails,
      },
    });
    return { accountId, erasedAt: now.toISOString() };
  });
  deps.accountChanges.notify({ kind: 'erased', accountId, role: account.role, at: now.toISOString() });
  return erased;
}

/** What the daily job calls for each closed account that is due (server/licensing/leaving.ts). */
export const eraseClosedAccount = (deps: PeopleDeps, accountId: string) => eraseAccount(deps, null, accountId);
