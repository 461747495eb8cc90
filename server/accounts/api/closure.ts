// Closing one's own account through the API (rule 26a): the same service as the /my/close page.
import { z } from 'zod';
import { actorOf, clearDeviceCookie, clearSessionCookie, principalOf } from '../../http/auth.ts';
import { apiRoute, createApi, jsonAnswer, jsonBody } from '../../http/routes.ts';
import { i18nOf } from '../../i18n/request.ts';
import { closeOwnAccount } from '../closing.ts';
import type { AccountsDeps } from '../context.ts';

export const closureBody = z.strictObject({
  password: z.string({ error: 'Enter your password to confirm.' }).min(1, 'Enter your password to confirm.').max(1024),
});

export const closureResponse = z
  .object({
    status: z.literal('closed'),
    closedAt: z.string(),
    erasureOn: z.string().describe("The day the account's personal data is erased (the organisation's policy)."),
    attemptsFinalised: z.number().int().describe('Attempts that were in progress and were submitted first.'),
  })
  .meta({ id: 'AccountClosure' });

export const closeAccountRoute = apiRoute({
  operationId: 'closeOwnAccount',
  method: 'post',
  path: '/me/closure',
  tag: 'Session',
  access: 'signedIn',
  summary:
    'Close your own (candidate) account: attempts in progress are submitted, sign-in ends for good, certificates stay verifiable',
  description:
    'Counts as deactivated at once (rule 26a); every session and token ends; a confirmation is mailed. Cannot be undone.',
  request: { body: jsonBody(closureBody) },
  responses: { 200: jsonAnswer(closureResponse, 'Closed; the session cookie is cleared.') },
  errors: [409, 429],
});

export const closureApi = (deps: AccountsDeps) =>
  createApi().openapi(closeAccountRoute, async (c) => {
    const { account } = principalOf(c);
    const closed = await closeOwnAccount(
      deps,
      { ...actorOf(c), account },
      c.req.valid('json').password,
      await i18nOf(c),
    );
    clearSessionCookie(c);
    clearDeviceCookie(c);
    return c.json({ status: 'closed' as const, ...closed }, 200);
  });
