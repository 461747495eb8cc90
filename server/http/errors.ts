import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import {
  type I18n,
  i18nFor,
  isMessageKey,
  localise,
  type Message,
  type MessageKey,
  message,
  showsTime as messageShowsTime,
} from '../i18n/messages.ts';

/** Field path -> what to fix, as the person reads it (pages and the JSON API's `error.fields`). */
export type FieldErrors = Record<string, string>;
/** Field path -> what to fix, before the reader's language is known. */
export type FieldMessages = Record<string, Message>;

/**
 * What an error says: a catalog message, a catalog key, or English text from code that has no key for it yet (shown
 * as written to English readers; others read the catalog's message for the error code or kind of problem).
 */
export type ErrorText = Message | MessageKey | (string & {});

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

/** The catalog's message for an error code (`errors.email_taken`), else for its status, else a general one. */
function keyForCode(code: string, status: number): MessageKey {
  for (const candidate of [`errors.${code}`, `errors.${CODES[status] ?? ''}`]) {
    if (isMessageKey(candidate)) return candidate;
  }
  return 'errors.error';
}

/** A field message for a zod issue code (`fields.too_big`), else a general one. */
function keyForIssue(issueCode: string): MessageKey {
  const candidate = `fields.${issueCode}`;
  return isMessageKey(candidate) ? candidate : 'fields.invalid';
}

function toMessage(text: ErrorText, fallback: MessageKey): Message {
  if (typeof text !== 'string') return text;
  return isMessageKey(text) ? { key: text } : { key: fallback, english: text };
}

const ENGLISH_UTC = i18nFor('en');

/** An expected failure with a stable machine code; rendered as {"error": {code, message, fields}}. */
export class ApiError extends HTTPException {
  readonly text: Message;
  readonly fields: FieldMessages | undefined;

  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    text: ErrorText,
    fields?: Record<string, ErrorText>,
    readonly headers?: Record<string, string>,
  ) {
    const said = toMessage(text, keyForCode(code, status));
    // The English text stays the exception's message, for logs and stack traces.
    super(status, { message: localise(said, ENGLISH_UTC) });
    this.text = said;
    this.fields = fields
      ? Object.fromEntries(Object.entries(fields).map(([path, m]) => [path, toMessage(m, 'fields.invalid')]))
      : undefined;
  }

  /** Whether its words depend on the reader's time zone (most do not: then no setting needs reading). */
  get showsTime(): boolean {
    return messageShowsTime(this.text) || Object.values(this.fields ?? {}).some(messageShowsTime);
  }

  /** The message in the reader's language. */
  messageFor(reader: I18n): string {
    return localise(this.text, reader);
  }

  fieldsFor(reader: I18n): FieldErrors | undefined {
    return this.fields && localiseFields(this.fields, reader);
  }
}

export const localiseFields = (fields: FieldMessages, reader: I18n): FieldErrors =>
  Object.fromEntries(Object.entries(fields).map(([path, m]) => [path, localise(m, reader)]));

export const unauthenticated = () => new ApiError(401, 'unauthenticated', 'errors.unauthenticated');
export const forbidden = () => new ApiError(403, 'forbidden', 'errors.forbidden');
/** `what` names the missing thing: a key (`errors.not_found.account`), or English such as "The certificate". */
export const notFound = (what: ErrorText = 'errors.not_found') =>
  new ApiError(404, 'not_found', typeof what === 'string' && !isMessageKey(what) ? `${what} does not exist.` : what);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new ApiError(429, 'rate_limited', message('errors.rate_limited', { seconds: retryAfterSeconds }), undefined, {
    'Retry-After': String(retryAfterSeconds),
  });

/** The database's disk is full: nothing was saved, and reading still works. */
export const storageFull = () =>
  new ApiError(503, 'storage_full', 'errors.storage_full', undefined, { 'Retry-After': '60' });

/** The database cannot be reached (restarting, stopped, unreachable). */
export const databaseUnavailable = () =>
  new ApiError(503, 'database_unavailable', 'errors.database_unavailable', undefined, { 'Retry-After': '5' });

/** The values an issue's message may use: `{field}`, `{maximum}`, `{minimum}`, `{origin}`, `{options}`, `{keys}`. */
function issueValues(issue: z.core.$ZodIssue): NonNullable<Message['values']> {
  const values: NonNullable<Message['values']> = { field: String(issue.path.at(-1) ?? '') };
  if ('maximum' in issue) values.maximum = Number(issue.maximum);
  if ('minimum' in issue) values.minimum = Number(issue.minimum);
  if ('origin' in issue) values.origin = String(issue.origin);
  if ('values' in issue) values.options = issue.values.map(String).join(', ');
  if ('keys' in issue) values.keys = issue.keys.join(', ');
  return values;
}

/**
 * Schemas give catalog keys as their messages (`z.email({ error: 'fields.email' })`); a message that is not a key
 * (zod's own, or another area's English) keeps its words for English readers and reads as its kind of problem in
 * other languages.
 */
export function issueMessage(issue: z.core.$ZodIssue): Message {
  const values = issueValues(issue);
  return isMessageKey(issue.message)
    ? { key: issue.message, values }
    : { key: keyForIssue(issue.code), values, english: issue.message };
}

export function fieldErrorsFrom(error: { issues: readonly z.core.$ZodIssue[] }): FieldMessages {
  const fields: FieldMessages = {};
  for (const issue of error.issues) fields[issue.path.map(String).join('.') || '(body)'] ??= issueMessage(issue);
  return fields;
}

/** The first problem of a failed parse as one sentence (English unless a reader is given): what the CLI prints. */
export function firstProblem(error: { issues: readonly z.core.$ZodIssue[] }, reader: I18n = ENGLISH_UTC): string {
  const first = Object.values(fieldErrorsFrom(error))[0];
  return first ? localise(first, reader) : '';
}

export const validationFailed = (fields: Record<string, ErrorText>) =>
  new ApiError(
    400,
    'validation_failed',
    message('errors.validation_failed', { fields: Object.keys(fields).join(', ') }),
    fields,
  );

export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldErrors };
}

/** The one error shape, in the reader's language. */
export function errorBody(
  err: HTTPException,
  reader: I18n,
): {
  status: ContentfulStatusCode;
  body: ErrorBody;
  headers: Record<string, string>;
} {
  if (err instanceof ApiError) {
    const fields = err.fieldsFor(reader);
    return {
      status: err.status,
      body: { error: { code: err.code, message: err.messageFor(reader), ...(fields ? { fields } : {}) } },
      headers: err.headers ?? {},
    };
  }
  const status = err.status as ContentfulStatusCode;
  const code = CODES[status] ?? 'error';
  const said = toMessage(err.message || 'errors.error', keyForCode(code, status));
  return { status, body: { error: { code, message: localise(said, reader) } }, headers: {} };
}

/**
 * A request body that could not be read at all (a multipart body without its boundary, cut short, or not multipart):
 * the client's mistake, so a 400 that says what to send, not a 500. Hono hands on the runtime's TypeError.
 */
export function unreadableBody(error: unknown): ApiError | undefined {
  if (!(error instanceof TypeError) || !/^Failed to parse body as FormData/.test(error.message)) return undefined;
  return new ApiError(400, 'malformed_body', 'errors.malformed_body');
}
