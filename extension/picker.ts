// "Point at a row": on a console the reader does not understand, the admin clicks one user row; the picker finds the
// rows like it (a selector that matches it and its siblings), shows that row's cells with what each holds, lets the
// admin say which holds the username and which the email, and hands that to the background to keep. The picker's
// panel lives in a shadow root, built from elements and text nodes only: the cells' text is the page's, untrusted.
import type { RowSpec } from './consoles/declared.ts';
import { cellsOf, ROWS } from './consoles/rows.ts';
import { addressValueIn, readPieces } from './consoles/values.ts';
import { formatNumber, t } from './i18n.ts';
import type { Response } from './messages.ts';

export const PICKER_TAG = 'seatkeeper-picker';

const STYLE = `
:host { all: initial; }
.frame { position: fixed; pointer-events: none; z-index: 2147483646; border: 2px solid #2563eb; background: rgb(37 99 235 / 0.08); border-radius: 3px; }
.panel { position: fixed; top: 12px; left: 50%; transform: translateX(-50%); z-index: 2147483647; width: min(560px, calc(100vw - 24px));
  box-sizing: border-box; font: 13px/1.45 system-ui, sans-serif; color: #111827; background: #fff; border: 1px solid #93c5fd;
  border-radius: 8px; box-shadow: 0 6px 24px rgb(0 0 0 / 0.2); padding: 0.75em 1em; }
strong { font-weight: 700; }
p { margin: 0.2em 0; }
label { display: block; margin-top: 0.5em; font-weight: 600; }
select { display: block; width: 100%; font: inherit; margin-top: 0.2em; }
code { font: 12px ui-monospace, monospace; overflow-wrap: anywhere; }
.actions { display: flex; gap: 0.5em; justify-content: flex-end; margin-top: 0.75em; }
button { font: inherit; cursor: pointer; border-radius: 4px; border: 1px solid #2563eb; padding: 0.2em 0.8em; background: #2563eb; color: #fff; }
button.secondary { background: #fff; color: #1d4ed8; }
.error { color: #b91c1c; }
.ok { color: #166534; }
`;

export type Teach = (spec: RowSpec) => Promise<Response<'teachConsole'>>;

const classesOf = (element: Element) => [...element.classList];

/** Same kind of element: same tag and role, and a class in common (or none at all). */
function alike(a: Element, b: Element): boolean {
  if (a.localName !== b.localName || a.getAttribute('role') !== b.getAttribute('role')) return false;
  const mine = classesOf(a);
  return mine.length === 0 ? b.classList.length === 0 : mine.some((name) => b.classList.contains(name));
}

/** The row a click on `element` stands for: its table or grid row, else the nearest repeated container around it. */
export function rowAround(element: Element): Element {
  const row = element.closest(ROWS);
  if (row) return row;
  for (
    let candidate: Element | null = element;
    candidate && candidate.localName !== 'body';
    candidate = candidate.parentElement
  ) {
    const before = candidate.previousElementSibling;
    const after = candidate.nextElementSibling;
    if ((before && alike(candidate, before)) || (after && alike(candidate, after))) return candidate;
  }
  return element;
}

const css = (value: string) =>
  typeof CSS !== 'undefined' && CSS.escape ? CSS.escape(value) : value.replace(/[^\w-]/g, '\\$&');

/** A selector for `row` and the rows like it: its own kind, anchored on the nearest ancestor with an id when it can. */
export function rowsSelectorFor(row: Element): string {
  const doc = row.ownerDocument;
  const siblings = [row.previousElementSibling, row.nextElementSibling].filter(
    (sibling): sibling is Element => sibling !== null && alike(row, sibling),
  );
  const shared = classesOf(row).filter((name) => siblings.some((sibling) => sibling.classList.contains(name)));
  const role = row.getAttribute('role');
  const own = `${row.localName}${shared.map((name) => `.${css(name)}`).join('')}${role ? `[role="${role}"]` : ''}`;
  const body = row.localName === 'tr' && row.parentElement?.localName === 'tbody' ? `tbody > ${own}` : own;
  const matches = (selector: string) => {
    try {
      return [...doc.querySelectorAll(selector)].includes(row);
    } catch {
      return false;
    }
  };
  for (let parent = row.parentElement, depth = 0; parent && depth < 8; parent = parent.parentElement, depth++) {
    if (!parent.id) continue;
    const anchored = `#${css(parent.id)} ${body}`;
    if (matches(anchored)) return anchored;
  }
  return body;
}

/** The cells of a picked row, each with a selector inside the row and the text it shows. */
export function cellsOfRow(row: Element): { selector: string; text: string; email: string | undefined }[] {
  const cells = row.localName === 'tr' || row.getAttribute('role') === 'row' ? cellsOf(row) : [...row.children];
  return cells.map((cell, index) => {
    const colIndex = cell.getAttribute('aria-colindex');
    const selector =
      cell.parentElement === row
        ? `:scope > :nth-child(${[...row.children].indexOf(cell) + 1})`
        : colIndex
          ? `[aria-colindex="${colIndex}"]`
          : `:scope ${cell.localName}:nth-of-type(${index + 1})`;
    const pieces = readPieces(cell);
    return { selector, text: pieces.join(' ').slice(0, 60), email: addressValueIn(pieces) };
  });
}

