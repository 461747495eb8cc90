// The language and time zone of one request. The language: the signed-in person's choice (on their account), else
// the visitor's (the `seatkeeper_lang` cookie), else their browser's Accept-Language. The time zone: the person's,
// else the organisation's. Worked out once per request, when a page or an error message first needs it.
import type { Context } from 'hono';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { AppEnv } from '../http/env.ts';
import { readCookie } from '../http/security.ts';
import { isTimeZone } from './format.ts';
import { DEFAULT_LOCALE, isLocale, type Locale, matchLocale } from './locales.ts';
import { type I18n, i18nFor } from './messages.ts';

export type { I18n } from './messages.ts';

export const LANGUAGE_COOKIE = 'seatkeeper_lang';
export const DEFAULT_TIME_ZONE = 'UTC';

export const localeOf = (c: Context<AppEnv>): Locale => requestedLocale(c) ?? DEFAULT_LOCALE;

/** The language the request asks for (the account's, the cookie's, the browser's), or undefined when none says. */
export function requestedLocale(c: Context<AppEnv>): Locale | undefined {
  const chosen = c.get('principal')?.account.locale;
  if (isLocale(chosen)) return chosen;
  const cookie = readCookie(c.req.header('cookie'), LANGUAGE_COOKIE);
  if (isLocale(cookie)) return cookie;
  return matchLocale(c.req.header('accept-language'));
}

/** The person's own time zone, else the organisation's (a setting the wiring reads), else UTC. */
export async function timeZoneOf(c: Context<AppEnv>): Promise<string> {
  const own = c.get('principal')?.account.time_zone;
  if (own && isTimeZone(own)) return own;
  const organisation = await c.get('deps').organisationTimeZone();
  return isTimeZone(organisation) ? organisation : DEFAULT_TIME_ZONE;
}

const cached = new WeakMap<Context<AppEnv>, Promise<I18n>>();

/** The request's language and formats (worked out once per request). */
export function i18nOf(c: Context<AppEnv>): Promise<I18n> {
  let i18n = cached.get(c);
  if (!i18n) {
    const locale = localeOf(c);
    // A database that cannot be read (an outage) still lets the page say so, in UTC.
    i18n = timeZoneOf(c).then(
      (zone) => i18nFor(locale, zone),
      () => i18nFor(locale, DEFAULT_TIME_ZONE),
    );
    cached.set(c, i18n);
  }
  return i18n;
}

/** What server-rendered components read with `useI18n()`; `html()` provides the request's. */
export const I18nContext = createContext<I18n>(i18nFor(DEFAULT_LOCALE));
export const useI18n = () => useContext(I18nContext);
