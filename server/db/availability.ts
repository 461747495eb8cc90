// Whether the database can be used right now. A full disk and a database that cannot be reached (database-errors.ts)
// are not bugs: requests that need the database answer 503 with Retry-After, the outage is logged once when it starts
// and once when it ends, and while it lasts the instance checks every half second whether the database is back (and
// says so to whoever waits, such as the change feed).
import { statfs } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { Db } from './database.ts';
import { describeDatabaseError, type Unavailability, unavailabilityOf } from './database-errors.ts';
import type { DialectName } from './dialect.ts';
import { writeHeartbeat } from './heartbeat.ts';

/** Below this much free space in DATA_DIR, SQLite may fail any write: the instance reports itself unable to write. */
export const MIN_FREE_BYTES = 1024 * 1024;
const PROBE_MS = 500;

export { type Unavailability, unavailabilityOf };

export type HealthCheck = { ok: true } | { ok: false; kind: Unavailability; reason: string };

interface Outage {
  kind: Unavailability;
  since: Date;
  error: string;
  failedRequests: number;
}

export interface DatabaseHealthOptions {
  db: Db;
  dialect: DialectName;
  /** SQLite's directory, whose free space is checked. */
  dataDir?: string | undefined;
  logger: Logger;
  clock: Clock;
}

export class DatabaseHealth {
  readonly #options: DatabaseHealthOptions;
  readonly #instance = `${hostname()}:${process.pid}`;
  readonly #recovered = new Set<() => void>();
  #outage: Outage | null = null;
  #probe: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: DatabaseHealthOptions) {
    this.#options = options;
  }

  /** The outage under way, if any. */
  get outage(): Readonly<Outage> | null {
    return this.#outage;
  }

  /** Calls `listener` each time the database is back after an outage (the change feed reconnects then). */
  onRecovered(listener: () => void): () => void {
    this.#recovered.add(listener);
    return () => this.#recovered.delete(listener);
  }

  /** A request (or job) failed for want of the database: the first failure of an outage is logged, the rest counted. */
  failed(kind: Unavailability, error: unknown): void {
    if (this.#outage) {
      this.#outage.failedRequests++;
      return;
    }
    const since = this.#options.clock();
    this.#outage = { kind, since, error: describeDatabaseError(error), failedRequests: 1 };
    this.#options.logger.error(kind === 'storage_full' ? 'database cannot be written' : 'database unavailable', {
      kind,
      since: since.toISOString(),
      error: this.#outage.error,
    });
    this.#watch();
  }

  /** Checks now that the database answers and takes a write (and, on SQLite, that its disk has room). */
  async check(): Promise<HealthCheck> {
    const { db, dialect, dataDir, clock } = this.#options;
    try {
      if (dialect === 'sqlite' && dataDir) {
        const disk = await statfs(dataDir);
        const free = disk.bavail * disk.bsize;
        if (free < MIN_FREE_BYTES) {
          return { ok: false, kind: 'storage_full', reason: `${free} bytes free where the database is` };
        }
      }
      await writeHeartbeat(db, this.#instance, clock());
      return { ok: true };
    } catch (error) {
      return {
        ok: false,
        kind: unavailabilityOf(error) ?? 'database_unavailable',
        reason: describeDatabaseError(error),
      };
    }
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#probe);
  }

  #watch(): void {
    if (this.#stopped) return;
    this.#probe = setTimeout(async () => {
      const checked = await this.check();
      const outage = this.#outage;
      if (!outage) return;
      if (!checked.ok) {
        this.#watch();
        return;
      }
      this.#outage = null;
      const until = this.#options.clock();
      this.#options.logger.info('database available again', {
        kind: outage.kind,
        since: outage.since.toISOString(),
        until: until.toISOString(),
        seconds: Math.round((until.getTime() - outage.since.getTime()) / 100) / 10,
        failedRequests: outage.failedRequests,
      });
      for (const listener of this.#recovered) listener();
    }, PROBE_MS);
    this.#probe.unref();
  }
}
