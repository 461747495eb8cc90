import { AccountChanges } from './accounts/changes.ts';
import { createPasswordHasher, type PasswordHasher } from './auth/passwords.ts';
import { kyselySessionLookup, type SessionLookup } from './auth/sessions.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
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
}

export function buildDeps(input: DepsInput): Deps {
  return {
    config: input.config,
    db: input.db,
    mailer: input.mailer,
    clock: input.clock ?? systemClock,
    logger: input.logger ?? createLogger(input.config.logLevel),
    passwords: createPasswordHasher(input.config.passwordHashing),
    accountChanges: input.accountChanges ?? new AccountChanges(),
    sessionLookup: input.sessionLookup ?? kyselySessionLookup(input.db),
  };
}
