import type { Database as SQLiteDatabase } from 'better-sqlite3';
import type { Term } from '../shared/licensing/capacity.ts';
import { AccountChanges } from './accounts/changes.ts';
import { createPasswordHasher, type PasswordHasher } from './auth/passwords.ts';
import { kyselySessionLookup, type SessionLookup } from './auth/sessions.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { type ChangeFeed, noChangeFeed } from './db/change-feed.ts';
import type { Db } from './db/database.ts';
import type { PostgresHandle } from './db/postgres.ts';
import { accountsWithExamInProgress } from './exams/attempts.ts';
import { createLicensing } from './licensing/index.ts';
import { currentTerm } from './licensing/licence.ts';
import type { LicensingState } from './licensing/state.ts';
import { createLogger, type Logger } from './logger.ts';
import type { Mailer } from './mail/mailer.ts';

/** Everything a request handler or service needs, built once per app. */
export interface Deps {
  config: Config;
  db: Db;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  passwords: PasswordHasher;
  accountChanges: AccountChanges;
  sessionLookup: SessionLookup;
  /**
   * The licence term (rule 23), or null while no licence is configured: exams refuse publishing when it is expired
   * and candidate pages go offline when it is cancelled. Provided by the licence portal (server/licensing/).
   */
  licenceTerm: () => Promise<Term | null>;
  /** Accounts with an exam attempt in progress, exempt from retention (rule 25). Provided by server/exams/. */
  accountsWithExamInProgress: () => Promise<Set<string>>;
  /** Live licence figures (server/licensing/): loaded once, kept current by every change. */
  licensing: LicensingState;
  /** The raw SQLite handle when available: bulk reads of the licence recount. */
  sqlite?: SQLiteDatabase | undefined;
  /** The PostgreSQL pool when available: bulk reads of the licence recount. */
  postgres?: PostgresHandle | undefined;
  /** What other instances sharing the database commit: the live figures follow it. */
  changes: ChangeFeed;
}

export interface DepsInput {
  config: Config;
  db: Db;
  mailer: Mailer;
  /** Pass OpenedDatabase#sessionLookup (prepared statement); defaults to the portable Kysely query. */
  sessionLookup?: SessionLookup;
  clock?: Clock;
  logger?: Logger;
  accountChanges?: AccountChanges;
  sqlite?: SQLiteDatabase | undefined;
  postgres?: PostgresHandle | undefined;
  /** OpenedDatabase#changes (PostgreSQL); none by default. */
  changes?: ChangeFeed;
}

export function buildDeps(input: DepsInput): Deps {
  const deps: Deps = {
    config: input.config,
    db: input.db,
    mailer: input.mailer,
    clock: input.clock ?? systemClock,
    logger: input.logger ?? createLogger(input.config.logLevel),
    passwords: createPasswordHasher(input.config.passwordHashing),
    accountChanges: input.accountChanges ?? new AccountChanges(),
    sessionLookup: input.sessionLookup ?? kyselySessionLookup(input.db),
    licenceTerm: async () => null,
    accountsWithExamInProgress: () => accountsWithExamInProgress(deps),
    licensing: undefined as unknown as LicensingState,
    sqlite: input.sqlite,
    postgres: input.postgres,
    changes: input.changes ?? noChangeFeed,
  };
  deps.licensing = createLicensing(deps);
  deps.licenceTerm = () => currentTerm(deps);
  return deps;
}
