// Every write transaction starts here: one place decides how a transaction begins on each dialect, and retries the
// conflicts that a second try resolves.
import { setTimeout as delay } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import { dialectOf, isTransientConflict } from './dialect.ts';
import type { Database } from './schema.ts';

export const MAX_TRANSACTION_ATTEMPTS = 5;

/** 10, 20, 40, 80 ms (each ±50%, so two transactions that collided do not collide again in step). */
const backoffMs = (attempt: number) => 5 * 2 ** attempt * (0.5 + Math.random());

/**
 * Runs `work` in one write transaction and returns its result. A serialization failure or deadlock (PostgreSQL), or a
 * database kept busy by another process (SQLite), rolls back and runs the whole of `work` again, at most
 * MAX_TRANSACTION_ATTEMPTS times; `work` must therefore change nothing outside the database.
 *
 * - SQLite: BEGIN IMMEDIATE takes the write lock first, so what the transaction read cannot change before it writes.
 * - PostgreSQL: READ COMMITTED. Code that writes on the strength of what it read locks those rows
 *   (`.forUpdate()`, `.forNoKeyUpdate()`; SQLite drops the clause, see SqliteWithoutRowLocks), or lets a unique
 *   constraint or a conditional UPDATE decide.
 */
export async function writeTransaction<T>(
  db: Kysely<Database>,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return retryingConflicts(
    dialectOf(db).name === 'postgres' ? () => db.transaction().execute(work) : () => immediate(db, work),
  );
}

/**
 * Runs `once` (a transaction, or a statement that commits by itself) again after a transient conflict, at most
 * MAX_TRANSACTION_ATTEMPTS times in all.
 */
export async function retryingConflicts<T>(once: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await once();
    } catch (error) {
      if (attempt >= MAX_TRANSACTION_ATTEMPTS || !isTransientConflict(error)) throw error;
      await delay(backoffMs(attempt));
    }
  }
}

/** SQLite: inside one process Kysely's single connection already serialises transactions; IMMEDIATE covers others. */
function immediate<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await work(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      // SQLite rolls back by itself on some failures (a full disk, an I/O error), and then ROLLBACK fails with "no
      // transaction is active": the error to report is the first one.
      await sql`rollback`.execute(conn).catch(() => {});
      throw error;
    }
  });
}
