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

/** Counts one hit and reports the state including it (limited once hits exceed the limit). */
export async function hitThrottle(db: Db, rule: ThrottleRule, subject: string, now: Date): Promise<ThrottleState> {
  const key = keyOf(rule, subject);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('rate_limits')
      .select(['window_started_at', 'hits'])
      .where('key', '=', key)
      .executeTakeFirst();
    const { hits, started } = windowState(row, rule, now);
    const next = hits + 1;
    await trx
      .insertInto('rate_limits')
      .values({ key, window_started_at: started.toISOString(), hits: next })
      .onConflict((oc) => oc.column('key').doUpdateSet({ window_started_at: started.toISOString(), hits: next }))
      .execute();
    return stateFor(next - 1, started, rule, now);
  });
}

export async function clearThrottle(db: Db, rule: ThrottleRule, subject: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', keyOf(rule, subject)).execute();
}
