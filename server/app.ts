// The one place that wires the areas together: the infrastructure every area uses, each area's context with what it
// needs from the others (as functions), and the mounting of every API sub-app and page.
import { readFileSync } from 'node:fs';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { closureApi } from './accounts/api/closure.ts';
import { registrationApi } from './accounts/api/registration.ts';
import { sessionApi } from './accounts/api/session.ts';
import { tokensApi } from './accounts/api/tokens.ts';
import { usersApi } from './accounts/api/users.ts';
import type { AccountsDeps } from './accounts/context.ts';
import { closurePages } from './accounts/pages/closure.tsx';
import { myPages } from './accounts/pages/my.tsx';
import { publicPages } from './accounts/pages/public.tsx';
import { settingsPages } from './accounts/pages/settings.tsx';
import { tokenPages } from './accounts/pages/tokens.tsx';
import { auditApi } from './audit/api.ts';
import { auditPages } from './audit/pages.tsx';
import { AccountChanges } from './auth/account-changes.ts';
import { createPasswordHasher } from './auth/passwords.ts';
import { sessionLookupFor } from './auth/session-store.ts';
import { sessionCookieName } from './auth/sessions.ts';
import { BackgroundWork } from './background.ts';
import { certificateAdminPages } from './certificates/admin-pages.tsx';
import { certificatesApi } from './certificates/api.ts';
import { certificatePdf } from './certificates/certificate-pdf.ts';
import { signedCredential } from './certificates/credential.ts';
import { holderPages } from './certificates/holder-page.tsx';
import { issueCertificate } from './certificates/issue.ts';
import { organisationPages } from './certificates/organisation-page.tsx';
import { publicCredentialResources } from './certificates/public-resources.ts';
import { verificationPages, verifyScript } from './certificates/verify-page.tsx';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { DatabaseHealth, unavailabilityOf } from './db/availability.ts';
import type { OpenedDatabase } from './db/database.ts';
import type { Deps } from './deps.ts';
import { accessApi } from './exams/api/access.ts';
import { attemptsApi } from './exams/api/attempts.ts';
import { authoringApi } from './exams/api/authoring.ts';
import type { ExamsDeps } from './exams/context.ts';
import { accountsWithExamInProgress, finaliseAttemptsOf } from './exams/finalise.ts';
import { examAccessPages } from './exams/pages/access.tsx';
import { examAdminPages, examImportPages } from './exams/pages/admin.tsx';
import { examPages } from './exams/pages/candidate.tsx';
import { examEditorPages } from './exams/pages/editor.tsx';
import { examsHome } from './exams/pages/home.tsx';
import { examPreviewPages } from './exams/pages/preview.tsx';
import { examSettingsPages } from './exams/pages/settings.tsx';
import { eraseExamPersonalData, examRecordsOf } from './exams/personal-data.ts';
import { extensionApi } from './extension-download/api.ts';
import { extensionPages } from './extension-download/page.tsx';
import { apiDocsPage } from './http/api-docs.tsx';
import type { AppEnv } from './http/env.ts';
import { ApiError, databaseUnavailable, errorBody, storageFull, unreadableBody } from './http/errors.ts';
import { addHealth } from './http/health.ts';
import { addMetricsRoute } from './http/metrics-route.ts';
import { requestIdOf } from './http/observe.ts';
import { buildOpenApiDocument, type OpenApiDocument, openApiRoute } from './http/openapi.ts';
import { requestPipeline } from './http/pipeline.ts';
import { createApi } from './http/routes.ts';
import { DEFAULT_LOCALE } from './i18n/locales.ts';
import { i18nFor } from './i18n/messages.ts';
import { i18nOf, localeOf } from './i18n/request.ts';
import { licensingApi } from './licensing/api.ts';
import type { LicensingDeps } from './licensing/context.ts';
import { importCounts } from './licensing/import.ts';
import { licensingContext } from './licensing/index.ts';
import { readErasureDays } from './licensing/leaving.ts';
import { leavingFiguresApi } from './licensing/leaving-api.ts';
import { currentTerm } from './licensing/licence.ts';
import { environmentPages } from './licensing/pages/environments.tsx';
import { hygienePages } from './licensing/pages/hygiene.tsx';
import { importPages } from './licensing/pages/imports.tsx';
import { licencePages } from './licensing/pages/licence.tsx';
import { retentionPages } from './licensing/pages/retention.tsx';
import { readOrganisationTimeZone } from './licensing/time-zone.ts';
import { createLogger, type Logger } from './logger.ts';
import type { Mailer } from './mail/mailer.ts';
import { mailCounts } from './mail/queue.ts';
import { Metrics } from './metrics.ts';
import { peopleApi } from './people/api.ts';
import type { PeopleDeps } from './people/context.ts';
import { directoryPages } from './people/directory.tsx';
import { eraseClosedAccount } from './people/erasure.ts';
import { lookupPages } from './people/lookup.tsx';
import { overviewPages } from './people/overview.tsx';
import { personPages } from './people/person.tsx';
import { errorPage } from './web/error-page.tsx';

