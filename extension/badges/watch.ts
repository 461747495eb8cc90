// Keeps badges current while the page changes: paging, sorting, filtering, re-used rows and SPA navigation.
import type { ConsoleAdapter, FoundAccount } from '../consoles/types.ts';
import { isBadgeHost } from './badge.ts';
import { badgeAccount, collectAccounts, type FactsFor, isCurrent, type RulesFor } from './decorate.ts';

export interface WatchOptions {
  signal?: AbortSignal;
  /** Longest stretch of badging before yielding to the page, in ms (keeps every task well under 50 ms). */
  sliceMs?: number;
  /** What the server knows about an account, once it has answered. */
  factsFor?: FactsFor;
  /** Called with the accounts found in each batch of changes (to ask the server about them). */
  onAccounts?: (accounts: readonly FoundAccount[]) => void;
}

export interface Watcher {
  /** Redraws these accounts' badges (e.g. the server answered), unless their anchors hold other accounts by now. */
  redraw(accounts: Iterable<FoundAccount>): void;
}

/** A changed node stands for its table row (a header row for its whole table), since adapters read rows whole. */
function unitOf(node: Node | null): Element | undefined {
  const element = node === null ? null : node.nodeType === 1 ? (node as Element) : node.parentElement;
  if (!element || isBadgeHost(element)) return undefined;
  const row = element.closest('tr');
  if (!row) return element;
  const isHeader = row.parentElement?.localName === 'thead' || row.querySelector(':scope > td') === null;
  return isHeader ? (row.closest('table') ?? row) : row;
}

function onlyBadges(nodes: NodeList): boolean {
  for (const node of nodes) if (!isBadgeHost(node)) return false;
  return true;
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
 * Badges everything under `root` now, then re-badges only what changes, batched once per animation frame and cut
 * into slices so a 5,000-row table never blocks the page. Stops when `signal` aborts.
 */
export function watch(
  root: Document | Element,
  adapter: ConsoleAdapter,
  rulesFor: RulesFor,
  { signal, sliceMs = 12, factsFor, onAccounts }: WatchOptions = {},
): Watcher {
  const watcher: Watcher = {
    redraw(accounts) {
      const current: FoundAccount[] = [];
      for (const account of accounts) if (isCurrent(account)) current.push(account);
      enqueue(current);
    },
  };
  if (signal?.aborted) return watcher;
  const dirty = new Set<Element>();
  let queue: FoundAccount[] = [];
  let frame: number | undefined;
  let slice: ReturnType<typeof setTimeout> | undefined;

  function drain(): void {
    slice = undefined;
    const deadline = performance.now() + sliceMs;
    let done = 0;
    while (done < queue.length) {
      const account = queue[done++] as FoundAccount;
      // A row removed since it was read needs no badge.
      if (account.anchor.isConnected) badgeAccount(account, rulesFor, factsFor);
      if (done % 32 === 0 && performance.now() > deadline) break;
    }
    queue = done < queue.length ? queue.slice(done) : [];
    if (queue.length > 0) slice = setTimeout(drain, 0);
  }

  function enqueue(accounts: FoundAccount[]): void {
    if (signal?.aborted || accounts.length === 0) return;
    for (const account of accounts) queue.push(account);
    if (slice === undefined) drain();
  }

  function found(accounts: FoundAccount[]): void {
    enqueue(accounts);
    if (accounts.length > 0) onAccounts?.(accounts);
  }

  function flush(): void {
    frame = undefined;
    const units = outermost(dirty, root);
    dirty.clear();
    // Accounts read before this change and not yet badged are re-read below; badging the old reading would be stale.
    if (queue.length > 0) {
      const changed = new Set(units);
      queue = queue.filter((account) => !within(account.anchor, changed));
    }
    const accounts: FoundAccount[] = [];
    for (const unit of units) for (const account of collectAccounts(unit, adapter)) accounts.push(account);
    found(accounts);
  }

  function mark(node: Node | null): void {
    const unit = unitOf(node);
    if (!unit) return;
    dirty.add(unit);
    frame ??= requestAnimationFrame(flush);
  }

  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'childList') {
        // Our own insertions and removals of badges are not page changes.
        if (onlyBadges(record.addedNodes) && onlyBadges(record.removedNodes)) continue;
        for (const node of record.addedNodes) mark(node.nodeType === 1 ? node : record.target);
        // Whole rows leaving take their badges with them; anything else removed may leave a badge stale.
        if (!onlyRows(record.removedNodes)) mark(record.target);
      } else if (record.type === 'characterData') {
        mark(record.target);
      } else if (!isBadgeHost(record.target)) {
        mark(record.target);
      }
    }
  });
  const attributeFilter = adapter.observedAttributes ?? [];
  observer.observe(root, {
    childList: true,
    subtree: true,
    characterData: true,
    ...(attributeFilter.length > 0 && { attributeFilter: [...attributeFilter] }),
  });

  signal?.addEventListener(
    'abort',
    () => {
      observer.disconnect();
      if (frame !== undefined) cancelAnimationFrame(frame);
      if (slice !== undefined) clearTimeout(slice);
      dirty.clear();
      queue = [];
    },
    { once: true },
  );

  found(collectAccounts(root, adapter));
  return watcher;
}
