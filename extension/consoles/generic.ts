// Any admin page: email addresses in table cells, mailto links, and a Username column paired with its row's email.
import { isEmail } from '../../shared/licensing/index.ts';
import { cellsOf, elementsAround, isElement, textOf } from './dom.ts';
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
 * The cells of a data row, walked only as far as the columns read need (all of them when no Email column is named);
 * undefined for a header row (in a thead, or th cells only).
 */
function dataCells(row: Element, section: Element, columns: TableColumns): Element[] | undefined {
  if (section.localName === 'thead') return undefined;
  const last = columns.email === -1 ? Number.POSITIVE_INFINITY : Math.max(columns.email, columns.username);
  const cells: Element[] = [];
  let data = false;
  for (let child = row.firstElementChild; child; child = child.nextElementSibling) {
    const name = child.localName;
    if (name !== 'td' && name !== 'th') continue;
    cells.push(child);
    if (name === 'td') data = true;
    if (data && cells.length > last) break;
  }
  return data ? cells : undefined;
}

function accountOfRow(row: Element, tableSelector: string, context: ReadContext): FoundAccount | undefined {
  const section = row.parentElement;
  if (!section) return undefined;
  // Rows of one table section share their table: looked up once.
  let table = context.tableOf.get(section);
  if (table === undefined) {
    table = section.closest<HTMLTableElement>('table');
    context.tableOf.set(section, table);
  }
  if (!table) return undefined;
  let columns = context.tables.get(table);
  if (!columns) {
    columns = columnsOf(table, tableSelector);
    context.tables.set(table, columns);
  }
  if (!columns.wanted || row === columns.header) return undefined;
  const cells = dataCells(row, section, columns);
  return cells && accountInRow(cells, columns);
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
  // Nearly every change on a table page is a row holding no rows: read it alone, with no search around it.
  const rows =
    isElement(root) && root.localName === 'tr' && root.querySelector('tr') === null
      ? [root]
      : elementsAround(root, 'tr');
  const accounts: FoundAccount[] = [];
  for (const row of rows) {
    const account = accountOfRow(row, tableSelector, context);
    if (account) accounts.push(account);
  }
  return accounts;
}

/** Mailto links in, around or under `root`; for a row, the link around it is looked up once per table section. */
function linksAround(root: ParentNode, context: ReadContext): HTMLAnchorElement[] {
  const parent = isElement(root) && root.localName === 'tr' ? root.parentElement : null;
  if (!parent) return elementsAround<HTMLAnchorElement>(root, MAILTO_LINKS);
  let around = context.linkAround.get(parent);
  if (around === undefined) {
    around = parent.closest(MAILTO_LINKS);
    context.linkAround.set(parent, around);
  }
  const links = [...root.querySelectorAll<HTMLAnchorElement>(MAILTO_LINKS)];
  if (around) links.unshift(around as HTMLAnchorElement);
  return links;
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
  findAccounts(root, context = newReadContext()) {
    const accounts = accountsInTables(root, 'table', context);
    const links = linksAround(root, context);
    if (links.length === 0) return accounts;
    const rowsWithAccount = new Set<Element | null>(accounts.map((account) => account.anchor.closest('tr')));
    for (const link of links) {
      const row = link.closest('tr');
      if (row && rowsWithAccount.has(row)) continue; // the row already has its badge
      const email = mailtoAddress(link.getAttribute('href') ?? '');
      if (email) accounts.push({ anchor: link, email });
    }
    return accounts;
  },
};
