// The one read every authenticated request makes (a session with its account), in the fastest form each database
// offers: on SQLite a statement prepared once, behind a short cache that every write of this process clears; on
// PostgreSQL named statements per pooled connection, the sessions of requests arriving together read in one query,
// never cached, since another instance may end any session.
import type SQLite from 'better-sqlite3';
import type pg from 'pg';
import type { Db } from '../db/database.ts';
import { cachedSessionLookup } from './session-cache.ts';
import type { SessionLookup, SessionRecord } from './sessions.ts';
import type { Account } from './tables.ts';

type SessionRow = [
  id: string,
  email: string,
  name: string,
  role: Account['role'],
  active: number,
  passwordHash: string | null,
  createdAt: string,
  deactivatedAt: string | null,
  emailVerifiedAt: string | null,
  lastSignInAt: string | null,
  locale: string | null,
  timeZone: string | null,
  secretHash: string,
  sessionCreatedAt: string,
  lastVerifiedAt: string,
];

/** The columns of SessionRow, `$1` the session id (SQLite takes `?`). */
const SESSION_LOOKUP_SQL = `select a.id, a.email, a.name, a.role, a.active, a.password_hash, a.created_at, a.deactivated_at,
              a.email_verified_at, a.last_sign_in_at, a.locale, a.time_zone, s.secret_hash, s.created_at,
              s.last_verified_at
         from sessions s join accounts a on a.id = s.account_id
        where s.id = $1`;

/** Raw rows and explicit object construction: measurably cheaper than spreading a flat row on every request. */
function sessionRecordOf(row: SessionRow): SessionRecord {
  return {
    account: {
      id: row[0],
      email: row[1],
      name: row[2],
      role: row[3],
      active: row[4],
      password_hash: row[5],
      created_at: row[6],
      deactivated_at: row[7],
      email_verified_at: row[8],
      last_sign_in_at: row[9],
      locale: row[10],
      time_zone: row[11],
    },
    secretHash: row[12],
    createdAt: row[13],
    lastVerifiedAt: row[14],
  };
}

function preparedSqliteLookup(sqlite: SQLite.Database): SessionLookup {
  const statement = sqlite.prepare<[string], SessionRow>(SESSION_LOOKUP_SQL.replace('$1', '?')).raw(true);
  return (sessionId) => {
    const row = statement.get(sessionId);
    return row ? sessionRecordOf(row) : undefined;
  };
}

/** SESSION_LOOKUP_SQL for several sessions at once, each row led by its session id. */
const SESSIONS_LOOKUP_SQL = SESSION_LOOKUP_SQL.replace('select a.id', 'select s.id, a.id').replace(
  's.id = $1',
  's.id = any($1::varchar[])',
);

/** Sessions looked up in one query at most. */
const MOST_PER_QUERY = 500;

/**
 * The sessions of every request that arrives in one turn of the event loop, read in one query: each query costs a
 * round trip and a write to PostgreSQL's socket, which under load (an import's COPY holding the other core) took most
 * of the main thread's time, and requests that came in together after a busy moment (a burst of candidates' saves)
 * each waited for their own. A session asked for twice in a turn is read once. Each pooled connection parses and plans
 * the named statements once; rows come back as arrays. Nothing is kept after the turn's answer (decision S2).
 */
export function batchedPostgresLookup(pool: Pick<pg.Pool, 'query'>): SessionLookup {
  type Waiting = { resolve: (record: SessionRecord | undefined) => void; reject: (error: unknown) => void };
  let asked: Map<string, Waiting[]> | null = null;

  const readOne = async (sessionId: string, waiting: Waiting[]) => {
    const { rows } = await pool.query<SessionRow>({
      name: 'seatkeeper-session-lookup',
      text: SESSION_LOOKUP_SQL,
      values: [sessionId],
      rowMode: 'array',
    });
    const row = rows[0];
    const record = row ? sessionRecordOf(row) : undefined;
    for (const one of waiting) one.resolve(record);
  };

  const readMany = async (ids: string[], waitingFor: Map<string, Waiting[]>) => {
    const { rows } = await pool.query<[string, ...SessionRow]>({
      name: 'seatkeeper-sessions-lookup',
      text: SESSIONS_LOOKUP_SQL,
      values: [ids],
      rowMode: 'array',
    });
    for (const [sessionId, ...row] of rows) {
      const record = sessionRecordOf(row as SessionRow);
      for (const one of waitingFor.get(sessionId) ?? []) one.resolve(record);
      waitingFor.delete(sessionId);
    }
    // Ids without a row: no such session.
    for (const waiting of waitingFor.values()) for (const one of waiting) one.resolve(undefined);
  };

  const send = () => {
    const turn = asked as Map<string, Waiting[]>;
    asked = null;
    const ids = [...turn.keys()];
    for (let from = 0; from < ids.length; from += MOST_PER_QUERY) {
      const some = ids.slice(from, from + MOST_PER_QUERY);
      const waitingFor = new Map(some.map((id) => [id, turn.get(id) as Waiting[]]));
      const reading =
        some.length === 1
          ? readOne(some[0] as string, waitingFor.get(some[0] as string) as Waiting[])
          : readMany(some, waitingFor);
      reading.catch((error: unknown) => {
        for (const waiting of waitingFor.values()) for (const one of waiting) one.reject(error);
      });
    }
  };

  return (sessionId) =>
    new Promise((resolve, reject) => {
      if (asked === null) {
        asked = new Map();
        // After the turn's input is read: every request parsed in it has asked by then.
        setImmediate(send);
      }
      const waiting = asked.get(sessionId);
      if (waiting) waiting.push({ resolve, reject });
      else asked.set(sessionId, [{ resolve, reject }]);
    });
}

/** Portable lookup, for a database handed over without its driver's handle. */
export const kyselySessionLookup =
  (db: Db): SessionLookup =>
  async (sessionId) => {
    const row = await db
      .selectFrom('sessions')
      .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
      .selectAll('accounts')
      .select([
        'sessions.secret_hash as session_secret_hash',
        'sessions.created_at as session_created_at',
        'sessions.last_verified_at as session_last_verified_at',
      ])
      .where('sessions.id', '=', sessionId)
      .executeTakeFirst();
    if (!row) return undefined;
    const { session_secret_hash, session_created_at, session_last_verified_at, ...account } = row;
    return {
      account,
      secretHash: session_secret_hash,
      createdAt: session_created_at,
      lastVerifiedAt: session_last_verified_at,
    };
  };

export interface SessionStoreSource {
  db: Db;
  sqlite?: SQLite.Database | undefined;
  postgres?: { pool: pg.Pool } | undefined;
  onWrite(listener: () => void): void;
}

/**
 * The session lookup for an opened database. `cacheMs` (SQLite only) is how long a looked-up session may be reused;
 * every write of this process clears the cache, so sign-out, deactivation and role changes apply at once.
 */
export function sessionLookupFor(database: SessionStoreSource, cacheMs: number): SessionLookup {
  if (database.sqlite) {
    const sessions = cachedSessionLookup(preparedSqliteLookup(database.sqlite), cacheMs);
    database.onWrite(sessions.clear);
    return sessions.lookup;
  }
  if (database.postgres) return batchedPostgresLookup(database.postgres.pool);
  return kyselySessionLookup(database.db);
}
