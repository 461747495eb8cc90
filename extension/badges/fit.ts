// Keeps each badge inside its cell. The pill is drawn over the end of its line without taking room (badge.ts), so
// in a narrow or fixed-width column it can reach past the cell, or be clipped by a cell that cuts its text short.
// Once the page is laid out, each badge in view is measured against its cell: one without room is drawn as a dot (paint
// only: no box of the page changes), moved back inside the cell when even the dot does not fit.
import { pillOf } from './badge.ts';

const CELLS = 'td, th, [role="cell"], [role="gridcell"]';
const INLINE = new Set(['a', 'span', 'strong', 'b', 'em', 'i', 'small', 'label', 'code', 'abbr', 'mark', 'time']);
/** The dot's width (badge.ts, `data-fit~='dot'`). */
const DOT_PX = 11;

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
 * Where a pill spanning `left`…`right` (px, viewport) goes in a room spanning `roomLeft`…`roomRight`: as it is, as a
 * dot where it starts, or as a dot moved left so it ends at the room's edge (never past its start).
 */
export function decideFit(left: number, right: number, roomLeft: number, roomRight: number): FitDecision {
  if (right <= roomRight) return { fit: '', shift: 0 };
  if (left + DOT_PX <= roomRight) return { fit: 'dot', shift: 0 };
  const shift = Math.max(roomRight - DOT_PX - left, roomLeft - left);
  return { fit: 'dot', shift: Math.min(0, Math.round(shift)) };
}

/** Pills moved left because even a dot did not fit, and by how much (px). */
const shifts = new WeakMap<HTMLElement, number>();

/** Measures one badge against its room and applies the decision; false when nothing is laid out (a hidden row). */
export function fitBadge(host: HTMLElement, room: Element | null = roomOf(host)): boolean {
  if (!host.isConnected || !room) return false;
  const roomBox = room.getBoundingClientRect();
  if (roomBox.width === 0 && roomBox.height === 0) return false;
  // The pill keeps its box as a dot, and a shift moves only where it is painted: measured where it would be drawn whole.
  const pill = pillOf(host);
  const box = pill.getBoundingClientRect();
  const shifted = shifts.get(pill) ?? 0;
  const roomRight = roomBox.right - paddingRight(room);
  const decision = decideFit(box.left - shifted, box.right - shifted, roomBox.left, roomRight);
  if ((host.getAttribute('data-fit') ?? '') !== decision.fit) {
    if (decision.fit) host.setAttribute('data-fit', decision.fit);
    else host.removeAttribute('data-fit');
  }
  if (shifted !== decision.shift) {
    // Moved back by its start margin (4 px in the stylesheet): a new layout of its line, only where a dot did not fit.
    if (decision.shift === 0) pill.style.removeProperty('margin-inline-start');
    else pill.style.marginInlineStart = `${4 + decision.shift}px`;
    shifts.set(pill, decision.shift);
  }
  return true;
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
 * Fits badges in slices of at most `sliceMs`, each when the page is idle: its layout is done, so reading it forces
 * nothing. Only badges in or near the window are measured: the others when a scroll ends near them.
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
  const run = (idle?: IdleDeadline) => {
    scheduled = false;
    const budget = idle && !idle.didTimeout ? Math.min(sliceMs, idle.timeRemaining()) : sliceMs;
    const deadline = performance.now() + budget;
    const height = view.innerHeight;
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
      fitBadge(host, room);
      const container = room?.closest(CONTAINERS) ?? room?.parentElement?.parentElement;
      if (container && resized && !observed.has(container)) {
        observed.add(container);
        resized.observe(container);
      }
    }
    if (queue.length > 0) schedule();
  };
  // When the page is idle (its frames drawn, nothing else to do): the layout is done, reading it forces nothing, and no
  // frame waits for this. Within a second at the latest.
  const schedule = () => {
    if (signal?.aborted || queue.length === 0 || scheduled) return;
    scheduled = true;
    if (typeof view.requestIdleCallback === 'function') view.requestIdleCallback(run, { timeout: 1000 });
    else view.requestAnimationFrame(() => view.setTimeout(run, 0));
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
      // Mentions take room in their line and need no fitting: the caller leaves them out.
      for (const host of hosts) {
        live.add(host);
        queue.push(host);
      }
      schedule();
    },
  };
}
