// Text a person reads, in the browser's language: the WebExtension message catalogs (public/_locales/<lang>), read
// through browser.i18n, so the manifest, every page and every content script share one copy; numbers and dates go
// through Intl in the same language.
import { browser } from 'wxt/browser';
import type english from './public/_locales/en/messages.json';

export type MessageKey = keyof typeof english;

/**
 * Each message as the catalog gives it, its substitutions marked by private-use characters: i18n.getMessage is a call
 * into the browser, and a 5,000-row table's badges asked it some 25,000 times (pill word, tooltip lines, flag notes),
 * which doubled the extension's script in the page's frame (`npm run bench -- extension`: 41 ms before the catalogs,
 * 95 ms with them). The catalog cannot change under a page; the unit tests, which switch languages, forget them
 * (forgetMessages).
 */
const SLOTS = Array.from({ length: 9 }, (_, k) => String.fromCharCode(0xe000 + k));
/** A message cut at its substitutions: text, then the number of the substitution that follows it, and so on. */
const templates = new Map<MessageKey, (string | number)[]>();

/** The messages read so far are read again (a test changing the browser's language). */
export function forgetMessages(): void {
  templates.clear();
}

function templateOf(key: MessageKey): (string | number)[] {
  let template = templates.get(key);
  if (template === undefined) {
    // Empty only when the catalog lacks the key, which the catalog test forbids: show the key rather than nothing.
    const text = browser.i18n.getMessage(key, SLOTS) || key;
    template = text.split(/([\ue000-\ue008])/).map((part, k) => (k % 2 === 1 ? part.charCodeAt(0) - 0xe000 : part));
    templates.set(key, template);
  }
  return template;
}

/** The message `key` with its placeholders filled in order ($1, $2, ... in the catalog's `placeholders`). */
export function t(key: MessageKey, ...substitutions: (string | number)[]): string {
  const template = templateOf(key);
  if (template.length === 1) return template[0] as string;
  // Filled piece by piece: a substituted value (page text) is never read for slots itself.
  let text = '';
  for (const part of template) text += typeof part === 'string' ? part : String(substitutions[part] ?? '');
  return text;
}

/**
 * The language Intl formats in: the browser's UI language (e.g. `en-GB`) when the catalog shown is in that language,
 * else the catalog's own (Chromium may pick the `ja` catalog from the system's languages and still report `en-US`),
 * so numbers and dates always read in the language of the words around them.
 */
export function uiLanguage(): string {
  const words = browser.i18n.getMessage('catalogLanguage') || 'en';
  const browserLanguage = browser.i18n.getUILanguage() || words;
  return browserLanguage.toLowerCase().split('-')[0] === words.toLowerCase() ? browserLanguage : words;
}

const numberFormats = new Map<string, Intl.NumberFormat>();
function cachedNumberFormat(style: 'decimal' | 'percent'): Intl.NumberFormat {
  const language = uiLanguage();
  const cacheKey = `${language}|${style}`;
  let format = numberFormats.get(cacheKey);
  if (!format) {
    format = new Intl.NumberFormat(language, { style, maximumFractionDigits: 0 });
    numberFormats.set(cacheKey, format);
  }
  return format;
}

/** A count: `1,195` in English, `1,195` in Japanese, `1 195` in French. */
export function formatNumber(value: number): string {
  return cachedNumberFormat('decimal').format(value);
}

/** Whole percent given as a percentage (80 → `80%`). */
export function formatPercent(percent: number): string {
  return cachedNumberFormat('percent').format(percent / 100);
}

// The zone is named: an admin on the phone with another office reads the time as it was meant.
const MOMENT: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
};

/** A moment from the server (ISO 8601) in the browser's language and zone; the text as it came when unreadable. */
export function formatMoment(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(uiLanguage(), MOMENT).format(date);
}

/** A calendar day (YYYY-MM-DD) as a person reads it; the day itself, whatever the browser's zone. */
export function formatDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(uiLanguage(), {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  }).format(date);
}

/**
 * A message cut around one placeholder, for text that wraps an element (`in <strong>Production</strong>:`): the
 * words before it and after it, in the language's order.
 */
export function around(key: MessageKey, ...substitutions: (string | number)[]): [string, string] {
  // A private-use character: Chrome's getMessage drops a NUL from substitutions.
  const slot = '\uE000';
  const [before = '', after = ''] = t(key, slot, ...substitutions).split(slot);
  return [before, after];
}

/** An extension page in the browser's language: `lang` for screen readers and fonts, and its title. */
export function localisePage(doc: Document, title: MessageKey): void {
  doc.documentElement.lang = uiLanguage();
  doc.title = t(title);
}
