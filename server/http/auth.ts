import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { validateAccessToken } from '../auth/access-tokens.ts';
import { DEVICE_REMEMBERED_SECONDS, deviceCookieName } from '../auth/known-devices.ts';
import { type Access, decideAccess, type Principal } from '../auth/principal.ts';
import {
  checkSession,
  deleteSession,
  type SessionCheck,
  sessionCookieName,
  sessionLifetimes,
} from '../auth/sessions.ts';
import type { Role } from '../auth/tables.ts';
import type { Config } from '../config.ts';
import type { Deps } from '../deps.ts';
import { requestedLocale } from '../i18n/request.ts';
import type { AppEnv } from './env.ts';
import { ApiError, forbidden, unauthenticated } from './errors.ts';
import { bearerTokenOf, readCookie } from './security.ts';

/**
 * The principal from `Authorization: Bearer` (exclusively, when present) or the session cookie. Another scheme in
 * Authorization (a proxy's Basic auth) is not ours and is ignored. A plain value for the common case (a session whose
 * lookup was synchronous and needs no write), a promise otherwise.
 */
export function resolvePrincipal(
  c: Context<AppEnv>,
  deps: Deps,
  cookieName: string,
): Principal | null | Promise<Principal | null> {
  const bearer = bearerTokenOf(c.req.header('authorization'));
  if (bearer !== undefined) return tokenPrincipal(deps, bearer);
  const token = readCookie(c.req.header('cookie'), cookieName);
  if (!token) return null;
  const session = checkSession({ db: deps.db, lookup: deps.sessionLookup, config: deps.config }, token, deps.clock());
  return session instanceof Promise
    ? session.then((settled) => sessionPrincipal(c, settled))
    : sessionPrincipal(c, session);
}

async function tokenPrincipal(deps: Deps, bearer: string): Promise<Principal> {
  const resolved = bearer ? await validateAccessToken(deps.db, bearer, deps.clock()) : null;
  if (!resolved) throw new ApiError(401, 'invalid_token', 'errors.invalid_token.access');
  return { kind: 'token', ...resolved };
}

function sessionPrincipal(c: Context<AppEnv>, session: SessionCheck): Principal | null {
  if (session) return { kind: 'session', account: session.account, sessionId: session.sessionId };
  // The cookie names no live session: drop it so the browser stops sending it.
  clearSessionCookie(c);
  return null;
}

/** Route guard: 401 without credentials, 403 when the role or token scope does not reach `access`. */
export const guard =
  (access: Access): MiddlewareHandler<AppEnv> =>
  (c, next) => {
    const decision = decideAccess(c.get('principal'), access);
    if (decision === 'unauthenticated') throw unauthenticated();
    if (decision === 'forbidden') throw forbidden();
    return next();
  };

/** The principal of a route already behind a guard other than 'public'. */
export function principalOf(c: Context<AppEnv>): Principal {
  const principal = c.get('principal');
  if (!principal) throw unauthenticated();
  return principal;
}

/** The requester as services see it, with the language they asked for (mail they cause is written in it). */
export const actorOf = (c: Context<AppEnv>) => ({
  account: c.get('principal')?.account ?? null,
  ip: c.get('clientIp'),
  userAgent: c.req.header('user-agent') ?? null,
  locale: requestedLocale(c),
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

/** The device cookie the browser sent (server/auth/known-devices.ts), if any. */
export const deviceCookieOf = (c: Context<AppEnv>) =>
  readCookie(c.req.header('cookie'), deviceCookieName(c.get('deps').config));

/** After a sign-in: the session cookie, and the device cookie that makes this browser known to the account. */
export function setSignInCookies(
  c: Context<AppEnv>,
  signedIn: { sessionToken: string; deviceToken?: string; account: { role: Role } },
): void {
  setSessionCookie(c, signedIn.sessionToken, signedIn.account.role);
  if (!signedIn.deviceToken) return;
  const { config } = c.get('deps');
  setCookie(c, deviceCookieName(config), signedIn.deviceToken, {
    ...cookieOptions(config),
    maxAge: DEVICE_REMEMBERED_SECONDS,
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

/** After an account is closed: this browser is no longer a known device of anyone's. */
export function clearDeviceCookie(c: Context<AppEnv>): void {
  const { config } = c.get('deps');
  deleteCookie(c, deviceCookieName(config), cookieOptions(config));
}
