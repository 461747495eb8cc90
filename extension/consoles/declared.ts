// A console described by selectors: which elements are its user rows, and where in a row the username and the email
// are. Built-in adapters for consoles whose rows are not table rows use it, and so do consoles an admin teaches in
// the options (their selectors come from the admin, and are checked before they are kept).
import { elementsAround } from './dom.ts';
import { isPageChrome } from './page-chrome.ts';
import type { ConsoleAdapter, FoundAccount } from './types.ts';
import { addressValueIn, attributeEmail, mailtoAddress, readPieces, usernameIn } from './values.ts';

export interface RowSpec {
  /** CSS selector of the user rows. */
  rows: string;
  /** CSS selector, inside a row, of the element showing the username. */
  username?: string;
  /** CSS selector, inside a row, of the element showing the email. */
  email?: string;
}

/** The address an element shows, links to or names in an attribute. */
function emailShownBy(element: Element): string | undefined {
  const shown = addressValueIn(readPieces(element));
  if (shown) return shown;
  const link = element.closest('a[href^="mailto:" i]') ?? element.querySelector('a[href^="mailto:" i]');
  return (link && mailtoAddress(link.getAttribute('href') ?? '')) || attributeEmail(element);
}

/** The account in one row as `spec` describes it; its badge goes where the email is shown, else by the username. */
function accountOfSpecRow(row: Element, spec: RowSpec): FoundAccount | undefined {
  const usernameAt = spec.username ? row.querySelector(spec.username) : null;
  const emailAt = spec.email ? row.querySelector(spec.email) : null;
  const username = usernameAt ? usernameIn(readPieces(usernameAt)) : undefined;
  const email = emailAt ? emailShownBy(emailAt) : undefined;
  const anchor = emailAt ?? usernameAt;
  if (!anchor || (!username && !email)) return undefined;
  return { anchor, ...(username && { username }), ...(email && { email }) };
}

export function accountsBySpec(root: ParentNode, spec: RowSpec): FoundAccount[] {
  const accounts: FoundAccount[] = [];
  for (const row of elementsAround(root, spec.rows)) {
    // Header and footer rows name the columns: they are no account.
    if (isPageChrome(row) || row.closest('thead, tfoot')) continue;
    const account = accountOfSpecRow(row, spec);
    if (account) accounts.push(account);
  }
  return accounts;
}

/** An adapter reading the rows `spec` describes on the pages `matches` accepts. */
export function declaredAdapter(
  name: string,
  matches: ConsoleAdapter['matches'],
  spec: RowSpec,
  observedAttributes: readonly string[] = ['class'],
): ConsoleAdapter {
  return {
    name,
    matches,
    observedAttributes,
    findAccounts: (root) => accountsBySpec(root, spec),
    rowOf: (element) => element.closest(spec.rows) ?? undefined,
  };
}
