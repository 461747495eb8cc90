// Storage of the licence portal: environments, providers, the account directory, imports, the licence, history.
import type { Generated } from 'kysely';

export type DirectorySource = 'own' | 'import';

export interface LicenceEnvironmentsTable {
  id: string;
  name: string;
  production: number;
  /** Validated, lower-cased domains joined by commas ('' = none configured, rule 5). */
  internal_domains: string;
  /** 1 for the environment that holds Seatkeeper's own accounts (exactly one). */
  own: number;
  /** Retention policy (rule 25): days without sign-in before a candidate is deactivated; null = off. */
  retention_days: number | null;
  /** Candidates whose email was never verified are deactivated after this many days; null = off. */
  unverified_days: number | null;
  created_at: string;
}

export interface LicenceProvidersTable {
  id: string;
  environment_id: string;
  name: string;
  created_at: string;
}

/**
 * Every account the licence covers, in one indexed table so the users list stays fast at a million rows: imported
 * accounts live here, and each own account has a mirror row kept current by the AccountChanges hook.
 */
export interface LicenceAccountsTable {
  id: Generated<number>;
  source: DirectorySource;
  /** Own accounts: accounts.id. */
  account_id: string | null;
  environment_id: string;
  provider: string;
  tenant: string;
  username: string;
  email: string;
  name: string;
  username_lc: string;
  email_lc: string;
  name_lc: string;
  /** emailDomain() of each field (null when not a valid email), so a rule edit reclassifies in SQL. */
  email_domain: string | null;
  username_domain: string | null;
  active: number;
  it_user: number;
  staff: number;
  role: string | null;
  /** Stored classification ('internal' | 'external'), kept current on change and on rule edits. */
  classification: string;
  last_sign_in_at: string | null;
  created_at: string;
}

export interface LicenceImportsTable {
  id: string;
  environment_id: string;
  provider: string;
  status: 'running' | 'done' | 'failed';
  rows: number;
  processed: number;
  /** JSON array of messages naming line numbers. */
  errors: string;
  actor_email: string | null;
  started_at: string;
  finished_at: string | null;
}

export interface LicenceSettingsTable {
  id: number;
  organisation_domains: string;
  licence_type: string | null;
  starts_on: string | null;
  ends_on: string | null;
  internal_packs: number;
  external_packs: number;
  cancelled_on: string | null;
  /** Rule 26a: a closed account's personal data is erased this many days after closing (the daily job). */
  erase_closed_after_days: number;
  /** The organisation's IANA time zone: its calendar decides the licence's days (history, retention, the term). */
  time_zone: string;
}

export interface LicenceHistoryTable {
  day: string;
  internal: number;
  external: number;
  internal_capacity: number | null;
  external_capacity: number | null;
  at: string;
}

export interface LicenceNotificationsTable {
  bucket: string;
  level: string;
  at: string;
}

export interface LicenceJobRunsTable {
  job: string;
  day: string;
  started_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    licence_environments: LicenceEnvironmentsTable;
    licence_providers: LicenceProvidersTable;
    licence_accounts: LicenceAccountsTable;
    licence_imports: LicenceImportsTable;
    licence_settings: LicenceSettingsTable;
    licence_history: LicenceHistoryTable;
    licence_notifications: LicenceNotificationsTable;
    licence_job_runs: LicenceJobRunsTable;
  }
}
