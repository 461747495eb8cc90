// Reading values, not cells: what a person reads in a cell, piece by piece. Text separated by an element boundary is a
// separate piece (so "carla@northwind.com" and a "Disabled" label in the same link are two words, not one address),
// screen-reader-only text and known add-ons (row actions, status labels, buttons, icons) are left out, and addresses
// are taken out of the text by a token scan ("Jane Doe <jane@x.com>", "jane@x.com (unverified)").
import { isEmail } from '../../shared/licensing/index.ts';

/** Text nobody sees on the page: read neither in cells nor in headers. */
export const HIDDEN_TEXT = [
  '.sr-only',
  '.screen-reader-text',
  '.visually-hidden',
  '.visuallyhidden',
  '.accesshide',
  '.a11y-hidden',
  '.assistive-text',
  '.hidden',
  '.d-none',
  '[hidden]',
  '[aria-hidden="true"]',
  'script',
  'style',
  'template',
  'noscript',
  'seatkeeper-badge',
].join(',');

/** What consoles put next to a value: controls, icons, status labels and row actions. Left out of values only. */
export const ADD_ONS = [
  'button',
  '[role="button"]',
  'select',
  'input',
  'textarea',
  'svg',
  'img',
  '[role="img"]',
  '[role="menu"]',
  '.row-actions',
  '.actions',
  '.action-menu',
  '.dropdown-menu',
  '.badge',
  '.label',
  '.tag',
  '.chip',
  '.status',
  '.lozenge',
  '.pf-v5-c-label',
  '.pf-c-label',
  '.gl-badge',
  '.toggle-row',
].join(',');

const SKIPPED_IN_VALUES = `${HIDDEN_TEXT},${ADD_ONS}`;

// Inline formatting around part of a word (a search match in <mark>, <b>old</b>er): no word boundary at its edges.
const FORMATTING = new Set(['b', 'strong', 'em', 'i', 'u', 's', 'mark', 'small', 'sub', 'sup', 'code', 'abbr', 'wbr']);
// Elements that start a new line: what stands before and after them are separate pieces.
const BREAKS =
  'div,p,br,li,ul,ol,dl,dt,dd,table,tr,td,th,h1,h2,h3,h4,h5,h6,section,header,footer,address,blockquote,hr';

const LOOSE_SPACE = /\s\s|[^\S ]/;

/** Collapses runs of white space (including no-break spaces) and trims. */
export function squeeze(text: string): string {
  // Most cells hold a plain value: no regular expression rewrite for those.
  return LOOSE_SPACE.test(text) ? text.replace(/\s+/g, ' ').trim() : text.trim();
}

const isBlank = (node: Node | null) => node === null || (node.nodeType === 3 && (node as Text).data.trim() === '');

/** Whether `child` is all its parent holds, white space aside. */
function isSoleChild(child: Element): boolean {
  return child.nextElementSibling === null && isBlank(child.previousSibling) && isBlank(child.nextSibling);
}

/** The element whose boundary decides whether two text nodes are one word: the nearest non-formatting ancestor. */
function carrierOf(node: Node, stop: Element): Element {
  let element = node.parentElement ?? stop;
  while (element !== stop && FORMATTING.has(element.localName) && element.parentElement)
    element = element.parentElement;
  return element;
}

/**
 * The pieces of text a person reads in `element`, in order: a new piece at every element boundary except inline
 * formatting. Hidden text is never read; add-ons only when `addOns` is true (headers read them: a sort button holds
 * the column's name).
 */
export function readPieces(element: Element, { addOns = false }: { addOns?: boolean } = {}): string[] {
  const skip = addOns ? HIDDEN_TEXT : SKIPPED_IN_VALUES;
  // Most cells are text, or one link or span around text: read at once, without a walk.
  const only = element.firstElementChild;
  if (only === null || (isSoleChild(only) && only.firstElementChild === null && !only.matches(skip))) {
    const text = squeeze(element.textContent ?? '');
    return text === '' ? [] : [text];
  }
  const pieces: string[] = [];
  let current = '';
  let carrier: Element | null = null;
  const flush = () => {
    const text = squeeze(current);
    if (text !== '') pieces.push(text);
    current = '';
  };
  const walk = (parent: Element) => {
    for (let child = parent.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3) {
        const data = (child as Text).data;
        if (data.trim() === '') {
          if (data !== '') current += ' ';
          continue;
        }
        const next = carrierOf(child, element);
        if (carrier !== null && next !== carrier) flush();
        carrier = next;
        current += data;
      } else if (child.nodeType === 1) {
        const child_ = child as Element;
        if (child_.matches(skip)) continue;
        const breaks = child_.matches(BREAKS);
        if (breaks) flush();
        walk(child_);
        if (breaks) {
          flush();
          carrier = null;
        }
      }
    }
  };
  walk(element);
  flush();
  return pieces;
}

