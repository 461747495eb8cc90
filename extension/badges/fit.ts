// Keeps each badge inside its cell. The pill is drawn over the row without taking room (badge.ts), so it can reach
// past a narrow or fixed-width column, or be clipped by a cell that cuts its text short. Once the page is laid out,
// each badge is measured against its cell: one without room becomes a dot, moved back inside the cell when even the
// dot does not fit. Only the pill changes, a box outside the flow: the table is never laid out again for it.
import { pillOf } from './badge.ts';

const CELLS = 'td, th, [role="cell"], [role="gridcell"]';
const INLINE = new Set(['a', 'span', 'strong', 'b', 'em', 'i', 'small', 'label', 'code', 'abbr', 'mark', 'time']);
/** The dot's width (badge.ts, `data-fit~='dot'`) and the pill's offset from the host (`left` of .pill). */
const DOT_PX = 10;
const GAP_PX = 4;

/** The box a badge must stay inside: its cell, else the block its anchor sits in. */
function roomOf(host: HTMLElement): Element | null {
  const parent = host.parentElement;
  if (!parent) return null;
  const cell = parent.closest(CELLS);
  if (cell) return cell;
  let room: Element | null = parent;
  while (room && INLINE.has(room.localName)) room = room.parentElement;
  return room;
}

export interface FitDecision {
  fit: '' | 'dot';
  /** How far left the pill is moved, in px (0 or negative). */
  shift: number;
}

/**
 * Where a pill of `width` starting at `start` goes in a room spanning `left`…`right` (px, viewport): as it is, as a dot,
 * or as a dot moved left so it ends at the room's edge (never past its start).
 */
export function decideFit(start: number, width: number, left: number, right: number): FitDecision {
  if (start + GAP_PX + width <= right) return { fit: '', shift: 0 };
  if (start + GAP_PX + DOT_PX <= right) return { fit: 'dot', shift: 0 };
  const shift = Math.max(right - DOT_PX - (start + GAP_PX), left - (start + GAP_PX));
  return { fit: 'dot', shift: Math.min(0, Math.round(shift)) };
}

/** Natural pill widths by what the pill shows (label and marks): measured once, while the pill is whole. */
const widths = new Map<string, number>();

function naturalWidth(host: HTMLElement, pill: HTMLElement): number | undefined {
  const key = pill.textContent ?? '';
  const known = widths.get(key);
  if (known !== undefined) return known;
  if (host.getAttribute('data-fit')) return undefined; // a dot now: measured later, when some pill shows it whole
  const width = pill.getBoundingClientRect().width;
  if (width > 0) widths.set(key, width);
  return width;
}

/**
 * Measures one badge against its room (given, or found) and applies the decision. 'retry' when the pill had to be
 * shown whole to be measured (next frame); 'skipped' when there is nothing laid out to measure (a hidden row).
 */
export function fitBadge(
  host: HTMLElement,
  room: Element | null = roomOf(host),
  hostBox: DOMRect = host.getBoundingClientRect(),
): 'done' | 'retry' | 'skipped' {
  if (!host.isConnected || host.hasAttribute('data-mention')) return 'skipped';
  if (!room) return 'skipped';
  const roomBox = room.getBoundingClientRect();
  if (roomBox.width === 0 && roomBox.height === 0) return 'skipped';
  const pill = pillOf(host);
  const width = naturalWidth(host, pill);
  if (width === undefined) {
    // Shown as a dot and this look was never measured whole: show it whole, measured next time.
    host.removeAttribute('data-fit');
    host.style.removeProperty('--seatkeeper-shift');
    return 'retry';
  }
  const start = hostBox.left;
  const decision = decideFit(start, width, roomBox.left, roomBox.right - paddingRight(room));
  if ((host.getAttribute('data-fit') ?? '') !== decision.fit) {
    if (decision.fit) host.setAttribute('data-fit', decision.fit);
    else host.removeAttribute('data-fit');
  }
  const shift = decision.shift === 0 ? '' : `${decision.shift}px`;
  if (host.style.getPropertyValue('--seatkeeper-shift') !== shift) {
    if (shift) host.style.setProperty('--seatkeeper-shift', shift);
    else host.style.removeProperty('--seatkeeper-shift');
  }
  return 'done';
}

const paddings = new Map<string, number>();

