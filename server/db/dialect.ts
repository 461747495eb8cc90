// What differs between SQLite and PostgreSQL, in one place. Everything else is written once, in SQL both accept.
import {
  type ColumnDefinitionBuilder,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  PostgresAdapter,
  type QueryExecutorProvider,
  type QueryResult,
  type RawBuilder,
  type RootOperationNode,
  type SelectModifierNode,
  SelectQueryNode,
  sql,
  type UnknownRow,
} from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

export interface SqlDialect {
  readonly name: DialectName;
  /**
   * Several server instances may use the database at once, each with connections of its own, so what one of them
   * keeps in memory the others cannot see. SQLite: one process owns the database (a single connection).
   */
  readonly sharedByInstances: boolean;
  /** An integer id the database assigns: SQLite's autoincrement rowid, PostgreSQL's identity column. */
  serialId(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /** Eight-byte floating point on both (PostgreSQL's `real` has four). */
  readonly floatType: 'real' | 'double precision';
  /**
   * Text compared byte by byte, as SQLite's default BINARY collation does, so keyset pages and prefix ranges
   * (`>= q and < q || U+10FFFF`) mean the same on PostgreSQL whatever the database's locale.
   */
  byteOrdered(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /**
   * Appended to a raw SELECT inside a write transaction so the rows of `alias` it read cannot be changed until the
   * transaction ends. Empty on SQLite, whose write transactions (BEGIN IMMEDIATE) already exclude every other writer.
   */
  shareLock(alias: string): RawBuilder<unknown>;
  /**
   * Inside a write transaction: true when no other transaction holds `key` (it is then held until this one ends).
   * Always true on SQLite, where a write transaction excludes every other writer anyway.
   */
  tryTransactionLock(trx: QueryExecutorProvider, key: string): Promise<boolean>;
}

const sqlite: SqlDialect = {
  name: 'sqlite',
  sharedByInstances: false,
  serialId: (column) => column.primaryKey().autoIncrement(),
  floatType: 'real',
  byteOrdered: (column) => column,
  shareLock: () => sql``,
  tryTransactionLock: async () => true,
};

const postgres: SqlDialect = {
  name: 'postgres',
  sharedByInstances: true,
  serialId: (column) => column.generatedByDefaultAsIdentity().primaryKey(),
  floatType: 'double precision',
  byteOrdered: (column) => column.modifyFront(sql`collate "C"`),
  shareLock: (alias) => sql`for share of ${sql.ref(alias)}`,
  async tryTransactionLock(trx, key) {
    const { rows } = await sql<{
      locked: boolean;
    }>`select pg_try_advisory_xact_lock(hashtext(${key})) as locked`.execute(trx);
    return rows[0]?.locked === true;
  },
};

/** The dialect of a database handle (or of a transaction or migration running on one). */
export function dialectOf(db: QueryExecutorProvider): SqlDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? postgres : sqlite;
}

const codeOf = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

/**
 * A conflict that another try of the whole transaction can resolve: PostgreSQL's serialization failure (40001) and
 * deadlock (40P01), SQLite's busy or locked database (another process held the write lock past busy_timeout).
 */
export function isTransientConflict(error: unknown): boolean {
  const code = codeOf(error);
  return (
    code === '40001' ||
    code === '40P01' ||
    code === 'SQLITE_BUSY' ||
    code === 'SQLITE_BUSY_SNAPSHOT' ||
    code === 'SQLITE_LOCKED'
  );
}

/** A unique or primary-key constraint refused a row (PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_UNIQUE/PRIMARYKEY). */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

const ROW_LOCKS = new Set<SelectModifierNode['modifier']>([
  'ForUpdate',
  'ForNoKeyUpdate',
  'ForShare',
  'ForKeyShare',
  'NoWait',
  'SkipLocked',
]);

/**
 * Lets shared code write `.forUpdate()` / `.forNoKeyUpdate()` for PostgreSQL: on SQLite, which has no row locks and
 * whose write transactions (BEGIN IMMEDIATE) already exclude every other writer, the clause is dropped.
 */
export class SqliteWithoutRowLocks implements KyselyPlugin {
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (!SelectQueryNode.is(node) || !node.endModifiers?.some((m) => ROW_LOCKS.has(m.modifier))) return node;
    const kept = node.endModifiers.filter((m) => !ROW_LOCKS.has(m.modifier));
    return Object.freeze({ ...node, endModifiers: kept.length > 0 ? Object.freeze(kept) : undefined });
  }

  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}
