// Reading forms at the edge: zod schemas give the same field messages as the API's; an expected failure is shown on
// the page the form came from, in the reader's language.
import type { Context } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from '../http/env.ts';
import { ApiError, type FieldErrors, fieldErrorsFrom, localiseFields, validationFailed } from '../http/errors.ts';
import { i18nOf } from '../i18n/request.ts';

export type FormResult<T> =
  | { ok: true; data: T; values: Record<string, string> }
  | { ok: false; values: Record<string, string>; errors: FieldErrors };

/** A form shown again after it failed: what was typed, each failing field's message, and the form's own message. */
export interface FormState {
  /** Which form of the page failed (a page may hold several whose fields share names). */
  form: string;
  values: Record<string, string>;
  errors: FieldErrors;
  message?: string | undefined;
}

const kept = new WeakMap<Request, FormState>();

/** Keeps a failed form for the page this request answers with (`html()` hands it to the page's `Form`). */
export function keepForm(c: Context<AppEnv>, state: FormState): void {
  kept.set(c.req.raw, state);
}

export const keptForm = (c: Context<AppEnv>): FormState | undefined => kept.get(c.req.raw);

/** Parses an urlencoded/multipart form with a zod schema; empty strings count as "not given". */
export async function readForm<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<FormResult<z.output<S>>> {
  const body = await c.req.parseBody();
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') values[key] = value;
  const input = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data, values };
  return { ok: false, values, errors: localiseFields(fieldErrorsFrom(parsed.error), await i18nOf(c)) };
}

/** Expected service failures shown on the form (with Retry-After kept for 429); anything else propagates. */
export async function formFailure(
  c: Context<AppEnv>,
  error: unknown,
): Promise<{ code: string; message: string; fields: FieldErrors; status: 400 | 401 | 403 | 409 | 429 }> {
  if (!(error instanceof ApiError)) throw error;
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
  const status = ([400, 401, 403, 409, 429] as const).find((s) => s === error.status) ?? 400;
  const reader = await i18nOf(c);
  return { code: error.code, message: error.messageFor(reader), fields: error.fieldsFor(reader) ?? {}, status };
}

/** The form's text fields, trimmed. */
export async function formValues(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') values[key] = value.trim();
  return values;
}

/** zod at the form's edge: a failure becomes the same field messages as the API's. */
export function checked<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationFailed(fieldErrorsFrom(parsed.error));
  return parsed.data;
}

/** The status a page shown again after its form failed answers with. */
export type FailedStatus = 400 | 401 | 403 | 409 | 429;

/** Secrets are never typed back into a page. */
const SECRET_FIELDS = new Set(['password', 'currentPassword', 'newPassword']);

/**
 * Runs a form's action. On an expected failure the form is kept for the page shown again (what was typed, each
 * field's message next to it, the form's message above it) and the status to show it with is returned.
 */
export async function submitForm<T>(
  c: Context<AppEnv>,
  form: string,
  values: Record<string, string>,
  action: () => Promise<T>,
): Promise<{ ok: true; result: T } | { ok: false; status: FailedStatus }> {
  try {
    return { ok: true, result: await action() };
  } catch (error) {
    const failure = await formFailure(c, error);
    keepFailedForm(c, form, values, failure.fields, failure.code === 'validation_failed' ? undefined : failure.message);
    return { ok: false, status: failure.status };
  }
}

/** Keeps a form that failed, without its secrets; field messages get a message above the form that points to them. */
export function keepFailedForm(
  c: Context<AppEnv>,
  form: string,
  values: Record<string, string>,
  errors: FieldErrors,
  message?: string,
): void {
  const typed = Object.fromEntries(Object.entries(values).filter(([name]) => !SECRET_FIELDS.has(name)));
  keepForm(c, { form, values: typed, errors, message });
}
