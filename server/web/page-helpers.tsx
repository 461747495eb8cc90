import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { VNode } from 'preact';
import { type Access, decideAccess } from '../auth/principal.ts';
import type { AppEnv } from '../http/env.ts';
import { forbidden } from '../http/errors.ts';
import { I18nContext, i18nOf } from '../i18n/request.ts';
import { renderPage } from './layout.tsx';

/** A page in the request's language (components read it with `useI18n()`). */
export const html = (
  c: Context<AppEnv>,
  page: VNode,
  status: 200 | 201 | 400 | 401 | 403 | 404 | 409 | 413 | 429 = 200,
) => c.html(renderPage(<I18nContext.Provider value={i18nOf(c)}>{page}</I18nContext.Provider>), status);

/** Page guard: anonymous visitors go to the sign-in page; signed-in callers without the right role get a 403 page. */
export const requirePage = (access: Access): MiddlewareHandler<AppEnv> =>
  createMiddleware<AppEnv>(async (c, next) => {
    const decision = decideAccess(c.get('principal'), access);
    if (decision === 'unauthenticated') return c.redirect('/sign-in', 303);
    if (decision === 'forbidden') throw forbidden();
    await next();
  });
