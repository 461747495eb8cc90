// The import API (issue 21): a list is sent with PUT and answered at once with 202 and the import's address; the
// import is read with GET, cancelled, or (after a preview in the portal) confirmed.
import type { Context } from 'hono';
import { z } from 'zod';
import { actorOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { fieldErrorsFrom, notFound, validationFailed } from '../http/errors.ts';
import { apiRoute, createApi, jsonAnswer } from '../http/routes.ts';
import { idParam } from '../http/schemas.ts';
import { i18nOf } from '../i18n/request.ts';
import type { LicensingDeps } from './context.ts';
import {
  cancelImport,
  confirmImport,
  IMPORT_ROUTE_BODY_LIMIT,
  type ImportView,
  importView,
  JSON_IMPORT_MAX_BYTES,
  startImport,
  startJsonImport,
} from './import.ts';
import { ENCODINGS } from './import-options.ts';
import { importProblemSentence } from './import-problems.ts';
import { ImportTooLarge } from './import-spool.ts';
import { replaceUsersBody } from './schemas.ts';

/** An import as the API gives it: its problems in the requester's language, and as facts. */
async function answer(c: Context<AppEnv>, view: ImportView) {
  const i18n = await i18nOf(c);
  return {
    ...view,
    problems: view.problems.map((problem) => importProblemSentence(i18n, problem)),
    problemFacts: view.problems.flatMap((problem) =>
      typeof problem === 'string'
        ? []
        : [
            {
              ...('line' in problem && problem.line !== undefined ? { line: problem.line } : {}),
              code: problem.code === 'message' ? problem.key : problem.code,
              values: { ...problem.values },
            },
          ],
    ),
  };
}

const figures = z.object({ before: z.number(), after: z.number() });

export const importViewSchema = z
  .object({
    id: z.string(),
    environment: z.object({ id: z.string(), name: z.string() }),
    providers: z.array(z.string()).describe('The user providers it replaces (known once the list is read).'),
    status: z.enum(['running', 'preview', 'done', 'failed', 'cancelled']),
    phase: z
      .enum(['', 'receiving', 'reading', 'checking', 'switching', 'counting'])
      .describe('While running: what it is doing; "counting" may follow "done" while the live figures take it.'),
    rowsRead: z.number(),
    rowsWritten: z.number(),
    bytesRead: z.number(),
    bytesTotal: z.number(),
    phaseDone: z.number(),
    phaseTotal: z.number(),
    secondsLeft: z.number().nullable().describe('An estimate from the pace so far, for the current phase.'),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    startedBy: z.string().nullable(),
    encoding: z.enum(ENCODINGS),
    cancelRequested: z.boolean(),
    problems: z
      .array(z.string())
      .describe("Why it failed, each problem naming its line; or why nothing changed: in the requester's language."),
    problemFacts: z
      .array(
        z.object({
          line: z.number().optional(),
          code: z.string(),
          values: z.record(z.string(), z.union([z.string(), z.number()])),
        }),
      )
      .describe('The same problems as facts (absent for imports stored before them): a code and its values.'),
    preview: z
      .object({
        platform: z.string(),
        columns: z.array(
          z.object({
            column: z.number(),
            header: z.string(),
            readAs: z.string().nullable(),
            status: z.enum(['read', 'not-needed', 'unrecognised']),
            why: z.string().optional(),
            chosen: z.boolean().optional(),
          }),
        ),
        providers: z.array(
          z.object({
            provider: z.string(),
            rows: z.number(),
            kept: z.number(),
            added: z.number(),
            removed: z.number(),
            sharedEmails: z.number(),
            sharedUsernames: z.number(),
            examples: z.array(z.string()),
          }),
        ),
        installation: z.object({ internal: figures, external: figures }),
        environment: z.object({ internal: figures, external: figures }),
        anonymous: z.number(),
      })
      .nullable()
      .describe('Once read and checked for the portal: what would change, waiting for a confirmation.'),
    columns: z.record(z.string(), z.string().nullable()),
  })
  .openapi('Import');

const importAnswer = (description: string) => ({
  ...jsonAnswer(importViewSchema, description),
  headers: z.object({ Location: z.string().describe('The import: GET it for its progress.') }),
});

export const replaceEnvironmentUsersRoute = apiRoute({
  operationId: 'replaceEnvironmentUsers',
  method: 'put',
  path: '/environments/{id}/users',
  tag: 'Environments',
  access: 'admin',
  summary:
    "Replace one provider's users: text/csv with ?provider= (any size up to IMPORT_MAX_BYTES), or JSON {provider, users}; answered at once, all or nothing",
  description:
    'The list is received, then imported in the background; GET the Location for the progress. Until the switch, the ' +
    "provider's previous users stay in force; a bad row, a cancel or a restart changes nothing.",
  request: {
    params: idParam,
    query: z.object({
      provider: z.string().max(100).optional().describe('With text/csv: the provider to replace.'),
      encoding: z.enum(ENCODINGS).optional().describe('With text/csv: how the file is encoded (default utf-8).'),
      defaultTenant: z
        .string()
        .max(100)
        .optional()
        .describe("With a column of tenant ids: the id of the provider's default tenant."),
    }),
    body: {
      required: false,
      content: {
        'application/json': { schema: replaceUsersBody },
        'text/csv': { schema: z.string().describe('A header line, then one account a line.') },
      },
    },
  },
  responses: { 202: importAnswer('Received; the import runs in the background.') },
  errors: [404, 413],
  bodyLimit: IMPORT_ROUTE_BODY_LIMIT,
});

export const importRoute = apiRoute({
  operationId: 'getImport',
  method: 'get',
  path: '/imports/{id}',
  tag: 'Environments',
  access: 'staffRead',
  summary: 'An import: phase, rows read and written, time left, problems by line, the preview',
  request: { params: idParam },
  responses: { 200: jsonAnswer(importViewSchema, 'The import as it stands.') },
  errors: [404],
});

export const cancelImportRoute = apiRoute({
  operationId: 'cancelImport',
  method: 'post',
  path: '/imports/{id}/cancellation',
  tag: 'Environments',
  access: 'admin',
  summary: 'Cancel an import before its switch: the previous users stay in force',
  request: { params: idParam },
  responses: { 200: jsonAnswer(importViewSchema, 'Cancelled, or stopping at its next batch.') },
  errors: [404, 409],
});

export const confirmImportRoute = apiRoute({
  operationId: 'confirmImport',
  method: 'post',
  path: '/imports/{id}/confirmation',
  tag: 'Environments',
  access: 'admin',
  summary: 'Confirm an import waiting after its preview: the switch and the count run in the background',
  request: { params: idParam },
  responses: { 202: importAnswer('Switching.') },
  errors: [404, 409],
});

const locationOf = (view: ImportView) => `/api/v1/imports/${view.id}`;

/** A request body as it arrives, chunk by chunk. */
async function* bodyChunks(body: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  if (!body) return;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

export const importApi = (deps: LicensingDeps) =>
  createApi()
    .openapi(replaceEnvironmentUsersRoute, async (c) => {
      const environmentId = c.req.valid('param').id;
      const query = c.req.valid('query');
      const type = c.req.header('content-type') ?? '';
      const length = c.req.header('content-length');
      let view: ImportView;
      if (type.startsWith('text/csv')) {
        const provider = query.provider?.trim();
        if (!provider) throw validationFailed({ provider: 'Name the provider to replace: ?provider=<name>.' });
        view = await startImport(
          deps,
          actorOf(c),
          environmentId,
          bodyChunks(c.req.raw.body),
          {
            encoding: query.encoding ?? 'utf-8',
            provider,
            confirm: false,
            strict: false,
            ...(query.defaultTenant ? { defaultTenant: query.defaultTenant } : {}),
          },
          length === undefined ? undefined : Number(length),
        );
      } else {
        if (length !== undefined && Number(length) > JSON_IMPORT_MAX_BYTES) {
          throw new ImportTooLarge(
            `A JSON list may be at most ${JSON_IMPORT_MAX_BYTES / 1024 / 1024} MiB; send larger lists as text/csv with ?provider=<name>, which is read as it arrives.`,
          );
        }
        let body: unknown;
        try {
          body = await c.req.json();
        } catch {
          throw validationFailed({ '(body)': 'Send JSON {provider, users} or text/csv with ?provider=<name>.' });
        }
        const parsed = replaceUsersBody.safeParse(body);
        if (!parsed.success) throw validationFailed(fieldErrorsFrom(parsed.error));
        view = await startJsonImport(deps, actorOf(c), environmentId, parsed.data.provider, parsed.data.users);
      }
      return c.json(await answer(c, view), 202, { Location: locationOf(view) });
    })
    .openapi(importRoute, async (c) => {
      const view = await importView(deps, c.req.valid('param').id);
      if (!view) throw notFound('The import');
      return c.json(await answer(c, view), 200);
    })
    .openapi(cancelImportRoute, async (c) => {
      return c.json(await answer(c, await cancelImport(deps, actorOf(c), c.req.valid('param').id)), 200);
    })
    .openapi(confirmImportRoute, async (c) => {
      const view = await confirmImport(deps, actorOf(c), c.req.valid('param').id);
      return c.json(await answer(c, view), 202, { Location: locationOf(view) });
    });