export interface AppOptions {
  config: Config;
  database: OpenedDatabase;
  mailer: Mailer;
  clock?: Clock;
  logger?: Logger;
  /** The app's metrics; `npm start` passes one with the process's own (CPU, memory, event loop). */
  metrics?: Metrics;
  /**
   * Read a million licence rows through the driver's own handle (raw arrays, a worker on the database file) rather
   * than through Kysely: what `npm start` does. Tests switch it on where they need it.
   */
  bulkReads?: boolean;
}

export interface SeatkeeperApp {
  app: OpenAPIHono<AppEnv>;
  /** The infrastructure. */
  deps: Deps;
  accounts: AccountsDeps;
  exams: ExamsDeps;
  /** The licensing area's context, with the live figures (`licensing.licensing`). */
  licensing: LicensingDeps;
  /** One person across areas: the licensing context plus what a person's data download and erasure need. */
  people: PeopleDeps;
  /** The OpenAPI document of every route declared (built on first use). */
  openApiDocument(): OpenApiDocument;
}

const STYLESHEET = readFileSync(new URL('./web/assets/app.css', import.meta.url), 'utf8');

/** The infrastructure every area uses (also what the CLI's commands run on). */
export function buildDeps(options: AppOptions): Deps {
  const { config, database } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const health = new DatabaseHealth({
    db: database.db,
    dialect: database.dialect,
    dataDir: database.dialect === 'sqlite' ? config.dataDir : undefined,
    logger,
    clock,
  });
  // Once the database is back, the change feed reconnects at once instead of at its next retry.
  health.onRecovered(() => database.changes.reconnectNow());
  return {
    config,
    db: database.db,
    mailer: options.mailer,
    clock,
    logger,
    background: new BackgroundWork(logger),
    health,
    metrics: options.metrics ?? new Metrics(),
    passwords: createPasswordHasher(config.passwordHashing),
    sessionLookup: sessionLookupFor(database, config.sessionCacheMs),
    accountChanges: new AccountChanges(),
    sqlite: options.bulkReads ? database.sqlite : undefined,
    postgres: options.bulkReads ? database.postgres : undefined,
    changes: database.changes,
    organisationTimeZone: () => readOrganisationTimeZone(database.db),
  };
}

