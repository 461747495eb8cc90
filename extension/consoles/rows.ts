// Rows of tables and of ARIA grids (`[role=row]` with `[role=cell|gridcell|columnheader]`, as virtualised grids and
// div-based tables draw them), read alike: the header says which cells hold the username and the email; header and
// footer rows are never accounts.
import { cellMeaning, headerMeaning } from './columns.ts';
import { isPageChrome } from './page-chrome.ts';
import type { Columns, FoundAccount, ReadContext } from './types.ts';
import { addressValueIn, attributeEmail, holderOf, mailtoAddress, readPieces, usernameIn } from './values.ts';

export const ROWS = 'tr, [role="row"]';
const CELL_ROLES = '[role="cell"], [role="gridcell"], [role="rowheader"], [role="columnheader"]';
const GRIDS = '[role="grid"], [role="table"], [role="treegrid"]';
const HINTED = '[data-username], [data-email]';

const isTableRow = (row: Element) => row.localName === 'tr';
function isHeaderCell(cell: Element): boolean {
  const name = cell.localName;
  if (name === 'td') return false;
  return name === 'th' ? cell.getAttribute('scope') !== 'row' : cell.getAttribute('role') === 'columnheader';
}

/**
 * A row's cells. A `tr`'s td and th children, walked from sibling to sibling (in a content script every index into
 * `row.cells` crosses the browser's bindings, which on a 5,000-row table costs more than the walk). An ARIA row's
 * cells however deep they sit, but not those of a row nested in it.
 */
export function cellsOf(row: Element, last = Number.POSITIVE_INFINITY): Element[] {
  const cells: Element[] = [];
  if (isTableRow(row)) {
    for (let child = row.firstElementChild; child; child = child.nextElementSibling) {
      const name = child.localName;
      if (name !== 'td' && name !== 'th') continue;
      cells.push(child);
      if (cells.length > last) break;
    }
    return cells;
  }
  for (const cell of row.querySelectorAll(CELL_ROLES)) if (cell.parentElement?.closest(ROWS) === row) cells.push(cell);
  return cells;
}

interface RowGroup {
  container: Element | null;
  /** A thead or tfoot: its rows name the columns, they are no accounts. */
  heading: boolean;
}

/** The table or grid a row belongs to, and whether its group is a header or footer, looked up once per row group. */
function groupOf(row: Element, context: ReadContext): RowGroup | undefined {
  const parent = row.parentElement;
  if (!parent) return undefined;
  let group = context.groups.get(parent);
  if (group === undefined) {
    const section = parent.localName;
    group = {
      container: isTableRow(row) ? parent.closest('table') : parent.closest(GRIDS),
      heading: section === 'thead' || section === 'tfoot',
    };
    context.groups.set(parent, group);
  }
  return group;
}

/** The row of a table or grid whose cells are its column headers. */
function headerRow(container: Element): Element | undefined {
  if (container.localName === 'table') {
    const first = container.querySelector(':scope > thead > tr, :scope > tbody > tr, :scope > tr');
    if (!first) return undefined;
    const cells = cellsOf(first);
    const inHead = first.parentElement?.localName === 'thead';
    return inHead || (cells.length > 0 && cells.every(isHeaderCell)) ? first : undefined;
  }
  const header = container.querySelector('[role="columnheader"]');
  return header?.closest(ROWS) ?? undefined;
}

function columnsOf(container: Element, wanted: string): Columns {
  const columns: Columns = {
    wanted: false,
    header: undefined,
    username: -1,
    email: -1,
    byColIndex: false,
    hinted: false,
  };
  if (!container.matches(wanted) || isPageChrome(container)) return columns;
  columns.wanted = true;
  columns.hinted = container.querySelector(HINTED) !== null;
  const header = headerRow(container);
  if (!header) return columns;
  columns.header = header;
  const cells = cellsOf(header);
  columns.byColIndex = cells.length > 0 && cells.every((cell) => cell.hasAttribute('aria-colindex'));
  cells.forEach((cell, index) => {
    const meaning = headerMeaning(cell);
    const position = columns.byColIndex ? Number(cell.getAttribute('aria-colindex')) : index;
    if (meaning && columns[meaning] === -1) columns[meaning] = position;
  });
  return columns;
}

/** Whether a row is a header or footer row, not an account: in thead or tfoot, or header cells only. */
function isHeaderRow(row: Element, cells: readonly Element[], heading?: boolean): boolean {
  if (heading ?? ['thead', 'tfoot'].includes(row.parentElement?.localName ?? '')) return true;
  return cells.length > 0 && cells.every(isHeaderCell);
}

/** The cell at a column position (by aria-colindex when the header uses it). */
function cellAt(cells: readonly Element[], position: number, byColIndex: boolean): Element | undefined {
  if (position === -1) return undefined;
  if (!byColIndex) return cells[position];
  return cells.find((cell) => Number(cell.getAttribute('aria-colindex')) === position);
}

