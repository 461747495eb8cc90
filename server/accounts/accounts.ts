import type { Actor } from '../audit/log.ts';
import type { AccountChange, AccountChangeKind } from '../auth/account-changes.ts';
import { newId } from '../auth/secrets.ts';
import type { Account, Role } from '../auth/tables.ts';
import { addressKey, hitThrottle, RULES } from '../auth/throttle.ts';
import type { Db } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { ApiError, tooManyRequests } from '../http/errors.ts';
import type { Locale } from '../i18n/locales.ts';

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** The only shape in which an account leaves the server: no password hash, ever. */
export interface AccountView {
  id: string;
  email: string;
  /** Until accounts get their own username column, the sign-in name is the email. */
  username: string;
  name: string;
  role: Role;
  active: boolean;
  createdAt: string;
  deactivatedAt: string | null;
  emailVerifiedAt: string | null;
  lastSignInAt: string | null;
}

export const toAccountView = (a: Account): AccountView => ({
  id: a.id,
  email: a.email,
  username: a.email,
  name: a.name,
  role: a.role,
  active: a.active === 1,
  createdAt: a.created_at,
  deactivatedAt: a.deactivated_at,
  emailVerifiedAt: a.email_verified_at,
  lastSignInAt: a.last_sign_in_at,
});

/** A link in a mail: the public URL, the path and the single-use token. */
export const link = (deps: Deps, path: string, token: string) =>
  `${deps.config.publicUrl}${path}?token=${encodeURIComponent(token)}`;

export function change(kind: AccountChangeKind, account: Pick<Account, 'id' | 'role'>, at: Date): AccountChange {
  return { kind, accountId: account.id, role: account.role, at: at.toISOString() };
}

/** Mail failures must not undo an account change; they are logged without the message body (it holds a secret). */
export async function sendMail(deps: Deps, mail: Parameters<Deps['mailer']['send']>[0]): Promise<void> {
  try {
    await deps.mailer.send(mail);
  } catch (error) {
    deps.logger.error('mail delivery failed', { to: mail.to, subject: mail.subject, reason: String(error) });
  }
}

export async function findAccount(db: Db, id: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findAccountByEmail(db: Db, email: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('email', '=', normaliseEmail(email)).executeTakeFirst();
}

export async function insertAccount(
  db: Db,
  values: {
    email: string;
    name: string;
    role: Role;
    passwordHash: string | null;
    emailVerifiedAt: string | null;
    /** The language the person used to create it, when they did it themselves. */
    locale?: Locale | undefined;
  },
  now: Date,
): Promise<Account> {
  const account: Account = {
    id: newId(),
    email: normaliseEmail(values.email),
    name: values.name.trim(),
    role: values.role,
    active: 1,
    password_hash: values.passwordHash,
    created_at: now.toISOString(),
    deactivated_at: null,
    email_verified_at: values.emailVerifiedAt,
    last_sign_in_at: null,
    locale: values.locale ?? null,
    time_zone: null,
  };
  await db.insertInto('accounts').values(account).execute();
  return account;
}

export const emailTaken = () => new ApiError(409, 'email_taken', 'errors.email_taken', { email: 'fields.emailInUse' });

export const invalidLink = () =>
  new ApiError(400, 'invalid_token', 'errors.invalid_token', { token: 'fields.linkInvalid' });

export async function guardTokenRedemption(deps: Deps, actor: Actor, now: Date) {
  const throttle = await hitThrottle(deps.db, RULES.tokenRedemptionIp, addressKey(actor.ip), now);
  if (throttle.limited) throw tooManyRequests(throttle.retryAfterSeconds);
}

// ---- first-admin setup ----
