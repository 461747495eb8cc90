// The language and time zone of one request: chosen by the person (the `lang` cookie), else their browser's
// Accept-Language; worked out once per request, when a page or an error message first needs it.
import type { Context } from 'hono';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { AppEnv } from '../http/env.ts';
import { readCookie } from '../http/security.ts';
import { type Formats, formatsFor } from './format.ts';
import { DEFAULT_LOCALE, isLocale, type Locale, negotiateLocale } from './locales.ts';
import { type Translate, translator } from './messages.ts';

export const LANGUAGE_COOKIE = 'seatkeeper_lang';
export const DEFAULT_TIME_ZONE = 'UTC';

export interface I18n {
  locale: Locale;
  t: Translate;
  format: Formats;
}

export function i18nFor(locale: Locale, timeZone: string = DEFAULT_TIME_ZONE): I18n {
  return { locale, t: translator(locale), format: formatsFor(locale, timeZone) };
}

const cached = new WeakMap<Context<AppEnv>, I18n>();

export function localeOf(c: Context<AppEnv>): Locale {
  const chosen = readCookie(c.req.header('cookie'), LANGUAGE_COOKIE);
  if (isLocale(chosen)) return chosen;
  return negotiateLocale(c.req.header('accept-language'));
}

/** The request's language and formats (cached on the request). */
export function i18nOf(c: Context<AppEnv>): I18n {
  let i18n = cached.get(c);
  if (!i18n) {
    i18n = i18nFor(localeOf(c));
    cached.set(c, i18n);
  }
  return i18n;
}

/** What server-rendered components read with `useI18n()`; `html()` provides the request's. */
export const I18nContext = createContext<I18n>(i18nFor(DEFAULT_LOCALE));
export const useI18n = () => useContext(I18nContext);
