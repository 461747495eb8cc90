// Origins the admin types in the options page, and the one host permission each needs.

import { t } from './i18n.ts';

export type OriginInput = { ok: true; origin: string } | { ok: false; message: string };

/**
 * Reads a console's address as the admin types or pastes it ("https://acme.outsystemsenterprise.com/Users/",
 * "acme.outsystemsenterprise.com") and keeps its origin: the extension asks for that origin and nothing wider.
 */
export function parseConsoleOrigin(input: string): OriginInput {
  const typed = input.trim();
  if (typed === '') return { ok: false, message: t('inputConsoleAddress') };
  if (/[*\s]/.test(typed)) {
    return { ok: false, message: t('inputNotOneAddress', typed) };
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(typed) ? typed : `https://${typed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, message: t('inputNotAnAddress', typed) };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: t('inputOnlyHttp', `${url.protocol}//`) };
  }
  if (url.username || url.password) {
    return { ok: false, message: t('inputNoCredentials') };
  }
  return { ok: true, origin: url.origin };
}

// Firefox does not support ports in match patterns (bug 1362809): it accepts one with a port, but that pattern matches
// no page, so neither its grant nor a content script registered with it ever applies.
const PATTERNS_HAVE_PORTS = !import.meta.env.FIREFOX;

/**
 * The match pattern for every page of one origin. With ports (Chrome) the port is part of it: another port is another
 * site. Without (Firefox) it covers the host on every port; the background still answers only the configured origins.
 */
export function originPattern(origin: string, withPort = PATTERNS_HAVE_PORTS): string {
  if (withPort) return `${origin}/*`;
  const url = new URL(origin);
  return `${url.protocol}//${url.hostname}/*`;
}
