// Consoles an admin taught: read with the selectors they gave (or the picker made from the row they pointed at) on
// that console's origin, before any built-in adapter. A selector the browser cannot parse reads nothing, and the
// options page says so before it is kept.

import { t } from '../i18n.ts';
import type { TaughtConsole } from '../storage.ts';
import { accountsBySpec, type RowSpec } from './declared.ts';
import type { ConsoleAdapter } from './types.ts';

/** Why `selector` cannot be used, or null when the browser parses it. */
export function selectorProblem(doc: Document, selector: string): string | null {
  try {
    doc.createDocumentFragment().querySelector(selector);
    return null;
  } catch {
    return t('inputBadSelector', selector);
  }
}

/** Which cell of a row holds a value: a column number (1 = the first cell) or a CSS selector inside the row. */
export function cellSelector(input: string): string {
  const typed = input.trim();
  return /^\d+$/.test(typed) ? `:scope > :nth-child(${Number(typed)})` : typed;
}

export function taughtAdapter(taught: TaughtConsole): ConsoleAdapter {
  const spec: RowSpec = {
    rows: taught.rows,
    ...(taught.username && { username: taught.username }),
    ...(taught.email && { email: taught.email }),
  };
  let usable: boolean | undefined;
  const parses = (doc: Document) => {
    usable ??= [spec.rows, spec.username, spec.email].every((part) => !part || selectorProblem(doc, part) === null);
    return usable;
  };
  return {
    name: 'taught',
    matches: (doc, url) => url.origin === taught.origin && parses(doc),
    observedAttributes: ['class', 'href'],
    findAccounts: (root) => accountsBySpec(root, spec),
    rowOf: (element) => element.closest(spec.rows) ?? undefined,
  };
}
