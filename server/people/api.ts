// The people area's API: a person's data download (their own) and erasure (administrators), rule 26a.
import { z } from 'zod';
import { accountView } from '../accounts/api/schemas.ts';
import { certificateView } from '../certificates/api.ts';
import { actorOf, principalOf } from '../http/auth.ts';
import { apiRoute, createApi, jsonAnswer } from '../http/routes.ts';
import { idParam } from '../http/schemas.ts';
import type { PeopleDeps } from './context.ts';
import { eraseAccount } from './erasure.ts';
import { downloadName, PERSONAL_DATA_FORMAT, personalData, personalDataZip } from './personal-data.ts';

const tag = 'Personal data';

const record = z.record(z.string(), z.unknown());

export const personalDataResponse = z
  .object({
    format: z.literal(PERSONAL_DATA_FORMAT),
    exportedAt: z.string(),
    account: accountView.extend({ deactivationReason: z.string().nullable() }),
    signIns: z.array(z.object({ at: z.string(), ip: z.string(), userAgent: z.string().nullable() })),
    events: z
      .array(
        z.object({
          at: z.string(),
          action: z.string(),
          by: z.enum(['you', 'staff', 'system']),
          ip: z.string().nullable(),
          details: z.unknown(),
        }),
      )
      .describe('Audit log entries about the account; staff are not named.'),
    attempts: z.array(record).describe('Each attempt as its page shows it: questions, your answers, the result.'),
    accommodations: z.array(z.object({ examId: z.string(), extraMinutes: z.number(), createdAt: z.string() })),
    certificates: z.array(
      certificateView.extend({
        files: z
          .object({ pdf: z.string(), credential: z.string().nullable() })
          .describe('Paths inside the zip download; no credential for a revoked certificate.'),
      }),
    ),
    mail: z
      .array(z.object({ at: z.string(), subject: z.string(), body: z.string() }))
      .describe('Mail kept in the outbox for your address, link secrets removed.'),
  })
  .meta({ id: 'PersonalData' });

export const personalDataRoute = apiRoute({
  operationId: 'personalData',
  method: 'get',
  path: '/me/personal-data',
  tag,
  access: 'signedIn',
  summary: 'Everything held about you, as one JSON file (a download)',
  responses: { 200: jsonAnswer(personalDataResponse, 'Your data.') },
});

export const personalDataZipRoute = apiRoute({
  operationId: 'personalDataZip',
  method: 'get',
  path: '/me/personal-data.zip',
  tag,
  access: 'signedIn',
  summary: "The same JSON file in a zip, with your certificates' PDFs and signed credentials",
  responses: {
    200: { description: 'The zip.', content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } } },
  },
});

export const erasureResponse = z.object({ accountId: z.string(), erasedAt: z.string() }).meta({ id: 'Erasure' });

export const eraseUserRoute = apiRoute({
  operationId: 'eraseUser',
  method: 'post',
  path: '/users/{id}/erasure',
  tag: 'Users',
  access: 'admin',
  summary: "Erase an account's personal data now (cannot be undone); its certificates stay verifiable",
  description:
    'Email, name, password, sign-in history, sessions, tokens and links, throttle keys, the addresses in the audit log and the outbox are removed or replaced; the account leaves every count and every link (rule 26a). See docs/privacy.md.',
  request: { params: idParam },
  responses: { 200: jsonAnswer(erasureResponse, 'Erased.') },
  errors: [404, 409],
});

const attachment = (name: string) => ({
  'content-disposition': `attachment; filename="${name}"`,
  'cache-control': 'no-store',
});

export const peopleApi = (deps: PeopleDeps) =>
  createApi()
    .openapi(personalDataRoute, async (c) => {
      const data = await personalData(deps, principalOf(c).account.id);
      return c.json(data, 200, attachment(downloadName(data.exportedAt, 'json')));
    })
    .openapi(personalDataZipRoute, async (c) => {
      const zip = await personalDataZip(deps, principalOf(c).account.id);
      return c.body(zip as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'application/zip',
        ...attachment(downloadName(deps.clock().toISOString(), 'zip')),
      });
    })
    .openapi(eraseUserRoute, async (c) => c.json(await eraseAccount(deps, actorOf(c), c.req.valid('param').id), 200));
