import type { Generated, Selectable } from 'kysely';

/**
 * What happens to a mail: `held` without an SMTP server (admins read it in the portal), `queued` until a sender
 * delivers it (or retries it), `sent`, or `failed` after the last retry (an admin may send it again).
 */
export type MailStatus = 'held' | 'queued' | 'sent' | 'failed';
export const MAIL_STATUSES = ['held', 'queued', 'sent', 'failed'] as const satisfies readonly MailStatus[];

/** Every mail the server sends, queued here first (the table was created as the outbox by the first migration). */
export interface OutboxTable {
  id: Generated<number>;
  created_at: string;
  to_address: string;
  subject: string;
  body: string;
  status: Generated<MailStatus>;
  /** Deliveries tried so far. */
  attempts: Generated<number>;
  /** A queued mail is not tried before this time. */
  next_attempt_at: string | null;
  /** Why the last delivery failed (the SMTP server's answer or the connection error), never the body. */
  last_error: string | null;
  sent_at: string | null;
  /** The instance delivering it now; another one takes it over only once `claimed_until` has passed. */
  claimed_by: string | null;
  claimed_until: string | null;
}

declare module '../db/schema.ts' {
  interface Database {
    outbox: OutboxTable;
  }
}

export type OutboxRow = Selectable<OutboxTable>;
