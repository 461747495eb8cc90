import type { Db } from '../db/database.ts';
import type { MailStatus } from '../mail/tables.ts';

export interface Paging {
  page: number;
  pageSize: number;
}

export async function listAuditEvents(db: Db, { page, pageSize }: Paging) {
  const [rows, count] = await Promise.all([
    db
      .selectFrom('audit_events')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow(),
  ]);
  const items = rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: { id: r.actor_account_id, email: r.actor_email },
    action: r.action,
    targetAccountId: r.target_account_id,
    details: JSON.parse(r.details) as Record<string, unknown>,
    ip: r.ip,
  }));
  return { items, page, pageSize, total: Number(count.total) };
}

export async function listOutbox(db: Db, { page, pageSize }: Paging) {
  const [rows, count] = await Promise.all([
    db
      .selectFrom('outbox')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow(),
  ]);
  const items = rows.map(
    (r): OutboxMailView => ({
      id: r.id,
      createdAt: r.created_at,
      to: r.to_address,
      subject: r.subject,
      body: r.body,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.status === 'queued' ? r.next_attempt_at : null,
      lastError: r.last_error,
      sentAt: r.sent_at,
    }),
  );
  return { items, page, pageSize, total: Number(count.total) };
}

export interface OutboxMailView {
  id: number;
  createdAt: string;
  to: string;
  subject: string;
  body: string;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  sentAt: string | null;
}
