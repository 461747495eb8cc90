// The notices (notices.ts) as a toast in a corner of the window: one <seatkeeper-banner> host whose shadow root holds
// its own style, built from elements and text nodes only. It never covers the console's own controls: it goes to the
// first corner where nothing under it can be clicked (a link, a button, a field); when no corner is free it folds into
// a small tab that opens on demand; when even the tab finds no free corner it goes at the top of the page, pushing the
// page down. It looks again when the page scrolls or the window is resized.
import { formatNumber, type MessageKey, t } from './i18n.ts';
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

const TONE_WORDS: Record<NoticeTone, MessageKey> = { notice: 'toneNotice', warning: 'toneWarning', over: 'toneOver' };
const SEVERITY: NoticeTone[] = ['over', 'warning', 'notice'];
/** What can be clicked or typed in: the toast must not lie over any of it. */
const CONTROLS =
  'a[href], button, input, select, textarea, summary, label, [role="button"], [role="link"], [role="menuitem"], [role="tab"], [role="checkbox"], [contenteditable="true"]';
const CORNERS = ['bottom right', 'bottom left', 'top right', 'top left'] as const;

function bannerHost(doc: Document): HTMLElement {
  const existing = doc.querySelector<HTMLElement>(BANNER_TAG);
  if (existing?.shadowRoot) return existing;
  const host = doc.createElement(BANNER_TAG);
  host.attachShadow({ mode: 'open' });
  return host;
}

/** The boxes of the page's controls in the window now (what the toast must not cover). */
function controlBoxes(doc: Document, host: HTMLElement): DOMRect[] {
  const view = doc.defaultView;
  const width = view?.innerWidth ?? 0;
  const height = view?.innerHeight ?? 0;
  const boxes: DOMRect[] = [];
  // Read once per placement, whatever the page's size: one pass over its controls, not a hit test per point.
  for (const control of doc.querySelectorAll(CONTROLS)) {
    if (control === host) continue;
    const box = control.getBoundingClientRect();
    if (box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < height && box.right > 0 && box.left < width) {
      boxes.push(box);
    }
  }
  return boxes;
}

const overlaps = (a: DOMRect, b: DOMRect) =>
  a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;

/**
 * Puts the toast in the first corner with no control under it; else folds it into a tab in the first free corner;
 * else, with controls in every corner, puts it at the top of the page, pushing the page down rather than covering it.
 */
export function placeBanner(doc: Document, host: HTMLElement): void {
  const controls = controlBoxes(doc, host);
  for (const folded of [false, true]) {
    host.toggleAttribute('data-folded', folded);
    for (const corner of CORNERS) {
      host.setAttribute('data-corner', corner);
      const place = host.getBoundingClientRect();
      if (!controls.some((control) => overlaps(control, place))) return;
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
  tab.textContent = t('bannerTab', t(TONE_WORDS[worst]), formatNumber(notices.length));
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
      title.textContent = t('bannerTitle', t(TONE_WORDS[notice.tone]), notice.title);
      text.append(title);
      for (const line of notice.lines) {
        const paragraph = doc.createElement('p');
        paragraph.textContent = line;
        text.append(paragraph);
      }
      const button = doc.createElement('button');
      button.type = 'button';
      button.textContent = t('bannerDismiss');
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
