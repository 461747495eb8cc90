// The Internal/External badge: a <seatkeeper-badge> host whose shadow root holds its own style, so page CSS and
// ours never meet. Built from elements and text nodes only: page text is untrusted (never innerHTML).
import type { ClassificationFlag, ClassificationResult } from '../../shared/licensing/index.ts';
import { SERVER_MARK_LABELS, type ServerFacts } from '../server-facts.ts';

export const BADGE_TAG = 'seatkeeper-badge';

/** Who the badge is about, for the tooltip. */
export interface BadgeSubject {
  username?: string;
  email?: string;
  environment?: string;
}

const LABELS = { internal: 'Internal', external: 'External' } as const;

// Flags the admin can act on get a mark with its own tooltip (rules 7, 12, 29; rule 5 for unconfigured rules).
export const FLAG_MARKS: Record<ClassificationFlag, { mark: string; note: string }> = {
  'no-email': { mark: '!', note: 'No valid email in Username or Email: counted as internal (rule 7)' },
  conflict: {
    mark: '!',
    note: 'Username and Email domains disagree: counted as internal; correct the record so both agree (rule 12)',
  },
  'subdomain-of-listed': {
    mark: '!',
    note: 'On a subdomain of a listed domain: list the subdomain too if these users are internal (rule 8)',
  },
  'rules-not-configured': {
    mark: '?',
    note: 'No internal domains known for this environment: everyone is counted as internal (rule 5)',
  },
};

// `all: initial` with !important at :host beats page rules aimed at the host (inner !important wins the cascade).
const STYLE = `
:host { all: initial !important; display: inline-block !important; margin-inline-start: 0.4em !important; vertical-align: baseline !important; }
.badge { display: inline-block; font: 600 11px/1.5 system-ui, sans-serif; padding: 0 0.5em; border: 1px solid; border-radius: 0.8em; white-space: nowrap; cursor: default; }
.internal { color: #14532d; background: #dcfce7; border-color: #4ade80; }
.external { color: #7c2d12; background: #ffedd5; border-color: #fb923c; }
.badge.rules-not-configured { border-style: dashed; }
.mark { margin-inline-start: 0.35em; color: #b91c1c; font-weight: 800; }
.server { margin-inline-start: 0.35em; padding: 0 0.35em; border-radius: 0.6em; font-weight: 500; color: #1f2937; background: #e5e7eb; }
.server.inactive { color: #f9fafb; background: #6b7280; }
`;

// One stylesheet object shared by every badge's shadow root: parsed once, not once per badge.
let sharedSheet: CSSStyleSheet | null | undefined;
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

export function createBadgeHost(doc: Document): HTMLElement {
  const host = doc.createElement(BADGE_TAG);
  // Open so tests and browser tests can read it; the page can reach the host anyway.
  const shadow = host.attachShadow({ mode: 'open' });
  const sheet = constructedSheet(doc);
  if (sheet) {
    try {
      shadow.adoptedStyleSheets = [sheet];
      return host;
    } catch {
      sharedSheet = null; // not adoptable from this context after all: every badge gets its own <style>
    }
  }
  const style = doc.createElement('style');
  style.textContent = STYLE;
  shadow.append(style);
  return host;
}

function tooltip(result: ClassificationResult, subject: BadgeSubject, facts: ServerFacts | undefined): string {
  const lines = [`${LABELS[result.classification]}: ${result.reason}`];
  if (subject.environment) lines.push(`Environment: ${subject.environment}`);
  const who = [subject.username, subject.email].filter(Boolean).join(' / ');
  if (who) lines.push(`Account: ${who}`);
  if (facts) lines.push(...facts.notes);
  return lines.join('\n');
}

/**
 * Draws (or redraws) the badge inside `host`: the engine's classification from the cached rules, and once the
 * server has answered, what it knows. The server classifies with today's rules, so its answer wins if they differ.
 */
export function renderBadge(
  host: HTMLElement,
  local: ClassificationResult,
  subject: BadgeSubject,
  facts?: ServerFacts,
): void {
  const shadow = host.shadowRoot;
  if (!shadow) throw new Error('renderBadge needs a host made by createBadgeHost');
  const doc = host.ownerDocument;
  const result: ClassificationResult =
    facts && facts.classification !== local.classification
      ? { classification: facts.classification, reason: facts.reason, flags: facts.flags }
      : local;
  const badge = doc.createElement('span');
  badge.className = ['badge', result.classification, ...result.flags].join(' ');
  badge.title = tooltip(result, subject, facts);
  badge.textContent = LABELS[result.classification];
  for (const flag of result.flags) {
    const mark = doc.createElement('span');
    mark.className = `mark ${flag}`;
    mark.textContent = FLAG_MARKS[flag].mark;
    mark.title = FLAG_MARKS[flag].note;
    badge.append(mark);
  }
  for (const serverMark of facts?.marks ?? []) {
    const mark = doc.createElement('span');
    mark.className = `server ${serverMark}`;
    mark.textContent = SERVER_MARK_LABELS[serverMark];
    badge.append(mark);
  }
  // The <style> fallback (if any) stays first; the previous badge goes.
  const previous = shadow.querySelector('.badge');
  if (previous) previous.replaceWith(badge);
  else shadow.append(badge);
  host.dataset.classification = result.classification;
  host.dataset.flags = result.flags.join(' ');
  host.dataset.server = facts ? facts.marks.join(' ') || 'known' : '';
}

/** Inside a table cell (so it moves with the cell), right after anything else (never inside a link). */
export function placeBadge(anchor: Element, host: HTMLElement): void {
  if (anchor.localName === 'td' || anchor.localName === 'th') anchor.append(host);
  else anchor.after(host);
}
