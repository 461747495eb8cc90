// Translating a message key into a person's language: ICU MessageFormat (plurals, numbers, selects) through
// intl-messageformat, each message parsed once per language.
import { IntlMessageFormat } from 'intl-messageformat';
import type { en } from './catalogs/en.ts';
import { CATALOGS, INTL_LOCALES, type Locale } from './locales.ts';

/** Every key the English catalog defines; every other catalog must define exactly these (the type checks it). */
export type MessageKey = keyof typeof en;
export type Catalog = Record<MessageKey, string>;
export type MessageValues = Record<string, string | number | Date | boolean | null | undefined>;
export type Translate = (key: MessageKey, values?: MessageValues) => string;

const compiled = new Map<string, IntlMessageFormat>();

export function translator(locale: Locale): Translate {
  const catalog: Catalog = CATALOGS[locale];
  return (key, values) => {
    const cacheKey = `${locale}\u0000${key}`;
    let format = compiled.get(cacheKey);
    if (!format) {
      format = new IntlMessageFormat(catalog[key], INTL_LOCALES[locale]);
      compiled.set(cacheKey, format);
    }
    return String(format.format(values as Record<string, string | number | Date | boolean>));
  };
}
