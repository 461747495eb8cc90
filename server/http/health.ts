// GET /healthz: the process answers, and its database answers and takes a write (on SQLite, with room on its disk).
// A load balancer takes an instance out of rotation on 503.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import type { AppEnv } from './env.ts';
import { databaseUnavailable, storageFull } from './errors.ts';
import { apiRoute, jsonAnswer } from './routes.ts';

export const healthRoute = apiRoute({
  operationId: 'health',
  method: 'get',
  path: '/healthz',
  tag: 'System',
  access: 'public',
  summary: 'Liveness and database check (the database answers and can be written)',
  description:
    "A 503 takes the instance out of a load balancer's rotation: `database_unavailable` (no answer) or " +
    '`storage_full` (it answers but cannot store anything). The log says why.',
  responses: {
    200: jsonAnswer(
      z.object({ status: z.literal('ok'), database: z.literal('ok') }),
      'The server and its database answer, and the database takes a write.',
    ),
  },
  errors: [503],
});

export const addHealth = (app: OpenAPIHono<AppEnv>, deps: Deps) =>
  app.openapi(healthRoute, async (c) => {
    const checked = await deps.health.check();
    if (checked.ok) return c.json({ status: 'ok' as const, database: 'ok' as const }, 200);
    deps.health.failed(checked.kind, new Error(checked.reason));
    throw checked.kind === 'storage_full' ? storageFull() : databaseUnavailable();
  });
