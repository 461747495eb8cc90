// Request body limits. Every request with a body is held to BODY_LIMIT_BYTES by the pipeline, except on a route that
// declares a larger limit of its own with `largeBody` (an import, an exam document): the pipeline sees the marker among
// the matched handlers and leaves the limit to the route.
import type { Context, MiddlewareHandler, Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { message } from '../i18n/messages.ts';
import type { AppEnv } from './env.ts';
import { ApiError } from './errors.ts';

const tooLarge = (maxBytes: number) =>
  new ApiError(413, 'payload_too_large', message('errors.payload_too_large', { bytes: maxBytes }));

/** Route middlewares that declare a limit of their own. */
const declaredLimits = new WeakSet<MiddlewareHandler>();

/** Holds the body to `maxBytes`, trusting Content-Length when there is no chunking (Node's parser enforces it). */
export function limitBody(maxBytes: number): MiddlewareHandler<AppEnv> {
  const chunked = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge(maxBytes);
    },
  });
  return (c: Context<AppEnv>, next: Next) => {
    // hono's bodyLimit would first turn the request into a full web Request to look at its stream.
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(length) > maxBytes) throw tooLarge(maxBytes);
      return next();
    }
    return chunked(c, next);
  };
}

/** A larger limit than the default, declared on the route that needs it. */
export function largeBody(maxBytes: number): MiddlewareHandler<AppEnv> {
  const middleware = limitBody(maxBytes);
  declaredLimits.add(middleware);
  return middleware;
}

/** Whether the route this request matched declares its own limit. */
export const declaresOwnLimit = (c: Context<AppEnv>) =>
  c.req.matchedRoutes.some((route) => declaredLimits.has(route.handler as MiddlewareHandler));
