// The flash: what a successful form did, carried across its redirect (POST/redirect/GET) to be shown once, in the
// reader's language. It travels in a short-lived cookie encrypted with a key derived from the session token (the one
// this response sets, else the one the request came with), so no other browser can read or forge it, and a token's
// secret shown once never sits readable in the cookie jar. Public forms have no session: their flash travels plain.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { sessionCookieName } from '../auth/sessions.ts';
import type { AppEnv } from '../http/env.ts';
import { readCookie } from '../http/security.ts';
import { isMessageKey, type MessageKey } from '../i18n/messages.ts';

export interface Flash {
  key: MessageKey;
  values?: Record<string, string | number>;
  /** Shown by the page that asked for it, never by the layout (a new token's secret). */
  secret?: string;
  /** Nothing was done, and the message says why (shown as an error, not a success). */
  refused?: true;
}

const FLASH_COOKIE = 'seatkeeper_flash';
/** Long enough for the redirect to be followed, short enough that a flash never surprises a later visit. */
const FLASH_SECONDS = 60;

/** The session the browser will send with the redirect: the one this response sets or deletes, else the request's. */
function sessionAfterResponse(c: Context<AppEnv>): string | undefined {
  const name = sessionCookieName(c.get('deps').config);
  for (const header of c.res.headers.getSetCookie().reverse()) {
    const pair = header.split(';')[0] ?? '';
    if (pair.slice(0, pair.indexOf('=')) !== name) continue;
    const value = pair.slice(name.length + 1);
    return value === '' || /;\s*max-age=0\b/i.test(header) ? undefined : value;
  }
  return readCookie(c.req.header('cookie'), name);
}

const keyFor = (session: string) => createHash('sha256').update('seatkeeper flash\0').update(session).digest();

/** A plain flash starts with this (a sealed one is base64url, which never holds a dot). */
const PLAIN = 'plain.';

const cookieOptions = (c: Context<AppEnv>) =>
  ({ path: '/', httpOnly: true, sameSite: 'Lax', secure: c.get('deps').config.secure }) as const;

/**
 * Keeps the flash for the next page this browser is shown. A flash with a secret is only ever sealed: without a
 * session it is not written at all.
 */
export function setFlash(c: Context<AppEnv>, flash: Flash): void {
  const session = sessionAfterResponse(c);
  if (!session) {
    if (flash.secret !== undefined) return;
    // Plain is safe: no other site can set our cookies (HttpOnly, our host only), the key must be a catalog key and
    // the values are rendered escaped, and nothing in it is secret (a secret is refused above).
    const plain = JSON.stringify({ key: flash.key, values: flash.values, refused: flash.refused });
    setCookie(c, FLASH_COOKIE, PLAIN + Buffer.from(plain).toString('base64url'), {
      ...cookieOptions(c),
      maxAge: FLASH_SECONDS,
    });
    return;
  }
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(session), iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(flash), 'utf8'), cipher.final()]);
  const value = Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
  setCookie(c, FLASH_COOKIE, value, { ...cookieOptions(c), maxAge: FLASH_SECONDS });
}

/** A flash as read back: a catalog key, values that are strings or numbers, and a secret only if it was sealed. */
function checkedFlash(parsed: unknown, sealed: boolean): Flash | undefined {
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { key, values, secret, refused } = parsed as Record<string, unknown>;
  if (typeof key !== 'string' || !isMessageKey(key)) return undefined;
  if (values !== undefined) {
    if (typeof values !== 'object' || values === null || Array.isArray(values)) return undefined;
    if (!Object.values(values).every((v) => typeof v === 'string' || typeof v === 'number')) return undefined;
  }
  if (secret !== undefined && (!sealed || typeof secret !== 'string')) return undefined;
  return {
    key,
    ...(values ? { values: values as Record<string, string | number> } : {}),
    ...(secret ? { secret } : {}),
    ...(refused === true ? { refused } : {}),
  };
}

/** The flash kept for this page, removed as it is read; anything unreadable or forged is dropped silently. */
export function takeFlash(c: Context<AppEnv>): Flash | undefined {
  const value = readCookie(c.req.header('cookie'), FLASH_COOKIE);
  if (!value) return undefined;
  deleteCookie(c, FLASH_COOKIE, cookieOptions(c));
  try {
    if (value.startsWith(PLAIN)) {
      return checkedFlash(JSON.parse(Buffer.from(value.slice(PLAIN.length), 'base64url').toString('utf8')), false);
    }
    const session = readCookie(c.req.header('cookie'), sessionCookieName(c.get('deps').config));
    if (!session) return undefined;
    const bytes = Buffer.from(value, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', keyFor(session), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    const text = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    return checkedFlash(JSON.parse(text), true);
  } catch {
    return undefined;
  }
}

/** A successful form's answer: back to a page (303, so a reload repeats the GET, not the POST) saying what was done. */
export function redirectWithFlash(c: Context<AppEnv>, location: string, flash: Flash): Response {
  setFlash(c, flash);
  return c.redirect(location, 303);
}
