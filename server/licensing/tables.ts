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
  /** The generation of imported rows in force (licence_accounts.generation). */
  generation: Generated<number>;
  /** JSON: the column mapping an admin chose in the portal for this provider's files (ColumnChoices). */
  column_mapping: string | null;
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
  /**
   * Imported rows: the generation of the import that wrote them. Only rows of their provider's generation are in
   * force; others are an import's rows not yet switched to, or rows replaced and waiting to be deleted.
   */
  generation: Generated<number>;
}

export type ImportStatus = 'running' | 'preview' | 'done' | 'failed' | 'cancelled';
export type ImportPhase = '' | 'receiving' | 'reading' | 'checking' | 'switching' | 'counting';

export interface LicenceImportsTable {
  id: string;
  environment_id: string;
  /** The providers the import replaces, comma-separated (known once read). */
  provider: string;
  /** 'preview': read and checked, waiting for an admin to confirm. */
  status: ImportStatus;
  /** Rows read so far. */
  rows: number;
  /** Rows written so far (out of sight until the switch). */
  processed: number;
  /** JSON array of messages naming line numbers. */
  errors: string;
  actor_email: string | null;
  started_at: string;
  finished_at: string | null;
  /** The generation its rows are written under (licence_accounts.generation). */
  generation: number | null;
  phase: Generated<ImportPhase>;
  bytes_total: Generated<number>;
  bytes_read: Generated<number>;
  /** Progress of the current phase (rows checked, accounts counted), for the estimate of the time left. */
  phase_done: Generated<number>;
  phase_total: Generated<number>;
  phase_started_at: string | null;
  /** Set by Cancel; the importing instance stops at its next batch and leaves the previous rows in force. */
  cancel_requested: Generated<number>;
  /** JSON: how the file is read (ImportOptions in import-options.ts). */
  options: Generated<string>;
  /** JSON: what the import would change (ImportPreview), once checked. */
  preview: string | null;
}

/** Generations whose rows are to be deleted: replaced by a switch, or written by an import that did not finish. */
export interface LicenceRetiredGenerationsTable {
  generation: number;
  environment_id: string;
  /** '' with environment_id '': every row of the generation. */
  provider: string;
  retired_at: string;
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
  /** The last import generation handed out. */
  last_generation: Generated<number>;
  /** When hygiene was last checked, and its findings counted by kind (JSON): the overview's summary. */
  hygiene_computed_at: string | null;
  hygiene_counts: string | null;
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
    licence_retired_generations: LicenceRetiredGenerationsTable;
  }
}
