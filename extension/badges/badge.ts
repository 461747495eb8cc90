// The Internal/External badge: a <seatkeeper-badge> host whose shadow root holds its own style, so page CSS and
// ours never meet. Built from elements and text nodes only: page text is untrusted (never innerHTML).
import type { Classification, ClassificationFlag, ClassificationResult } from '../../shared/licensing/index.ts';
import { t } from '../i18n.ts';
import { classificationName, flagNote } from '../reasons.ts';
import type { ServerFacts } from '../server-facts.ts';

export const BADGE_TAG = 'seatkeeper-badge';

/** Who the badge is about, for the tooltip. */
export interface BadgeSubject {
  username?: string;
  email?: string;
  environment?: string;
}

// The pill's word: short, since it sits beside a name in a table cell.
const PILL_WORDS = { internal: 'badgeInternal', external: 'badgeExternal' } as const;
const pillWord = (classification: Classification) => t(PILL_WORDS[classification]);

// Flags the admin can act on get a mark with its own tooltip (flagNote: rules 7, 12, 29; rule 5 for unconfigured rules).
export const FLAG_MARKS: Record<ClassificationFlag, string> = {
  'no-email': '!',
  conflict: '!',
  'subdomain-of-listed': '!',
  'rules-not-configured': '?',
};

// The host is an inline-block of no width, and the pill an inline box in it, drawn past the host's edge (overflow is
// visible): the badge adds nothing to the width of its line, so no cell widens, no line wraps because of it, and it is
// drawn over what would follow it (nothing, at the end of a cell). Nothing is positioned, so no box gets a layer of its
// own. What the server knows is drawn with paint-only properties, so its answer changes no box. Where the pill would
// reach past its cell it is drawn as a dot (data-fit, fit.ts): a background of the pill, which keeps its box, so paint
// only as well (a pseudo-element would need the pill positioned, and a new layout); moved back by a margin of its own
// where even a dot does not fit (rare: a cell cutting its text short). A mention in running text takes room in its line like a word.
// Every :host declaration is !important, because for important rules the shadow root's own win over the page's.
//
// Measured in Chromium on a 5,000-row table, same machine, alternating runs (docs/extension.md, "Speed"): this costs
// about what an inline pill in the flow costs (~+75 ms of layout on a loaded machine); a pill positioned out of the
// flow, or moved by relative position, ~+220 ms (each positioned box gets a layer), so neither is used.
const STYLE = `
:host { all: initial !important; display: inline-block !important; width: 0 !important; overflow: visible !important;
  white-space: nowrap !important; vertical-align: baseline !important; font: 600 11px system-ui, sans-serif !important;
  flex: none !important; align-self: center !important; cursor: default !important; }
:host([data-mention]) { display: inline !important; width: auto !important; }
.pill { margin-inline-start: 4px; padding: 0 0.5em; border: 1px solid; border-radius: 0.8em;
  color: #14532d; background: #dcfce7; border-color: #4ade80; }
:host([data-mention]) .pill { margin-inline-start: 0.4em; }
:host([data-classification='external']) .pill { color: #7c2d12; background: #ffedd5; border-color: #fb923c; }
:host([data-flags~='rules-not-configured']) .pill { border-style: dashed; }
:host([data-server~='unknown']) .pill { background: transparent; border-style: dotted; }
:host([data-server~='inactive']) .pill { color: #4b5563; background: #f3f4f6; border-color: #9ca3af; text-decoration: line-through; }
:host([data-server~='merged']) .pill { box-shadow: 0.25em 0.2em 0 -0.05em #9ca3af; }
.mark { margin-inline-start: 0.35em; color: #b91c1c; font-weight: 800; }
:host([data-fit~='dot']) .pill, :host([data-fit~='dot']) .mark { color: transparent; border-color: transparent;
  box-shadow: none; text-decoration: none; }
:host([data-fit~='dot']) .pill { pointer-events: none;
  background: radial-gradient(circle at 5px 50%, #22c55e 0 4.5px, #fff 5px 5.5px, transparent 6px) no-repeat; }
:host([data-fit~='dot'][data-classification='external']) .pill {
  background: radial-gradient(circle at 5px 50%, #f97316 0 4.5px, #fff 5px 5.5px, transparent 6px) no-repeat; }
`;

// One stylesheet object shared by every badge's shadow root: parsed once, not once per badge.
let sharedSheet: CSSStyleSheet | null | undefined;
/** The list of it handed to each shadow root (one list, not one per badge). */
let adoptedSheets: CSSStyleSheet[] | undefined;
function constructedSheet(doc: Document): CSSStyleSheet | null {
  if (sharedSheet !== undefined) return sharedSheet;
  sharedSheet = null;
  const view = doc.defaultView;
  if (view && 'adoptedStyleSheets' in view.ShadowRoot.prototype && 'replaceSync' in view.CSSStyleSheet.prototype) {
    try {
      const sheet = new view.CSSStyleSheet();
      sheet.replaceSync(STYLE);
      sharedSheet = sheet;
    } catch {
      // Firefox refuses sheets built in a content script's sandbox for the page's shadow roots: use <style>.
    }
  }
  return sharedSheet;
}

