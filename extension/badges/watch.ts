// Keeps badges current while the page changes: paging, sorting, filtering, re-used rows and SPA navigation.

import { isInHeaderRow, ROWS } from '../consoles/rows.ts';
import { type ConsoleAdapter, type FoundAccount, newReadContext, type ReadContext } from '../consoles/types.ts';
import { isBadgeHost } from './badge.ts';
import {
  type BadgeChange,
  collectAccounts,
  commitChanges,
  type FactsFor,
  isCurrent,
  prepareBadge,
  type RulesFor,
} from './decorate.ts';
import { createFitting } from './fit.ts';

export interface WatchOptions {
  signal?: AbortSignal;
  /**
   * Longest stretch of work not tied to a change of the page (redraws after the server answered, rows left over from
   * a frame), in ms before yielding: keeps those tasks, with the style and paint they cause, under 50 ms.
   */
  sliceMs?: number;
  /**
   * Most time spent reading and preparing as soon as the page's change is reported (at the end of the page's own
   * task, before its frame): the frame is left with the rest. Nothing is put on the page then.
   */
  taskMs?: number;
  /** Most time spent on what the page holds when watching starts, in that task; the next frame does the rest. */
  startMs?: number;
  /**
   * Most time spent in the animation frame in which the page changed. What is ready by then is laid out with the
   * page's own change, in the frame that is long anyway because of it; anything left is finished in slices and put
   * on the page in one batch, which costs the browser a second layout of the whole table (docs/extension.md, "Speed").
   */
  frameMs?: number;
  /** What the server knows about an account, once it has answered. */
  factsFor?: FactsFor;
  /** Called with the accounts found in each batch of changes (to ask the server about them), in a task after it. */
  onAccounts?: (accounts: readonly FoundAccount[]) => void;
}

export interface Watcher {
  /** Redraws these accounts' badges (e.g. the server answered), unless their anchors hold other accounts by now. */
  redraw(accounts: Iterable<FoundAccount>): void;
}

const CONTAINERS = 'table, [role="grid"], [role="table"], [role="treegrid"]';

/**
 * A changed node stands for its row (a header row for its whole table or grid), since adapters read rows whole; for
 * rows that are neither `tr` nor `[role=row]` the adapter says which row (a list item, a card).
 */
function unitOf(node: Node | null, adapter: ConsoleAdapter): Element | undefined {
  const element = node === null ? null : node.nodeType === 1 ? (node as Element) : node.parentElement;
  if (!element || isBadgeHost(element)) return undefined;
  // Most changes on a table page are whole rows: no need to look up the tree for those.
  const row = element.localName === 'tr' ? element : element.closest(ROWS);
  if (!row) return adapter.rowOf?.(element) ?? element;
  const isData = row.firstElementChild?.localName === 'td' && row.parentElement?.localName === 'tbody';
  return isData || !isInHeaderRow(row) ? row : (row.closest(CONTAINERS) ?? row);
}

/** Badges, the notice, the picker: the extension's own elements. */
function onlyOurElements(nodes: NodeList): boolean {
  for (const node of nodes) {
    if (node.nodeType !== 1 || !(node as Element).localName.startsWith('seatkeeper-')) return false;
  }
  return true;
}

function anyBadge(nodes: NodeList): boolean {
  for (const node of nodes) if (isBadgeHost(node)) return true;
  return false;
}

function onlyRows(nodes: NodeList): boolean {
  for (const node of nodes) if (!isBadgeHost(node) && (node as Element).localName !== 'tr') return false;
  return true;
}

function within(element: Element, units: ReadonlySet<Element>): boolean {
  for (let node: Element | null = element; node; node = node.parentElement) if (units.has(node)) return true;
  return false;
}

/** The outermost changed units: a row inside a re-rendered table body is covered by the body. */
function outermost(units: Set<Element>, root: Node): Element[] {
  const result: Element[] = [];
  // Rows only (a page adding or re-rendering rows): none covers another, so no walking up 5,000 trees.
  let rowsOnly = true;
  for (const unit of units) if (unit.localName !== 'tr') rowsOnly = false;
  if (rowsOnly && root.nodeType === 9) {
    for (const unit of units) if (unit.isConnected) result.push(unit);
    return result;
  }
  for (const unit of units) {
    if (!unit.isConnected || !root.contains(unit)) continue;
    let covered = false;
    for (let parent = unit.parentElement; parent && !covered; parent = parent.parentElement)
      covered = units.has(parent);
    if (!covered) result.push(unit);
  }
  return result;
}

