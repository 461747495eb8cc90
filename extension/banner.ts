// The notices (notices.ts) as a toast in a corner of the window: one <seatkeeper-banner> host whose shadow root holds
// its own style, built from elements and text nodes only. It never covers the console's own controls: it goes to the
// first corner where nothing under it can be clicked (a link, a button, a field); when no corner is free it folds into
// a small tab that opens on demand; when even the tab finds no free corner it goes at the top of the page, pushing the
// page down. It looks again when the page scrolls or the window is resized.
import type { Notice, NoticeTone } from './notices.ts';

export const BANNER_TAG = 'seatkeeper-banner';

const STYLE = `
:host { all: initial !important; position: fixed !important; z-index: 2147483647 !important; display: block !important;
  width: min(420px, calc(100vw - 24px)) !important; }
:host([data-corner~='top']) { top: 12px !important; } :host([data-corner~='bottom']) { bottom: 12px !important; }
:host([data-corner~='left']) { left: 12px !important; } :host([data-corner~='right']) { right: 12px !important; }
:host([data-folded]) { width: auto !important; }
:host([data-corner='page']) { position: static !important; width: auto !important; margin: 8px !important; }
.toast { font: 13px/1.4 system-ui, sans-serif; border-radius: 8px; box-shadow: 0 4px 16px rgb(0 0 0 / 0.18); overflow: hidden; }
:host([data-folded]) .notice { display: none; }
.tab { display: none; font: 600 12px/1 system-ui, sans-serif; cursor: pointer; border: 1px solid; border-radius: 14px; padding: 6px 10px; }
:host([data-folded]) .tab { display: block; }
.notice { display: flex; gap: 1em; align-items: flex-start; padding: 0.5em 0.75em; border-left: 4px solid; }
.notice + .notice { border-top: 1px solid rgb(0 0 0 / 0.1); }
.notice, .tab { color: #713f12; background: #fef9c3; border-color: #ca8a04; }
.notice.warning, .tab[data-tone='warning'] { color: #7c2d12; background: #ffedd5; border-color: #ea580c; }
.notice.over, .tab[data-tone='over'] { color: #7f1d1d; background: #fee2e2; border-color: #b91c1c; }
.text { flex: 1; min-width: 0; overflow-wrap: anywhere; }
strong { font-weight: 700; }
p { margin: 0.1em 0 0; }
.actions { display: flex; flex-direction: column; gap: 0.3em; }
button { font: inherit; cursor: pointer; background: transparent; border: 1px solid currentColor; border-radius: 4px; color: inherit; padding: 0.1em 0.6em; white-space: nowrap; }
`;

const TONE_LABELS: Record<NoticeTone, string> = { notice: 'Notice', warning: 'Warning', over: 'Action needed' };
const SEVERITY: NoticeTone[] = ['over', 'warning', 'notice'];
/** What can be clicked or typed in: the toast must not lie over any of it. */
const CONTROLS =
  'a[href], button, input, select, textarea, summary, label, [role="button"], [role="link"], [role="menuitem"], [role="tab"], [role="checkbox"], [contenteditable="true"]';
const CORNERS = ['bottom right', 'bottom left', 'top right', 'top left'] as const;
/** Distance between the points sampled under a candidate place, in px. */
const SAMPLE_PX = 12;

function bannerHost(doc: Document): HTMLElement {
  const existing = doc.querySelector<HTMLElement>(BANNER_TAG);
  if (existing?.shadowRoot) return existing;
  const host = doc.createElement(BANNER_TAG);
  host.attachShadow({ mode: 'open' });
  return host;
}

/** How many of the points sampled over `box` have one of the page's controls under them (0: a free place). */
function controlsUnder(doc: Document, host: HTMLElement, box: DOMRect): number {
  let hits = 0;
  if (typeof doc.elementsFromPoint !== 'function') return hits;
  // Every SAMPLE_PX and the far edges: no control as large as a checkbox falls between two points.
  const steps = (from: number, to: number) => {
    const points: number[] = [];
    for (let at = from + 1; at < to - 1; at += SAMPLE_PX) points.push(at);
    points.push(to - 1);
    return points;
  };
  for (const y of steps(box.top, box.bottom)) {
    for (const x of steps(box.left, box.right)) {
      for (const element of doc.elementsFromPoint(x, y)) {
        if (element === host || host.contains(element)) continue;
        if (element.closest(CONTROLS)) {
          hits++;
          break;
        }
      }
    }
  }
  return hits;
}