/** What the metrics read when Prometheus scrapes, from the areas; a database that cannot answer reads as nothing. */
function registerGauges(deps: Deps, licensing: LicensingDeps): void {
  const { metrics } = deps;
  const orNothing =
    <T>(read: () => Promise<T>, to: (value: T) => [string[], number][]) =>
    async () => {
      try {
        return to(await read());
      } catch {
        return [];
      }
    };
  metrics.gauge(
    'seatkeeper_licences_used',
    'Licences in use now (live figures): internal and external people.',
    ['kind'],
    () => {
      const totals = licensing.licensing.live.totals();
      return [
        [['internal'], totals.internal],
        [['external'], totals.external],
      ];
    },
  );
  metrics.gauge(
    'seatkeeper_mail_queue',
    'Mails in the outbox by status (queued: waiting or retrying; failed: gave up after the last retry).',
    ['status'],
    orNothing(
      () => mailCounts(deps.db),
      (counts) => Object.entries(counts).map(([status, count]) => [[status], count]),
    ),
  );
  metrics.gauge(
    'seatkeeper_licence_imports',
    'User imports by status (running: in progress now on some instance).',
    ['status'],
    orNothing(
      () => importCounts(deps.db),
      (counts) => Object.entries(counts).map(([status, count]) => [[status], count]),
    ),
  );
  metrics.gauge(
    'seatkeeper_database_up',
    '1 while the database answers and takes writes; 0 during an outage (full disk, unreachable).',
    [],
    () => [[[], deps.health.outage ? 0 : 1]],
  );
}

