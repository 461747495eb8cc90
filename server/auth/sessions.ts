import type { Config, SessionLifetimes } from '../config.ts';
import type { Db } from '../db/database.ts';
import { writeTransaction } from '../db/transaction.ts';
import { issueSecret, parseSecret, secretMatches } from './secrets.ts';
import type { Account, Role } from './tables.ts';

/** last_verified_at is refreshed at most this often, so most authenticated requests do no write at all. */
const REFRESH_AFTER_MS = 60_000;

export const sessionLifetimes = (config: Config, role: Role): SessionLifetimes =>
  role === 'candidate' ? config.sessions.candidate : config.sessions.staff;

export const sessionCookieName = (config: Config) =>
  config.secure ? '__Host-seatkeeper_session' : 'seatkeeper_session';

export async function createSession(db: Db, accountId: string, now: Date): Promise<string> {
  const { id, token, secretHash } = issueSecret();
  const at = now.toISOString();
  await db
    .insertInto('sessions')
    .values({ id, account_id: accountId, secret_hash: secretHash, created_at: at, last_verified_at: at })
    .execute();
  return token;
}

/** A session with its account: what every authenticated request needs. */
export interface SessionRecord {
  account: Account;
  secretHash: string;
  createdAt: string;
  lastVerifiedAt: string;
}

/** The one read on every authenticated request (session-store.ts has each database's fastest form). */
export type SessionLookup = (
  sessionId: string,
  nowMs: number,
) => SessionRecord | undefined | Promise<SessionRecord | undefined>;

export type SessionCheck = { sessionId: string; account: Account } | null;

type SessionStore = { db: Db; lookup: SessionLookup; config: Config };

/**
 * Looks the session up and enforces idle and absolute limits; expired sessions are deleted on sight. Synchronous
 * when the lookup is (SQLite's prepared statement) and nothing has to be written, which is almost every request: an
 * await here costs more than the check itself on the hottest path of the server.
 */
export function checkSession(store: SessionStore, token: string, now: Date): SessionCheck | Promise<SessionCheck> {
  const parsed = parseSecret(token);
  if (!parsed) return null;
  const found = store.lookup(parsed.id, now.getTime());
  if (found instanceof Promise) return found.then((record) => settleSession(store, parsed, record, now));
  return settleSession(store, parsed, found, now);
}

/**
 * What settleSession derives from a record, kept beside it while the record is the same object (the session cache
 * hands out one object per session until any write clears it): the timestamps in milliseconds, and the secret that
 * was found to match, so the next request presenting it skips the SHA-256. The secret is held in a Set: a lookup
 * there compares the strings' 32-bit hashes before any character, so how long it takes tells nothing about how much
 * of a wrong secret was right. Only a secret whose hash matched is ever added; it lives as long as the record.
 */
interface Derived {
  createdMs: number;
  lastVerifiedMs: number;
  matched: Set<string>;
}
const derivedOf = new WeakMap<SessionRecord, Derived>();

function derive(record: SessionRecord): Derived {
  let derived = derivedOf.get(record);
  if (!derived) {
    derived = {
      createdMs: Date.parse(record.createdAt),
      lastVerifiedMs: Date.parse(record.lastVerifiedAt),
      matched: new Set(),
    };
    derivedOf.set(record, derived);
  }
  return derived;
}

function settleSession(
  store: SessionStore,
  parsed: { id: string; secret: string },
  record: SessionRecord | undefined,
  now: Date,
): SessionCheck | Promise<SessionCheck> {
  if (!record) return null;
  const derived = derive(record);
  if (!derived.matched.has(parsed.secret)) {
    if (!secretMatches(parsed.secret, record.secretHash)) return null;
    derived.matched.add(parsed.secret);
  }
  const { account } = record;
  const lifetimes = sessionLifetimes(store.config, account.role);
  // Plain millisecond arithmetic: this runs on every authenticated request.
  const nowMs = now.getTime();
  const { lastVerifiedMs } = derived;
  const expired =
    account.active !== 1 ||
    derived.createdMs + lifetimes.absoluteSeconds * 1000 <= nowMs ||
    lastVerifiedMs + lifetimes.idleSeconds * 1000 <= nowMs;
  if (expired) {
    // Deleted on sight when the database takes writes; expired either way.
    return store.db
      .deleteFrom('sessions')
      .where('id', '=', parsed.id)
      .execute()
      .then(
        () => null,
        () => null,
      );
  }
  const valid = { sessionId: parsed.id, account };
  if (nowMs - lastVerifiedMs < REFRESH_AFTER_MS) return valid;
  return refreshSession(store.db, parsed.id, now).then(
    () => {
      // The record may stay cached: it now says what the row says, so the next requests do not refresh again.
      derived.lastVerifiedMs = Math.max(derived.lastVerifiedMs, nowMs);
      return valid;
    },
    // The time of last use could not be written (a full disk): the session is valid all the same, and reading pages
    // must keep working. The next request tries the refresh again.
    () => valid,
  );
}

interface Refreshes {
  /** Session id to the time to store, for the next batch. */
  due: Map<string, string>;
  /** The batch being written, if any; the next one starts when it is done. */
  writing: Promise<void> | null;
  next: Promise<void> | null;
}
const refreshesOf = new WeakMap<Db, Refreshes>();

/**
 * Stores a session's new last_verified_at before its request is answered, written together with every other
 * refresh due meanwhile: one transaction (one commit, one fsync on SQLite) for all of them. When many sessions
 * were opened together (a class sitting an exam), their refreshes fall due together too; written one by one, each
 * held the event loop for its own fsync. Skips the write signal: the time of last use changes nothing that cached
 * sessions answer (settleSession keeps the cached record's copy current instead).
 */
function refreshSession(db: Db, sessionId: string, now: Date): Promise<void> {
  let refreshes = refreshesOf.get(db);
  if (!refreshes) {
    refreshes = { due: new Map(), writing: null, next: null };
    refreshesOf.set(db, refreshes);
  }
  const at = now.toISOString();
  const already = refreshes.due.get(sessionId);
  if (already === undefined || already < at) refreshes.due.set(sessionId, at);
  refreshes.next ??= startAfter(db, refreshes);
  return refreshes.next;
}

async function startAfter(db: Db, refreshes: Refreshes): Promise<void> {
  // Whatever falls due while a batch is written waits for it, then goes in the following batch.
  await (refreshes.writing ?? new Promise((resolve) => setImmediate(resolve)));
  const batch = refreshes.due;
  refreshes.due = new Map();
  refreshes.next = null;
  const writing = writeTransaction(db.withoutPlugins(), async (trx) => {
    for (const [id, at] of batch) {
      await trx
        .updateTable('sessions')
        .set({ last_verified_at: at })
        .where('id', '=', id)
        .where('last_verified_at', '<', at)
        .execute();
    }
  });
  const settled = writing.then(
    () => {},
    () => {},
  );
  refreshes.writing = settled;
  try {
    await writing;
  } finally {
    if (refreshes.writing === settled) refreshes.writing = null;
  }
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Ends every session of the account; how many there were. */
export async function deleteAccountSessions(db: Db, accountId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