/** A room's right padding, read once per kind of cell (a column's cells share their style). */
function paddingRight(room: Element): number {
  const key = `${room.localName}.${room.className}`;
  let padding = paddings.get(key);
  if (padding === undefined) {
    const style = room.ownerDocument.defaultView?.getComputedStyle(room);
    padding = Number.parseFloat(style?.paddingRight ?? '0') || 0;
    paddings.set(key, padding);
  }
  return padding;
}

export interface Fitting {
  /** Fits these badges once the page has laid them out and they are in view (again after a resize or a scroll). */
  add(hosts: Iterable<HTMLElement>): void;
}

/** Badges this far outside the window are fitted when a scroll brings them near, not before. */
const NEAR_PX = 400;
const CONTAINERS = 'table, [role="grid"], [role="table"], [role="treegrid"]';

/**
 * Fits badges in slices of `sliceMs`, each in a task after a frame was painted, when the page's layout is done and
 * reading it forces nothing. Only badges in or near the window are measured: the others when a scroll ends near them.
 * All are fitted again when their table or list changes size (a column widened, the window resized) and once images
 * and fonts have loaded (text before a badge may have moved). Stops when `signal` aborts.
 */
export function createFitting(
  view: Window,
  { sliceMs = 10, signal }: { sliceMs?: number; signal?: AbortSignal },
): Fitting {
  const live = new Set<HTMLElement>();
  /** Out of view when last looked at: fitted after a scroll. */
  const away = new Set<HTMLElement>();
  const observed = new WeakSet<Element>();
  const sized = new WeakSet<Element>();
  let queue: HTMLElement[] = [];
  let scheduled = false;
  const refitAll = () => {
    queue = [...live];
    away.clear();
    schedule();
  };
  // One observer on each table or list, not one on each of its thousands of cells: the browser checks every target at
  // every frame.
  const resized =
    typeof ResizeObserver === 'function'
      ? new ResizeObserver((entries) => {
          // The first report of a container is its size as it was fitted to: nothing changed yet.
          let changed = false;
          for (const { target } of entries) {
            if (sized.has(target)) changed = true;
            else sized.add(target);
          }
          if (changed) refitAll();
        })
      : undefined;
  const run = () => {
    scheduled = false;
    const deadline = performance.now() + sliceMs;
    const height = view.innerHeight;
    const retry: HTMLElement[] = [];
    while (queue.length > 0 && performance.now() <= deadline) {
      const host = queue.pop() as HTMLElement;
      if (!host.isConnected) {
        live.delete(host);
        continue;
      }
      const box = host.getBoundingClientRect();
      if (box.bottom < -NEAR_PX || box.top > height + NEAR_PX) {
        away.add(host);
        continue;
      }
      const room = roomOf(host);
      if (fitBadge(host, room, box) === 'retry') retry.push(host);
      const container = room?.closest(CONTAINERS) ?? room?.parentElement?.parentElement;
      if (container && resized && !observed.has(container)) {
        observed.add(container);
        resized.observe(container);
      }
    }
    for (const host of retry) queue.push(host);
    if (queue.length > 0) schedule();
  };
  // After the frame: a task posted from an animation frame runs once that frame is painted.
  const schedule = () => {
    if (signal?.aborted || queue.length === 0 || scheduled) return;
    scheduled = true;
    view.requestAnimationFrame(() => view.setTimeout(run, 0));
  };
  const nearAgain = () => {
    if (away.size === 0) return;
    for (const host of away) queue.push(host);
    away.clear();
    schedule();
  };
  view.addEventListener('resize', refitAll, { signal });
  // Scrolls of the page and of any scrolling box in it (a virtualised grid); `scrollend` once the scroll has stopped.
  view.addEventListener('scrollend', nearAgain, { capture: true, passive: true, signal });
  if (view.document.readyState !== 'complete') view.addEventListener('load', refitAll, { once: true, signal });
  void view.document.fonts?.ready.then(() => {
    if (view.document.fonts.status === 'loaded' && live.size > 0) refitAll();
  });
  signal?.addEventListener('abort', () => {
    resized?.disconnect();
    queue = [];
    live.clear();
    away.clear();
  });
  return {
    add(hosts) {
      for (const host of hosts) {
        if (host.hasAttribute('data-mention')) continue;
        live.add(host);
        queue.push(host);
      }
      schedule();
    },
  };
}
