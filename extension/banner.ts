// The banner that carries the page notices (notices.ts): one <seatkeeper-banner> host at the top of the page whose
// shadow root holds its own style, built from elements and text nodes only.
import type { Notice, NoticeTone } from './notices.ts';

export const BANNER_TAG = 'seatkeeper-banner';

const STYLE = `
:host { all: initial !important; position: fixed !important; inset: 0 0 auto 0 !important; z-index: 2147483647 !important; display: block !important; }
.notice { display: flex; gap: 1em; align-items: flex-start; padding: 0.5em 1em; font: 13px/1.4 system-ui, sans-serif; border-bottom: 1px solid; }
.notice.notice { color: #713f12; background: #fef9c3; border-color: #ca8a04; }
.notice.warning { color: #7c2d12; background: #ffedd5; border-color: #ea580c; }
.notice.over { color: #7f1d1d; background: #fee2e2; border-color: #b91c1c; }
.text { flex: 1; }
strong { font-weight: 700; }
p { margin: 0.1em 0 0; }
button { font: inherit; cursor: pointer; background: transparent; border: 1px solid currentColor; border-radius: 4px; color: inherit; padding: 0.1em 0.6em; }
`;

const TONE_LABELS: Record<NoticeTone, string> = { notice: 'Notice', warning: 'Warning', over: 'Action needed' };

function bannerHost(doc: Document): HTMLElement {
  const existing = doc.querySelector<HTMLElement>(BANNER_TAG);
  if (existing?.shadowRoot) return existing;
  const host = doc.createElement(BANNER_TAG);
  host.attachShadow({ mode: 'open' });
  return host;
}

/** Shows `notices` at the top of the page (or removes the banner when there are none); each has a dismiss button. */
export function showNotices(doc: Document, notices: readonly Notice[], dismiss: (key: string) => void): void {
  if (notices.length === 0) {
    doc.querySelector(BANNER_TAG)?.remove();
    return;
  }
  const host = bannerHost(doc);
  const shadow = host.shadowRoot as ShadowRoot;
  const style = doc.createElement('style');
  style.textContent = STYLE;
  const rows = notices.map((notice) => {
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
    row.append(text, button);
    return row;
  });
  shadow.replaceChildren(style, ...rows);
  if (!host.isConnected) (doc.body ?? doc.documentElement).prepend(host);
}