export function isBadgeHost(node: Node): node is HTMLElement {
  return node.nodeType === 1 && (node as Element).localName === BADGE_TAG;
}

/** Attaches the badge's style to a new shadow root: the shared sheet, or a <style> where it cannot be adopted. */
function styleShadow(host: HTMLElement, shadow: ShadowRoot): void {
  const sheet = constructedSheet(host.ownerDocument);
  if (sheet) {
    try {
      adoptedSheets ??= [sheet];
      shadow.adoptedStyleSheets = adoptedSheets;
      return;
    } catch {
      sharedSheet = null; // not adoptable from this context after all: every badge gets its own <style>
      adoptedSheets = undefined;
    }
  }
  const style = host.ownerDocument.createElement('style');
  style.textContent = STYLE;
  shadow.append(style);
  withStyleElement.add(host);
}

/** Hosts whose shadow root starts with its own <style> (where a shared sheet cannot be adopted). */
const withStyleElement = new WeakSet<HTMLElement>();

/** A new host showing `built`'s look, built node by node. */
function buildHost(doc: Document, built: BuiltBadge, clonable: boolean): HTMLElement {
  const host = doc.createElement(BADGE_TAG);
  // Open so tests and browser tests can read it; the page can reach the host anyway.
  const shadow = host.attachShadow({ mode: 'open', clonable });
  styleShadow(host, shadow);
  const pill = doc.createElement('span');
  pill.className = 'pill';
  pill.append(doc.createTextNode(pillWord('internal')));
  shadow.append(pill);
  drawLook(host, shadow, undefined, built);
  return host;
}

// Thousands of badges are made at once, in a few looks: each look is built once and copied (shadow root included),
// which costs about a third of building a host, and leaves only the tooltip to write.
interface Prototype {
  host: HTMLElement;
  /** What a copy shows before its tooltip is written. */
  shown: BuiltBadge;
}
const prototypes = new WeakMap<Document, Map<string, Prototype>>();

/** A new host, off the page, showing `built`'s look and nothing else yet (showBadge writes the rest). */
export function createBadgeHost(doc: Document, built: BuiltBadge): HTMLElement {
  let looks = prototypes.get(doc);
  if (!looks) {
    looks = new Map();
    prototypes.set(doc, looks);
  }
  let prototype = looks.get(built.look);
  if (!prototype) {
    prototype = { host: buildHost(doc, built, true), shown: { ...built, title: '', server: '' } };
    looks.set(built.look, prototype);
  }
  const copy = prototype.host.cloneNode(true) as HTMLElement;
  const shadow = copy.shadowRoot;
  // A <style> is copied with the shadow root; adopted sheets are not.
  if (shadow && withStyleElement.has(prototype.host)) withStyleElement.add(copy);
  else if (shadow) styleShadow(copy, shadow);
  // A browser that cannot copy shadow roots gets each host built node by node.
  const host = shadow ? copy : buildHost(doc, built, false);
  shownOnHost.set(host, prototype.shown);
  return host;
}

function tooltip(result: ClassificationResult, subject: BadgeSubject, facts: ServerFacts | undefined): string {
  let text = t('badgeTitle', classificationName(result.classification), result.reason);
  if (subject.environment) text += `\n${t('badgeEnvironment', subject.environment)}`;
  const who =
    subject.username && subject.email ? `${subject.username} / ${subject.email}` : subject.username || subject.email;
  if (who) text += `\n${t('badgeAccount', who)}`;
  if (facts) for (const note of facts.notes) text += `\n${note}`;
  return text;
}

interface Mark {
  className: string;
  text: string;
  title?: string;
}

/** What a badge shows, computed without touching the page. */
export interface BuiltBadge {
  label: string;
  marks: Mark[];
  title: string;
  /** Label and flag marks: two badges with the same look differ at most in their tooltip and paint-only attributes. */
  look: string;
  classification: ClassificationResult['classification'];
  flags: string;
  server: string;
}

const shownOnHost = new WeakMap<HTMLElement, BuiltBadge>();
const NO_MARKS: Mark[] = [];

/**
 * What the badge for one account shows: the engine's classification from the cached rules, and once the server has
 * answered, what it knows. The server classifies with today's rules, so its answer wins if the two differ.
 */
