// Any admin page: email addresses in table cells, mailto links, and a Username column paired with its row's email.
import { isEmail } from '../../shared/licensing/index.ts';
import { cellsOf, elementsAround, textOf } from './dom.ts';
import {
  type ConsoleAdapter,
  type FoundAccount,
  newReadContext,
  type ReadContext,
  type TableColumns,
} from './types.ts';

const USERNAME_HEADERS = new Set(['username', 'user name', 'login']);
const EMAIL_HEADERS = new Set(['email', 'e mail', 'email address', 'e mail address']);
const MAILTO_LINKS = 'a[href^="mailto:"], a[href^="MAILTO:"]';

/** "E-mail ▲" and "e-mail" both read as "e mail": sort arrows and punctuation are not part of a column's name. */
function headerName(cell: Element): string {
  return textOf(cell)
    .toLowerCase()
    .replace(/[^a-z]+/g, ' ')
    .trim();
}

function isHeaderRow(row: Element, cells: ArrayLike<Element>): boolean {
  if (row.parentElement?.localName === 'thead') return true;
  for (let index = 0; index < cells.length; index++) if (cells[index]?.localName !== 'th') return false;
  return cells.length > 0;
}

function columnsOf(table: HTMLTableElement, tableSelector: string): TableColumns {
  const columns: TableColumns = { wanted: table.matches(tableSelector), header: undefined, username: -1, email: -1 };
  if (!columns.wanted) return columns;
  const first = table.querySelector(':scope > thead > tr, :scope > tbody > tr, :scope > tr');
  if (!first || !isHeaderRow(first, cellsOf(first))) return columns;
  columns.header = first;
  const cells = cellsOf(first);
  for (let index = 0; index < cells.length; index++) {
    const name = headerName(cells[index] as Element);
    if (columns.username === -1 && USERNAME_HEADERS.has(name)) columns.username = index;
    else if (columns.email === -1 && EMAIL_HEADERS.has(name)) columns.email = index;
  }
  return columns;
}

function accountInRow(cells: ArrayLike<Element> & Iterable<Element>, columns: TableColumns): FoundAccount | undefined {
  const usernameCell = cells[columns.username];
  let emailCell = cells[columns.email];
  let email = textOf(emailCell);
  if (columns.email === -1) {
    // No Email header: the first other cell holding exactly one address is the row's email.
    for (const cell of cells) {
      if (cell === usernameCell || cell.localName !== 'td') continue;
      const text = textOf(cell);
      if (isEmail(text)) {
        emailCell = cell;
        email = text;
        break;
      }
    }
  }
  const username = textOf(usernameCell);
  if (username === '' && email === '') return undefined;
  const anchor = emailCell ?? usernameCell;
  if (!anchor) return undefined;
  const account: FoundAccount = { anchor };
  if (username) account.username = username;
  if (email) account.email = email;
  return account;
}

/**
 * Accounts in the table rows around or under `root`, one per row: the Email column (or the first cell holding an
 * address) paired with the Username column when a header names one. Rows of a table with a Username column count
 * even without an email (rule 7 then makes them internal, and the badge says why).
 */
export function accountsInTables(
  root: ParentNode,
  tableSelector = 'table',
  context: ReadContext = newReadContext(),
): FoundAccount[] {
  const accounts: FoundAccount[] = [];
  for (const row of elementsAround(root, 'tr')) {
    const table = row.closest<HTMLTableElement>('table');
    if (!table) continue;
    let columns = context.tables.get(table);
    if (!columns) {
      columns = columnsOf(table, tableSelector);
      context.tables.set(table, columns);
    }
    if (!columns.wanted || row === columns.header) continue;
    const cells = cellsOf(row);
    if (isHeaderRow(row, cells)) continue;
    const account = accountInRow(cells, columns);
    if (account) accounts.push(account);
  }
  return accounts;
}

/** The first address of a mailto: link, decoded, when it is a valid email (rule 10). */
export function mailtoAddress(href: string): string | undefined {
  if (!/^mailto:/i.test(href)) return undefined;
  let address = href.slice('mailto:'.length);
  const query = address.indexOf('?');
  if (query !== -1) address = address.slice(0, query);
  try {
    address = decodeURIComponent(address);
  } catch {
    return undefined; // a malformed %-escape on the page: not an address we can read
  }
  address = address.split(',')[0]?.trim() ?? '';
  return isEmail(address) ? address : undefined;
}

export const genericAdapter: ConsoleAdapter = {
  name: 'generic',
  matches: () => true,
  observedAttributes: ['href'],
  findAccounts(root, context) {
    const accounts = accountsInTables(root, 'table', context);
    const rowsWithAccount = new Set<Element | null>(accounts.map((account) => account.anchor.closest('tr')));
    for (const link of elementsAround<HTMLAnchorElement>(root, MAILTO_LINKS)) {
      const row = link.closest('tr');
      if (row && rowsWithAccount.has(row)) continue; // the row already has its badge
      const email = mailtoAddress(link.getAttribute('href') ?? '');
      if (email) accounts.push({ anchor: link, email });
    }
    return accounts;
  },
};
