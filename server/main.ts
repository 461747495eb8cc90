// `npm start`: reads the environment, opens the database, applies migrations and serves HTTP.
import { issueSetupLinkIfNeeded } from './accounts/setup.ts';
import { createApp } from './app.ts';
import { warmRenderPool } from './certificates/render-pool.ts';
import { signingKey } from './certificates/signing-key.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { type Db, openDatabase } from './db/database.ts';
import { startAttemptSweeper } from './exams/finalise.ts';
import { startNodeServer } from './http/node-server.ts';
import { countWorker } from './licensing/count-worker.ts';
import { startDailyJob } from './licensing/history.ts';
import { createLogger } from './logger.ts';
import { createOutboxMailer, createSmtpMailer, type Mailer } from './mail/mailer.ts';
import { migrations } from './migrations.ts';

export function createMailer(config: Config, db: Db): Mailer {
  return config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.mailFrom) : createOutboxMailer(db, () => new Date());
}

async function start(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, { migrations, logger });
  const { app, deps, exams, licensing } = createApp({
    config,
    database,
    mailer: createMailer(config, database.db),
    logger,
    bulkReads: true,
  });

  // Exams: the credential signing keys exist from the first start, and the certificate drawing threads are up; overdue attempts close even if nobody returns.
  await signingKey(deps);
  warmRenderPool();
  startAttemptSweeper(exams);
  // Live licence figures are loaded once here, then kept current by every change (no timer).
  const figures = licensing.licensing;
  await figures.ready();
  countWorker.warm();
  const stopDailyJob = startDailyJob(licensing);
  // Every quarter of an hour a full recount checks the live figures (and repairs them, should they ever drift).
  const stopSelfCheck = figures.startSelfCheck();

  const setupLink = await issueSetupLinkIfNeeded(deps);
  if (setupLink) {
    // Deliberately printed: the only way to reach the first-admin page on a fresh install.
    console.log(
      `\nNo administrator exists yet. Create one within the next hour (the link works once):\n\n  ${setupLink}\n\n` +
        'Links printed by earlier starts, or by other instances on this database, work too until an administrator exists.\n',
    );
  }

  const server = await startNodeServer(app, config);
  logger.info('listening', {
    url: `http://${config.host}:${server.port}`,
    publicUrl: config.publicUrl,
    database: database.dialect === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `SQLite in ${config.dataDir}`,
  });
  const stop = () => {
    stopDailyJob();
    stopSelfCheck();
    void server.close().then(() => database.close().then(() => process.exit(0)));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await start();
