// The language a mail is written in: the recipient's (their account's choice), else that of the request that caused
// it, else the default.
import { DEFAULT_LOCALE, isLocale, type Locale } from '../i18n/locales.ts';
import { type I18n, i18nFor } from '../i18n/messages.ts';

export function mailReader(recipient: { locale: string | null } | null | undefined, requestLocale?: Locale): I18n {
  const locale = recipient && isLocale(recipient.locale) ? recipient.locale : (requestLocale ?? DEFAULT_LOCALE);
  return i18nFor(locale);
}
