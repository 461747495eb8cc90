// Loads saved console pages into the happy-dom document and reads badges back out of their shadow roots.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BADGE_TAG } from '../../extension/badges/badge.ts';
import type { RulesFor } from '../../extension/badges/decorate.ts';
import { compileRules } from '../../shared/licensing/index.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export type Fixture = 'seatkeeper-users' | 'outsystems-users' | 'generic-admin' | 'hostile' | `consoles/${string}`;

/** The worked example's list (rulebook section 2): mycompany.com and sales.mycompany.com are internal. */
export const worked = compileRules('Production', ['mycompany.com', 'sales.mycompany.com']);
export const rulesForWorked: RulesFor = () => worked;

export function loadFixture(name: Fixture): Document {
  const html = readFileSync(join(FIXTURES, `${name}.html`), 'utf8');
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  document.documentElement.replaceChildren(
    document.importNode(parsed.head, true),
    document.importNode(parsed.body, true),
  );
  return document;
}

export function badgeHosts(root: ParentNode = document): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(BADGE_TAG)];
}

/** A badge as the user sees it: the label in its shadow root, the tooltip, the flag marks and the server's marks. */
export function readBadge(host: Element) {
  const shadow = host.shadowRoot;
  if (!shadow) throw new Error('badge host without a shadow root');
  const pill = shadow.querySelector('.pill');
  const label = pill?.firstChild;
  if (label?.nodeType !== 3) throw new Error('badge host without a label');
  const marks = [...shadow.querySelectorAll<HTMLElement>('.mark')];
  return {
    label: label.textContent ?? '',
    title: (host as HTMLElement).title,
    classification: (host as HTMLElement).dataset.classification,
    marks: marks.map((mark) => ({ text: mark.textContent, title: mark.title })),
    // What the server knows is drawn by the stylesheet from this attribute alone (no box changes size).
    server: (host.getAttribute('data-server') ?? '').split(' ').filter((mark) => mark !== '' && mark !== 'known'),
  };
}

/** Lets the MutationObserver report, then runs the animation frame the watcher scheduled. */
export async function nextFrame(): Promise<void> {
  await Promise.resolve();
  await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
}
