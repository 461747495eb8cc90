import type { Generated, Selectable } from 'kysely';

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

declare module '../db/schema.ts' {
  interface Database {
    audit_events: AuditEventsTable;
  }
}

export type AuditEventRow = Selectable<AuditEventsTable>;
