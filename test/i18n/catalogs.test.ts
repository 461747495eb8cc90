// The catalogs and the choice of language (issue 16): every language has every key, every message is valid ICU
// MessageFormat, and a request gets the language its person asked for.
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { formatsFor } from '../../server/i18n/format.ts';
import { CATALOGS, LOCALES, negotiateLocale } from '../../server/i18n/locales.ts';
import { translator } from '../../server/i18n/messages.ts';

describe('message catalogs', () => {
  it('define the same keys in every language, none empty', () => {
    const english = Object.keys(CATALOGS.en).sort();
    for (const locale of LOCALES) {
      const catalog = CATALOGS[locale] as Record<string, string>;
      expect(Object.keys(catalog).sort(), locale).toEqual(english);
      for (const [key, message] of Object.entries(catalog)) expect(message.trim(), `${locale} ${key}`).not.toBe('');
    }
  });

  it('hold messages that parse as ICU MessageFormat with the same arguments in every language', () => {
    type Element = {
      type: number;
      value?: string;
      options?: Record<string, { value: Element[] }>;
      children?: Element[];
    };
    const argumentsOf = (elements: Element[], names = new Set<string>()): Set<string> => {
      for (const element of elements) {
        // 1 argument, 2 number, 3 date, 4 time, 5 select, 6 plural (intl-messageformat's AST).
        if (element.type >= 1 && element.type <= 6 && element.value) names.add(element.value);
        for (const option of Object.values(element.options ?? {})) argumentsOf(option.value, names);
        if (element.children) argumentsOf(element.children, names);
      }
      return names;
    };
    const parse = (message: string, locale: string) =>
      [...argumentsOf(new IntlMessageFormat(message, locale).getAst() as Element[])].sort();
    for (const key of Object.keys(CATALOGS.en) as (keyof typeof CATALOGS.en)[]) {
      const english = parse(CATALOGS.en[key], 'en');
      for (const locale of LOCALES) expect(parse(CATALOGS[locale][key], locale), `${locale} ${key}`).toEqual(english);
    }
  });

  it('translate with plurals and numbers in the language', () => {
    expect(translator('en')('layout.nav.users')).toBe('Users');
    expect(translator('ja')('layout.nav.users')).toBe('ユーザー');
  });
});

describe('choosing the language', () => {
  it.each([
    ['ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7', 'ja'],
    ['en-GB,en;q=0.9,ja;q=0.8', 'en'],
    ['fr-FR,fr;q=0.9,ja;q=0.5', 'ja'],
    ['de', 'en'],
    ['en;q=0.2, ja;q=0.8', 'ja'],
    ['ja;q=0', 'en'],
    ['', 'en'],
    ['*', 'en'],
  ])('Accept-Language %s gives %s', (header, locale) => {
    expect(negotiateLocale(header)).toBe(locale);
  });
});

describe('dates and numbers', () => {
  it('read as written in the language, in the person’s time zone, with the zone named', () => {
    const moment = '2026-12-02T22:44:00.000Z';
    const tokyo = formatsFor('ja', 'Asia/Tokyo');
    expect(tokyo.dateTime(moment)).toBe('2026年12月3日 7:44 JST');
    expect(tokyo.date(moment)).toBe('2026年12月3日');
    expect(tokyo.number(1195)).toBe('1,195');
    expect(tokyo.percent(0.75)).toBe('75%');
    const london = formatsFor('en', 'Europe/London');
    expect(london.dateTime(moment)).toBe('2 December 2026 at 22:44 GMT');
    expect(london.percent(11.95)).toBe('1,195%');
  });
});
