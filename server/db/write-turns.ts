// Turns at SQLite's one write lock between the main thread and a worker thread writing on a connection of its own
// (a large import, server/licensing/import-worker.ts). SQLite gives the lock to whoever asks when it is free: a main
// thread waiting in SQLite's busy handler (which sleeps 1, 2, 5, 10 ... 100 ms between tries, the thread blocked) would
// mostly find the worker's next batch already begun. Here the main thread says it wants the lock and waits for the
// batch under way without blocking (Atomics.waitAsync: it serves other requests meanwhile); the worker begins a batch
// only when the main thread wants nothing. Both flags live in a SharedArrayBuffer, so the worker's loop needs no
// message to see them.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import type { Database as SQLiteDatabase } from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SqliteDialect,
  type SqliteDialectConfig,
  type TransactionSettings,
} from 'kysely';
import { keptStatements } from './kept-statements.ts';

/**
 * Slot 0: the main thread's writes waiting or under way. Slot 1: the workers' batches under way (an import's and a
 * sweep's may both be waiting for SQLite's lock; SQLite gives it to one of them).
 */
const MAIN_WANTS = 0;
const WORKER_WRITES = 1;
/** Bytes 8-15: when the main thread last let go of its turn (process.hrtime, nanoseconds: one clock for all threads). */
const LET_GO_AT_BYTE = 8;
/** After this long the main thread stops waiting and lets SQLite's busy timeout decide (a worker that hung). */
const LONGEST_WAIT_MS = 5_000;

/** Node has had Atomics.waitAsync since 16; TypeScript's library declares it from ES2024 on. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(array: Int32Array, index: number, value: number, timeoutMs: number): { value: Promise<string> | string };
  }
).waitAsync;

/** The main thread's side, one per SQLite connection of the main thread. */
export class WriteTurns {
  readonly buffer = new SharedArrayBuffer(16);
  readonly #flags = new Int32Array(this.buffer, 0, 2);
  readonly #letGoAt = new BigInt64Array(this.buffer, LET_GO_AT_BYTE, 1);
  #holding = false;

  constructor(private readonly sqlite: SQLiteDatabase) {}