/**
 * Badges everything under `root` now, then re-badges only what changes. A change is read and prepared as soon as it
 * is reported, at the end of the page's own task (for at most `taskMs`), the rest in the next animation frame, and put
 * on the page in that frame, before the browser lays the page's change out: the badges cost no layout of their own,
 * and neither task carries all of the script. Work beyond `frameMs` is finished in slices of `sliceMs` and put on the
 * page in one batch at the end. Stops when `signal` aborts.
 */
export function watch(
  root: Document | Element,
  adapter: ConsoleAdapter,
  rulesFor: RulesFor,
  { signal, sliceMs = 10, taskMs = 36, startMs = 35, frameMs = 200, factsFor, onAccounts }: WatchOptions = {},
): Watcher {
  const dirty = new Set<Element>();
  let units: Element[] = [];
  let accounts: FoundAccount[] = [];
  let changes: BadgeChange[] = [];
  let context: ReadContext = newReadContext();
  let frame: number | undefined;
  let slice: number | undefined;

  const view = (root.ownerDocument ?? (root as Document)).defaultView ?? window;
  const fitting = createFitting(view, { sliceMs, ...(signal && { signal }) });

  function commit(): void {
    if (changes.length === 0) return;
    const made = changes;
    changes = [];
    // Our own insertions are not page changes: not observed at all, rather than reported and skipped one by one.
    noticeChanges(observer.takeRecords());
    observer.disconnect();
    commitChanges(made);
    if (!signal?.aborted) observer.observe(root, observed);
    // Placed or redrawn: checked against their cells once the page has laid them out.
    const drawn: HTMLElement[] = [];
    for (const change of made) {
      if (change.kind === 'show' || (change.kind === 'place' && !change.setting.mention)) drawn.push(change.host);
    }
    fitting.add(drawn);
  }

  // Handed over after the frame: asking about thousands of accounts is not what the page waits for.
  let toHandOver: FoundAccount[] = [];
  let handing: ReturnType<typeof setTimeout> | undefined;
  function handOver(found: FoundAccount[]): void {
    if (!onAccounts || found.length === 0) return;
    for (const account of found) toHandOver.push(account);
    handing ??= setTimeout(() => {
      handing = undefined;
      const list = toHandOver;
      toHandOver = [];
      onAccounts(list);
    }, 0);
  }

  /**
   * One slice per animation frame: the style and paint a slice's redraws cause are done in the same frame, and the
   * frame as a whole stays under 50 ms.
   */
  function scheduleSlice(): void {
    slice ??= requestAnimationFrame(() => drain(sliceMs, 'slice'));
  }

  /**
   * Reads and prepares until the queues are empty or the budget is used up. Then, in the page's task ('early'):
   * nothing more, the frame is coming; in the frame: everything prepared goes on the page, and what is left is
   * finished in slices; in a slice: the changes go on the page only once everything is ready (one layout).
   */
  function drain(budgetMs: number, when: 'early' | 'frame' | 'slice'): void {
    slice = undefined;
    const deadline = performance.now() + budgetMs;
    const found: FoundAccount[] = [];
    let next = 0;
    for (let step = 1; ; step++) {
      if (next < accounts.length) {
        const account = accounts[next++] as FoundAccount;
        // A row removed since it was read needs no badge.
        if (account.anchor.isConnected) prepareBadge(account, rulesFor, factsFor, changes);
      } else if (units.length > 0) {
        accounts = [];
        next = 0;
        const unit = units.pop() as Element;
        if (!unit.isConnected) continue;
        for (const account of collectAccounts(unit, adapter, changes, context)) {
          accounts.push(account);
          found.push(account);
        }
      } else {
        break;
      }
      if (step % 16 === 0 && performance.now() > deadline) break;
    }
    accounts = next < accounts.length ? accounts.slice(next) : [];
    handOver(found);
    if (when === 'early') return;
    const finished = accounts.length === 0 && units.length === 0;
    if (finished || when === 'frame') commit();
    if (!finished) scheduleSlice();
  }

  /** Queues the units the page changed since the last call; what was queued inside them is read again. */
  function takeChanges(): void {
    if (dirty.size === 0) return;
    const changedUnits = new Set<Element>();
    for (const element of dirty) {
      const unit = unitOf(element, adapter);
      if (unit) changedUnits.add(unit);
    }
    dirty.clear();
    const changed = outermost(changedUnits, root);
    context = newReadContext();
    const changedSet = new Set(changed);
    if (accounts.length > 0) accounts = accounts.filter((account) => !within(account.anchor, changedSet));
    if (units.length > 0) units = units.filter((unit) => !within(unit, changedSet));
    // Units are taken from the end: reversed, so rows are read top to bottom (the visible ones first).
    for (let index = changed.length - 1; index >= 0; index--) units.push(changed[index] as Element);
  }

  /**
   * As the page's change is reported, at the end of the page's own task: reading and preparing start at once, for at
   * most `taskMs`, so the frame is left with less. Put on the page in the frame, with whatever the page does next.
   */
  function early(records: MutationRecord[]): void {
    noticeChanges(records);
    if (frame === undefined || signal?.aborted) return; // only our own badges, or nothing to read
    takeChanges();
    if (slice !== undefined) cancelAnimationFrame(slice);
    drain(taskMs, 'early');
  }

  function flush(): void {
    frame = undefined;
    takeChanges();
    if (slice !== undefined) cancelAnimationFrame(slice);
    drain(frameMs, 'frame');
  }

  const watcher: Watcher = {
    redraw(list) {
      if (signal?.aborted) return;
      for (const account of list) if (isCurrent(account)) accounts.push(account);
      if (frame === undefined) scheduleSlice();
    },
  };
  if (signal?.aborted) return watcher;

  function mark(node: Node | null): void {
    const element = node === null ? null : node.nodeType === 1 ? (node as Element) : node.parentElement;
    if (!element) return;
    dirty.add(element);
    frame ??= requestAnimationFrame(flush);
  }
  function noticeChanges(records: MutationRecord[]): void {
    for (const record of records) {
      if (record.type === 'childList') {
        // Our own insertions and removals are never observed (see commit). Badges the page moved, copied or removed:
        // what is around them is read again, and each badge put back or removed. The notice and the picker: nothing.
        if (onlyOurElements(record.addedNodes) && onlyOurElements(record.removedNodes)) {
          if (anyBadge(record.addedNodes) || anyBadge(record.removedNodes)) mark(record.target);
          continue;
        }
        for (const node of record.addedNodes) mark(node.nodeType === 1 ? node : record.target);
        // Whole rows leaving take their badges with them; anything else removed may leave a badge stale.
        if (!onlyRows(record.removedNodes)) mark(record.target);
      } else if (record.type === 'characterData') {
        mark(record.target);
      } else if (!isBadgeHost(record.target)) {
        mark(record.target);
      }
    }
  }
  const observer = new MutationObserver(early);
  const attributeFilter = adapter.observedAttributes ?? [];
  const observed: MutationObserverInit = {
    childList: true,
    subtree: true,
    characterData: true,
    ...(attributeFilter.length > 0 && { attributeFilter: [...attributeFilter] }),
  };
  observer.observe(root, observed);

  signal?.addEventListener(
    'abort',
    () => {
      observer.disconnect();
      if (frame !== undefined) cancelAnimationFrame(frame);
      if (slice !== undefined) cancelAnimationFrame(slice);
      if (handing !== undefined) clearTimeout(handing);
      dirty.clear();
      toHandOver = [];
      units = [];
      accounts = [];
      changes = [];
    },
    { once: true },
  );

  // What the page already holds: badged now when that fits in `startMs` (most pages), else read like a change,
  // finished and put on the page in the next frame. A page the browser has not laid out yet lays its badges out with
  // everything else; one laid out already (a large page usually is: the browser renders as it parses) lays its
  // table out once more, as for any batch.
  units.push(root instanceof Document ? root.documentElement : root);
  drain(startMs, 'early');
  if (accounts.length === 0 && units.length === 0) commit();
  else frame = requestAnimationFrame(flush);
  return watcher;
}
