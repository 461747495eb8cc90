import { Hono } from 'hono';
import { certificatesApi } from '../certificates/api.ts';
import { attemptsApi, examsApi } from '../exams/api.ts';
import type { AppEnv } from '../http/env.ts';
import { licensingApi } from '../licensing/api.ts';
import { extensionApi } from '../web/extension-download.tsx';
import { auditApi } from './audit.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { registrationApi } from './registration.ts';
import { sessionApi } from './session.ts';
import { tokensApi } from './tokens.ts';
import { usersApi } from './users.ts';

/** Everything under /api/v1. */
export function createApi() {
  let openApiDocument: unknown;
  return new Hono<AppEnv>()
    .get('/openapi.json', (c) => {
      openApiDocument ??= buildOpenApiDocument(c.get('deps').config);
      return c.json(openApiDocument as object, 200);
    })
    .route('/', sessionApi)
    .route('/', registrationApi)
    .route('/users', usersApi)
    .route('/tokens', tokensApi)
    .route('/', auditApi)
    .route('/exams', examsApi)
    .route('/', attemptsApi)
    .route('/', certificatesApi)
    .route('/', licensingApi)
    .route('/extension', extensionApi);
}
