import { defineContentScript } from 'wxt/utils/define-content-script';
import { watch } from '../badges/watch.ts';
import { seatkeeperPortalAdapter as adapter } from '../consoles/seatkeeper-portal.ts';
import { rulesResolver } from '../environment-rules.ts';
import { environmentRules } from '../storage.ts';

export default defineContentScript({
  // Local development servers for now; the deployed portal's origin is added when the options page can set it.
  matches: ['http://127.0.0.1/*', 'http://localhost/*'],
  async main(ctx) {
    let rulesFor = rulesResolver(await environmentRules.getValue());
    let current: AbortController | undefined;
    const restart = () => {
      current?.abort();
      current = new AbortController();
      if (!adapter.matches(document, new URL(location.href))) return;
      watch(document, adapter, rulesFor, { signal: AbortSignal.any([ctx.signal, current.signal]) });
    };
    ctx.onInvalidated(
      environmentRules.watch((environments) => {
        // Freshly compiled rules make every badge redraw, so a changed domain list shows at once.
        rulesFor = rulesResolver(environments);
        restart();
      }),
    );
    ctx.addEventListener(window, 'wxt:locationchange', restart);
    restart();
  },
});
