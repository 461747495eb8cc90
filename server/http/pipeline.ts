import type { Context, MiddlewareHandler, Next } from 'hono';
import type { Deps } from '../deps.ts';
import { resolvePrincipal } from './auth.ts';
import { declaresOwnLimit, limitBody } from './body-limit.ts';
import type { AppEnv } from './env.ts';
import { noteRoute } from './observe.ts';
import { clientIp, refuseCrossSite, securityHeadersFor } from './security.ts';

/**
 * What every request goes through before its route, as one middleware: the route it matched (for the request log and
 * metrics), security headers (when the Node layer has not set them), the request's deps and client address, the cross-site guard and the body limit for methods with a
 * body, and the principal. One plain function rather than five async middlewares, and no await when nothing is
 * pending: on an authenticated GET, those layers cost more than the work they wrapped (docs/server.md, benchmarks).
 */
export function requestPipeline(deps: Deps, cookieName: string): MiddlewareHandler<AppEnv> {
  const { config } = deps;
  const headersFor = securityHeadersFor(config);
  const limitDefault = limitBody(config.bodyLimitBytes);

  const withPrincipal = (c: Context<AppEnv>, next: Next) => {
    const principal = resolvePrincipal(c, deps, cookieName);
    if (principal instanceof Promise) {
      return principal.then((resolved) => {
        c.set('principal', resolved);
        return next();
      });
    }
    c.set('principal', principal);
    return next();
  };

  const guarded = (c: Context<AppEnv>, next: Next) => {
    const method = c.req.method;
    // Only bodies need a limit; skipping GET/HEAD keeps the adapter's lightweight request (no Request materialised).
    if (method === 'GET' || method === 'HEAD') return withPrincipal(c, next);
    refuseCrossSite(c, config, cookieName);
    // A route that takes more (an import, an exam document) declares its own limit (server/http/body-limit.ts).
    if (declaresOwnLimit(c)) return withPrincipal(c, next);
    return limitDefault(c, () => withPrincipal(c, next));
  };

  return (c, next) => {
    noteRoute(c);
    c.set('deps', deps);
    c.set('clientIp', clientIp(c, config.trustProxy));
    const headers = headersFor(c);
    if (!headers) return guarded(c, next);
    return headers(c, async () => {
      await guarded(c, next);
    });
  };
}
