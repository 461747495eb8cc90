// Any admin page: rows of tables and ARIA grids (their header says which cells hold the username and the email),
// repeated containers of div-based lists, and addresses shown as values or mailto links. The page's own chrome
// (banner, navigation, footer) and header or footer rows are never read.
import { elementsAround, isElement } from './dom.ts';
import { accountsInLists, knownListRowOf } from './lists.ts';
import { accountOfRow, ROWS } from './rows.ts';
import { type ConsoleAdapter, type FoundAccount, newReadContext, type ReadContext } from './types.ts';

export { mailtoAddress } from './values.ts';

/**
 * Accounts in the rows of the tables and grids matching `containers` around or under `root`, one per row. Rows with
 * a Username column count even without an email (rule 7 then makes them internal, and the badge says why).
 */
export function accountsInRows(
  root: ParentNode,
  containers = 'table, [role="grid"], [role="table"], [role="treegrid"]',
  context: ReadContext = newReadContext(),
): FoundAccount[] {
  // Nearly every change on a table page is a row holding no rows: read it alone, with no search around it.
  const rows =
    isElement(root) && root.localName === 'tr' && root.querySelector('tr') === null
      ? [root]
      : elementsAround(root, ROWS);
  const accounts: FoundAccount[] = [];
  for (const row of rows) {
    const account = accountOfRow(row, containers, context);
    if (account) accounts.push(account);
  }
  return accounts;
}

export const genericAdapter: ConsoleAdapter = {
  name: 'generic',
  matches: () => true,
  observedAttributes: ['href', 'data-username', 'data-email'],
  findAccounts(root, context = newReadContext()) {
    const accounts = accountsInRows(root, undefined, context);
    // A row that changed has nothing outside rows in it.
    if (isElement(root) && root.localName === 'tr') return accounts;
    for (const account of accountsInLists(root, context)) accounts.push(account);
    return accounts;
  },
  rowOf: knownListRowOf,
};
