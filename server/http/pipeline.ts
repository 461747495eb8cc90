import type { Context, MiddlewareHandler, Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Deps } from '../deps.ts';
import { LARGE_BODY_PATH } from '../licensing/import.ts';
import { resolvePrincipal } from './auth.ts';
import type { AppEnv } from './env.ts';
import { ApiError } from './errors.ts';
import { clientIp, refuseCrossSite, securityHeadersFor } from './security.ts';

/**
 * What every request goes through before its route, as one middleware: security headers (when the Node layer has
 * not set them), the request's deps and client address, the cross-site guard and the body limit for methods with a
 * body, and the principal. One plain function rather than five async middlewares, and no await when nothing is
 * pending: on an authenticated GET, those layers cost more than the work they wrapped (docs/server.md, benchmarks).
 */
export function requestPipeline(deps: Deps, cookieName: string): MiddlewareHandler<AppEnv> {
  const { config } = deps;
  const headersFor = securityHeadersFor(config);
  const tooLarge = () => new ApiError(413, 'payload_too_large', `Send at most ${config.bodyLimitBytes} bytes.`);
  const limitBody = bodyLimit({
    maxSize: config.bodyLimitBytes,
    onError: () => {
      throw tooLarge();
    },
  });

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
    // Imports set their own, larger limit (server/licensing/import.ts).
    if (method === 'GET' || method === 'HEAD') return withPrincipal(c, next);
    refuseCrossSite(c, config, cookieName);
    if (LARGE_BODY_PATH.test(c.req.path)) return withPrincipal(c, next);
    // With a Content-Length (and no chunking) Node's parser already holds the body to that length, so the header
    // decides; hono's bodyLimit would first turn the request into a full web Request to look at its stream.
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(length) > config.bodyLimitBytes) throw tooLarge();
      return withPrincipal(c, next);
    }
    return limitBody(c, () => withPrincipal(c, next));
  };

  return (c, next) => {
    c.set('deps', deps);
    c.set('clientIp', clientIp(c, config.trustProxy));
    const headers = headersFor(c);
    if (!headers) return guarded(c, next);
    return headers(c, async () => {
      await guarded(c, next);
    });
  };
}
