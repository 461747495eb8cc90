// The flash: what a successful form did, carried across its redirect (POST/redirect/GET) to be shown once, in the
// reader's language. It travels in a short-lived cookie encrypted with a key derived from the session token, so no
// other browser can read or forge it, and a token's secret shown once never sits readable in the cookie jar.
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
}

const FLASH_COOKIE = 'seatkeeper_flash';
/** Long enough for the redirect to be followed, short enough that a flash never surprises a later visit. */
const FLASH_SECONDS = 60;

function keyOf(c: Context<AppEnv>): Buffer | undefined {
  const session = readCookie(c.req.header('cookie'), sessionCookieName(c.get('deps').config));
  return session ? createHash('sha256').update('seatkeeper flash\0').update(session).digest() : undefined;
}

const cookieOptions = (c: Context<AppEnv>) =>
  ({ path: '/', httpOnly: true, sameSite: 'Lax', secure: c.get('deps').config.secure }) as const;

/** Keeps the flash for the next page this browser is shown (without a session there is nobody to show it to). */
export function setFlash(c: Context<AppEnv>, flash: Flash): void {
  const key = keyOf(c);
  if (!key) return;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(flash), 'utf8'), cipher.final()]);
  const value = Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
  setCookie(c, FLASH_COOKIE, value, { ...cookieOptions(c), maxAge: FLASH_SECONDS });
}

/** The flash kept for this page, removed as it is read; anything unreadable or forged is dropped silently. */
export function takeFlash(c: Context<AppEnv>): Flash | undefined {
  const value = readCookie(c.req.header('cookie'), FLASH_COOKIE);
  if (!value) return undefined;
  deleteCookie(c, FLASH_COOKIE, cookieOptions(c));
  const key = keyOf(c);
  if (!key) return undefined;
  try {
    const bytes = Buffer.from(value, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    const text = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    const flash = JSON.parse(text) as Flash;
    return isMessageKey(flash.key) ? flash : undefined;
  } catch {
    return undefined;
  }
}

/** A successful form's answer: back to a page (303, so a reload repeats the GET, not the POST) saying what was done. */
export function redirectWithFlash(c: Context<AppEnv>, location: string, flash: Flash): Response {
  setFlash(c, flash);
  return c.redirect(location, 303);
}
