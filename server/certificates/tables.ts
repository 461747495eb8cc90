import type { Selectable } from 'kysely';

// Certificates of passed attempts, and (PostgreSQL only) the key every instance signs credentials with.

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
  }
}

export type Certificate = Selectable<CertificatesTable>;