/**
 * The address a cell holds as its value, a mailto link in it, or an attribute giving one. With `asShown`, a cell of
 * the Email column that holds no valid address gives its text as it is, so the engine flags it (rule 7).
 */
function emailOfCell(cell: Element, asShown = false): { email: string | undefined; pieces: string[] } {
  const pieces = readPieces(cell);
  const shown = addressValueIn(pieces);
  if (shown) return { email: shown, pieces };
  const link = cell.querySelector('a[href^="mailto:" i]');
  const found = (link && mailtoAddress(link.getAttribute('href') ?? '')) || attributeEmail(cell);
  if (found || !asShown) return { email: found || undefined, pieces };
  // A placeholder ("—", "-") is no value; text with letters or digits is one, valid or not.
  const text = pieces[0];
  return { email: text && /[\p{L}\p{N}]/u.test(text) ? text : undefined, pieces };
}

/** Values a console put on the row for its own scripts: data-username / data-email on the row or inside it. */
function hintedValues(row: Element): { username?: string; email?: string } {
  const hinted = row.matches(HINTED) ? row : row.querySelector(HINTED);
  if (!hinted) return {};
  const username = hinted.getAttribute('data-username')?.trim() || undefined;
  const email = hinted.getAttribute('data-email')?.trim() || undefined;
  return { ...(username && { username }), ...(email && { email }) };
}

/**
 * The account in one data row: the Email column's address (or, without one, the first cell showing an address as
 * its value) paired with the Username column. Cells that name their own column (data-colname, data-label) are read
 * by that name when the header says nothing. Rows with a Username column count even without an email (rule 7 then
 * makes them internal, and the badge says why).
 */
function accountOfCells(row: Element, cells: readonly Element[], columns: Columns): FoundAccount | undefined {
  let usernameCell = cellAt(cells, columns.username, columns.byColIndex);
  let emailCell = cellAt(cells, columns.email, columns.byColIndex);
  if (!usernameCell || !emailCell) {
    for (const cell of cells) {
      const meaning = usernameCell && emailCell ? undefined : cellMeaning(cell);
      if (meaning === 'username') usernameCell ??= cell;
      else if (meaning === 'email') emailCell ??= cell;
    }
  }
  const hinted = columns.hinted ? hintedValues(row) : {};
  const read = emailCell ? emailOfCell(emailCell, true) : undefined;
  let email = hinted.email ?? read?.email;
  let emailPieces = read?.pieces;
  const usernamePieces = usernameCell ? readPieces(usernameCell) : [];
  const username = hinted.username ?? usernameIn(usernamePieces);
  if (!emailCell && !email) {
    // No Email column: an address stacked under the username, else the first other cell showing one.
    email = addressValueIn(usernamePieces.slice(1));
    if (email) {
      emailCell = usernameCell;
      emailPieces = usernamePieces;
    } else {
      for (const cell of cells) {
        if (cell === usernameCell || isHeaderCell(cell)) continue;
        const other = emailOfCell(cell);
        if (other.email) {
          ({ email, pieces: emailPieces } = other);
          emailCell = cell;
          break;
        }
      }
    }
  }
  if (!username && !email) return undefined;
  const cell = emailCell ?? usernameCell ?? cells[0];
  if (!cell) return undefined;
  const pieces = (cell === emailCell ? emailPieces : cell === usernameCell ? usernamePieces : undefined) ?? [];
  // A cell of several lines (a name over an address) gets its badge by the value, not under the last line.
  const shown = cell === emailCell ? email : username;
  const holder = pieces.length > 1 && shown ? holderOf(cell, shown) : cell;
  // A cell is read already: no need to ask the page again what the anchor is.
  const account: FoundAccount = holder === cell ? { anchor: cell, inCell: true } : { anchor: holder };
  if (username) account.username = username;
  if (email) account.email = email;
  return account;
}

/** The account in a row of a wanted table or grid, or undefined for header rows and rows of other tables. */
export function accountOfRow(row: Element, wanted: string, context: ReadContext): FoundAccount | undefined {
  const group = groupOf(row, context);
  const container = group?.container;
  if (!group || !container) return undefined;
  let columns = context.columns.get(container);
  if (!columns) {
    columns = columnsOf(container, wanted);
    context.columns.set(container, columns);
  }
  if (!columns.wanted || row === columns.header) return undefined;
  // Walked only as far as the columns read need (all of them when no Email column is named).
  const last =
    columns.email === -1 || columns.byColIndex ? Number.POSITIVE_INFINITY : Math.max(columns.email, columns.username);
  const cells = cellsOf(row, last);
  if (cells.length === 0 || isHeaderRow(row, cells, group.heading)) return undefined;
  return accountOfCells(row, cells, columns);
}

/** Whether `element` is a header row or sits in one (a change there changes how every row of its table reads). */
export function isInHeaderRow(row: Element): boolean {
  return isHeaderRow(row, cellsOf(row));
}
