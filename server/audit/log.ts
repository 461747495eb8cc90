import type { Account } from '../auth/tables.ts';
import type { Db } from '../db/database.ts';
import type { Locale } from '../i18n/locales.ts';

export type AuditAction =
  | 'sign_in.succeeded'
  | 'sign_in.failed'
  | 'account.created'
  | 'account.registered'
  | 'account.registration_repeated'
  | 'account.updated'
  | 'account.role_changed'
  | 'account.activated'
  | 'account.deactivated'
  | 'account.email_verified'
  /** Its owner closed it (rule 26a). */
  | 'account.closed'
  /** Its personal data was erased; the entry names no erased data. */
  | 'account.erased'
  | 'account.password_reset'
  | 'account.signed_out_everywhere'
  | 'account.sign_in_lock_lifted'
  /** Staff sent the email confirmation again, or a password reset link, from the person's page. */
  | 'account.confirmation_resent'
  | 'account.reset_link_sent'
  | 'setup.completed'
  | 'token.created'
  | 'token.revoked'
  | 'configuration.changed'
  | 'mail.sent_again';

export interface AuditActor {
  accountId: string | null;
  email: string | null;
  ip: string;
}

/** The requester as services see it: who (if anyone), from which IP, and the language of their request. */
export interface Actor {
  account: Account | null;
  ip: string;
  userAgent?: string | null;
  /** The language the request asked for (undefined: none): mail it causes is written in it when the recipient's
   * account names none. */
  locale?: Locale | undefined;
}

export const auditActor = (actor: Actor): AuditActor => ({
  accountId: actor.account?.id ?? null,
  email: actor.account?.email ?? null,
  ip: actor.ip,
});

export interface AuditEntry {
  action: AuditAction;
  targetAccountId?: string | null;
  /** Non-secret facts only: never passwords, tokens, hashes or link secrets. */
  details?: Record<string, string | number | boolean | null>;
}

export async function recordAudit(db: Db, at: Date, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      at: at.toISOString(),
      actor_account_id: actor.accountId,
      actor_email: actor.email,
      action: entry.action,
      target_account_id: entry.targetAccountId ?? null,
      details: JSON.stringify(entry.details ?? {}),
      ip: actor.ip,
    })
    .execute();
}
