// The browser's i18n API for the extension's unit tests (WXT's fake browser has none): the real catalogs in
// extension/public/_locales, filled in as Chrome's i18n.getMessage does ($name$ → the placeholder's content, $1..$9 →
// the substitutions, $$ → $), in the language a test chooses.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { forgetMessages } from '../../extension/i18n.ts';

export type CatalogEntry = { message: string; placeholders?: Record<string, { content: string; example?: string }> };
export type Catalog = Record<string, CatalogEntry>;

export const LOCALES = ['en', 'ja'] as const;
export type Locale = (typeof LOCALES)[number];

const catalogs = new Map<Locale, Catalog>();

export function catalogOf(locale: Locale): Catalog {
  let catalog = catalogs.get(locale);
  if (!catalog) {
    // From the project's root (vitest's working directory): DOM test environments give import.meta.url a web address.
    const path = resolve(`extension/public/_locales/${locale}/messages.json`);
    catalog = JSON.parse(readFileSync(path, 'utf8')) as Catalog;
    catalogs.set(locale, catalog);
  }
  return catalog;
}

/** What Chrome's getMessage returns for `key` of `catalog`: '' for an unknown key. */
export function fillMessage(catalog: Catalog, key: string, substitutions: string | string[] = []): string {
  const entry = Object.hasOwn(catalog, key) ? catalog[key] : undefined;
  if (!entry) return '';
  const values = Array.isArray(substitutions) ? substitutions : [substitutions];
  const placeholders = new Map(
    Object.entries(entry.placeholders ?? {}).map(([name, placeholder]) => [name.toLowerCase(), placeholder.content]),
  );
  const named = entry.message.replace(/\$([a-z0-9_@]+)\$/gi, (whole, name: string) => {
    const content = placeholders.get(name.toLowerCase());
    return content ?? whole;
  });
  return named.replace(/\$(\$|[1-9])/g, (_, which: string) =>
    which === '$' ? '$' : (values[Number(which) - 1] ?? ''),
  );
}

/** Makes the fake browser speak `locale`, reporting `uiLanguage` as its language (as Chrome does, e.g. `en-US`). */
export function speak(locale: Locale, uiLanguage: string = locale === 'en' ? 'en-US' : locale): void {
  const catalog = catalogOf(locale);
  const i18n = fakeBrowser.i18n as unknown as {
    getMessage: (key: string, substitutions?: string | string[]) => string;
    getUILanguage: () => string;
  };
  i18n.getMessage = (key, substitutions) => fillMessage(catalog, key, substitutions);
  i18n.getUILanguage = () => uiLanguage;
  forgetMessages();
}