export function createApp(options: AppOptions): SeatkeeperApp {
  const { config } = options;
  const deps = buildDeps(options);

  // What the areas need from one another, handed over as functions (no area imports this module).
  const licensing: LicensingDeps = licensingContext(deps, {
    accountsWithExamInProgress: () => accountsWithExamInProgress(exams),
    eraseClosedAccount: (accountId) => eraseClosedAccount(people, accountId),
  });
  const licenceTerm = () => currentTerm(licensing);
  const autosaved = deps.metrics.counter(
    'seatkeeper_autosaved_answers_total',
    'Answers written by candidates’ autosaves (a save repeated or arriving late is not counted).',
  );
  const exams: ExamsDeps = { ...deps, licenceTerm, issueCertificate, autosaved: (answers) => autosaved.inc(answers) };
  const accounts: AccountsDeps = {
    examsHome: (account) => examsHome(exams, account),
    ...deps,
    licenceTerm,
    finaliseAttemptsOf: (accountId) => finaliseAttemptsOf(exams, accountId),
    closedAccountErasureDays: () => readErasureDays(deps),
  };
  const people: PeopleDeps = {
    ...licensing,
    examRecordsOf: (accountId) => examRecordsOf(exams, accountId),
    eraseExamPersonalData,
    certificatePdf: (certificate) => certificatePdf(deps, certificate, i18nFor(DEFAULT_LOCALE)),
    certificateCredential: (certificate) => signedCredential(deps, certificate),
  };

  const cookieName = sessionCookieName(config);
  const app = new OpenAPIHono<AppEnv>();
  // Before the pipeline: Prometheus's bearer token is not an access token, and a scrape needs no session.
  addMetricsRoute(app, deps);
  app.use(requestPipeline(deps, cookieName));
  addHealth(app, deps);
  registerGauges(deps, licensing);
  app.get('/assets/app.css', (c) =>
    c.body(STYLESHEET, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }),
  );

  let document: OpenApiDocument | undefined;
  const openApiDocument = () => {
    document ??= buildOpenApiDocument(app, config);
    return document;
  };
  const api = createApi()
    .openapi(openApiRoute, (c) => c.json(openApiDocument() as { openapi: string }, 200))
    .route('/', sessionApi(deps))
    .route('/', registrationApi(deps))
    .route('/', usersApi(deps))
    .route('/', tokensApi(deps))
    .route('/', closureApi(accounts))
    .route('/', peopleApi(people))
    .route('/', auditApi(deps))
    .route('/', authoringApi(exams))
    .route('/', attemptsApi(exams))
    .route('/', accessApi(exams))
    .route('/', certificatesApi(deps))
    .route('/', licensingApi(licensing))
    .route('/', leavingFiguresApi(licensing))
    .route('/', extensionApi(deps));
  app.route('/api/v1', api);

  // Pages. Order matters where paths overlap: the users list's static paths before a person's /users/:id.
  app.route('/', publicPages(deps));
  app.route('/', settingsPages(deps));
  app.route('/', examPages(exams));
  app.route('/my', myPages(accounts));
  app.route('/my', closurePages(accounts));
  app.route('/verify', verificationPages(deps));
  app.route('/assets/certificates/verify.js', verifyScript());
  app.route('/certificates', holderPages(deps));
  app.route('/', publicCredentialResources(deps));
  app.route('/portal', examSettingsPages(exams));
  app.route('/portal/exams', examEditorPages(exams));
  app.route('/portal/exams', examPreviewPages(exams));
  app.route('/portal/exams', examAccessPages(exams));
  app.route('/portal/exams', examAdminPages(exams));
  app.route('/portal/exam-imports', examImportPages(exams));
  app.route('/portal/certificates', certificateAdminPages(deps));
  app.route('/portal/organisation', organisationPages(deps));
  app.route('/portal/extension', extensionPages(deps));
  app.route('/portal', licencePages(licensing));
  app.route('/portal', environmentPages(licensing));
  app.route('/portal', importPages(licensing));
  app.route('/portal', retentionPages(licensing));
  app.route('/portal', hygienePages(licensing));
  app.route('/portal', overviewPages(people));
  app.route('/portal', directoryPages(people));
  app.route('/portal', lookupPages(people));
  app.route('/portal', personPages(people));
  app.route('/portal', tokenPages(deps));
  app.route('/portal', auditPages(deps));
  app.route('/api/docs', apiDocsPage(openApiDocument));

  app.notFound(async (c) => {
    const { t } = i18nFor(localeOf(c));
    if (c.req.path.startsWith('/api/')) {
      const text = t('errors.no_route', { method: c.req.method, path: c.req.path });
      return c.json({ error: { code: 'not_found', message: text } }, 404);
    }
    return errorPage(c, 404, 'web.error.notFoundTitle', t('web.error.notFound'));
  });

  const onError: ErrorHandler<AppEnv> = async (thrown, c) => {
    const isApi = c.req.path.startsWith('/api/') || c.req.path === '/healthz';
    const unavailable = unavailabilityOf(thrown);
    if (unavailable) {
      // Not a bug: the outage is logged once (deps.health), and the client told to come back.
      deps.health.failed(unavailable, thrown);
      const answer = unavailable === 'storage_full' ? storageFull() : databaseUnavailable();
      // No setting is read for the reader: the database is what failed.
      const reader = i18nFor(localeOf(c));
      const { status, body, headers } = errorBody(answer, reader);
      for (const [name, value] of Object.entries(headers)) c.header(name, value);
      if (isApi) return c.json(body, status);
      return errorPage(c, status, `availability.${unavailable}.title`, reader.t(`availability.${unavailable}.page`));
    }
    const err = unreadableBody(thrown) ?? thrown;
    if (!(err instanceof HTTPException)) {
      deps.logger.error('unhandled error', {
        requestId: requestIdOf(c),
        method: c.req.method,
        path: c.req.path,
        error: err instanceof Error && err.stack ? err.stack : String(err),
      });
      const { t } = i18nFor(localeOf(c));
      if (isApi) return c.json({ error: { code: 'internal_error', message: t('errors.internal_error') } }, 500);
      return errorPage(c, 500, 'web.error.internalTitle', t('web.error.internal'));
    }
    // The time zone (a setting) is read only when the message shows a time: an API error needs no query.
    const reader = err instanceof ApiError && err.showsTime ? await i18nOf(c) : i18nFor(localeOf(c));
    const { status, body, headers } = errorBody(err, reader);
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    if (isApi) return c.json(body, status);
    return errorPage(c, status, 'web.error.title', body.error.message);
  };
  app.onError(onError);

  return { app, deps, accounts, exams, licensing, people, openApiDocument };
}
