import type { Generated, Insertable, Selectable } from 'kysely';
import type { ExamTables } from '../exams/schema.ts';
import type { LicensingTables } from '../licensing/tables.ts';

// Timestamps are UTC ISO-8601 strings (Date#toISOString), which sort and compare correctly as text on every dialect.
// Booleans are 0/1 integers so SQLite and PostgreSQL read the same values.

export type Role = 'admin' | 'support' | 'candidate';
export const ROLES = ['admin', 'support', 'candidate'] as const satisfies readonly Role[];
export const STAFF_ROLES = ['admin', 'support'] as const satisfies readonly Role[];

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
}

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

export interface AuditEventsTable {
  id: Generated<number>;
  at: string;
  actor_account_id: string | null;
  /** Email of the actor at the time, kept so the log stays readable if the account changes. */
  actor_email: string | null;
  action: string;
  target_account_id: string | null;
  /** JSON object with non-secret details. */
  details: string;
  ip: string;
}

export interface OutboxTable {
  id: Generated<number>;
  created_at: string;
  to_address: string;
  subject: string;
  body: string;
}

export interface RateLimitsTable {
  key: string;
  window_started_at: string;
  hits: number;
}

/** PostgreSQL only: the Open Badges signing key every instance signs with (SQLite keeps it in DATA_DIR). */
export interface CredentialSigningKeysTable {
  /** One row per key in use: 'open-badges'. The first instance to insert it wins; the others read it. */
  name: string;
  /** The private JWK as JSON. */
  private_jwk: string;
  created_at: string;
}

export interface Database extends LicensingTables {
  accounts: AccountsTable;
  sessions: SessionsTable;
  one_time_tokens: OneTimeTokensTable;
  access_tokens: AccessTokensTable;
  sign_in_events: SignInEventsTable;
  audit_events: AuditEventsTable;
  outbox: OutboxTable;
  rate_limits: RateLimitsTable;
  credential_signing_keys: CredentialSigningKeysTable;
}

/** Exams, attempts and certificates (server/exams/schema.ts), merged into Database. */
export interface Database extends ExamTables {}

export type Account = Selectable<AccountsTable>;
export type NewAccount = Insertable<AccountsTable>;
export type AccessTokenRow = Selectable<AccessTokensTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type OutboxRow = Selectable<OutboxTable>;
