// Rule 26a: a candidate closes their own account (the seed's "unsubscribe"). From that moment it counts as deactivated
// (rule 1, through the AccountChanges hook); its sessions, access tokens and emailed links end with it; nothing
// reactivates it (rule 26 is for retention only). Its personal data is erased later (server/people/erasure.ts).
import { addDays } from '../../shared/licensing/capacity.ts';
import { type Actor, recordAudit } from '../audit/log.ts';
import type { Account, AccountDeactivationColumn } from '../auth/tables.ts';
import { addressKey, clearThrottle, hitThrottle, RULES } from '../auth/throttle.ts';
import { writeTransaction } from '../db/transaction.ts';
import { ApiError, tooManyRequests } from '../http/errors.ts';
import type { I18n } from '../i18n/request.ts';
import type { OutgoingMail } from '../mail/mailer.ts';
import { change, findAccount, sendMail } from './accounts.ts';
import type { AccountsDeps } from './context.ts';

export interface ClosedAccount {
  closedAt: string;
  /** The day its personal data is erased (the organisation's erasure policy). */
  erasureOn: string;
  /** Attempts that were in progress and were closed first. */
  attemptsFinalised: number;
}

const wrongPassword = () =>
  new ApiError(400, 'validation_failed', 'Fix these fields: password.', {
    password: 'This is not the password of your account.',
  });

export const staffCannotClose = () =>
  new ApiError(
    403,
    'staff_account',
    'Staff accounts are not closed by their owners: ask an administrator to deactivate or erase yours.',
  );

/** The day a closed account's personal data is erased: its closing day plus the organisation's days (rule 26a). */
export const erasureDate = (closedAt: string, days: number) => addDays(closedAt.slice(0, 10), days);

function closedMail(i18n: I18n, account: Account, closed: ClosedAccount): OutgoingMail {
  const { t, format } = i18n;
  return {
    to: account.email,
    subject: t('accounts.leave.mail.subject'),
    text: t('accounts.leave.mail.body', {
      name: account.name,
      closedAt: format.dateTime(closed.closedAt),
      erasureOn: format.date(`${closed.erasureOn}T00:00:00Z`),
    }),
  };
}

/**
 * Closes the signed-in candidate's account after checking their password: attempts in progress are finalised first,
 * then in one transaction the account is deactivated with the reason `closed`, its sessions and emailed links deleted
 * and its access tokens revoked, and the closing audited; the live figures drop through the hook; a mail confirms.
 */
export async function closeOwnAccount(
  deps: AccountsDeps,
  actor: Actor & { account: Account },
  password: string,
  i18n: I18n,
): Promise<ClosedAccount> {
  const account = await findAccount(deps.db, actor.account.id);
  if (account?.active !== 1) {
    throw new ApiError(409, 'account_deactivated', 'This account is already deactivated.');
  }
  if (account.role !== 'candidate') throw staffCannotClose();
  // The sign-in throttle guards the password here too: a stolen session must not become a way to guess it.
  // Counted before the password is checked (as signing in does), so parallel guesses cannot outrun the limit.
  const subject = `${account.email}|${addressKey(actor.ip)}`;
  const throttled = await hitThrottle(deps.db, RULES.signInAccountAndIp, subject, deps.clock());
  if (throttled.limited) throw tooManyRequests(throttled.retryAfterSeconds);
  if (!account.password_hash || !(await deps.passwords.verify(account.password_hash, password))) {
    throw wrongPassword();
  }
  await clearThrottle(deps.db, RULES.signInAccountAndIp, subject);
  const attemptsFinalised = await deps.finaliseAttemptsOf(account.id);
  const now = deps.clock();
  const closedAt = now.toISOString();
  await writeTransaction(deps.db, async (trx) => {
    const updated = await trx
      .withTables<AccountDeactivationColumn>()
      .updateTable('accounts')
      .set({ active: 0, deactivated_at: closedAt, deactivation_reason: 'closed' })
      .where('id', '=', account.id)
      .where('active', '=', 1)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      throw new ApiError(409, 'account_deactivated', 'This account is already deactivated.');
    }
    await trx.deleteFrom('sessions').where('account_id', '=', account.id).execute();
    await trx.deleteFrom('one_time_tokens').where('account_id', '=', account.id).execute();
    await trx
      .updateTable('access_tokens')
      .set({ revoked_at: closedAt })
      .where('account_id', '=', account.id)
      .where('revoked_at', 'is', null)
      .execute();
    await recordAudit(
      trx,
      now,
      { accountId: account.id, email: account.email, ip: actor.ip },
      { action: 'account.closed', targetAccountId: account.id, details: { by: 'the person', attemptsFinalised } },
    );
  });
  deps.accountChanges.notify(change('closed', account, now));
  const closed = {
    closedAt,
    erasureOn: erasureDate(closedAt, await deps.closedAccountErasureDays()),
    attemptsFinalised,
  };
  await sendMail(deps, closedMail(i18n, account, closed));
  return closed;
}
