// The one place that wires the areas together: the infrastructure every area uses, each area's context with what it
// needs from the others (as functions), and the mounting of every API sub-app and page.
import { readFileSync } from 'node:fs';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { registrationApi } from './accounts/api/registration.ts';
import { sessionApi } from './accounts/api/session.ts';
import { tokensApi } from './accounts/api/tokens.ts';
import { usersApi } from './accounts/api/users.ts';
import type { AccountsDeps } from './accounts/context.ts';
import { myPages } from './accounts/pages/my.tsx';
import { publicPages } from './accounts/pages/public.tsx';
import { tokenPages } from './accounts/pages/tokens.tsx';
import { auditApi } from './audit/api.ts';
import { auditPages } from './audit/pages.tsx';
import { AccountChanges } from './auth/account-changes.ts';
import { createPasswordHasher } from './auth/passwords.ts';
import { sessionLookupFor } from './auth/session-store.ts';
import { sessionCookieName } from './auth/sessions.ts';
import { certificatesApi, jwksApp } from './certificates/api.ts';
import { issueCertificate } from './certificates/issue.ts';
import { certificateAdminPages, verificationPages } from './certificates/pages.tsx';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import type { OpenedDatabase } from './db/database.ts';
import type { Deps } from './deps.ts';
import { attemptsApi } from './exams/api/attempts.ts';
import { authoringApi } from './exams/api/authoring.ts';
import type { ExamsDeps } from './exams/context.ts';
import { accountsWithExamInProgress } from './exams/finalise.ts';
import { examAdminPages, examImportPages } from './exams/pages/admin.tsx';
import { examPages } from './exams/pages/candidate.tsx';
import { extensionApi } from './extension-download/api.ts';
import { extensionPages } from './extension-download/page.tsx';
import { apiDocsPage } from './http/api-docs.tsx';
import type { AppEnv } from './http/env.ts';
import { errorBody } from './http/errors.ts';
import { addHealth } from './http/health.ts';
import { buildOpenApiDocument, type OpenApiDocument, openApiRoute } from './http/openapi.ts';
import { requestPipeline } from './http/pipeline.ts';
import { createApi } from './http/routes.ts';
import { licensingApi } from './licensing/api.ts';
import type { LicensingDeps } from './licensing/context.ts';
import { licensingContext } from './licensing/index.ts';
import { currentTerm } from './licensing/licence.ts';
import { environmentPages } from './licensing/pages/environments.tsx';
import { hygienePages } from './licensing/pages/hygiene.tsx';
import { importPages } from './licensing/pages/imports.tsx';
import { licencePages } from './licensing/pages/licence.tsx';
import { retentionPages } from './licensing/pages/retention.tsx';
import { createLogger, type Logger } from './logger.ts';
import type { Mailer } from './mail/mailer.ts';
import { directoryPages } from './people/directory.tsx';
import { personPages } from './people/person.tsx';
import { renderErrorPage } from './web/error-page.tsx';

export interface AppOptions {
  config: Config;
  database: OpenedDatabase;
  mailer: Mailer;
  clock?: Clock;
  logger?: Logger;
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
  /** The OpenAPI document of every route declared (built on first use). */
  openApiDocument(): OpenApiDocument;
}

const STYLESHEET = readFileSync(new URL('./web/assets/app.css', import.meta.url), 'utf8');

/** The infrastructure every area uses (also what the CLI's commands run on). */
export function buildDeps(options: AppOptions): Deps {
  const { config, database } = options;
  return {
    config,
    db: database.db,
    mailer: options.mailer,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? createLogger(config.logLevel),
    passwords: createPasswordHasher(config.passwordHashing),
    sessionLookup: sessionLookupFor(database, config.sessionCacheMs),
    accountChanges: new AccountChanges(),
    sqlite: options.bulkReads ? database.sqlite : undefined,
    postgres: options.bulkReads ? database.postgres : undefined,
    changes: database.changes,
  };
}

export function createApp(options: AppOptions): SeatkeeperApp {
  const { config } = options;
  const deps = buildDeps(options);

  // What the areas need from one another, handed over as functions (no area imports this module).
  const licensing: LicensingDeps = licensingContext(deps, {
    accountsWithExamInProgress: () => accountsWithExamInProgress(exams),
  });
  const licenceTerm = () => currentTerm(licensing);
  const exams: ExamsDeps = { ...deps, licenceTerm, issueCertificate };
  const accounts: AccountsDeps = { ...deps, licenceTerm };

  const cookieName = sessionCookieName(config);
  const app = new OpenAPIHono<AppEnv>();
  app.use(requestPipeline(deps, cookieName));
  addHealth(app, deps);
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
    .route('/', auditApi(deps))
    .route('/', authoringApi(exams))
    .route('/', attemptsApi(exams))
    .route('/', certificatesApi(deps))
    .route('/', licensingApi(licensing))
    .route('/', extensionApi(deps));
  app.route('/api/v1', api);

  // Pages. Order matters where paths overlap: the users list's static paths before a person's /users/:id.
  app.route('/', publicPages(deps));
  app.route('/', examPages(exams));
  app.route('/my', myPages(accounts));
  app.route('/verify', verificationPages(deps));
  app.route('/.well-known/jwks.json', jwksApp(deps));
  app.route('/portal/exams', examAdminPages(exams));
  app.route('/portal/exam-imports', examImportPages(exams));
  app.route('/portal/certificates', certificateAdminPages(deps));
  app.route('/portal/extension', extensionPages(deps));
  app.route('/portal', licencePages(licensing));
  app.route('/portal', environmentPages(licensing));
  app.route('/portal', importPages(licensing));
  app.route('/portal', retentionPages(licensing));
  app.route('/portal', hygienePages(licensing));
  app.route('/portal', directoryPages(licensing));
  app.route('/portal', personPages(licensing));
  app.route('/portal', tokenPages(deps));
  app.route('/portal', auditPages(deps));
  app.route('/api/docs', apiDocsPage(openApiDocument));

  app.notFound((c) => {
    if (c.req.path.startsWith('/api/')) {
      return c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}.` } }, 404);
    }
    return c.html(renderErrorPage(404, 'Page not found', 'There is no page at this address.'), 404);
  });

  const onError: ErrorHandler<AppEnv> = (err, c) => {
    const isApi = c.req.path.startsWith('/api/') || c.req.path === '/healthz';
    if (!(err instanceof HTTPException)) {
      deps.logger.error('unhandled error', { method: c.req.method, path: c.req.path, error: String(err) });
      if (isApi)
        return c.json({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } }, 500);
      return c.html(renderErrorPage(500, 'Something went wrong', 'Try again in a moment.'), 500);
    }
    const { status, body, headers } = errorBody(err);
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    if (isApi) return c.json(body, status);
    return c.html(renderErrorPage(status, 'This did not work', body.error.message), status);
  };
  app.onError(onError);

  return { app, deps, accounts, exams, licensing, openApiDocument };
}
