// What one instance commits that the others keep in memory (the live licence figures), announced to every instance
// sharing the database. On PostgreSQL, triggers (server/licensing/shared-state-migration.ts) NOTIFY in the committing
// transaction, so an announcement is sent exactly when its change commits, whichever instance or script made it.
import pg from 'pg';
import { z } from 'zod';
import type { Logger } from '../logger.ts';
import { describeDatabaseError } from './database-errors.ts';

export const CHANGES_CHANNEL = 'seatkeeper_changes';

const changeSchema = z.discriminatedUnion('topic', [
  /** An own account was created, deleted, or its email, role or activity changed. */
  z.object({ topic: z.literal('account'), id: z.string() }),
  /** An environment was created or edited (name, production, internal domains, retention). */
  z.object({ topic: z.literal('environments') }),
  /** Imported accounts of one environment's provider were added or removed. */
  z.object({ topic: z.literal('directory'), environment: z.string(), provider: z.string() }),
]);

export type Change = z.infer<typeof changeSchema>;

export interface ChangeListener {
  /** A change committed by any instance, this one included. */
  change(change: Change): void;
  /** Changes may have been missed (the listening connection was lost and is back): read everything again. */
  resync(): void;
}

export interface ChangeFeed {
  subscribe(listener: ChangeListener): () => void;
  /** The database is known to be back (another connection reached it): reconnect now, not at the next retry. */
  reconnectNow(): void;
  close(): Promise<void>;
}

/** SQLite: one process owns the database, so there is nobody to hear from. */
export const noChangeFeed: ChangeFeed = { subscribe: () => () => {}, reconnectNow: () => {}, close: async () => {} };

const HEARTBEAT_MS = 5_000;
/**
 * Between tries to reconnect: short, so live figures are current within a second of the database coming back, and
 * drawn at random, so instances that lost the database together do not all knock again at the same moment.
 */
const reconnectWaitMs = () => 250 + Math.random() * 250;

/**
 * LISTENs on a connection of its own (a pooled one would be handed to queries). A lost connection is noticed by its
 * error or end event or by the heartbeat, then reopened every quarter to half second (at once when another connection
 * finds the database back); listeners are told to resync once it is back, because NOTIFY is not queued for a session
 * that is gone. The loss and the return are logged once each, however long the outage.
 */
class PostgresChangeFeed implements ChangeFeed {
  readonly #url: string;
  readonly #logger: Logger | undefined;
  readonly #listeners = new Set<ChangeListener>();
  #client: pg.Client | null = null;
  #closed = false;
  #heartbeat: NodeJS.Timeout | undefined;
  /** Ends the wait before the next reconnection try, while one is under way. */
  #wake: (() => void) | null = null;

  constructor(url: string, logger: Logger | undefined) {
    this.#url = url;
    this.#logger = logger;
  }

  async start(): Promise<void> {
    await this.#connect();
    this.#heartbeat = setInterval(() => {
      const client = this.#client;
      client?.query('select 1').catch((error: unknown) => this.#lost(client, error));
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  reconnectNow(): void {
    this.#wake?.();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    clearInterval(this.#heartbeat);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#url,
      application_name: 'seatkeeper-changes',
      keepAlive: true,
      query_timeout: HEARTBEAT_MS,
    });
    client.on('notification', (message) => this.#deliver(message.payload));
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`listen ${CHANGES_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
  }

  #deliver(payload: string | undefined): void {
    let parsed: ReturnType<typeof changeSchema.safeParse>;
    try {
      parsed = changeSchema.safeParse(JSON.parse(payload ?? ''));
    } catch (error) {
      this.#logger?.warn('unreadable change notification', { error: String(error) });
      return;
    }
    if (!parsed.success) {
      this.#logger?.warn('unknown change notification', { error: String(parsed.error) });
      return;
    }
    for (const listener of this.#listeners) listener.change(parsed.data);
  }

  #lost(client: pg.Client, error: unknown): void {
    if (this.#client !== client || this.#closed) return;
    this.#client = null;
    this.#logger?.warn('change feed connection lost; reconnecting', { error: describeDatabaseError(error) });
    client.end().catch(() => {});
    void this.#reconnect();
  }

  async #reconnect(): Promise<void> {
    const lostAt = performance.now();
    let tries = 0;
    while (!this.#closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, reconnectWaitMs());
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
      if (this.#closed) return;
      tries++;
      try {
        await this.#connect();
      } catch {
        continue;
      }
      this.#logger?.info('change feed reconnected', {
        afterSeconds: Math.round((performance.now() - lostAt) / 100) / 10,
        tries,
      });
      for (const listener of this.#listeners) listener.resync();
      return;
    }
  }
}

/** Resolves once LISTEN is in place, so whatever the caller reads next cannot miss a later change. */
export async function listenForChanges(url: string, logger?: Logger): Promise<ChangeFeed> {
  const feed = new PostgresChangeFeed(url, logger);
  await feed.start();
  return feed;
}