/**
 * The element inside `cell` that shows `value`: the link around its text, or the element holding its text (past
 * inline formatting), else the cell itself.
 */
export function holderOf(cell: Element, value: string): Element {
  const walker = cell.ownerDocument.createTreeWalker(cell, 4 /* NodeFilter.SHOW_TEXT */);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!(node as Text).data.includes(value)) continue;
    const link = node.parentElement?.closest('a');
    if (link && cell.contains(link) && link !== cell) return link;
    return carrierOf(node, cell);
  }
  return cell;
}

// Characters that end an address token in running text: spaces, brackets, quotes, separators.
const TOKEN_BREAKS = /[\s<>()[\]{},;"'`|\u3000\u3001\u3002\uff08\uff09\u300c\u300d]+/;

/** The first valid address in `text`, found by its tokens (rule 10): "Jane <jane@x.com>" → jane@x.com. */
export function emailIn(text: string): string | undefined {
  if (!text.includes('@') && !text.includes('\uff20')) return undefined;
  // A value that is an address as a whole (rule 10) is read as the engine reads it, whatever characters it holds.
  let whole = text.trim();
  if (whole.length > 7 && whole[6] === ':' && /^mailto:/i.test(whole)) whole = whole.slice(7);
  if (isEmail(whole)) return whole;
  // A full-width at sign (＠) is what Japanese input methods type; addresses are ASCII otherwise.
  for (let token of text.replace(/\uff20/g, '@').split(TOKEN_BREAKS)) {
    if (!token.includes('@')) continue;
    token = token.replace(/^mailto:/i, '').replace(/^[.:]+|[.:]+$/g, '');
    if (isEmail(token)) return token;
  }
  return undefined;
}

/**
 * Whether `piece` reads as an address value rather than a sentence mentioning one: the address alone, a name before
 * it in brackets ("Jane Doe <jane@x.com>"), a label before it ("Email: jane@x.com"), or a short note after it
 * ("jane@x.com (unverified)", "jane@x.com Disabled").
 */
export function isAddressValue(piece: string, email: string): boolean {
  if (piece === email) return true;
  const at = piece.indexOf(email);
  if (at === -1) return false;
  const before = piece.slice(0, at).trim();
  const after = piece.slice(at + email.length).trim();
  const beforeOk = before === '' || (/[<([:：]$/.test(before) && before.split(' ').length <= 6);
  const afterOk = after === '' || /^[>)\]]?\s*(\(.{0,40}\)|[\p{L}\p{N}-]{1,20})?$/u.test(after);
  return beforeOk && afterOk;
}

/** The address a cell shows as its value (see isAddressValue), if any. */
export function addressValueIn(pieces: readonly string[]): string | undefined {
  for (const piece of pieces) {
    const email = emailIn(piece);
    if (email && isAddressValue(piece, email)) return email;
  }
  return undefined;
}

/**
 * The username a cell shows: its address when the first piece holds one, else the first piece without spaces (a
 * display name stacked above a login reads past the name), else the first piece. A leading "@" (GitLab's @handle)
 * is not part of the name.
 */
export function usernameIn(pieces: readonly string[]): string | undefined {
  const first = pieces[0];
  if (first === undefined) return undefined;
  // The usual cell: one word, no address, no handle.
  if (pieces.length === 1 && !first.includes('@') && !first.includes(' ')) return first;
  const email = emailIn(first);
  if (email && isAddressValue(first, email)) return email;
  const word = pieces.find((piece) => !piece.includes(' ')) ?? first;
  return word.replace(/^@(?=[^@]+$)/, '');
}

/** The first address given by an attribute a console puts on its cells or rows for scripts and screen readers. */
export function attributeEmail(element: Element): string | undefined {
  for (const name of ['data-email', 'data-user-email', 'data-mail', 'title', 'aria-label']) {
    const value = element.getAttribute(name);
    if (!value) continue;
    const email = emailIn(value);
    if (email && (name.startsWith('data-') || isAddressValue(squeeze(value), email))) return email;
  }
  return undefined;
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
