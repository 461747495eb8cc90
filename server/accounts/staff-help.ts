// What support staff do for a person from their page (issue 18): send the email confirmation again, send a password
// reset link. Each is recorded in the audit log; neither shows the link to the staff member (only the person gets it).
import { type Actor, auditActor, recordAudit } from '../audit/log.ts';
import { issueOneTimeToken } from '../auth/one-time-tokens.ts';
import type { Deps } from '../deps.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { mailReader } from '../mail/language.ts';
import { findAccount, link, sendMail } from './accounts.ts';
import { passwordResetMail } from './mail.ts';
import { PASSWORD_RESET_MINUTES } from './password-reset.ts';
import { sendVerificationMail } from './registration.ts';

async function activeAccount(deps: Deps, accountId: string) {
  const account = await findAccount(deps.db, accountId);
  if (!account) throw notFound('errors.not_found.account');
  if (account.active !== 1) throw new ApiError(409, 'account_deactivated', 'people.story.inactiveNoMail');
  return account;
}

export async function resendConfirmation(deps: Deps, actor: Actor, accountId: string): Promise<void> {
  const account = await activeAccount(deps, accountId);
  if (account.email_verified_at) throw new ApiError(409, 'already_confirmed', 'people.story.alreadyConfirmed');
  await sendVerificationMail(deps, account);
  await recordAudit(deps.db, deps.clock(), auditActor(actor), {
    action: 'account.confirmation_resent',
    targetAccountId: account.id,
  });
}

export async function sendResetLink(deps: Deps, actor: Actor, accountId: string): Promise<void> {
  const account = await activeAccount(deps, accountId);
  const token = await issueOneTimeToken(deps.db, 'password_reset', account.id, deps.clock());
  const mail = passwordResetMail(
    mailReader(account),
    account.email,
    link(deps, '/reset-password', token),
    PASSWORD_RESET_MINUTES,
  );
  await sendMail(deps, mail);
  await recordAudit(deps.db, deps.clock(), auditActor(actor), {
    action: 'account.reset_link_sent',
    targetAccountId: account.id,
  });
}
