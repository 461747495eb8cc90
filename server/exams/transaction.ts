import type { Kysely } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { writeTransaction } from '../db/transaction.ts';

/**
 * A read-then-write transaction of the exam module: BEGIN IMMEDIATE on SQLite, so a second process cannot make the
 * later write fail with SQLITE_BUSY; row locks on PostgreSQL; retried on conflicts (server/db/transaction.ts).
 */
export function immediateTransaction<T>(db: Db, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return writeTransaction(db, work);
}
