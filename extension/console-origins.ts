// Origins the admin types in the options page, and the one host permission each needs.

export type OriginInput = { ok: true; origin: string } | { ok: false; message: string };

/**
 * Reads a console's address as the admin types or pastes it ("https://acme.outsystemsenterprise.com/Users/",
 * "acme.outsystemsenterprise.com") and keeps its origin: the extension asks for that origin and nothing wider.
 */
export function parseConsoleOrigin(input: string): OriginInput {
  const typed = input.trim();
  if (typed === '')
    return { ok: false, message: 'Type the console’s address, e.g. https://acme.outsystemsenterprise.com' };
  if (/[*\s]/.test(typed)) {
    return { ok: false, message: `“${typed}” is not one web address: wildcards and spaces are not allowed.` };
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(typed) ? typed : `https://${typed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, message: `“${typed}” is not a web address; copy it from the console’s address bar.` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: `Only http:// and https:// consoles can be added (not ${url.protocol}//).` };
  }
  if (url.username || url.password) {
    return { ok: false, message: 'Leave the user name and password out of the address.' };
  }
  return { ok: true, origin: url.origin };
}

/** The match pattern for every page of one origin (port included: another port is another site). */
export const originPattern = (origin: string): string => `${origin}/*`;
