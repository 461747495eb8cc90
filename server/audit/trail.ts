// The audit log as staff read it (issue 18): each event with the names of who did it and to whom, filtered by who
// (either of them, by name or email), what (the action) and when (from and to, as instants), newest first.
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { containsIgnoringCase } from '../db/like.ts';
import type { AuditAction } from './log.ts';

/** Every action the log records, in the order the filter offers them. */
export const AUDIT_ACTIONS = [
  'sign_in.succeeded',
  'sign_in.failed',
  'account.created',
  'account.registered',
  'account.registration_repeated',
  'account.updated',
  'account.role_changed',
  'account.activated',
  'account.deactivated',
  'account.email_verified',
  'account.closed',
  'account.erased',
  'account.password_reset',
  'account.signed_out_everywhere',
  'account.sign_in_lock_lifted',
  'account.confirmation_resent',
  'account.reset_link_sent',
  'setup.completed',
  'token.created',
  'token.revoked',
  'configuration.changed',
  'mail.sent_again',
] as const satisfies readonly AuditAction[];

export interface TrailFilters {
  who?: string | undefined;
  action?: string | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  until?: Date | undefined;
}

export interface TrailPerson {
  id: string | null;
  name: string | null;
  email: string | null;
}

export interface TrailEvent {
  id: number;
  at: string;
  action: string;
  actor: TrailPerson;
  /** 'system' for the daily jobs (retention, erasure); their `actor.email` names the job. */
  ip: string;
  target: TrailPerson | null;
  details: Record<string, unknown>;
}

function filtered(db: Db, filters: TrailFilters) {
  let query = db
    .selectFrom('audit_events as e')
    .leftJoin('accounts as actor', 'actor.id', 'e.actor_account_id')
    .leftJoin('accounts as target', 'target.id', 'e.target_account_id');
  const who = filters.who?.trim();
  if (who) {
    query = query.where((eb) =>
      eb.or([
        containsIgnoringCase(sql.ref('e.actor_email'), who),
        containsIgnoringCase(sql.ref('actor.email'), who),
        containsIgnoringCase(sql.ref('actor.name'), who),
        containsIgnoringCase(sql.ref('target.email'), who),
        containsIgnoringCase(sql.ref('target.name'), who),
      ]),
    );
  }
  if (filters.action) query = query.where('e.action', '=', filters.action);
  if (filters.from) query = query.where('e.at', '>=', filters.from.toISOString());
  if (filters.until) query = query.where('e.at', '<', filters.until.toISOString());
  return query;
}

const COLUMNS = [
  'e.id',
  'e.at',
  'e.action',
  'e.actor_account_id',
  'e.actor_email',
  'e.ip',
  'e.target_account_id',
  'e.details',
  'actor.name as actor_name',
  'actor.email as actor_account_email',
  'target.name as target_name',
  'target.email as target_email',
] as const;

type Row = Awaited<ReturnType<ReturnType<typeof selectRows>['execute']>>[number];
const selectRows = (db: Db, filters: TrailFilters) => filtered(db, filters).select(COLUMNS);

function toEvent(r: Row): TrailEvent {
  return {
    id: r.id,
    at: r.at,
    action: r.action,
    actor: {
      id: r.actor_account_id,
      name: r.actor_name ?? null,
      email: r.actor_account_email ?? r.actor_email,
    },
    ip: r.ip,
    target: r.target_account_id
      ? { id: r.target_account_id, name: r.target_name ?? null, email: r.target_email ?? null }
      : null,
    details: JSON.parse(r.details) as Record<string, unknown>,
  };
}

export async function auditTrail(db: Db, filters: TrailFilters, page: number, pageSize: number) {
  const [rows, count] = await Promise.all([
    selectRows(db, filters)
      .orderBy('e.id', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    filtered(db, filters)
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toEvent), total: Number(count.total), page, pageSize };
}

/** Every matching event, newest first, a thousand at a time (an export of years of sign-ins stays in bounds). */
export async function* everyAuditEvent(db: Db, filters: TrailFilters): AsyncGenerator<TrailEvent[]> {
  let before: number | undefined;
  for (;;) {
    let query = selectRows(db, filters);
    if (before !== undefined) query = query.where('e.id', '<', before);
    const rows = await query.orderBy('e.id', 'desc').limit(1000).execute();
    if (rows.length === 0) return;
    yield rows.map(toEvent);
    before = (rows[rows.length - 1] as Row).id;
  }
}
