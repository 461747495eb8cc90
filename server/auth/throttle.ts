import type { Db } from '../db/database.ts';

// Fixed-window counters kept in the database so several instances sharing it enforce one limit.

export interface ThrottleRule {
  /** Short name, part of the stored key. */
  name: string;
  limit: number;
  windowSeconds: number;
}

export const RULES = {
  /** Failed sign-ins for one account from one IP: an attacker elsewhere cannot lock the real user out. */
  signInAccountAndIp: { name: 'sign-in:account+ip', limit: 5, windowSeconds: 15 * 60 },
  /** Failed sign-ins from one IP across all accounts (password spraying). */
  signInIp: { name: 'sign-in:ip', limit: 30, windowSeconds: 15 * 60 },
  registrationIp: { name: 'registration:ip', limit: 10, windowSeconds: 60 * 60 },
  passwordResetIp: { name: 'password-reset:ip', limit: 10, windowSeconds: 60 * 60 },
  /** Mails per address; over it the request is answered the same but no mail is sent (no enumeration, no mail bombing). */
  passwordResetEmail: { name: 'password-reset:email', limit: 3, windowSeconds: 60 * 60 },
  tokenRedemptionIp: { name: 'token-redemption:ip', limit: 20, windowSeconds: 15 * 60 },
} as const satisfies Record<string, ThrottleRule>;

export interface ThrottleState {
  limited: boolean;
  retryAfterSeconds: number;
}

const keyOf = (rule: ThrottleRule, subject: string) => `${rule.name}:${subject}`;

function windowState(row: { window_started_at: string; hits: number } | undefined, rule: ThrottleRule, now: Date) {
  if (!row) return { hits: 0, started: now };
  const started = new Date(row.window_started_at);
  const ends = started.getTime() + rule.windowSeconds * 1000;
  if (ends <= now.getTime()) return { hits: 0, started: now };
  return { hits: row.hits, started };
}

function stateFor(hits: number, started: Date, rule: ThrottleRule, now: Date): ThrottleState {
  const endsMs = started.getTime() + rule.windowSeconds * 1000;
  return {
    limited: hits >= rule.limit,
    retryAfterSeconds: Math.max(1, Math.ceil((endsMs - now.getTime()) / 1000)),
  };
}

/** Whether the subject is already over the limit, without counting this request. */
export async function peekThrottle(db: Db, rule: ThrottleRule, subject: string, now: Date): Promise<ThrottleState> {
  const row = await db
    .selectFrom('rate_limits')
    .select(['window_started_at', 'hits'])
    .where('key', '=', keyOf(rule, subject))
    .executeTakeFirst();
  const { hits, started } = windowState(row, rule, now);
  return stateFor(hits, started, rule, now);
}

/**
 * Counts one hit and reports the state including it (limited once hits exceed the limit). One atomic upsert, so
 * concurrent hits (from any instance) are all counted.
 */
export async function hitThrottle(db: Db, rule: ThrottleRule, subject: string, now: Date): Promise<ThrottleState> {
  const at = now.toISOString();
  // A window that started at or before this instant has ended (fixed-width ISO text compares like the times).
  const endedBy = new Date(now.getTime() - rule.windowSeconds * 1000).toISOString();
  const row = await db
    .insertInto('rate_limits')
    .values({ key: keyOf(rule, subject), window_started_at: at, hits: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => {
        const ended = eb('rate_limits.window_started_at', '<=', endedBy);
        return {
          hits: eb
            .case()
            .when(ended)
            .then(1)
            .else(eb('rate_limits.hits', '+', 1))
            .end(),
          window_started_at: eb.case().when(ended).then(at).else(eb.ref('rate_limits.window_started_at')).end(),
        };
      }),
    )
    .returning(['window_started_at', 'hits'])
    .executeTakeFirstOrThrow();
  return stateFor(row.hits - 1, new Date(row.window_started_at), rule, now);
}

export async function clearThrottle(db: Db, rule: ThrottleRule, subject: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', keyOf(rule, subject)).execute();
}
