// GET /healthz: the process answers and its database does.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import type { AppEnv } from './env.ts';
import { apiRoute, jsonAnswer } from './routes.ts';

export const healthRoute = apiRoute({
  operationId: 'health',
  method: 'get',
  path: '/healthz',
  tag: 'System',
  access: 'public',
  summary: 'Liveness and database check',
  responses: {
    200: jsonAnswer(
      z.object({ status: z.literal('ok'), database: z.literal('ok') }),
      'The server and its database answer.',
    ),
  },
});

export const addHealth = (app: OpenAPIHono<AppEnv>, deps: Deps) =>
  app.openapi(healthRoute, async (c) => {
    await sql`select 1`.execute(deps.db);
    return c.json({ status: 'ok' as const, database: 'ok' as const }, 200);
  });
