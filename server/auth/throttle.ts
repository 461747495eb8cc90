import { isIPv6 } from 'node:net';
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';

// Attempt counters kept in the database, so several instances sharing it enforce one limit. Every attempt is counted
// in the same statement that decides whether it may go ahead (consume, then check): requests arriving together cannot
// all read "under the limit" before any of them is counted.

export interface ThrottleRule {
  /** Short name, part of the stored key. */
  name: string;
  /** Attempts allowed in a window before the rule holds further ones back. */
  limit: number;
  windowSeconds: number;
  /**
   * Progressive delays (OWASP): past the limit, each attempt must wait before the next one, the wait doubling from
   * `firstSeconds` up to `maxSeconds`. Without it, the rule refuses every attempt until the window ends.
   */
  delay?: { firstSeconds: number; maxSeconds: number };
}

const minutes = (n: number) => n * 60;

export const RULES = {
  /** Sign-ins at one account from one address (ASVS 6.3.1): a guesser there waits longer and longer. */
  signInAccountAndIp: {
    name: 'sign-in:account+ip',
    limit: 5,
    windowSeconds: minutes(15),
    delay: { firstSeconds: 30, maxSeconds: minutes(15) },
  },
  /**
   * Sign-ins at one account from every address together (ASVS 5.0: at most 100 failures an hour). Known devices
   * do not count against it, so an attack from elsewhere never locks the real user out of their own browser.
   */
  signInAccount: { name: 'sign-in:account', limit: 100, windowSeconds: minutes(60) },
  /**
   * Sign-ins from one address across accounts (password spraying). Short delays rather than a long block: an exam
   * centre behind one NAT shares the address with whoever sprays from it.
   */
  signInIp: { name: 'sign-in:ip', limit: 30, windowSeconds: minutes(15), delay: { firstSeconds: 1, maxSeconds: 60 } },
  /** Sign-ins from a known device (its cookie names an account it signed in to before); OWASP's device lockout. */
  signInDevice: {
    name: 'sign-in:device',
    limit: 10,
    windowSeconds: minutes(15),
    delay: { firstSeconds: 30, maxSeconds: minutes(15) },
  },
  registrationIp: { name: 'registration:ip', limit: 10, windowSeconds: minutes(60) },
  passwordResetIp: { name: 'password-reset:ip', limit: 10, windowSeconds: minutes(60) },
  /** Mails per address; over it the request is answered the same but no mail is sent (no enumeration, no mail bombing). */
  passwordResetEmail: { name: 'password-reset:email', limit: 3, windowSeconds: minutes(60) },
  tokenRedemptionIp: { name: 'token-redemption:ip', limit: 20, windowSeconds: minutes(15) },
} as const satisfies Record<string, ThrottleRule>;

export interface ThrottleState {
  limited: boolean;
  retryAfterSeconds: number;
}

/**
 * The part of a client address that throttles key on: an IPv6 client controls at least a /64 (SLAAC, privacy
 * addresses), so one key per address there would give it unlimited keys. IPv4-mapped IPv6 is the IPv4 address.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

const keyOf = (rule: ThrottleRule, subject: string) => `${rule.name}:${subject}`;

/** How long the n-th attempt of a window (counted from 1) holds the next one back, in seconds (0: not at all). */
function waitAfter(rule: ThrottleRule, attempt: number): number {
  if (attempt < rule.limit || !rule.delay) return 0;
  return Math.min(rule.delay.firstSeconds * 2 ** (attempt - rule.limit), rule.delay.maxSeconds);
}

/** The time the attempt numbered `attempt` (a SQL expression) holds the next one back until, or null. */
function blockedUntil(
  eb: ExpressionBuilder<Database, 'rate_limits'>,
  rule: ThrottleRule,
  attempt: Expression<number>,
  now: Date,
): Expression<string | null> {
  if (!rule.delay) return sql<null>`null`;
  const until = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();
  // The waits are few (they double up to a cap), so they are spelled out: no date arithmetic in SQL, on any dialect.
  let choice = eb
    .case()
    .when(eb(attempt, '<', rule.limit))
    .then(sql<string | null>`null`);
  for (let n = rule.limit; waitAfter(rule, n) < rule.delay.maxSeconds; n++) {
    choice = choice.when(eb(attempt, '=', n)).then(until(waitAfter(rule, n)));
  }
  return choice.else(until(rule.delay.maxSeconds)).end();
}

