// Accounts outside tables and grids: mailto links, addresses shown as text (a token scan of text nodes, not of whole
// blocks), and elements carrying data-username / data-email. Each belongs to the repeated container around it (a
// list item, a card, a row of a div-based table) when there is one, and that container gets one badge; an address
// in no such container is a mention, badged where it stands when it reads as a value, not inside a sentence.
import { CHROME_NAMES, isPageChrome } from './page-chrome.ts';
import { ROWS } from './rows.ts';
import type { FoundAccount, ReadContext } from './types.ts';
import { emailIn, HIDDEN_TEXT, isAddressValue, mailtoAddress, squeeze } from './values.ts';

const MAILTO = 'a[href^="mailto:" i]';
const HINTED = '[data-username], [data-email]';
// Never scanned: code, form fields, what the page hides, our own elements, and tables (their rows are read by cells).
const UNSCANNED = new Set([
  'script',
  'style',
  'template',
  'noscript',
  'textarea',
  'input',
  'select',
  'option',
  'svg',
  'table',
  'seatkeeper-badge',
  'seatkeeper-banner',
]);
const CHROME = `nav, [role="navigation"], [role="banner"], [role="contentinfo"], [role="search"], ${CHROME_NAMES}`;
const SECTIONING = new Set(['article', 'aside', 'main', 'nav', 'section', 'dialog']);
/** Longest text an element may hold for an address in it to be a value rather than part of a paragraph. */
const VALUE_TEXT_MAX = 120;

interface Evidence {
  /** Where it was found: the text's element, the link, the hinted element. */
  element: Element;
  email?: string;
  username?: string;
}

// Rows found so far, for the watcher: a change inside one reads the whole row again.
const knownRows = new WeakSet<Element>();

/** The list row (or card) `element` sits in, if the adapter found one there. */
export function knownListRowOf(element: Element): Element | undefined {
  for (let node: Element | null = element; node; node = node.parentElement) if (knownRows.has(node)) return node;
  return undefined;
}

function classShape(element: Element): string {
  const list = element.classList;
  return list.length === 0 ? '' : `${list[0]} ${list[list.length - 1]}`;
}

/** Same kind of element as its neighbour: same tag, role and (first and last) class, so state classes do not count. */
function similar(a: Element, b: Element): boolean {
  return (
    a.localName === b.localName && a.getAttribute('role') === b.getAttribute('role') && classShape(a) === classShape(b)
  );
}

function holdsAccount(element: Element): boolean {
  return (element.textContent ?? '').includes('@') || element.querySelector(`${MAILTO}, ${HINTED}`) !== null;
}

/**
 * The repeated container holding `element`: the nearest ancestor with a sibling of the same kind that holds an account
 * too. A cell of a div row does not qualify (its siblings are other columns, of another class); the row does.
 */
export function listRowOf(element: Element, context: ReadContext): Element | null {
  const cached = context.listRowOf.get(element);
  if (cached !== undefined) return cached;
  let row: Element | null = null;
  let candidate: Element | null = element;
  for (let depth = 0; candidate && depth < 12; depth++) {
    const parent: Element | null = candidate.parentElement;
    if (!parent || candidate.localName === 'body' || candidate.localName === 'main') break;
    const before = candidate.previousElementSibling;
    const after = candidate.nextElementSibling;
    if (
      (before && similar(candidate, before) && holdsAccount(before)) ||
      (after && similar(candidate, after) && holdsAccount(after))
    ) {
      row = candidate;
      break;
    }
    candidate = parent;
  }
  context.listRowOf.set(element, row);
  if (row) knownRows.add(row);
  return row;
}

/** Collects evidence under `root` in document order, leaving out the page's chrome and what is hidden. */
function collect(root: Element, found: Evidence[]): void {
  const visit = (element: Element, sectioned: boolean) => {
    for (let child = element.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3) {
        const data = (child as Text).data;
        if (!data.includes('@') && !data.includes('\uff20')) continue;
        const email = emailIn(data);
        if (email && isAddressValue(squeeze(data), email)) found.push({ element, email });
      } else if (child.nodeType === 1) {
        const inner = child as Element;
        const name = inner.localName;
        if (UNSCANNED.has(name) || inner.matches(HIDDEN_TEXT) || inner.matches(CHROME)) continue;
        if (!sectioned && (name === 'header' || name === 'footer')) continue;
        // Rows of ARIA grids are read by their cells.
        if (inner.getAttribute('role') === 'row') continue;
        if (name === 'a') {
          const email = mailtoAddress(inner.getAttribute('href') ?? '');
          if (email) {
            found.push({ element: inner, email });
            continue;
          }
        }
        visit(inner, sectioned || SECTIONING.has(name));
      }
    }
  };
  visit(root, root.closest([...SECTIONING].join(',')) !== null);
}

/** Evidence in, around or under `root`, outside table and grid rows. */
function evidenceAround(root: ParentNode): Evidence[] {
  const element =
    root.nodeType === 9 ? (root as Document).documentElement : root.nodeType === 1 ? (root as Element) : null;
  // Tables are read by their rows, cell by cell.
  if (!element || element.closest(`table, ${ROWS}`) || isPageChrome(element)) return [];
  const found: Evidence[] = [];
  // A link that changed, or whose text changed: the link itself is the evidence.
  const link = element.closest(MAILTO);
  if (link && link !== element) {
    const email = mailtoAddress(link.getAttribute('href') ?? '');
    if (email) found.push({ element: link, email });
  } else {
    collect(element, found);
    if (element.matches(MAILTO)) {
      const email = mailtoAddress(element.getAttribute('href') ?? '');
      if (email) found.unshift({ element, email });
    }
  }
  for (const hinted of [element.closest(HINTED), ...element.querySelectorAll(HINTED)]) {
    if (!hinted || hinted.closest(ROWS) || isPageChrome(hinted)) continue;
    const username = hinted.getAttribute('data-username')?.trim() || undefined;
    const email = hinted.getAttribute('data-email')?.trim() || undefined;
    found.push({ element: hinted, ...(username && { username }), ...(email && emailIn(email) && { email }) });
  }
  return found;
}

/** The element a badge goes in or after: never inside a link (it would be part of it), so after the link. */
function anchorFor(element: Element): Element {
  return element.closest('a') ?? element;
}

/**
 * Accounts outside table and grid rows, one per repeated container (its first address, and a username a console put
 * in data-username), and mentions where there is no container.
 */
export function accountsInLists(root: ParentNode, context: ReadContext): FoundAccount[] {
  const accounts: FoundAccount[] = [];
  const byRow = new Map<Element, FoundAccount>();
  for (const evidence of evidenceAround(root)) {
    const row = listRowOf(evidence.element, context);
    if (!row) {
      const isLink = evidence.element.localName === 'a';
      // Outside a list an address counts when it is a link, or the value of a small element (not a paragraph).
      if (!evidence.email) continue;
      if (!isLink && (evidence.element.textContent ?? '').length > VALUE_TEXT_MAX) continue;
      accounts.push({ anchor: anchorFor(evidence.element), email: evidence.email, mention: true });
      continue;
    }
    const account = byRow.get(row);
    if (!account) {
      const found: FoundAccount = { anchor: anchorFor(evidence.element) };
      if (evidence.email) found.email = evidence.email;
      if (evidence.username) found.username = evidence.username;
      byRow.set(row, found);
      accounts.push(found);
      continue;
    }
    if (!account.username && evidence.username) account.username = evidence.username;
    if (!account.email && evidence.email) {
      account.email = evidence.email;
      account.anchor = anchorFor(evidence.element);
    }
  }
  return accounts;
}
