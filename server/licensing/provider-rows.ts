// Imported rows by generation (issue 21): which rows are in force, reading one provider's rows in id order a batch at
// a time, and deleting the rows of generations replaced or abandoned in short batches.
import { setTimeout as delay } from 'node:timers/promises';
import type { Database as SQLiteDatabase } from 'better-sqlite3';
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { LiveTotals, ReplacementCounts, SharedValues } from '../../shared/licensing/live.ts';
import type { Database } from '../db/schema.ts';
import type { LicenceRetiredGenerationsTable } from './tables.ts';

/** Rows read per statement: each statement is short, so other writers get the database between them. */
export const ROWS_PER_BATCH = 5_000;

/**
 * Rows deleted per statement. A deleted row leaves seven indexes and the search index: 5,000 at once held SQLite's
 * event loop for up to 0.7 s while candidates were autosaving; 500 take milliseconds.
 */
export const ROWS_PER_DELETE = 500;

/**
 * Rows in force: those of their provider's generation (own mirror rows are generation 0 of the own provider). As
 * `exists`, which PostgreSQL plans as a join with the few provider rows and so estimates as "nearly every row"; the
 * same test as `generation = (subquery)` made it guess 0.5% and pick plans 20 times slower (portal bench, 1M rows).
 */
export const inForce = (eb: ExpressionBuilder<Database, 'licence_accounts'>) =>
  eb.exists(
    eb
      .selectFrom('licence_providers as in_force')
      .select(eb.lit(1).as('one'))
      .whereRef('in_force.environment_id', '=', 'licence_accounts.environment_id')
      .whereRef('in_force.name', '=', 'licence_accounts.provider')
      .whereRef('in_force.generation', '=', 'licence_accounts.generation'),
  );

/** The generation in force of each provider (0 for a provider without a row yet). */
export async function providerGenerations(
  db: Kysely<Database>,
  environmentId: string,
  providers: readonly string[],
): Promise<Map<string, number>> {
  const rows =
    providers.length === 0
      ? []
      : await db
          .selectFrom('licence_providers')
          .select(['name', 'generation'])
          .where('environment_id', '=', environmentId)
          .where('name', 'in', [...providers])
          .execute();
  const found = new Map(rows.map((row) => [row.name, row.generation]));
  return new Map(providers.map((provider) => [provider, found.get(provider) ?? 0]));
}

type RawProviderRow = [number, string, string, string, string, number, number, number];

const providerRowOf = ([id, provider, tenant, username, email, active, it_user, staff]: RawProviderRow) => ({
  id,
  provider,
  tenant,
  username,
  email,
  active,
  it_user,
  staff,
});

export interface ProviderRow {
  id: number;
  provider: string;
  tenant: string;
  username: string;
  email: string;
  active: number;
  it_user: number;
  staff: number;
}

const PROVIDER_ROWS_SQL = `select id, provider, tenant, username, email, active, it_user, staff
  from licence_accounts
  where generation = ? and id > ? and environment_id = ? and provider = ? and source = 'import'
  order by generation, id limit ${ROWS_PER_BATCH}`;

/**
 * Each provider's rows of the given generation, in id order, a batch at a time. With the raw SQLite handle, as raw
 * arrays (row objects through Kysely took most of the time of taking an import into the live figures).
 */
export async function eachProviderRow(
  db: Kysely<Database>,
  environmentId: string,
  generations: ReadonlyMap<string, number>,
  visit: (rows: ProviderRow[]) => Promise<void>,
  sqlite?: SQLiteDatabase,
): Promise<void> {
  const raw = sqlite?.prepare<[number, number, string, string], RawProviderRow>(PROVIDER_ROWS_SQL).raw(true);
  for (const [provider, generation] of generations) {
    let after = 0;
    for (;;) {
      if (raw) {
        const rows = raw.all(generation, after, environmentId, provider).map(providerRowOf);
        if (rows.length === 0) break;
        await visit(rows);
        after = (rows[rows.length - 1] as ProviderRow).id;
        continue;
      }
      const rows = await db
        .selectFrom('licence_accounts')
        .select(['id', 'provider', 'tenant', 'username', 'email', 'active', 'it_user', 'staff'])
        .where('generation', '=', generation)
        .where('id', '>', after)
        .where('environment_id', '=', environmentId)
        .where('provider', '=', provider)
        .where('source', '=', 'import')
        .orderBy('generation')
        .orderBy('id')
        .limit(ROWS_PER_BATCH)
        .execute();
      if (rows.length === 0) break;
      await visit(rows);
      after = (rows[rows.length - 1] as ProviderRow).id;
    }
  }
}

/**
 * Rows read (and counted) at a time while the worker writes: each read and its count hold the event loop, and a save
 * that has its turn at the database meanwhile keeps the worker waiting until it has run. 5M rows, candidates saving:
 * 5,000 at a time took the saves' p99 while rows were written to 113-130 ms (one run); 1,000: 99.0 and 100.2 s in all,
 * p99 77-99 ms; 250: 97.5, 95.7 and 89.3 s, p99 65-71 ms (runs in turns with 1,000); 100: 96.7 s.
 */
export const FOLLOW_ROWS = 250;