  /** Resolves when the main thread may write: at once unless a worker's batch is under way. */
  async take(): Promise<void> {
    if (this.#holding) return;
    this.#holding = true;
    Atomics.add(this.#flags, MAIN_WANTS, 1);
    // A worker waiting out its grace (inWorkerTurn) hears it.
    Atomics.notify(this.#flags, MAIN_WANTS);
    const until = performance.now() + LONGEST_WAIT_MS;
    for (;;) {
      const writing = Atomics.load(this.#flags, WORKER_WRITES);
      if (writing === 0 || performance.now() >= until) break;
      await waitAsync(this.#flags, WORKER_WRITES, writing, 50).value;
    }
  }

  /** Gives the turn back once the connection is out of any transaction (the worker may begin a batch again). */
  release(): void {
    if (!this.#holding || this.sqlite.inTransaction) return;
    this.#holding = false;
    this.#letGo();
  }

  #letGo(): void {
    Atomics.store(this.#letGoAt, 0, process.hrtime.bigint());
    Atomics.sub(this.#flags, MAIN_WANTS, 1);
    Atomics.notify(this.#flags, MAIN_WANTS);
  }

  /**
   * Keeps workers from beginning a transaction until the function returned is called (the main thread's own writes go
   * on): for maintenance that needs the worker to wait, and tests.
   */
  pause(): () => void {
    Atomics.add(this.#flags, MAIN_WANTS, 1);
    let resumed = false;
    return () => {
      if (resumed) return;
      resumed = true;
      this.#letGo();
    };
  }

  /** Runs `write` (statements on the connection) in the main thread's turn, held until any transaction ends. */
  async run<T>(write: () => T | Promise<T>): Promise<T> {
    await this.take();
    try {
      return await write();
    } finally {
      this.release();
    }
  }

  /**
   * Kysely's SQLite dialect on the connection, each statement but a plain read taking its turn, its prepared statements
   * kept (kept-statements.ts).
   */
  dialect(config: Omit<SqliteDialectConfig, 'database'> = {}): SqliteDialect {
    const turns = this;
    return new (class extends SqliteDialect {
      override createDriver(): Driver {
        return new TurnTakingDriver(super.createDriver(), turns);
      }
    })({ ...config, database: keptStatements(this.sqlite) });
  }
}

/** Reads only: Kysely's select queries and raw statements that begin with `select`. */
const reads = (query: CompiledQuery) =>
  query.query.kind === 'SelectQueryNode' || (query.query.kind === 'RawNode' && /^\s*select\b/i.test(query.sql));

class TurnTakingConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly turns: WriteTurns,
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (reads(query)) return this.inner.executeQuery<R>(query);
    return this.turns.run(() => this.inner.executeQuery<R>(query));
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class TurnTakingDriver implements Driver {
  #connection: TurnTakingConnection | undefined;

  constructor(
    private readonly inner: Driver,
    private readonly turns: WriteTurns,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    if (this.#connection?.inner !== connection) this.#connection = new TurnTakingConnection(connection, this.turns);
    return this.#connection;
  }

  // Transaction control goes through the connection given, so BEGIN takes the turn and COMMIT or ROLLBACK gives it back.
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as TurnTakingConnection).inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

const turnsOfConnection = new WeakMap<SQLiteDatabase, WriteTurns>();

/** The turns of the main thread's connection, made once. */
export function writeTurnsOf(sqlite: SQLiteDatabase): WriteTurns {
  let turns = turnsOfConnection.get(sqlite);
  if (!turns) {
    turns = new WriteTurns(sqlite);
    turnsOfConnection.set(sqlite, turns);
  }
  return turns;
}

/**
 * The worker's side: runs `batch` (one transaction of the worker's connection) when the main thread wants no write,
 * waiting meanwhile. The main thread's writes come first; its transactions are short, so the worker waits milliseconds.
 * `batch` is told whether the main thread has begun waiting, to end its transaction early.
 *
 * `graceMs`: the worker begins only once the main thread has let go of its last turn at least that long ago.
 * Each of the main thread's writes takes its own turn, and a query waiting for Kysely's one connection only asks for
 * its turn once the query before it is done; a worker beginning at once between two of them makes each wait for a
 * whole batch of the worker's, one after another (search-index-worker.ts).
 *
 * `meanwhile`: work to do while the main thread's writes go first instead of sleeping, a step (a fraction of a
 * millisecond) a call, until it answers false (nothing left to do ahead).
 */
export function inWorkerTurn<T>(
  buffer: SharedArrayBuffer,
  batch: (mainWaiting: () => boolean) => T,
  graceMs = 0,
  meanwhile?: () => boolean,
): T {
  const flags = new Int32Array(buffer, 0, 2);
  const letGoAt = new BigInt64Array(buffer, LET_GO_AT_BYTE, 1);
  for (;;) {
    let wanted = Atomics.load(flags, MAIN_WANTS);
    for (;;) {
      let ahead = meanwhile !== undefined;
      while (wanted !== 0) {
        if (ahead) ahead = (meanwhile as () => boolean)();
        else Atomics.wait(flags, MAIN_WANTS, wanted, 50);
        wanted = Atomics.load(flags, MAIN_WANTS);
      }
      if (graceMs <= 0) break;
      const sinceMs = Number(process.hrtime.bigint() - Atomics.load(letGoAt, 0)) / 1e6;
      if (sinceMs >= graceMs) break;
      // take() wakes this wait.
      Atomics.wait(flags, MAIN_WANTS, 0, graceMs - sinceMs);
      wanted = Atomics.load(flags, MAIN_WANTS);
    }
    // Say so, then look again: either the main thread sees this flag and waits, or this sees the main thread's.
    Atomics.add(flags, WORKER_WRITES, 1);
    if (Atomics.load(flags, MAIN_WANTS) === 0) break;
    Atomics.sub(flags, WORKER_WRITES, 1);
    Atomics.notify(flags, WORKER_WRITES);
  }
  try {
    return batch(() => Atomics.load(flags, MAIN_WANTS) !== 0);
  } finally {
    Atomics.sub(flags, WORKER_WRITES, 1);
    Atomics.notify(flags, WORKER_WRITES);
  }
}

/**
 * On Linux, the calling worker thread yields the CPU to the main thread's requests when both want it (nice 10): a
 * thread's own id is the last part of /proc/thread-self. Elsewhere it keeps the process's priority.
 */
export function yieldToRequests(): void {
  try {
    const thread = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(thread) && thread > 0) setPriority(thread, Math.min(19, getPriority(thread) + 10));
  } catch {
    // Not Linux, or not allowed: the thread runs at the process's priority.
  }
}