/**
 * Counts one attempt if the rule lets it through, in one atomic upsert, and says whether it did. A refused attempt
 * is not counted. Any instance sharing the database sees the same counter.
 */
export async function hitThrottle(db: Db, rule: ThrottleRule, subject: string, now: Date): Promise<ThrottleState> {
  const key = keyOf(rule, subject);
  const at = now.toISOString();
  // A window that started at or before this instant has ended (fixed-width ISO text compares like the times).
  const endedBy = new Date(now.getTime() - rule.windowSeconds * 1000).toISOString();
  const firstWait = waitAfter(rule, 1);
  const firstBlock = firstWait > 0 ? new Date(now.getTime() + firstWait * 1000).toISOString() : null;
  const counted = await db
    .insertInto('rate_limits')
    .values({ key, window_started_at: at, hits: 1, blocked_until: firstBlock })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet((eb) => {
          const ended = eb('rate_limits.window_started_at', '<=', endedBy);
          const next = eb('rate_limits.hits', '+', 1);
          return {
            hits: eb.case().when(ended).then(1).else(next).end(),
            window_started_at: eb.case().when(ended).then(at).else(eb.ref('rate_limits.window_started_at')).end(),
            blocked_until: eb
              .case()
              .when(ended)
              .then(firstBlock)
              .else(blockedUntil(eb, rule, next, now))
              .end(),
          };
        })
        .where(
          (eb) =>
            eb.or([
              eb('rate_limits.window_started_at', '<=', endedBy),
              eb('rate_limits.hits', '<', rule.limit),
              eb.and([eb('rate_limits.blocked_until', 'is not', null), eb('rate_limits.blocked_until', '<=', at)]),
            ]) as Expression<SqlBool>,
        ),
    )
    .returning('hits')
    .executeTakeFirst();
  if (counted) return { limited: false, retryAfterSeconds: 0 };
  return { limited: true, retryAfterSeconds: await secondsUntilAllowed(db, rule, key, now) };
}

async function secondsUntilAllowed(db: Db, rule: ThrottleRule, key: string, now: Date): Promise<number> {
  const row = await db
    .selectFrom('rate_limits')
    .select(['window_started_at', 'blocked_until'])
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row) return 1;
  const windowEnds = Date.parse(row.window_started_at) + rule.windowSeconds * 1000;
  const allowedAt = row.blocked_until ? Math.min(Date.parse(row.blocked_until), windowEnds) : windowEnds;
  return Math.max(1, Math.ceil((allowedAt - now.getTime()) / 1000));
}

/**
 * Gives back an attempt that turned out not to be a failure (a correct password): the counters count failures, and
 * an attempt only holds its place while it is being checked.
 */
export async function refundThrottle(db: Db, rule: ThrottleRule, subject: string): Promise<void> {
  await db
    .updateTable('rate_limits')
    .set((eb) => ({ hits: eb('hits', '-', 1) }))
    .where('key', '=', keyOf(rule, subject))
    .where('hits', '>', 0)
    .execute();
}

/** Where a subject stands without counting anything: attempts in the window, and until when it is held back. */
export async function throttleStanding(
  db: Db,
  rule: ThrottleRule,
  subject: string,
  now: Date,
): Promise<{ attempts: number; heldUntil: string | null }> {
  const row = await db
    .selectFrom('rate_limits')
    .select(['window_started_at', 'hits', 'blocked_until'])
    .where('key', '=', keyOf(rule, subject))
    .executeTakeFirst();
  const windowEnds = row ? Date.parse(row.window_started_at) + rule.windowSeconds * 1000 : 0;
  if (!row || windowEnds <= now.getTime()) return { attempts: 0, heldUntil: null };
  const blocked = row.blocked_until && Date.parse(row.blocked_until) > now.getTime() ? row.blocked_until : null;
  const full = row.hits >= rule.limit && !rule.delay ? new Date(windowEnds).toISOString() : null;
  return { attempts: row.hits, heldUntil: blocked ?? full };
}

export async function clearThrottle(db: Db, rule: ThrottleRule, subject: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', keyOf(rule, subject)).execute();
}