const STAGED_ROWS_SQL = `select id, provider, tenant, username, email, active, it_user, staff
  from licence_accounts
  where generation = ? and id > ? and environment_id = ? and source = 'import'
  order by generation, id limit ${FOLLOW_ROWS}`;

/** How long reading an import's rows as they are written waits when it has caught up with the writer. */
const FOLLOW_WAIT_MS = 25;

/**
 * An import's rows (every provider's) in id order as its worker commits them, until `writing` settles: rows committed
 * later have higher ids than every row committed before, so each read takes up where the last one ended. Rejects with
 * the writer's error. SQLite only (the worker's path).
 */
export async function followStagedRows(
  sqlite: SQLiteDatabase,
  environmentId: string,
  generation: number,
  writing: Promise<unknown>,
  visit: (rows: ProviderRow[]) => Promise<void>,
): Promise<void> {
  const raw = sqlite.prepare<[number, number, string], RawProviderRow>(STAGED_ROWS_SQL).raw(true);
  let ended: { error: unknown } | 'written' | null = null;
  const end = writing.then(
    () => {
      ended = 'written';
    },
    (error: unknown) => {
      ended = { error };
    },
  );
  let after = 0;
  for (;;) {
    // Read before the query: once the writer has ended, this query sees every row it wrote.
    const seen = ended as { error: unknown } | 'written' | null;
    if (seen !== null && seen !== 'written') throw seen.error;
    const rows = raw.all(generation, after, environmentId).map(providerRowOf);
    if (rows.length > 0) {
      await visit(rows);
      after = (rows[rows.length - 1] as ProviderRow).id;
      continue;
    }
    if (seen === 'written') return;
    await Promise.race([end, delay(FOLLOW_WAIT_MS)]);
  }
}

/** Marks a generation's rows for deletion: all of them, or (generation 0, shared) one provider's. */
export async function retireGeneration(
  db: Kysely<Database>,
  generation: number,
  now: string,
  environmentId = '',
  provider = '',
): Promise<void> {
  await db
    .insertInto('licence_retired_generations')
    .values({ generation, environment_id: environmentId, provider, retired_at: now })
    .onConflict((oc) => oc.columns(['generation', 'environment_id', 'provider']).doNothing())
    .execute();
}

/** A generation whose rows are to be deleted: all of them, or (environment and provider given) one provider's. */
export type RetiredGeneration = Pick<LicenceRetiredGenerationsTable, 'generation' | 'environment_id' | 'provider'>;

/** Generations waiting for their rows to be deleted, a few at a time. */
export const retiredGenerations = (db: Kysely<Database>) =>
  db.selectFrom('licence_retired_generations').select(['generation', 'environment_id', 'provider']).limit(20);

/** The ids of the next `limit` rows of a retired generation after id `after`, in id order. */
export function retiredRowIds(db: Kysely<Database>, retired: RetiredGeneration, after: number, limit: number) {
  let batch = db
    .selectFrom('licence_accounts')
    .select('id')
    .where('generation', '=', retired.generation)
    .where('id', '>', after)
    .where('source', '=', 'import');
  if (retired.environment_id !== '') batch = batch.where('environment_id', '=', retired.environment_id);
  if (retired.provider !== '') batch = batch.where('provider', '=', retired.provider);
  return batch.orderBy('generation').orderBy('id').limit(limit);
}

export const deleteRowsById = (db: Kysely<Database>, ids: readonly number[]) =>
  db.deleteFrom('licence_accounts').where('id', 'in', ids);

/** Forgets a retired generation once its rows are gone. */
export const forgetRetired = (db: Kysely<Database>, retired: RetiredGeneration) =>
  db
    .deleteFrom('licence_retired_generations')
    .where('generation', '=', retired.generation)
    .where('environment_id', '=', retired.environment_id)
    .where('provider', '=', retired.provider);

/** Whether retired generations hold at least `rows` rows (at most that many are looked at). */
export async function retiredRowsAtLeast(db: Kysely<Database>, rows: number): Promise<boolean> {
  if (rows <= 0) return true;
  const found = await db
    .selectFrom('licence_accounts')
    .select('id')
    .where('source', '=', 'import')
    .where('generation', 'in', db.selectFrom('licence_retired_generations').select('generation'))
    .limit(1)
    .offset(rows - 1)
    .execute();
  return found.length > 0;
}

/** Deletes retired generations' rows, a batch per statement, letting other work run between batches. */
export async function sweepRetiredGenerations(db: Kysely<Database>, between: () => Promise<void>): Promise<void> {
  for (;;) {
    const retired = await retiredGenerations(db).execute();
    if (retired.length === 0) return;
    for (const generation of retired) {
      let after = 0;
      for (;;) {
        const ids = (await retiredRowIds(db, generation, after, ROWS_PER_DELETE).execute()).map((r) => r.id);
        if (ids.length === 0) break;
        await deleteRowsById(db, ids).execute();
        after = ids[ids.length - 1] as number;
        await between();
      }
      await forgetRetired(db, generation).execute();
    }
  }
}

/** What an import would change in the figures, provider by provider. */
export interface ProviderPreview {
  before: LiveTotals;
  after: LiveTotals;
  providers: (ReplacementCounts & { provider: string; shared: SharedValues })[];
}
