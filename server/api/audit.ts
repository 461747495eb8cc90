import { Hono } from 'hono';
import { listAuditEvents, listOutbox } from '../audit/queries.ts';
import { guard } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { validate } from '../http/validation.ts';
import { API_ROUTES as R } from './routes.ts';

export const auditApi = new Hono<AppEnv>()
  .get('/audit', guard(R.audit.access), validate('query', R.audit.query), async (c) => {
    return c.json(await listAuditEvents(c.get('deps').db, c.req.valid('query')), 200);
  })
  .get('/outbox', guard(R.outbox.access), validate('query', R.outbox.query), async (c) => {
    return c.json(await listOutbox(c.get('deps').db, c.req.valid('query')), 200);
  });
