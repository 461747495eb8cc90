import { sql } from 'kysely';
import { type AuditActor, recordAudit } from '../audit/log.ts';
import {
  issueOneTimeToken,
  ONE_TIME_TOKEN_TTL_SECONDS,
  peekOneTimeToken,
  redeemOneTimeToken,
  redeemSetupToken,
} from '../auth/one-time-tokens.ts';
import { newId } from '../auth/secrets.ts';
import { createSession, deleteAccountSessions } from '../auth/sessions.ts';
import { clearThrottle, hitThrottle, peekThrottle, RULES } from '../auth/throttle.ts';
import type { Db } from '../db/database.ts';
import { isUniqueViolation } from '../db/dialect.ts';
import type { Account, Role } from '../db/schema.ts';
import { writeTransaction } from '../db/transaction.ts';
import type { Deps } from '../deps.ts';
import { ApiError, notFound, tooManyRequests } from '../http/errors.ts';
import {
  deactivatedByRetention,
  reactivateAfterRetention,
  recordDeactivationReason,
} from '../licensing/reactivation.ts';
import { alreadyRegisteredMail, invitationMail, passwordResetMail, verificationMail } from '../mail/messages.ts';
import type { AccountChange, AccountChangeKind } from './changes.ts';

/** The requester as services see it: who (if anyone) and from which IP. */
export interface Actor {
  account: Account | null;
  ip: string;
  userAgent?: string | null;
}

const auditActor = (actor: Actor): AuditActor => ({
  accountId: actor.account?.id ?? null,
  email: actor.account?.email ?? null,
  ip: actor.ip,
});

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

const link = (deps: Deps, path: string, token: string) =>
  `${deps.config.publicUrl}${path}?token=${encodeURIComponent(token)}`;

function change(kind: AccountChangeKind, account: Pick<Account, 'id' | 'role'>, at: Date): AccountChange {
  return { kind, accountId: account.id, role: account.role, at: at.toISOString() };
}

/** Mail failures must not undo an account change; they are logged without the message body (it holds a secret). */
async function sendMail(deps: Deps, mail: Parameters<Deps['mailer']['send']>[0]): Promise<void> {
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

async function insertAccount(
  db: Db,
  values: { email: string; name: string; role: Role; passwordHash: string | null; emailVerifiedAt: string | null },
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
  };
  await db.insertInto('accounts').values(account).execute();
  return account;
}

const emailTaken = () =>
  new ApiError(409, 'email_taken', 'An account with this email address already exists.', {
    email: 'This email address is already in use; use another one.',
  });

// ---- self-registration and email verification ----

/** Always answers the same way, so registration cannot be used to find out which addresses have accounts. */
export async function registerCandidate(
  deps: Deps,
  actor: Actor,
  input: { name: string; email: string; password: string },
): Promise<void> {
  const now = deps.clock();
  const throttle = await hitThrottle(deps.db, RULES.registrationIp, actor.ip, now);
  if (throttle.limited) throw tooManyRequests(throttle.retryAfterSeconds);
  const alreadyRegistered = (email: string) =>
    sendMail(
      deps,
      alreadyRegisteredMail(email, `${deps.config.publicUrl}/sign-in`, `${deps.config.publicUrl}/forgot-password`),
    );
  const existing = await findAccountByEmail(deps.db, input.email);
  if (existing) return alreadyRegistered(existing.email);
  const passwordHash = await deps.passwords.hash(input.password);
  const registered = await writeTransaction(deps.db, async (trx) => {
    const account = await insertAccount(
      trx,
      { email: input.email, name: input.name, role: 'candidate', passwordHash, emailVerifiedAt: null },
      now,
    );
    const token = await issueOneTimeToken(trx, 'email_verification', account.id, now);
    await recordAudit(trx, now, auditActor(actor), { action: 'account.registered', targetAccountId: account.id });
    return { account, token };
  }).catch((error: unknown) => {
    // The same address registered at the same moment (another request, maybe on another instance) won the race.
    if (isUniqueViolation(error)) return null;
    throw error;
  });
  if (!registered) return alreadyRegistered(normaliseEmail(input.email));
  const { account, token } = registered;
  deps.accountChanges.notify(change('created', account, now));
  await sendMail(deps, verificationMail(account.email, account.name, link(deps, '/verify-email', token)));
}