/** Shows the picker on `doc` until the admin saves, cancels or presses Escape. */
export function startPicker(doc: Document, teach: Teach): void {
  if (doc.querySelector(PICKER_TAG)) return;
  const host = doc.createElement(PICKER_TAG);
  const shadow = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = STYLE;
  const frame = doc.createElement('div');
  frame.className = 'frame';
  const panel = doc.createElement('div');
  panel.className = 'panel';
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', t('pickerLabel'));
  shadow.append(style, frame, panel);
  (doc.body ?? doc.documentElement).append(host);

  const paragraph = (text: string, className?: string) => {
    const element = doc.createElement('p');
    if (className) element.className = className;
    element.textContent = text;
    return element;
  };
  const button = (text: string, onClick: () => void, secondary = false) => {
    const element = doc.createElement('button');
    element.type = 'button';
    element.textContent = text;
    if (secondary) element.className = 'secondary';
    element.addEventListener('click', onClick);
    return element;
  };

  let picking = true;
  const stop = () => {
    doc.removeEventListener('mousemove', onMove, true);
    doc.removeEventListener('click', onClick, true);
    doc.removeEventListener('keydown', onKey, true);
    host.remove();
  };
  const intro = () => {
    const title = doc.createElement('strong');
    title.textContent = t('pickerIntro');
    panel.replaceChildren(title, paragraph(t('pickerIntroHint')));
    panel.append(button(t('pickerCancel'), stop, true));
  };
  // A click or a move inside the panel is not on the page (the panel's nodes are in its shadow root).
  const targetOf = (event: Event) => {
    const path = event.composedPath();
    const target = path[0];
    return target instanceof Element && !path.includes(host) ? target : null;
  };
  const outline = (element: Element | null) => {
    if (!element) return;
    const box = element.getBoundingClientRect();
    frame.style.cssText = `left:${box.left}px;top:${box.top}px;width:${box.width}px;height:${box.height}px`;
  };
  function onMove(event: MouseEvent) {
    if (picking) outline(targetOf(event) && rowAround(targetOf(event) as Element));
  }
  function onKey(event: KeyboardEvent) {
    if (event.key === 'Escape') stop();
  }
  function onClick(event: MouseEvent) {
    const target = targetOf(event);
    if (!picking || !target) return;
    event.preventDefault();
    event.stopPropagation();
    picking = false;
    confirm(rowAround(target));
  }

  function confirm(row: Element) {
    outline(row);
    const rows = rowsSelectorFor(row);
    const cells = cellsOfRow(row);
    const emailAt = cells.findIndex((cell) => cell.email);
    const usernameAt = cells.findIndex(
      (cell, index) => index !== emailAt && /^[^\s\d][^\s]*$/.test(cell.text) && !cell.text.includes('/'),
    );
    const chooser = (id: string, label: string, chosen: number) => {
      const wrapper = doc.createElement('label');
      wrapper.textContent = label;
      const select = doc.createElement('select');
      select.id = id;
      const none = doc.createElement('option');
      none.value = '';
      none.textContent = t('pickerNotShown');
      select.append(none);
      cells.forEach((cell, index) => {
        const option = doc.createElement('option');
        option.value = cell.selector;
        option.textContent = t('pickerCell', formatNumber(index + 1), cell.text || t('pickerEmpty'));
        if (index === chosen) option.selected = true;
        select.append(option);
      });
      wrapper.append(select);
      return { wrapper, select };
    };
    const username = chooser('picker-username', t('pickerUsernameIn'), usernameAt);
    const email = chooser('picker-email', t('pickerEmailIn'), emailAt);
    const found = doc.querySelectorAll(rows).length;
    const message = doc.createElement('div');
    message.setAttribute('role', 'status');
    const title = doc.createElement('strong');
    title.textContent = found === 1 ? t('pickerFoundOne') : t('pickerFound', formatNumber(found));
    const code = doc.createElement('code');
    code.textContent = rows;
    const save = async () => {
      if (!username.select.value && !email.select.value) {
        message.replaceChildren(paragraph(t('pickerChooseCell'), 'error'));
        return;
      }
      const answer = await teach({
        rows,
        ...(username.select.value && { username: username.select.value }),
        ...(email.select.value && { email: email.select.value }),
      });
      if (!answer.ok) {
        message.replaceChildren(paragraph(answer.error.message, 'error'));
        return;
      }
      stop();
    };
    const actions = doc.createElement('div');
    actions.className = 'actions';
    actions.append(
      button(
        t('pickerAgain'),
        () => {
          picking = true;
          intro();
        },
        true,
      ),
      button(t('pickerCancel'), stop, true),
      button(t('pickerSave'), () => void save()),
    );
    const rowsLine = paragraph(`${t('pickerRows')} `);
    rowsLine.append(code);
    panel.replaceChildren(title, rowsLine, username.wrapper, email.wrapper, message, actions);
  }

  doc.addEventListener('mousemove', onMove, true);
  doc.addEventListener('click', onClick, true);
  doc.addEventListener('keydown', onKey, true);
  intro();
}
