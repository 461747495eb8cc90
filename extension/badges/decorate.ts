// Idempotent badging: each anchor remembers the account it was badged for, so re-running never adds a second badge,
// and a row the page re-uses for another account gets its badge redrawn.
//
// Work is split in two: preparing (reading, classifying, building badges off the page) changes nothing the browser
// has to lay out, so it can be cut into slices; committing (placing, swapping and removing badges) is cheap and done
// in as few batches as possible, since each batch on a large table makes the browser lay the whole table out again.
import { type ClassificationResult, type CompiledRules, emailDomain } from '../../shared/licensing/index.ts';
import type { ConsoleAdapter, FoundAccount, ReadContext } from '../consoles/types.ts';
import { classifyHere } from '../reasons.ts';
import type { ServerFacts } from '../server-facts.ts';
import {
  BADGE_TAG,
  type BuiltBadge,
  buildBadge,
  changesLook,
  createBadgeHost,
  type Placement,
  placeBadge,
  placementOf,
  type Setting,
  showBadge,
} from './badge.ts';

/** The compiled rules for an account's environment; should return the same object for the same environment. */
export type RulesFor = (environment: string | undefined) => CompiledRules;

/** What the server said about an account, once it has answered; the same object until the answer changes. */
export type FactsFor = (account: FoundAccount) => ServerFacts | undefined;

/** One change to the page, prepared and not yet made. */
export type BadgeChange =
  | { kind: 'place'; anchor: Element; host: HTMLElement; placement: Placement; setting: Setting }
  | { kind: 'show'; host: HTMLElement; built: BuiltBadge }
  | { kind: 'remove'; host: Element; anchor: Element | undefined };

interface Handled {
  signature: string;
  rules: CompiledRules;
  facts: ServerFacts | undefined;
  host: HTMLElement;
  /** Times the page removed the badge and it was put back: a page that keeps removing it wins in the end. */
  restored: number;
}

/** Put back at most this many times per anchor. */
const MOST_RESTORES = 20;

// WeakMaps, not attributes: the page cannot see or forge them, marking causes no mutations, and removed rows are freed.
const handled = new WeakMap<Element, Handled>();
const anchorOfHost = new WeakMap<Element, Element>();

// The engine decides from the two fields' domains alone (rules 5 to 13): rows on the same domains share one result.
const classified = new WeakMap<CompiledRules, Map<string, ClassificationResult>>();

function classify(rules: CompiledRules, account: FoundAccount): ClassificationResult {
  let results = classified.get(rules);
  if (!results) {
    results = new Map();
    classified.set(rules, results);
  }
  const key = `${emailDomain(account.username) ?? ''} ${emailDomain(account.email) ?? ''}`;
  let result = results.get(key);
  if (!result) {
    result = classifyHere(rules, account);
    results.set(key, result);
  }
  return result;
}

function signatureOf(account: FoundAccount): string {
  return `${account.username ?? ''}|${account.email ?? ''}|${account.environment ?? ''}`;
}

function placeChange(account: FoundAccount, host: HTMLElement): BadgeChange {
  const { anchor } = account;
  const setting: Setting = {};
  if (account.mention) setting.mention = true;
  return { kind: 'place', anchor, host, placement: account.inCell ? 'inside' : placementOf(anchor), setting };
}

