import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { apiRoute, createApi, jsonAnswer } from '../http/routes.ts';
import { pageOf, pageQuery } from '../http/schemas.ts';
import { listAuditEvents, listOutbox } from './queries.ts';

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
  .object({ id: z.number().int(), createdAt: z.string(), to: z.string(), subject: z.string(), body: z.string() })
  .meta({ id: 'OutboxMail' });

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
  summary: 'Mail kept in the outbox when no SMTP server is configured',
  request: { query: pageQuery },
  responses: { 200: jsonAnswer(pageOf(outboxMail), 'One page of mail, newest first.') },
});

export const auditApi = (deps: Deps) =>
  createApi()
    .openapi(auditRoute, async (c) => c.json(await listAuditEvents(deps.db, c.req.valid('query')), 200))
    .openapi(outboxRoute, async (c) => c.json(await listOutbox(deps.db, c.req.valid('query')), 200));
