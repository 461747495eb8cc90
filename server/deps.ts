// The infrastructure every area may use, built once per app by server/app.ts. Areas add what they need from each
// other in their own context types (e.g. server/licensing/context.ts), handed over as functions by the wiring.
import type { Database as SQLiteDatabase } from 'better-sqlite3';
import type { AccountChanges } from './auth/account-changes.ts';
import type { PasswordHasher } from './auth/passwords.ts';
import type { SessionLookup } from './auth/sessions.ts';
import type { BackgroundWork } from './background.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { DatabaseHealth } from './db/availability.ts';
import type { ChangeFeed } from './db/change-feed.ts';
import type { Db } from './db/database.ts';
import type { PostgresHandle } from './db/postgres.ts';
import type { Logger } from './logger.ts';
import type { Mailer } from './mail/mailer.ts';
import type { Metrics } from './metrics.ts';

export interface Deps {
  config: Config;
  db: Db;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  passwords: PasswordHasher;
  sessionLookup: SessionLookup;
  /** Account created, deactivated, renamed...: the live licence figures follow these. */
  accountChanges: AccountChanges;
  /** The raw SQLite handle when bulk reads are wanted (the licence recount, the live figures' load). */
  sqlite?: SQLiteDatabase | undefined;
  /** The PostgreSQL pool when bulk reads are wanted. */
  postgres?: PostgresHandle | undefined;
  /** What other instances sharing the database commit: the live figures follow it. */
  changes: ChangeFeed;
  /** Work a request starts without waiting for it (the server waits for it before it stops). */
  background: BackgroundWork;
  /** Whether the database can be used now; outages are logged once and watched until they end. */
  health: DatabaseHealth;
  /** Prometheus metrics of this app (served at /metrics when configured). */
  metrics: Metrics;
  /** The organisation's IANA time zone (a setting of the licensing area, read through the wiring). */
  organisationTimeZone: () => Promise<string>;
}
