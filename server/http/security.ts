import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { Config } from '../config.ts';
import { ApiError } from './errors.ts';

/** The socket address, or the client named by the trusted proxies in X-Forwarded-For when TRUST_PROXY > 0. */
export function clientIp(c: Context, trustProxy: number): string {
  // What getConnInfo() reads, without building its object on every request; app.request() in tests has no socket.
  const socketIp = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress ?? 'unknown';
  if (trustProxy > 0) {
    const hops = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    // Each trusted proxy appends the address it saw; the client is the entry just before the trusted ones.
    const fromProxy = forwardedAddress(hops[hops.length - trustProxy]);
    if (fromProxy) return fromProxy;
  }
  return socketIp;
}

/**
 * An X-Forwarded-For entry as a bare IP address ("[2001:db8::1]:443" and "192.0.2.1:443" lose their port), or
 * undefined when it is not one: with TRUST_PROXY set higher than the proxies really in front, that entry is whatever
 * the client wrote, and it goes into throttling keys and the audit log.
 */
export function forwardedAddress(entry: string | undefined): string | undefined {
  if (!entry || entry.length > 64) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(entry);
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(entry);
  const address = bracketed?.[1] ?? withPort?.[1] ?? entry;
  return isIP(address) ? address : undefined;
}

/**
 * The token of an `Authorization: Bearer` header (the scheme is case-insensitive, RFC 9110), or undefined for any
 * other header: a proxy's Basic credentials, for instance, say nothing about who is signed in here.
 */
export function bearerTokenOf(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  return /^Bearer[ \t]+(\S*)[ \t]*$/i.exec(authorization)?.[1];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses cross-site state-changing requests of any content type (Hono's csrf() only covers form types).
 * Sec-Fetch-Site decides when present; otherwise Origin must equal PUBLIC_URL's origin. A request carrying neither
 * header is let through only when it has no session cookie, i.e. nothing ambient to abuse. Bearer-token requests
 * without a cookie are exempt: browsers never attach Authorization headers on their own.
 */
export function refuseCrossSite(c: Context, config: Config, cookieName: string): void {
  if (SAFE_METHODS.has(c.req.method)) return;
  const hasCookie = readCookie(c.req.header('cookie'), cookieName) !== undefined;
  const bearer = bearerTokenOf(c.req.header('authorization')) !== undefined;
  if (bearer && !hasCookie) return;
  const site = c.req.header('sec-fetch-site');
  const origin = c.req.header('origin');
  let allowed: boolean;
  if (site) allowed = site === 'same-origin' || site === 'none';
  else if (origin) allowed = origin === config.publicOrigin;
  else allowed = !hasCookie;
  if (!allowed) {
    throw new ApiError(403, 'cross_site_request', 'errors.cross_site_request');
  }
}

/**
 * One cookie's value, read straight from the Cookie header. The session cookie is read on every request, and its
 * value (base32 and a dot) never needs unquoting or percent-decoding, so parsing every cookie would be wasted work.
 * A name only counts at the start of the header or after a ";", never inside another cookie's value.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (let at = header.indexOf(name); at !== -1; at = header.indexOf(name, at + 1)) {
    if (header.charCodeAt(at + name.length) !== 61 /* = */) continue;
    let before = at - 1;
    while (before >= 0 && (header[before] === ' ' || header[before] === '\t')) before--;
    if (before >= 0 && header[before] !== ';') continue;
    const end = header.indexOf(';', at);
    const value = header.slice(at + name.length + 1, end === -1 ? undefined : end).trim();
    return value === '' ? undefined : value;
  }
  return undefined;
}

/** JSON API responses get a shorter, stricter set than pages: nothing in them may load, frame or be sniffed. */
export type HeaderProfile = 'page' | 'api';

export const headerProfileFor = (path: string): HeaderProfile =>
  path.startsWith('/api/v1/') || path === '/healthz' ? 'api' : 'page';

const hsts = (config: Config) => (config.secure ? 'max-age=31536000; includeSubDomains' : false);

// Legacy headers for browsers we do not support; each one costs bytes on every response.
const LEGACY_OFF = {
  xXssProtection: false,
  xDownloadOptions: false,
  xDnsPrefetchControl: false,
  xPermittedCrossDomainPolicies: false,
  originAgentCluster: false,
  crossOriginEmbedderPolicy: false,
} as const;

/** The one definition of our security headers (hono secureHeaders), strict CSP included. */
function honoSecurityHeaders(config: Config, profile: HeaderProfile): MiddlewareHandler {
  if (profile === 'api') {
    return secureHeaders({
      ...LEGACY_OFF,
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      strictTransportSecurity: hsts(config),
      crossOriginResourcePolicy: 'same-origin',
      crossOriginOpenerPolicy: false,
      referrerPolicy: false,
      xFrameOptions: false,
      xContentTypeOptions: true,
    });
  }
  return secureHeaders({
    ...LEGACY_OFF,
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      ...(config.secure ? { upgradeInsecureRequests: [] } : {}),
    },
    strictTransportSecurity: hsts(config),
    referrerPolicy: 'no-referrer',
    xFrameOptions: 'DENY',
    permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
  });
}

/**
 * Nothing is stored by browsers or shared caches unless the route says otherwise: signed-in pages, every API answer,
 * CSV exports, PDFs and exam exports (answer keys) hold what only their reader may see. The few public, unchanging
 * answers (the stylesheet, the signing keys) set their own Cache-Control, which wins.
 */
const NO_STORE = 'no-store';

const withNoStore =
  (middleware: MiddlewareHandler): MiddlewareHandler =>
  async (c, next) => {
    await middleware(c, next);
    if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', NO_STORE);
  };

/** What honoSecurityHeaders produces per profile, computed once so the Node layer can set it without Headers objects. */
export async function securityHeaderLists(config: Config): Promise<Record<HeaderProfile, [string, string][]>> {
  const list = async (profile: HeaderProfile) => {
    const probe = new Hono().use(withNoStore(honoSecurityHeaders(config, profile))).get('/', (c) => c.body(null, 204));
    const response = await probe.request('/');
    return [...response.headers].filter(([name]) => name !== 'content-type');
  };
  return { page: await list('page'), api: await list('api') };
}

/**
 * Security headers on every response. Under our Node server (http/node-server.ts) they are already set on the
 * ServerResponse, which is much cheaper per request, and this returns undefined; anywhere else (app.request in
 * tests, other runtimes) it returns hono's secureHeaders, which sets the identical list.
 */
export function securityHeadersFor(config: Config): (c: Context) => MiddlewareHandler | undefined {
  const viaHono = {
    page: withNoStore(honoSecurityHeaders(config, 'page')),
    api: withNoStore(honoSecurityHeaders(config, 'api')),
  };
  return (c) => {
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    if (outgoing?.hasHeader('content-security-policy')) return undefined;
    return viaHono[headerProfileFor(c.req.path)];
  };
}
