import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { VNode } from 'preact';
import type { z } from 'zod';
import { type Access, decideAccess } from '../auth/principal.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError, type FieldErrors, fieldErrorsFrom, forbidden } from '../http/errors.ts';
import { renderPage } from './layout.tsx';

export const html = (c: Context<AppEnv>, page: VNode, status: 200 | 201 | 400 | 401 | 403 | 404 | 409 | 429 = 200) =>
  c.html(renderPage(page), status);

/** Page guard: anonymous visitors go to the sign-in page; signed-in callers without the right role get a 403 page. */
export const requirePage = (access: Access): MiddlewareHandler<AppEnv> =>
  createMiddleware<AppEnv>(async (c, next) => {
    const decision = decideAccess(c.get('principal'), access);
    if (decision === 'unauthenticated') return c.redirect('/sign-in', 303);
    if (decision === 'forbidden') throw forbidden();
    await next();
  });

export type FormResult<T> = { ok: true; data: T } | { ok: false; values: Record<string, string>; errors: FieldErrors };

/** Parses an urlencoded/multipart form with a zod schema; empty strings count as "not given". */
export async function readForm<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<FormResult<z.output<S>>> {
  const body = await c.req.parseBody();
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') values[key] = value;
  const input = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, values, errors: fieldErrorsFrom(parsed.error) };
}

/** Expected service failures shown on the form (with Retry-After kept for 429); anything else propagates. */
export function formFailure(
  c: Context<AppEnv>,
  error: unknown,
): { code: string; message: string; fields: FieldErrors; status: 400 | 401 | 403 | 409 | 429 } {
  if (!(error instanceof ApiError)) throw error;
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
  const status = ([400, 401, 403, 409, 429] as const).find((s) => s === error.status) ?? 400;
  return { code: error.code, message: error.message, fields: error.fields ?? {}, status };
}
