// Who can sign in and how: accounts, sessions, links sent by mail, access tokens, sign-in history, throttles.
import type { Generated, Insertable, Selectable } from 'kysely';

export type Role = 'admin' | 'support' | 'candidate';
export const ROLES = ['admin', 'support', 'candidate'] as const satisfies readonly Role[];
export const STAFF_ROLES = ['admin', 'support'] as const satisfies readonly Role[];

/**
 * Why an account was deactivated (rule 26 reactivates only what retention did; `closed`: its owner closed it, rule 26a,
 * and nothing reactivates it).
 */
export type DeactivationReason = 'admin' | 'retention' | 'unverified' | 'closed';

export interface AccountsTable {
  id: string;
  /** Normalised: trimmed and lower-case. */
  email: string;
  name: string;
  role: Role;
  active: number;
  password_hash: string | null;
  created_at: string;
  deactivated_at: string | null;
  email_verified_at: string | null;
  last_sign_in_at: string | null;
  /** The language the person chose (`en`, `ja`), null until they choose; added by server/accounts/migration.ts. */
  locale: string | null;
  /** The person's IANA time zone (`Asia/Tokyo`), null for the organisation's; added with `locale`. */
  time_zone: string | null;
}

/** accounts.deactivation_reason, added by the licensing migration; read only where rule 26 needs it. */
export type AccountDeactivationColumn = {
  accounts: { deactivation_reason: DeactivationReason | null };
};

/**
 * accounts.erased_at, added by the leaving migration: when the account's personal data was erased (rule 26a). An erased
 * account is gone from every count and every link; its row stays so the certificates and attempts that name it keep a
 * key.
 */
export type AccountErasureColumn = {
  accounts: { erased_at: string | null };
};

export interface SessionsTable {
  id: string;
  account_id: string;
  /** Hex SHA-256 of the secret half of the token. */
  secret_hash: string;
  created_at: string;
  last_verified_at: string;
}

export type OneTimeTokenPurpose = 'email_verification' | 'password_reset' | 'invitation' | 'setup';

export interface OneTimeTokensTable {
  id: string;
  purpose: OneTimeTokenPurpose;
  /** Null only for the first-admin setup link. */
  account_id: string | null;
  secret_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export type TokenScope = 'read' | 'admin';

export interface AccessTokensTable {
  id: string;
  account_id: string;
  name: string;
  scope: TokenScope;
  secret_hash: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SignInEventsTable {
  id: Generated<number>;
  account_id: string;
  at: string;
  ip: string;
  user_agent: string | null;
}

export interface RateLimitsTable {
  key: string;
  window_started_at: string;
  hits: number;
  /** Rules with progressive delays: no attempt before this time (unless the window has ended). */
  blocked_until: string | null;
}

/** A browser that signed in to an account before (OWASP device cookies): its sign-ins skip the per-address limits. */
export interface KnownDevicesTable {
  /** The id half of the device cookie; one browser, one id, whichever accounts it signs in to. */
  device_id: string;
  account_id: string;
  /** Hex SHA-256 of the cookie's secret half. */
  secret_hash: string;
  created_at: string;
  last_sign_in_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    accounts: AccountsTable;
    sessions: SessionsTable;
    one_time_tokens: OneTimeTokensTable;
    access_tokens: AccessTokensTable;
    sign_in_events: SignInEventsTable;
    rate_limits: RateLimitsTable;
    known_devices: KnownDevicesTable;
  }
}

export type Account = Selectable<AccountsTable>;
export type NewAccount = Insertable<AccountsTable>;
export type AccessTokenRow = Selectable<AccessTokensTable>;
