// What the content script does on a page Seatkeeper was set up for: badges on every account the page's console
// adapter finds (classified offline with the cached rules, then completed by the server's lookup), and the banner
// with capacity and licence notices.
import { type Browser, browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { RulesFor } from './badges/decorate.ts';
import { type Watcher, watch } from './badges/watch.ts';
import { showNotices } from './banner.ts';
import { adapterFor } from './consoles/index.ts';
import { seatkeeperPortalAdapter } from './consoles/seatkeeper-portal.ts';
import { taughtAdapter } from './consoles/taught.ts';
import type { ConsoleAdapter, FoundAccount } from './consoles/types.ts';
import { rulesResolver } from './environment-rules.ts';
import { createLookups, type Lookups } from './lookups.ts';
import { ask } from './messaging.ts';
import { localDay, pageNotices } from './notices.ts';
import { startPicker } from './picker.ts';
import {
  connection,
  dismissedNotices,
  environmentRules,
  licenceSummary,
  type TaughtConsole,
  taughtConsoles,
} from './storage.ts';

/**
 * On the Seatkeeper server the content script reads only the users list; elsewhere whatever the console shows, as the
 * admin taught it when they did.
 */
function adapterForPage(portal: boolean, url: URL, taught: readonly TaughtConsole[]): ConsoleAdapter | null {
  if (!portal) return adapterFor(document, url, taught.map(taughtAdapter));
  return seatkeeperPortalAdapter.matches(document, url) ? seatkeeperPortalAdapter : null;
}

export async function runOnPage(ctx: ContentScriptContext): Promise<void> {
  // The background decides whether this page is one of ours, and which environment's rules apply here.
  const context = await ask({ type: 'pageContext' });
  if (!context.ok || ctx.isInvalid) return;
  const { portal, environmentId, signedIn } = context.value;

  let resolve = rulesResolver(await environmentRules.getValue());
  // On a console every account is in the mapped environment; portal rows each name their own.
  const environmentOf = (account: FoundAccount) => (portal ? account.environment : (environmentId ?? undefined));
  const rulesFor: RulesFor = (environment) => resolve(portal ? environment : (environmentId ?? undefined));

  let watcher: Watcher | undefined;
  // Lookups only while signed in; a sign-in or sign-out elsewhere starts or stops them (see the watch below).
  const lookupsWhen = (on: boolean): Lookups | undefined =>
    on
      ? createLookups({
          send: (request) => ask({ type: 'lookup', ...request }),
          environmentOf,
          answered: (accounts) => watcher?.redraw(accounts),
        })
      : undefined;
  let lookups = lookupsWhen(signedIn);
  ctx.onInvalidated(() => lookups?.stop());

  let taught = await taughtConsoles.getValue();
  let current: AbortController | undefined;
  const restart = () => {
    current?.abort();
    current = new AbortController();
    const adapter = adapterForPage(portal, new URL(location.href), taught);
    if (!adapter) return;
    watcher = watch(document, adapter, rulesFor, {
      signal: AbortSignal.any([ctx.signal, current.signal]),
      ...(lookups && { factsFor: lookups.factsFor, onAccounts: lookups.add }),
    });
  };

  const drawNotices = async () => {
    if (ctx.isInvalid) return;
    const notices = pageNotices(
      await licenceSummary.getValue(),
      await dismissedNotices.getValue(),
      localDay(new Date()),
    );
    showNotices(document, notices, (key) => void ask({ type: 'dismissNotice', key }));
  };

  ctx.onInvalidated(
    environmentRules.watch((environments) => {
      // Freshly compiled rules make every badge redraw, so a changed domain list shows at once.
      resolve = rulesResolver(environments);
      restart();
    }),
  );
  ctx.onInvalidated(
    connection.watch((now, before) => {
      if ((now.state === 'signed-in') === (before.state === 'signed-in')) return;
      lookups?.stop();
      lookups = lookupsWhen(now.state === 'signed-in');
      restart();
    }),
  );
  ctx.onInvalidated(
    taughtConsoles.watch((list) => {
      taught = list;
      restart();
    }),
  );
  // "Point at a row" in the options page: the admin shows which elements are this console's user rows.
  const onPick = (message: unknown, sender: Browser.runtime.MessageSender) => {
    const fromOptions = sender.id === browser.runtime.id && sender.url?.startsWith(browser.runtime.getURL('/'));
    if (!portal && fromOptions && (message as { type?: string } | null)?.type === 'pickRow') {
      startPicker(document, (spec) => ask({ type: 'teachConsole', ...spec }));
    }
  };
  browser.runtime.onMessage.addListener(onPick);
  ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(onPick));
  ctx.onInvalidated(licenceSummary.watch(() => void drawNotices()));
  ctx.onInvalidated(dismissedNotices.watch(() => void drawNotices()));
  ctx.addEventListener(window, 'wxt:locationchange', restart);
  restart();
  await drawNotices();
}
