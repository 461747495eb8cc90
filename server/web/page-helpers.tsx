import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { VNode } from 'preact';
import { type Access, decideAccess } from '../auth/principal.ts';
import type { AppEnv } from '../http/env.ts';
import { forbidden } from '../http/errors.ts';
import { I18nContext, i18nOf } from '../i18n/request.ts';
import { takeFlash } from './flash.ts';
import { keptForm } from './forms.ts';
import { FlashContext, KeptFormContext, renderPage } from './layout.tsx';
import { PagePathContext } from './page-path.ts';
import { signInPathFor } from './return-path.ts';

/** The path and query of a GET request (a form's answer goes back to the page the form is on). */
function pagePath(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  return c.req.method === 'GET' ? `${url.pathname}${url.search}` : url.pathname;
}

/**
 * A page in the request's language and time zone (components read them with `useI18n()`), with the failed form this
 * request keeps and the flash the last successful form left.
 */
export async function html(c: Context<AppEnv>, page: VNode, status: ContentfulStatusCode = 200) {
  const flash = takeFlash(c);
  // A flash may carry a secret shown once (a new access token): no cache keeps the page.
  if (flash?.secret) c.header('Cache-Control', 'no-store');
  return c.html(
    renderPage(
      <I18nContext.Provider value={await i18nOf(c)}>
        <PagePathContext.Provider value={pagePath(c)}>
          <FlashContext.Provider value={flash}>
            <KeptFormContext.Provider value={keptForm(c)}>{page}</KeptFormContext.Provider>
          </FlashContext.Provider>
        </PagePathContext.Provider>
      </I18nContext.Provider>,
    ),
    status,
  );
}

/** Page guard: anonymous visitors go to the sign-in page (which brings them back here); signed-in callers without the right role get a 403 page. */
export const requirePage = (access: Access): MiddlewareHandler<AppEnv> =>
  createMiddleware<AppEnv>(async (c, next) => {
    const decision = decideAccess(c.get('principal'), access);
    if (decision === 'unauthenticated')
      return c.redirect(signInPathFor(c.req.method === 'GET' ? pagePath(c) : undefined), 303);
    if (decision === 'forbidden') throw forbidden();
    await next();
  });