/**
 * Puts the toast in the first corner with no control under it; else folds it into a tab in the first free corner;
 * else, with controls in every corner, puts it at the top of the page, pushing the page down rather than covering it.
 */
export function placeBanner(doc: Document, host: HTMLElement): void {
  for (const folded of [false, true]) {
    host.toggleAttribute('data-folded', folded);
    for (const corner of CORNERS) {
      host.setAttribute('data-corner', corner);
      if (controlsUnder(doc, host, host.getBoundingClientRect()) === 0) return;
    }
  }
  host.removeAttribute('data-folded');
  host.setAttribute('data-corner', 'page');
}

const watched = new WeakSet<Document>();

/** Places the toast again once the page stops scrolling, and when the window is resized. */
function keepPlaced(doc: Document): void {
  const view = doc.defaultView;
  if (!view || watched.has(doc)) return;
  watched.add(doc);
  let pending: ReturnType<typeof setTimeout> | undefined;
  const again = () => {
    if (pending !== undefined) clearTimeout(pending);
    // After the last scroll event of a gesture: placing measures the page, which is not for every scroll frame.
    pending = setTimeout(() => {
      const host = doc.querySelector<HTMLElement>(BANNER_TAG);
      if (host?.isConnected && !host.hasAttribute('data-open')) placeBanner(doc, host);
    }, 200);
  };
  view.addEventListener('scroll', again, { passive: true, capture: true });
  view.addEventListener('resize', again, { passive: true });
}

/** Shows `notices` in a corner toast (or removes it when there are none); each has a dismiss button. */
export function showNotices(doc: Document, notices: readonly Notice[], dismiss: (key: string) => void): void {
  if (notices.length === 0) {
    doc.querySelector(BANNER_TAG)?.remove();
    return;
  }
  const host = bannerHost(doc);
  const shadow = host.shadowRoot as ShadowRoot;
  const style = doc.createElement('style');
  style.textContent = STYLE;
  const worst = SEVERITY.find((tone) => notices.some((notice) => notice.tone === tone)) ?? 'notice';
  const tab = doc.createElement('button');
  tab.type = 'button';
  tab.className = 'tab';
  tab.dataset.tone = worst;
  tab.textContent = `Seatkeeper · ${TONE_LABELS[worst]} (${notices.length})`;
  tab.title = notices.map((notice) => notice.title).join('\n');
  tab.addEventListener('click', () => {
    // Opened on demand: it stays open where it is until dismissed or the page is reloaded.
    host.removeAttribute('data-folded');
    host.setAttribute('data-open', '');
  });
  const toast = doc.createElement('div');
  toast.className = 'toast';
  toast.append(
    tab,
    ...notices.map((notice) => {
      const row = doc.createElement('div');
      row.className = `notice ${notice.tone}`;
      row.setAttribute('role', notice.tone === 'notice' ? 'status' : 'alert');
      row.dataset.key = notice.key;
      const text = doc.createElement('div');
      text.className = 'text';
      const title = doc.createElement('strong');
      title.textContent = `Seatkeeper · ${TONE_LABELS[notice.tone]}: ${notice.title}`;
      text.append(title);
      for (const line of notice.lines) {
        const paragraph = doc.createElement('p');
        paragraph.textContent = line;
        text.append(paragraph);
      }
      const button = doc.createElement('button');
      button.type = 'button';
      button.textContent = 'Dismiss for today';
      button.addEventListener('click', () => dismiss(notice.key));
      const actions = doc.createElement('div');
      actions.className = 'actions';
      actions.append(button);
      row.append(text, actions);
      return row;
    }),
  );
  shadow.replaceChildren(style, toast);
  // First in the body: where it goes when it has to push the page down rather than cover it.
  if (!host.isConnected) (doc.body ?? doc.documentElement).prepend(host);
  if (!host.hasAttribute('data-open')) placeBanner(doc, host);
  keepPlaced(doc);
}
