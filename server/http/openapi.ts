// The OpenAPI document, generated from the route declarations (server/http/routes.ts) the app registered.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { sessionCookieName } from '../auth/sessions.ts';
import type { Config } from '../config.ts';
import type { AppEnv } from './env.ts';
import { apiRoute, jsonAnswer } from './routes.ts';
import { errorResponse } from './schemas.ts';

export type OpenApiDocument = ReturnType<OpenAPIHono['getOpenAPI31Document']>;
export type OpenApiOperation = {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  'x-access': string;
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown; description?: string }[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }>;
};

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation of the document with its method and path, in document order. */
export function operationsOf(document: OpenApiDocument) {
  const operations: { method: (typeof HTTP_METHODS)[number]; path: string; operation: OpenApiOperation }[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = (item as Record<string, unknown>)[method] as OpenApiOperation | undefined;
      if (operation) operations.push({ method, path, operation });
    }
  }
  return operations;
}

export function buildOpenApiDocument(app: OpenAPIHono<AppEnv>, config: Config): OpenApiDocument {
  app.openAPIRegistry.register('Error', errorResponse);
  app.openAPIRegistry.registerComponent('securitySchemes', 'sessionCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: sessionCookieName(config),
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'Personal access token (skp_…)',
  });
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Seatkeeper API',
      version: '1',
      description:
        'Certification exams, certificates and live end-user licence accounting. Authenticate with the session cookie (browsers) or `Authorization: Bearer skp_…` (personal access tokens). Cookie-authenticated state-changing requests must be same-origin. Every error has the one shape `{"error": {"code", "message", "fields"}}`.',
    },
    servers: [{ url: config.publicUrl }],
    security: [{ sessionCookie: [] }, { bearerToken: [] }],
    tags: [],
  });
}

export const openApiRoute = apiRoute({
  operationId: 'openapi',
  method: 'get',
  path: '/openapi.json',
  tag: 'System',
  access: 'public',
  summary: 'This API description (OpenAPI 3.1)',
  responses: {
    200: jsonAnswer(
      z.object({ openapi: z.string() }).passthrough().meta({ id: 'OpenApiDocument' }),
      'The OpenAPI document.',
    ),
  },
});
