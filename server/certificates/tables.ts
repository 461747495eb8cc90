import type { Selectable } from 'kysely';

// Certificates of passed attempts, the organisation that issues them, and (PostgreSQL only) the keys every instance
// signs credentials with.

export interface CertificatesTable {
  /** Public id: 160 random bits, base32. */
  id: string;
  attempt_id: string;
  account_id: string;
  exam_id: string;
  holder_name: string;
  exam_title: string;
  score_percent: number;
  issued_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
  replaced_by: string | null;
  /** Position in the revocation status list (status-list.ts); given when the first credential is signed. */
  status_index: number | null;
}

/** The organisation that issues the credentials: one row (id 1), set by an administrator. */
export interface OrganisationProfileTable {
  id: number;
  name: string;
  url: string | null;
  email: string | null;
  /** The logo (PNG or JPEG), base64, as uploaded. */
  logo_base64: string | null;
  logo_type: 'image/png' | 'image/jpeg' | null;
  updated_at: string;
}

/** PostgreSQL only: the Open Badges signing key every instance signs with (SQLite keeps it in DATA_DIR). */
export interface CredentialSigningKeysTable {
  /** One row per key in use: 'open-badges'. The first instance to insert it wins; the others read it. */
  name: string;
  /** The private JWK as JSON. */
  private_jwk: string;
  created_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    certificates: CertificatesTable;
    credential_signing_keys: CredentialSigningKeysTable;
    organisation_profile: OrganisationProfileTable;
  }
}

export type Certificate = Selectable<CertificatesTable>;
export type OrganisationProfileRow = Selectable<OrganisationProfileTable>;
