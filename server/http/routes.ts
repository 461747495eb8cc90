// Each API route is declared once: path, method, request and response schemas, who may call it, its summary. From
// that one declaration come the OpenAPI document (server/http/openapi.ts), the access check (the `guard` middleware
// it carries) and the permission matrix (server/http/permissions.ts, read back from the document).
import { createRoute, OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { Context, TypedResponse } from 'hono';
import type { z } from 'zod';
import { ACCESS_DESCRIPTIONS, type Access } from '../auth/principal.ts';
import { guard } from './auth.ts';
import { largeBody } from './body-limit.ts';
import type { AppEnv } from './env.ts';
import { fieldErrorsFrom, validationFailed } from './errors.ts';
import { errorResponse } from './schemas.ts';

/** Error answers a route may give besides those its access level implies (401/403, 400 with a body, 429). */
export type ErrorStatus = 400 | 404 | 409 | 413 | 415 | 429 | 503;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Validation failed: `error.fields` names each field and what to fix.',
  401: 'No valid session or token.',
  403: 'The role or token scope does not allow this, or a cross-site request.',
  404: 'Not found (or not yours).',
  409: 'Conflicts with the current state; the message says which.',
  413: 'The body is larger than this route accepts.',
  415: 'The body is not of a type this route reads.',
  429: 'Too many attempts; see the Retry-After header.',
  503: 'Not available right now; see the Retry-After header.',
};

const errorContent = { 'application/json': { schema: errorResponse } } as const;

export interface ApiRouteSpec extends Omit<RouteConfig, 'tags' | 'security' | 'middleware' | 'operationId'> {
  /** Stable and unique: generated clients name their functions after it; the permission matrix is keyed by it. */
  operationId: string;
  tag: string;
  access: Access;
  /** Error statuses beyond those implied by the access level and the request schemas. */
  errors?: readonly ErrorStatus[];
  /** A body limit above BODY_LIMIT_BYTES, for the few routes that take large documents. */
  bodyLimit?: number;
}

function errorStatuses(spec: ApiRouteSpec): number[] {
  const statuses = new Set<number>(spec.errors ?? []);
  if (spec.request?.body || spec.request?.query || spec.request?.params) statuses.add(400);
  if (spec.access !== 'public') {
    statuses.add(401);
    if (spec.access !== 'signedIn') statuses.add(403);
  }
  // Every state change is refused when it comes from another site (server/http/security.ts).
  if (spec.method !== 'get') statuses.add(403);
  if (spec.request?.body) statuses.add(413);
  return [...statuses].sort();
}

/** A route declaration: `createRoute` plus the access guard, its description and the error answers it can give. */
export function apiRoute<const S extends ApiRouteSpec>(spec: S) {
  const { tag, access, errors: _errors, bodyLimit, ...config } = spec;
  const errors = Object.fromEntries(
    errorStatuses(spec).map((status) => [
      status,
      { description: ERROR_DESCRIPTIONS[status] ?? 'Error.', content: errorContent },
    ]),
  );
  return createRoute({
    ...config,
    tags: [tag],
    description: [config.description, `Access: ${ACCESS_DESCRIPTIONS[access]}.`].filter(Boolean).join('\n\n'),
    ...(access === 'public' ? { security: [] } : {}),
    'x-access': access,
    middleware: bodyLimit === undefined ? guard(access) : [guard(access), largeBody(bodyLimit)],
    responses: { ...errors, ...config.responses },
  });
}

/** A JSON request body, required: a request without one (or of another type) fails validation with a 400. */
export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  required: true,
  ...(description ? { description } : {}),
  content: { 'application/json': { schema } },
});

/** A JSON answer for a success status. */
export const jsonAnswer = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A sub-app whose routes answer a failed validation with the one error shape, naming each field. */
export function createApi() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationFailed(fieldErrorsFrom(result.error));
    },
  });
}

export type ApiApp = ReturnType<typeof createApi>;

/** A 204 answer, typed as the route declarations expect a response without content. */
// biome-ignore lint/complexity/noBannedTypes: the type @hono/zod-openapi gives a response declared without content.
export const noContent = (c: Context) => c.body(null, 204) as unknown as Response & TypedResponse<{}, 204, string>;
