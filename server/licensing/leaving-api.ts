// The licence portal's figures on people who left (rule 26a) and the organisation's erasure policy.
import { z } from 'zod';
import { actorOf } from '../http/auth.ts';
import { apiRoute, createApi, jsonAnswer, jsonBody } from '../http/routes.ts';
import type { LicensingDeps } from './context.ts';
import { leavingFigures, MAX_ERASURE_DAYS, saveErasureDays } from './leaving.ts';

const days = `Use a whole number of days from 0 to ${MAX_ERASURE_DAYS}.`;

export const erasurePolicyBody = z.strictObject({
  closedAccountsAfterDays: z
    .number({ error: days })
    .int(days)
    .min(0, days)
    .max(MAX_ERASURE_DAYS, days)
    .describe("Days after closing before a closed account's personal data is erased; 0: at the next daily run."),
});

export const erasurePolicyResponse = z
  .object({ closedAccountsAfterDays: z.number().int() })
  .meta({ id: 'ErasurePolicy' });

export const leavingResponse = z
  .object({
    asOf: z.string(),
    months: z
      .array(
        z.object({
          month: z.string().describe('YYYY-MM'),
          closed: z.number().int().describe('Accounts their owners closed that month.'),
          seatsFreed: z.number().int().describe('Of those, the ones whose person no longer counts at all.'),
          erased: z.number().int().describe('Accounts whose personal data was erased that month.'),
        }),
      )
      .describe('This month first, then the eleven before it.'),
    awaitingErasure: z.number().int(),
    erasureDays: z.number().int(),
  })
  .meta({ id: 'LeavingFigures' });

export const leavingRoute = apiRoute({
  operationId: 'licenceLeaving',
  method: 'get',
  path: '/licence/leaving',
  tag: 'Licence',
  access: 'staffRead',
  summary: 'People who left: accounts closed by their owners, seats freed, erasures, month by month (rule 26a)',
  responses: { 200: jsonAnswer(leavingResponse, 'The figures.') },
});

export const erasurePolicyRoute = apiRoute({
  operationId: 'setErasurePolicy',
  method: 'put',
  path: '/licence/erasure-policy',
  tag: 'Licence',
  access: 'admin',
  summary: "After how many days a closed account's personal data is erased (default 30)",
  request: { body: jsonBody(erasurePolicyBody) },
  responses: { 200: jsonAnswer(erasurePolicyResponse, 'Saved.') },
});

export const leavingFiguresApi = (deps: LicensingDeps) =>
  createApi()
    .openapi(leavingRoute, async (c) => c.json(await leavingFigures(deps), 200))
    .openapi(erasurePolicyRoute, async (c) => {
      const saved = await saveErasureDays(deps, actorOf(c), c.req.valid('json').closedAccountsAfterDays);
      return c.json({ closedAccountsAfterDays: saved }, 200);
    });
