// `npm start`: reads the environment, opens the database, applies migrations, serves HTTP, and stops cleanly on
// SIGTERM or SIGINT (stops accepting, lets requests in flight finish, closes the database, exits 0).
import { issueSetupLinkIfNeeded } from './accounts/setup.ts';
import { createApp } from './app.ts';
import { warmRenderPool } from './certificates/render-pool.ts';
import { signingKey } from './certificates/signing-key.ts';
import { systemClock } from './clock.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { type Db, openDatabase } from './db/database.ts';
import { startAttemptSweeper } from './exams/finalise.ts';
import { startMetricsServer } from './http/metrics-route.ts';
import { startNodeServer } from './http/node-server.ts';
import { countWorker } from './licensing/count-worker.ts';
import { startDailyJob } from './licensing/history.ts';
import { createLogger, flushLogs, type Logger } from './logger.ts';
import { smtpTransport } from './mail/mailer.ts';
import { MailQueue } from './mail/queue.ts';
import { Metrics } from './metrics.ts';
import { migrations } from './migrations.ts';

/** Requests still running this long after the signal are cut off, so the process always ends within 10 seconds. */
const STOP_DEADLINE_MS = 7_000;

export function createMailer(config: Config, db: Db, logger: Logger): MailQueue {
  const transport = config.smtpUrl ? smtpTransport(config.smtpUrl, config.mailFrom) : null;
  return new MailQueue(db, systemClock, { transport, logger });
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
  const mailer = createMailer(config, database.db, logger);
  const metrics = new Metrics({ processMetrics: true });
  const { app, deps, exams, licensing } = createApp({ config, database, mailer, logger, metrics, bulkReads: true });

  // Exams: the credential signing keys exist from the first start, and the certificate drawing threads are up; overdue attempts close even if nobody returns.
  await signingKey(deps);
  warmRenderPool();
  const stopSweeper = startAttemptSweeper(exams);
  // Live licence figures are loaded once here, then kept current by every change (no timer).
  const figures = licensing.licensing;
  await figures.ready();
  logger.info('licence figures loaded', { ...figures.lastLoad });
  countWorker.warm();
  const stopDailyJob = startDailyJob(licensing);
  // Every quarter of an hour a full recount checks the live figures (and repairs them, should they ever drift).
  const stopSelfCheck = figures.startSelfCheck();
  mailer.start();

  const setupLink = await issueSetupLinkIfNeeded(deps);
  if (setupLink) {
    // Deliberately printed: the only way to reach the first-admin page on a fresh install.
    console.log(
      `\nNo administrator exists yet. Create one within the next hour (the link works once):\n\n  ${setupLink}\n\n` +
        'Links printed by earlier starts, or by other instances on this database, work too until an administrator exists.\n',
    );
  }

  const server = await startNodeServer(app, config, undefined, { metrics, logger });
  const metricsServer = config.metrics.port
    ? await startMetricsServer(metrics, { port: config.metrics.port, host: config.metrics.host })
    : undefined;
  logger.info('listening', {
    url: `http://${config.host}:${server.port}`,
    publicUrl: config.publicUrl,
    database: database.dialect === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `SQLite in ${config.dataDir}`,
    metrics: metricsServer
      ? `http://${config.metrics.host}:${metricsServer.port}/metrics`
      : config.metrics.token
        ? '/metrics with METRICS_TOKEN'
        : 'off',
  });

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    const deadline = setTimeout(() => {
      logger.warn('requests still running at the stop deadline: closing their connections', {
        afterMs: STOP_DEADLINE_MS,
      });
      server.server.closeAllConnections();
    }, STOP_DEADLINE_MS);
    deadline.unref();
    try {
      stopSweeper();
      stopDailyJob();
      stopSelfCheck();
      deps.health.stop();
      // No new connections; requests in flight are answered; idle keep-alive connections close now.
      await Promise.all([server.close(), metricsServer?.close()]);
      // What the answered requests started (a reset mail) is finished before the database closes.
      await deps.background.settled();
      await mailer.stop();
      await database.close();
      logger.info('stopped', { signal });
      await flushLogs();
      process.exit(0);
    } catch (error) {
      logger.error('stopping failed', { error: String(error) });
      await flushLogs();
      process.exit(1);
    }
  };
  process.once('SIGINT', (signal) => void stop(signal));
  process.once('SIGTERM', (signal) => void stop(signal));
}

await start();
