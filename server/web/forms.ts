// Reading forms at the edge: zod schemas give the same field messages as the API's; an expected failure is shown on
// the page the form came from, in the reader's language.
import type { Context } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from '../http/env.ts';
import { ApiError, type FieldErrors, fieldErrorsFrom, localiseFields, validationFailed } from '../http/errors.ts';
import { i18nOf } from '../i18n/request.ts';

export type FormResult<T> = { ok: true; data: T } | { ok: false; values: Record<string, string>; errors: FieldErrors };

/** Parses an urlencoded/multipart form with a zod schema; empty strings count as "not given". */
export async function readForm<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<FormResult<z.output<S>>> {
  const body = await c.req.parseBody();
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') values[key] = value;
  const input = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data };
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

/**
 * Runs an admin form action; an expected failure comes back as the message to show on the page it came from (the
 * fields' messages when it names fields, else its own), in the reader's language.
 */
export async function attempt(c: Context<AppEnv>, action: () => Promise<unknown>): Promise<{ error?: string }> {
  try {
    await action();
    return {};
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const reader = await i18nOf(c);
    const fields = Object.values(error.fieldsFor(reader) ?? {}).join(' ');
    return { error: fields || error.messageFor(reader) };
  }
}