/** The gate the exam module will call: candidates sit exams only with a verified email address. */
export function assertMaySitExam(account: Account): void {
  if (account.active !== 1) throw new ApiError(403, 'account_deactivated', 'This account is deactivated.');
  if (!account.email_verified_at) {
    throw new ApiError(403, 'email_not_verified', 'Confirm your email address first; we can send you a new link.');
  }
}

export async function sendVerificationMail(deps: Deps, account: Account): Promise<void> {
  if (account.email_verified_at) return;
  const token = await issueOneTimeToken(deps.db, 'email_verification', account.id, deps.clock());
  await sendMail(deps, verificationMail(account.email, account.name, link(deps, '/verify-email', token)));
}

const invalidLink = () =>
  new ApiError(400, 'invalid_token', 'This link is invalid, expired or already used. Ask for a new one.', {
    token: 'Invalid, expired or already used.',
  });

async function guardTokenRedemption(deps: Deps, actor: Actor, now: Date) {
  const throttle = await hitThrottle(deps.db, RULES.tokenRedemptionIp, actor.ip, now);
  if (throttle.limited) throw tooManyRequests(throttle.retryAfterSeconds);
}

export async function verifyEmail(deps: Deps, actor: Actor, token: string): Promise<Account> {
  const now = deps.clock();
  await guardTokenRedemption(deps, actor, now);
  return writeTransaction(deps.db, async (trx) => {
    const redeemed = await redeemOneTimeToken(trx, token, ['email_verification'], now);
    if (!redeemed?.accountId) throw invalidLink();
    await trx
      .updateTable('accounts')
      .set({ email_verified_at: now.toISOString() })
      .where('id', '=', redeemed.accountId)
      .where('email_verified_at', 'is', null)
      .execute();
    await recordAudit(trx, now, auditActor(actor), {
      action: 'account.email_verified',
      targetAccountId: redeemed.accountId,
    });
    const account = await findAccount(trx, redeemed.accountId);
    if (!account) throw invalidLink();
    return account;
  });
}

// ---- password reset and invitations ----

export const PASSWORD_RESET_MINUTES = ONE_TIME_TOKEN_TTL_SECONDS.password_reset / 60;

/** Same outcome whether or not the address has an account. */
export async function requestPasswordReset(deps: Deps, actor: Actor, email: string): Promise<void> {
  const now = deps.clock();
  const throttle = await hitThrottle(deps.db, RULES.passwordResetIp, actor.ip, now);
  if (throttle.limited) throw tooManyRequests(throttle.retryAfterSeconds);
  const account = await findAccountByEmail(deps.db, email);
  if (account?.active !== 1) return;
  const perAddress = await hitThrottle(deps.db, RULES.passwordResetEmail, account.id, now);
  if (perAddress.limited) return;
  const token = await issueOneTimeToken(deps.db, 'password_reset', account.id, now);
  await sendMail(deps, passwordResetMail(account.email, link(deps, '/reset-password', token), PASSWORD_RESET_MINUTES));
}

/** Sets a new password from a reset or invitation link; ends every session of the account. */
export async function confirmPasswordReset(
  deps: Deps,
  actor: Actor,
  token: string,
  password: string,
): Promise<Account> {
  const now = deps.clock();
  await guardTokenRedemption(deps, actor, now);
  const passwordHash = await deps.passwords.hash(password);
  return writeTransaction(deps.db, async (trx) => {
    const redeemed = await redeemOneTimeToken(trx, token, ['password_reset', 'invitation'], now);
    if (!redeemed?.accountId) throw invalidLink();
    const account = await findAccount(trx, redeemed.accountId);
    if (account?.active !== 1) throw invalidLink();
    // Receiving the link proves the address, so an unverified account becomes verified here.
    await trx
      .updateTable('accounts')
      .set({ password_hash: passwordHash, email_verified_at: account.email_verified_at ?? now.toISOString() })
      .where('id', '=', account.id)
      .execute();
    await deleteAccountSessions(trx, account.id);
    await recordAudit(trx, now, auditActor(actor), {
      action: 'account.password_reset',
      targetAccountId: account.id,
      details: { via: redeemed.purpose },
    });
    return account;
  });
}