export function buildBadge(local: ClassificationResult, subject: BadgeSubject, facts?: ServerFacts): BuiltBadge {
  let result: ClassificationResult = local;
  if (facts && facts.classification !== local.classification) {
    result = { classification: facts.classification, reason: facts.reason, flags: facts.flags };
  } else if (facts?.flags.some((flag) => !local.flags.includes(flag))) {
    // The stored record's flags (a conflict the console hides by not showing the username) are marks too.
    result = { ...local, flags: [...local.flags, ...facts.flags.filter((flag) => !local.flags.includes(flag))] };
  }
  const marks: Mark[] =
    result.flags.length === 0
      ? NO_MARKS
      : result.flags.map((flag) => ({
          className: `mark ${flag}`,
          text: FLAG_MARKS[flag],
          title: flagNote(flag),
        }));
  const flags = result.flags.length === 0 ? '' : result.flags.join(' ');
  return {
    label: pillWord(result.classification),
    marks,
    title: tooltip(result, subject, facts),
    look: `${result.classification}|${flags}`,
    classification: result.classification,
    flags,
    // Drawn by the stylesheet alone (see STYLE): the server's answer changes no box.
    server: facts ? facts.marks.join(' ') || 'known' : '',
  };
}

/**
 * Shows a built badge in `host`, with text nodes and elements only. When it looks the same as the one shown, only
 * attributes change (the tooltip, and what the server knows, drawn by the stylesheet): on a large table, changing what
 * a badge contains makes the browser lay the whole table out again.
 */
export function showBadge(host: HTMLElement, built: BuiltBadge): void {
  // Compared with what was last shown, not read back from the page: reads through the DOM cost more than the writes.
  const shown = shownOnHost.get(host);
  if (!shown) throw new Error('showBadge needs a host made by createBadgeHost');
  shownOnHost.set(host, built);
  // A new host starts without attributes: empty ones are not written (each write costs on a 5,000-row table).
  if (shown.server !== built.server) host.setAttribute('data-server', built.server);
  if (shown.title !== built.title) host.setAttribute('title', built.title);
  if (shown.look !== built.look) drawLook(host, host.shadowRoot as ShadowRoot, shown, built);
}

/** The pill: the label and the marks (after the <style> fallback, where there is one). */
export function pillOf(host: HTMLElement): HTMLElement {
  return (host.shadowRoot as ShadowRoot).lastElementChild as HTMLElement;
}

/** The label, flag marks and the attributes the stylesheet draws them by; a new host shows a bare Internal label. */
function drawLook(host: HTMLElement, shadow: ShadowRoot, shown: BuiltBadge | undefined, built: BuiltBadge): void {
  if (shown?.classification !== built.classification) host.setAttribute('data-classification', built.classification);
  if ((shown?.flags ?? '') !== built.flags) host.setAttribute('data-flags', built.flags);
  const pill = shadow.lastElementChild as HTMLElement;
  const label = pill.firstChild as Text;
  if ((shown?.label ?? pillWord('internal')) !== built.label) label.data = built.label;
  if ((shown?.marks.length ?? 0) === 0 && built.marks.length === 0) return;
  while (label.nextSibling) label.nextSibling.remove();
  const doc = host.ownerDocument;
  for (const mark of built.marks) {
    const element = doc.createElement('span');
    element.className = mark.className;
    element.textContent = mark.text;
    if (mark.title) element.title = mark.title;
    pill.append(element);
  }
}

/** Whether showing `built` changes what `host` shows (and so the page's layout), or only attributes. */
export function changesLook(host: HTMLElement, built: BuiltBadge): boolean {
  return shownOnHost.get(host)?.look !== built.look;
}

/** Where a badge goes: inside its anchor at the end; after a link; inside the link where after it would be a new
 * flex or grid item of the link's parent (a new grid item moves every column after it). */
export type Placement = 'inside' | 'after' | 'in-link';

const CELLS = 'td, th, [role="cell"], [role="gridcell"]';
const itemLayout = new WeakMap<Element, boolean>();

/** Whether `parent` lays its children out as flex or grid items; asked once per parent (it costs a style pass). */
function laysOutItems(parent: Element): boolean {
  let items = itemLayout.get(parent);
  if (items === undefined) {
    const display = parent.ownerDocument.defaultView?.getComputedStyle(parent).display ?? '';
    items = /flex|grid/.test(display);
    itemLayout.set(parent, items);
  }
  return items;
}

export function placementOf(anchor: Element): Placement {
  if (anchor.localName !== 'a') return 'inside';
  const parent = anchor.parentElement;
  if (!parent || parent.matches(CELLS)) return 'after';
  return laysOutItems(parent) ? 'in-link' : 'after';
}

// A click on a badge inside a link is not a click on the link.
const keepClickOut = (event: Event) => {
  event.preventDefault();
  event.stopPropagation();
};

/** How a badge sits in the page (see STYLE): in the line like a word, or over it. */
export interface Setting {
  mention?: boolean;
}

/** Puts `host` in place. */
export function placeBadge(anchor: Element, host: HTMLElement, placement: Placement, setting: Setting = {}): void {
  if (setting.mention) host.setAttribute('data-mention', '');
  if (placement === 'after') {
    anchor.after(host);
    return;
  }
  if (placement === 'in-link') host.addEventListener('click', keepClickOut);
  anchor.appendChild(host);
}
