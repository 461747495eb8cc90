import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { actorOf } from '../http/auth.ts';
import { apiRoute, createApi, jsonAnswer } from '../http/routes.ts';
import { pageOf, pageQuery, statusResponse } from '../http/schemas.ts';
import { MAIL_STATUSES } from '../mail/tables.ts';
import { listAuditEvents, listOutbox } from './queries.ts';
import { sendMailAgain } from './send-again.ts';

export const auditEventView = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor: z.object({ id: z.string().nullable(), email: z.string().nullable() }),
    action: z.string(),
    targetAccountId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    ip: z.string(),
  })
  .meta({ id: 'AuditEvent' });

export const outboxMail = z
  .object({
    id: z.number().int(),
    createdAt: z.string(),
    to: z.string(),
    subject: z.string(),
    body: z.string(),
    status: z
      .enum(MAIL_STATUSES)
      .describe('`held` (no SMTP server), `queued` (waiting or retrying), `sent`, or `failed` after its last retry.'),
    attempts: z.number().int().describe('Deliveries tried so far.'),
    nextAttemptAt: z.string().nullable().describe('When a queued mail is tried next.'),
    lastError: z.string().nullable().describe('Why the last delivery failed.'),
    sentAt: z.string().nullable(),
  })
  .meta({ id: 'OutboxMail' });

const mailIdParam = z.object({ id: z.coerce.number().int().positive().describe('The mail id.') });

const tag = 'Audit';

export const auditRoute = apiRoute({
  operationId: 'audit',
  method: 'get',
  path: '/audit',
  tag,
  access: 'staffRead',
  summary: 'Audit log, newest first',
  request: { query: pageQuery },
  responses: { 200: jsonAnswer(pageOf(auditEventView), 'One page of events.') },
});

export const outboxRoute = apiRoute({
  operationId: 'outbox',
  method: 'get',
  path: '/outbox',
  tag,
  access: 'admin',
  summary: 'Every mail the server sends, with how its delivery went (or the mail kept without an SMTP server)',
  request: { query: pageQuery },
  responses: { 200: jsonAnswer(pageOf(outboxMail), 'One page of mail, newest first.') },
});

export const resendMailRoute = apiRoute({
  operationId: 'resendMail',
  method: 'post',
  path: '/outbox/{id}/resend',
  tag,
  access: 'admin',
  summary: 'Send a mail whose delivery failed again (its retries start over)',
  request: { params: mailIdParam },
  responses: { 202: jsonAnswer(statusResponse, 'Queued again.') },
  errors: [404, 409],
});

export const auditApi = (deps: Deps) =>
  createApi()
    .openapi(auditRoute, async (c) => c.json(await listAuditEvents(deps.db, c.req.valid('query')), 200))
    .openapi(outboxRoute, async (c) => c.json(await listOutbox(deps.db, c.req.valid('query')), 200))
    .openapi(resendMailRoute, async (c) => {
      await sendMailAgain(deps, actorOf(c), c.req.valid('param').id);
      return c.json({ status: 'queued' }, 202);
    });