// ---- sign-in ----

const invalidCredentials = () =>
  new ApiError(401, 'invalid_credentials', 'The email address or password is wrong.', undefined);

export interface SignInResult {
  account: Account;
  sessionToken: string;
}

/** A new session, the last sign-in time and a sign-in history row: what every successful sign-in writes. */
async function startSignedInSession(trx: Db, accountId: string, now: Date, actor: Actor): Promise<string> {
  const token = await createSession(trx, accountId, now);
  await trx.updateTable('accounts').set({ last_sign_in_at: now.toISOString() }).where('id', '=', accountId).execute();
  await trx
    .insertInto('sign_in_events')
    .values({
      account_id: accountId,
      at: now.toISOString(),
      ip: actor.ip,
      user_agent: actor.userAgent?.slice(0, 512) ?? null,
    })
    .execute();
  return token;
}

export async function signIn(
  deps: Deps,
  actor: Actor,
  input: { email: string; password: string },
): Promise<SignInResult> {
  const now = deps.clock();
  const email = normaliseEmail(input.email);
  const accountAndIp = `${email}|${actor.ip}`;
  for (const [rule, subject] of [
    [RULES.signInIp, actor.ip],
    [RULES.signInAccountAndIp, accountAndIp],
  ] as const) {
    const state = await peekThrottle(deps.db, rule, subject, now);
    if (state.limited) throw tooManyRequests(state.retryAfterSeconds);
  }
  const account = await findAccountByEmail(deps.db, email);
  let passwordOk = false;
  if (account?.password_hash) passwordOk = await deps.passwords.verify(account.password_hash, input.password);
  else await deps.passwords.verifyAgainstNothing(input.password);
  if (!account || !passwordOk) {
    await hitThrottle(deps.db, RULES.signInIp, actor.ip, now);
    await hitThrottle(deps.db, RULES.signInAccountAndIp, accountAndIp, now);
    await recordAudit(deps.db, now, auditActor(actor), {
      action: 'sign_in.failed',
      targetAccountId: account?.id ?? null,
      details: { reason: account ? 'wrong_password' : 'unknown_email' },
    });
    throw invalidCredentials();
  }
  // Rule 26: a candidate deactivated by retention who signs in again is reactivated; an admin's deactivation stands.
  const reactivate =
    account.active !== 1 && account.role === 'candidate' && (await deactivatedByRetention(deps.db, account.id));
  if (account.active !== 1 && !reactivate) {
    await recordAudit(deps.db, now, auditActor(actor), {
      action: 'sign_in.failed',
      targetAccountId: account.id,
      details: { reason: 'deactivated' },
    });
    throw new ApiError(403, 'account_deactivated', 'This account is deactivated. Contact an administrator.');
  }
  await clearThrottle(deps.db, RULES.signInAccountAndIp, accountAndIp);
  const sessionToken = await writeTransaction(deps.db, async (trx) => {
    if (reactivate) await reactivateAfterRetention(trx, account.id, now, actor.ip);
    const token = await startSignedInSession(trx, account.id, now, actor);
    await recordAudit(
      trx,
      now,
      { accountId: account.id, email: account.email, ip: actor.ip },
      {
        action: 'sign_in.succeeded',
        targetAccountId: account.id,
      },
    );
    return token;
  });
  if (reactivate) deps.accountChanges.notify(change('activated', account, now));
  deps.accountChanges.notify(change('signed_in', account, now));
  return {
    account: {
      ...account,
      ...(reactivate ? { active: 1, deactivated_at: null } : {}),
      last_sign_in_at: now.toISOString(),
    },
    sessionToken,
  };
}