/** Prepares the badge of one account (nothing when it is current), adding what must change on the page to `changes`. */
export function prepareBadge(
  account: FoundAccount,
  rulesFor: RulesFor,
  factsFor: FactsFor | undefined,
  changes: BadgeChange[],
): void {
  const { anchor } = account;
  const rules = rulesFor(account.environment);
  const facts = factsFor?.(account);
  const signature = signatureOf(account);
  const previous = handled.get(anchor);
  if (previous?.signature === signature && previous.rules === rules && previous.facts === facts) {
    // The page may have rewritten the cell (and dropped the badge with its old children), or removed the badge.
    if (!previous.host.isConnected && previous.restored < MOST_RESTORES) {
      previous.restored++;
      changes.push(placeChange(account, previous.host));
    }
    return;
  }
  // The tooltip names the environment whose rules decided, also where the page itself does not say.
  const subject = account.environment
    ? account
    : { username: account.username, email: account.email, environment: rules.environment };
  const built = buildBadge(classify(rules, account), subject, facts);
  const host = previous?.host ?? createBadgeHost(anchor.ownerDocument, built);
  if (previous?.host.isConnected) {
    // A new tooltip changes no box: shown now. A new look waits for the batch, since it makes the page lay out again.
    if (changesLook(host, built)) changes.push({ kind: 'show', host, built });
    else showBadge(host, built);
  } else {
    showBadge(host, built); // off the page: free to draw now
    changes.push(placeChange(account, host));
  }
  handled.set(anchor, { signature, rules, facts, host, restored: previous?.restored ?? 0 });
  anchorOfHost.set(host, anchor);
}

/**
 * Makes the prepared changes, skipping those the page has overtaken. Kept to the fewest DOM calls: this part runs
 * in one go for thousands of rows. (A badge placed in a row the page has since removed goes with the row.)
 */
export function commitChanges(changes: readonly BadgeChange[]): void {
  for (const change of changes) {
    if (change.kind === 'place') {
      if (handled.get(change.anchor)?.host === change.host && !change.host.isConnected) {
        placeBadge(change.anchor, change.host, change.placement, change.setting);
      }
    } else if (change.kind === 'show') {
      showBadge(change.host, change.built);
    } else {
      change.host.remove();
      if (change.anchor && handled.get(change.anchor)?.host === change.host) handled.delete(change.anchor);
    }
  }
}

/** Badges one account now, or redraws its badge when its account, its rules or the server's answer changed. */
export function badgeAccount(account: FoundAccount, rulesFor: RulesFor, factsFor?: FactsFor): void {
  const changes: BadgeChange[] = [];
  prepareBadge(account, rulesFor, factsFor, changes);
  commitChanges(changes);
}

/** Whether `account` (read earlier) is still what its anchor's badge shows: a re-used row may hold another by now. */
export function isCurrent(account: FoundAccount): boolean {
  return handled.get(account.anchor)?.signature === signatureOf(account) && account.anchor.isConnected;
}

/**
 * Finds the accounts around `root`, and adds to `changes` the removal of our badges there whose anchor no longer
 * holds an account (an email cell emptied, a mailto link pointed elsewhere).
 */
export function collectAccounts(
  root: ParentNode,
  adapter: ConsoleAdapter,
  changes: BadgeChange[],
  context?: ReadContext,
): FoundAccount[] {
  const accounts = adapter.findAccounts(root, context);
  const own = handled.get(root as Element)?.host;
  // Most rows a page adds have no badge yet: nothing more to check (and no list built to say so).
  if (!own && root.querySelector(BADGE_TAG) === null) return accounts;
  const hosts: Element[] = [...root.querySelectorAll(BADGE_TAG)];
  if (own) hosts.push(own); // a link's badge sits after it, outside it
  const anchors = new Set(accounts.map((account) => account.anchor));
  for (const host of hosts) {
    const anchor = anchorOfHost.get(host);
    // Not ours: the page copied a row with its badge, or an earlier run of the extension left it.
    if (!anchor) changes.push({ kind: 'remove', host, anchor: undefined });
    else if (!anchors.has(anchor)) changes.push({ kind: 'remove', host, anchor });
  }
  return accounts;
}

/** Badges every account around `root` in one go; safe to call again at any time. Returns the accounts found. */
export function decorate(
  root: ParentNode,
  adapter: ConsoleAdapter,
  rulesFor: RulesFor,
  factsFor?: FactsFor,
): FoundAccount[] {
  const changes: BadgeChange[] = [];
  const accounts = collectAccounts(root, adapter, changes);
  for (const account of accounts) prepareBadge(account, rulesFor, factsFor, changes);
  commitChanges(changes);
  return accounts;
}
