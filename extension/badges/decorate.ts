// Idempotent badging: each anchor remembers the account it was badged for, so re-running never adds a second badge,
// and a row the page re-uses for another account gets its badge redrawn.
import { type CompiledRules, classifyUser } from '../../shared/licensing/index.ts';
import type { ConsoleAdapter, FoundAccount } from '../consoles/types.ts';
import type { ServerFacts } from '../server-facts.ts';
import { BADGE_TAG, createBadgeHost, placeBadge, renderBadge } from './badge.ts';

/** The compiled rules for an account's environment; should return the same object for the same environment. */
export type RulesFor = (environment: string | undefined) => CompiledRules;

/** What the server said about an account, once it has answered; the same object until the answer changes. */
export type FactsFor = (account: FoundAccount) => ServerFacts | undefined;

interface Handled {
  signature: string;
  rules: CompiledRules;
  facts: ServerFacts | undefined;
  host: HTMLElement;
}

// WeakMaps, not attributes: the page cannot see or forge them, marking causes no mutations, and removed rows are freed.
const handled = new WeakMap<Element, Handled>();
const anchorOfHost = new WeakMap<Element, Element>();

function signatureOf(account: FoundAccount): string {
  return `${account.username ?? ''}|${account.email ?? ''}|${account.environment ?? ''}`;
}

/** Badges one account, or redraws its badge when the anchor's account, its rules or the server's answer changed. */
export function badgeAccount(account: FoundAccount, rulesFor: RulesFor, factsFor?: FactsFor): void {
  const { anchor } = account;
  const rules = rulesFor(account.environment);
  const facts = factsFor?.(account);
  const signature = signatureOf(account);
  const previous = handled.get(anchor);
  if (previous?.signature === signature && previous.rules === rules && previous.facts === facts) {
    // The page may have rewritten the cell (and dropped the badge with its old children).
    if (!previous.host.isConnected) placeBadge(anchor, previous.host);
    return;
  }
  const host = previous?.host ?? createBadgeHost(anchor.ownerDocument);
  // The tooltip names the environment whose rules decided, also where the page itself does not say.
  const subject = account.environment ? account : { ...account, environment: rules.environment };
  renderBadge(host, classifyUser(rules, account), subject, facts);
  if (!host.isConnected) placeBadge(anchor, host);
  handled.set(anchor, { signature, rules, facts, host });
  anchorOfHost.set(host, anchor);
}

/** Whether `account` (read earlier) is still what its anchor's badge shows: a re-used row may hold another by now. */
export function isCurrent(account: FoundAccount): boolean {
  return handled.get(account.anchor)?.signature === signatureOf(account) && account.anchor.isConnected;
}

/**
 * Removes our badges under `root`, or of `root` itself, whose anchor no longer holds an account (an email cell
 * emptied, a mailto link pointed elsewhere).
 */
export function removeStaleBadges(root: ParentNode, anchors: ReadonlySet<Element>): void {
  const hosts = [...root.querySelectorAll(BADGE_TAG)];
  const own = handled.get(root as Element)?.host;
  if (own) hosts.push(own); // a link's badge sits after it, outside it
  for (const host of hosts) {
    const anchor = anchorOfHost.get(host);
    if (!anchor || anchors.has(anchor)) continue; // not ours, or still current
    host.remove();
    if (handled.get(anchor)?.host === host) handled.delete(anchor);
  }
}

/** Finds the accounts around `root` and drops the badges that no longer belong to one. */
export function collectAccounts(root: ParentNode, adapter: ConsoleAdapter): FoundAccount[] {
  const accounts = adapter.findAccounts(root);
  removeStaleBadges(root, new Set(accounts.map((account) => account.anchor)));
  return accounts;
}

/** Badges every account around `root` in one go; safe to call again at any time. Returns the accounts found. */
export function decorate(
  root: ParentNode,
  adapter: ConsoleAdapter,
  rulesFor: RulesFor,
  factsFor?: FactsFor,
): FoundAccount[] {
  const accounts = collectAccounts(root, adapter);
  for (const account of accounts) badgeAccount(account, rulesFor, factsFor);
  return accounts;
}