// ---- staff administration ----

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
    await sendMail(
      deps,
      invitationMail(account.email, account.name, account.role, link(deps, '/reset-password', invitation)),
    );
  }
  return account;
}

const cannotChangeSelf = (what: string) =>
  new ApiError(409, 'cannot_change_self', `You cannot ${what} your own account; ask another administrator.`);

export async function updateAccount(
  deps: Deps,
  actor: Actor,
  id: string,
  patch: { name?: string | undefined; role?: Role | undefined },
): Promise<Account> {
  const now = deps.clock();
  const before = await findAccount(deps.db, id);
  if (!before) throw notFound('The account');
  const roleChanged = patch.role !== undefined && patch.role !== before.role;
  const renamed = patch.name !== undefined && patch.name.trim() !== before.name;
  if (roleChanged && actor.account?.id === id) throw cannotChangeSelf('change the role of');
  const after = await writeTransaction(deps.db, async (trx) => {
    await trx
      .updateTable('accounts')
      .set({
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
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
  if (!before) throw notFound('The account');
  if (!active && actor.account?.id === id) throw cannotChangeSelf('deactivate');
  if ((before.active === 1) === active) return before;
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

// ---- first-admin setup ----

export async function hasActiveAdmin(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('accounts')
    .select('id')
    .where('role', '=', 'admin')
    .where('active', '=', 1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * While no admin exists, issues a one-hour setup link; otherwise null. Links issued before (by earlier starts, or by
 * other instances on the same database) keep working until one of them creates the admin.
 */
export async function issueSetupLinkIfNeeded(deps: Deps): Promise<string | null> {
  const now = deps.clock();
  const token = await writeTransaction(deps.db, async (trx) =>
    (await hasActiveAdmin(trx)) ? null : issueOneTimeToken(trx, 'setup', null, now),
  );
  return token === null ? null : link(deps, '/setup', token);
}

const setupComplete = () =>
  new ApiError(409, 'setup_complete', 'An administrator already exists; setup links no longer work. Sign in instead.', {
    token: 'Setup is already complete.',
  });

const invalidSetupLink = () =>
  new ApiError(400, 'invalid_token', 'This setup link is invalid or expired. Restart the server to print a new one.', {
    token: 'Invalid or expired.',
  });

/** Why a setup link cannot create the first admin, or null when it can; lets the landing page say so before the form. */
export async function setupLinkRefusal(db: Db, token: string, now: Date): Promise<ApiError | null> {
  if (await hasActiveAdmin(db)) return setupComplete();
  return (await peekOneTimeToken(db, token, ['setup'], now)) ? null : invalidSetupLink();
}

export async function completeSetup(
  deps: Deps,
  actor: Actor,
  input: { token: string; email: string; name: string; password: string },
): Promise<SignInResult> {
  const now = deps.clock();
  await guardTokenRedemption(deps, actor, now);
  const passwordHash = await deps.passwords.hash(input.password);
  const { account, sessionToken } = await writeTransaction(deps.db, async (trx) => {
    const redeemed = await redeemSetupToken(trx, input.token, now);
    // Asked after redeeming: on PostgreSQL, an admin being created through another link becomes visible only once
    // that transaction commits, which redeeming waits for.
    if (await hasActiveAdmin(trx)) throw setupComplete();
    if (!redeemed) throw invalidSetupLink();
    if (await findAccountByEmail(trx, input.email)) throw emailTaken();
    const account = await insertAccount(
      trx,
      { email: input.email, name: input.name, role: 'admin', passwordHash, emailVerifiedAt: null },
      now,
    );
    await recordAudit(
      trx,
      now,
      { accountId: account.id, email: account.email, ip: actor.ip },
      {
        action: 'setup.completed',
        targetAccountId: account.id,
      },
    );
    const sessionToken = await startSignedInSession(trx, account.id, now, actor);
    return { account: { ...account, last_sign_in_at: now.toISOString() }, sessionToken };
  });
  deps.accountChanges.notify(change('created', account, now));
  deps.accountChanges.notify(change('signed_in', account, now));
  return { account, sessionToken };
}
