// The languages Seatkeeper speaks. Adding one is a catalog file in catalogs/ and its line here.
import { en } from './catalogs/en.ts';
import { ja } from './catalogs/ja.ts';
import type { Catalog } from './keys.ts';

export const CATALOGS = {
  en,
  ja,
} as const satisfies Record<string, Catalog>;

export type Locale = keyof typeof CATALOGS;
export const LOCALES = Object.keys(CATALOGS) as Locale[];
export const DEFAULT_LOCALE: Locale = 'en';

/** The Intl locale each language formats dates and numbers with (the English text is British: "licence"). */
export const INTL_LOCALES: Record<Locale, string> = { en: 'en-GB', ja: 'ja-JP' };

/** Each language named in itself, for the language switch. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', ja: '日本語' };

export const isLocale = (value: unknown): value is Locale => typeof value === 'string' && value in CATALOGS;

/**
 * The best of our languages for an Accept-Language header (RFC 9110: tags with q-values; `ja-JP` matches `ja`), or
 * the default when it names none of them.
 */
export const negotiateLocale = (acceptLanguage: string | undefined): Locale =>
  matchLocale(acceptLanguage) ?? DEFAULT_LOCALE;

/** The best of our languages the header names, or undefined when it names none of them. */
export function matchLocale(acceptLanguage: string | undefined): Locale | undefined {
  if (!acceptLanguage) return undefined;
  const ranked = acceptLanguage
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag && entry.q > 0 && Number.isFinite(entry.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const primary = tag.split('-')[0];
    if (isLocale(primary)) return primary;
  }
  return undefined;
}
