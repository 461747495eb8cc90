import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

/** An expected failure with a stable machine code; rendered as {"error": {code, message, fields}}. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly fields?: FieldErrors,
    readonly headers?: Record<string, string>,
  ) {
    super(status, { message });
  }
}

export const unauthenticated = () => new ApiError(401, 'unauthenticated', 'Sign in or send a valid access token.');
export const forbidden = () => new ApiError(403, 'forbidden', 'Your role or token scope does not allow this.');
export const notFound = (what = 'The resource') => new ApiError(404, 'not_found', `${what} does not exist.`);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new ApiError(429, 'rate_limited', `Too many attempts. Try again in ${retryAfterSeconds} seconds.`, undefined, {
    'Retry-After': String(retryAfterSeconds),
  });

/** The database's disk is full: nothing was saved, and reading still works. */
export const storageFull = () =>
  new ApiError(
    503,
    'storage_full',
    'Nothing was saved: the server’s disk is full. Try again later; pages that only read still work.',
    undefined,
    { 'Retry-After': '60' },
  );

/** The database cannot be reached (restarting, stopped, unreachable). */
export const databaseUnavailable = () =>
  new ApiError(
    503,
    'database_unavailable',
    'The database cannot be reached right now; nothing was changed. Try again in a few seconds.',
    undefined,
    { 'Retry-After': '5' },
  );

export function fieldErrorsFrom(error: { issues: readonly z.core.$ZodIssue[] }): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.') || '(body)';
    fields[path] ??= issue.message;
  }
  return fields;
}

export const validationFailed = (fields: FieldErrors) =>
  new ApiError(400, 'validation_failed', `Fix these fields: ${Object.keys(fields).join(', ')}.`, fields);

export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldErrors };
}

const CODES: Partial<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

export function errorBody(err: HTTPException): {
  status: ContentfulStatusCode;
  body: ErrorBody;
  headers: Record<string, string>;
} {
  if (err instanceof ApiError) {
    return {
      status: err.status,
      body: { error: { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) } },
      headers: err.headers ?? {},
    };
  }
  const status = err.status as ContentfulStatusCode;
  return {
    status,
    body: { error: { code: CODES[status] ?? 'error', message: err.message || 'The request could not be processed.' } },
    headers: {},
  };
}

/**
 * A request body that could not be read at all (a multipart body without its boundary, cut short, or not multipart):
 * the client's mistake, so a 400 that says what to send, not a 500. Hono hands on the runtime's TypeError.
 */
export function unreadableBody(error: unknown): ApiError | undefined {
  if (!(error instanceof TypeError) || !/^Failed to parse body as FormData/.test(error.message)) return undefined;
  return new ApiError(
    400,
    'malformed_body',
    'The form could not be read: send it as application/x-www-form-urlencoded, or as multipart/form-data with the boundary its Content-Type names.',
  );
}
