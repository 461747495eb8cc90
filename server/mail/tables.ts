import type { Generated, Selectable } from 'kysely';

/** Mail kept when no SMTP server is configured (created by the accounts-and-auth migration). */
export interface OutboxTable {
  id: Generated<number>;
  created_at: string;
  to_address: string;
  subject: string;
  body: string;
}

declare module '../db/schema.ts' {
  interface Database {
    outbox: OutboxTable;
  }
}

export type OutboxRow = Selectable<OutboxTable>;
