import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { validateAccessToken } from '../auth/access-tokens.ts';
import { type Access, decideAccess, type Principal } from '../auth/principal.ts';
import { deleteSession, sessionCookieName, sessionLifetimes, validateSession } from '../auth/sessions.ts';
import type { Config } from '../config.ts';
import type { Role } from '../db/schema.ts';
import type { AppEnv } from './env.ts';
import { ApiError, forbidden, unauthenticated } from './errors.ts';

/** Resolves the principal from `Authorization: Bearer` (exclusively, when present) or the session cookie. */
export function authenticate(cookieName: string): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const { db, config, clock, sessionLookup } = c.get('deps');
    const authorization = c.req.header('authorization');
    let principal: Principal | null = null;
    if (authorization !== undefined) {
      const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
      const resolved = bearer ? await validateAccessToken(db, bearer, clock()) : null;
      if (!resolved) throw new ApiError(401, 'invalid_token', 'The access token is invalid, expired or revoked.');
      principal = { kind: 'token', ...resolved };
    } else {
      const token = getCookie(c, cookieName);
      if (token) {
        const session = await validateSession({ db, lookup: sessionLookup, config }, token, clock());
        if (session) principal = { kind: 'session', ...session };
        else deleteCookie(c, cookieName, cookieOptions(config));
      }
    }
    c.set('principal', principal);
    await next();
  });
}

/** Route guard: 401 without credentials, 403 when the role or token scope does not reach `access`. */
export const guard = (access: Access): MiddlewareHandler<AppEnv> =>
  createMiddleware<AppEnv>(async (c, next) => {
    const decision = decideAccess(c.get('principal'), access);
    if (decision === 'unauthenticated') throw unauthenticated();
    if (decision === 'forbidden') throw forbidden();
    await next();
  });

/** The principal of a route already behind a guard other than 'public'. */
export function principalOf(c: Context<AppEnv>): Principal {
  const principal = c.get('principal');
  if (!principal) throw unauthenticated();
  return principal;
}

export const actorOf = (c: Context<AppEnv>) => ({
  account: c.get('principal')?.account ?? null,
  ip: c.get('clientIp'),
  userAgent: c.req.header('user-agent') ?? null,
});

/** With https the name carries the __Host- prefix, which browsers only accept with Secure, Path=/ and no Domain. */
export const cookieOptions = (config: Config) =>
  ({ path: '/', httpOnly: true, sameSite: 'Lax', secure: config.secure }) as const;

export function setSessionCookie(c: Context<AppEnv>, token: string, role: Role): void {
  const { config } = c.get('deps');
  setCookie(c, sessionCookieName(config), token, {
    ...cookieOptions(config),
    maxAge: sessionLifetimes(config, role).absoluteSeconds,
  });
}

/** Deletes the session the request came with, if any (sign-out, and sign-in replacing an older session). */
export async function endCurrentSession(c: Context<AppEnv>): Promise<void> {
  const principal = c.get('principal');
  if (principal?.kind === 'session') await deleteSession(c.get('deps').db, principal.sessionId);
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  const { config } = c.get('deps');
  deleteCookie(c, sessionCookieName(config), cookieOptions(config));
}
