import { z } from 'zod';
import { ACCESS_DESCRIPTIONS } from '../auth/principal.ts';
import { sessionCookieName } from '../auth/sessions.ts';
import type { Config } from '../config.ts';
import { API_ROUTES, type RouteSpec } from './routes.ts';
import { errorResponse } from './schemas.ts';

type JsonObject = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as JsonObject;

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'Validation failed: `error.fields` names each field and what to fix.',
  '401': 'No valid session or token.',
  '403': 'Role or token scope does not allow this, or a cross-site request.',
  '429': 'Too many attempts; see the Retry-After header.',
};

function operation(route: RouteSpec): JsonObject {
  const parameters: JsonObject[] = [];
  for (const match of route.path.matchAll(/\{(\w+)\}/g)) {
    parameters.push({ name: match[1], in: 'path', required: true, schema: { type: 'string' } });
  }
  if (route.query) {
    const query = jsonSchema(route.query, 'input') as { properties?: Record<string, JsonObject>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
    }
  }
  const error = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return {
    summary: route.summary,
    tags: [route.tag],
    description: `Access: ${ACCESS_DESCRIPTIONS[route.access]}.`,
    ...(route.access === 'public' ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } },
        }
      : {}),
    responses: {
      [String(route.success.status)]: {
        description: route.success.description,
        ...(route.success.schema
          ? { content: { 'application/json': { schema: jsonSchema(route.success.schema, 'output') } } }
          : {}),
      },
      ...Object.fromEntries(
        Object.entries(ERROR_RESPONSES).map(([status, description]) => [status, { description, ...error }]),
      ),
    },
  };
}

export function buildOpenApiDocument(config: Config): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of Object.values(API_ROUTES) as RouteSpec[]) {
    paths[route.path] ??= {};
    (paths[route.path] as JsonObject)[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Seatkeeper API',
      version: '1',
      description:
        'Accounts, sign-in, roles and access tokens. Authenticate with the session cookie (browsers) or `Authorization: Bearer skp_…` (personal access tokens). Cookie-authenticated state-changing requests must be same-origin.',
    },
    servers: [{ url: config.publicUrl }],
    security: [{ sessionCookie: [] }, { bearerToken: [] }],
    paths,
    components: {
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: sessionCookieName(config) },
        bearerToken: { type: 'http', scheme: 'bearer', description: 'Personal access token (skp_…)' },
      },
      schemas: { Error: jsonSchema(errorResponse, 'output') },
    },
  };
}
