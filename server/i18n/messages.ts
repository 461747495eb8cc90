// Translating a message key into a person's language: ICU MessageFormat (plurals, numbers, selects) through
// intl-messageformat, each message parsed once per language.
import { IntlMessageFormat } from 'intl-messageformat';
import { type Formats, formatsFor } from './format.ts';
import type { Catalog, MessageKey } from './keys.ts';
import { CATALOGS, DEFAULT_LOCALE, INTL_LOCALES, type Locale } from './locales.ts';

export type { Catalog, MessageKey } from './keys.ts';
export type MessageValues = Record<string, string | number | Date | boolean | null | undefined>;
export type Translate = (key: MessageKey, values?: MessageValues) => string;

const compiled = new Map<string, IntlMessageFormat>();

function compiledMessage(locale: Locale, key: MessageKey): IntlMessageFormat {
  const cacheKey = `${locale}\u0000${key}`;
  let format = compiled.get(cacheKey);
  if (!format) {
    format = new IntlMessageFormat((CATALOGS[locale] as Catalog)[key], INTL_LOCALES[locale]);
    compiled.set(cacheKey, format);
  }
  return format;
}

export function translator(locale: Locale): Translate {
  return (key, values) =>
    String(compiledMessage(locale, key).format(values as Record<string, string | number | Date | boolean>));
}

/**
 * A message with markup in it (`Open <code>chrome://extensions</code>`): each tag is a function of its contents, so
 * the sentence stays whole in every language while the page puts elements where the translation puts the tags.
 */
export function richParts<Node>(
  locale: Locale,
  key: MessageKey,
  values: Record<string, string | number | ((chunks: (string | Node)[]) => Node)>,
): (string | Node)[] {
  const formatted = compiledMessage(locale, key).format<Node>(values as never);
  return Array.isArray(formatted) ? formatted : [formatted as string | Node];
}

/** A reader: their language, its translations, and dates and numbers in their language and time zone. */
export interface I18n {
  locale: Locale;
  t: Translate;
  format: Formats;
}

export function i18nFor(locale: Locale, timeZone = 'UTC'): I18n {
  return { locale, t: translator(locale), format: formatsFor(locale, timeZone) };
}

export const isMessageKey = (value: string): value is MessageKey => Object.hasOwn(CATALOGS[DEFAULT_LOCALE], value);

/**
 * Text for a person whose language is not known yet (an error thrown deep in a service, a field message of a
 * schema): a catalog key and its values, translated at the edge. Date values are shown as the reader's date and time.
 */
export interface Message {
  key: MessageKey;
  /** A function value is text that itself depends on the reader (a licence term, a role's name). */
  values?: Record<string, MessageValues[string] | ((reader: I18n) => string)>;
  /** English text written where no key said it yet (another area's code): English readers see it, others `key`. */
  english?: string;
}

export const message = (key: MessageKey, values?: Message['values']): Message => (values ? { key, values } : { key });

/** Whether reading the message needs the reader's time zone (it shows a moment, or text chosen per reader). */
export const showsTime = (text: Message): boolean =>
  Object.values(text.values ?? {}).some((value) => value instanceof Date || typeof value === 'function');

/** A message in the reader's language, with its dates in the reader's time zone. */
export function localise(text: Message, reader: I18n): string {
  if (text.english !== undefined && reader.locale === DEFAULT_LOCALE) return text.english;
  return reader.t(text.key, text.values && valuesFor(text.values, reader));
}

function valuesFor(values: NonNullable<Message['values']>, reader: I18n): MessageValues {
  const out: MessageValues = {};
  for (const [name, value] of Object.entries(values)) {
    out[name] =
      typeof value === 'function' ? value(reader) : value instanceof Date ? reader.format.dateTime(value) : value;
  }
  return out;
}
