import { describe, expect, it } from 'vitest';
import type { WxtBrowser } from 'wxt/browser';
import { launchFirefoxWithExtension } from './extension-harness.ts';
import {
  addConsoleThroughOptions,
  badgeLooks,
  badgesAnswered,
  expectHostileTextKept,
  expectOutSystemsBadgesAsServerSays,
  expectPopupLookups,
  OUTSYSTEMS,
  serveFixtureConsole,
  submitToken,
  useScenario,
} from './extension-scenario.ts';

// The Firefox build (MV2) in Firefox ESR against the real server, on the scenario of the Chromium test: sign in through
// the options page with a token, add a console served from another origin, then check every badge against the
// server's classification, that page text that looks like markup stays text, and the popup's lookup. What Firefox
// does differently is checked too (docs/extension.md, "Firefox"): its match patterns cannot name a port, and the
// toolbar is a browserAction.
//
// As in Chromium, the e2e build holds the test origins already (in Firefox MV2 they are among `permissions`), so
// permissions.request in the options page resolves true at once without a prompt.

const scenario = useScenario(launchFirefoxWithExtension);

describe('the extension in Firefox', () => {
  it('signs in through the options page with a token, keeps it in session storage, and adds a console', async () => {
    const options = await scenario.extension.openExtensionPage('options.html');
    options.setDefaultTimeout(20_000);
    await options.type('#server-url', scenario.server.url);
    expect(await submitToken(options, scenario.readToken)).toContain(
      `Signed in to ${scenario.server.url} as Sam Support`,
    );

    // The token sits in session storage and not in local storage: "remember" was off.
    const stored = await options.evaluate(async () => {
      const api = (globalThis as unknown as { browser: WxtBrowser }).browser;
      return { session: await api.storage.session.get(null), local: await api.storage.local.get(null) };
    });
    expect(stored.session.token).toBe(scenario.readToken);
    expect(JSON.stringify(stored.local)).not.toContain(scenario.readToken);

    await addConsoleThroughOptions(options, `${scenario.site.origin}/Users/Users.aspx`, scenario.outsystemsId);
    expect(await options.$eval('#console-list', (table) => table.textContent)).toContain(OUTSYSTEMS);
    await options.close();
  }, 30_000);

  it('badges the OutSystems console on another origin as the server classifies every row', async () => {
    const page = await scenario.newPage();
    await page.goto(`${scenario.site.origin}/Users/Users.aspx`);
    await badgesAnswered(page, 10);
    await expectOutSystemsBadgesAsServerSays(page, scenario.server.url, scenario.adminCookie, scenario.outsystemsId);
    // The badge's style, made in the content script's sandbox, reached the page's shadow roots: the colours of each
    // look, and what the server knows, apply.
    const looks = await badgeLooks(page);
    expect(looks.sjones?.background, 'External').toBe('rgb(255, 237, 213)');
    expect(looks['sgreen.sales']?.background, 'Internal').toBe('rgb(220, 252, 231)');
    expect(looks.lchen?.decoration, 'inactive').toBe('line-through');
    expect(looks.admin?.background, 'unknown to the server').toBe('rgba(0, 0, 0, 0)');
    await page.close();
  }, 30_000);

  it('leaves another port of the console’s host alone', async () => {
    // Firefox's match patterns cannot name a port, so the content script is registered for the host on every port;
    // the background answers only the console's own origin, and the page elsewhere gets nothing.
    const elsewhere = await serveFixtureConsole();
    const page = await scenario.newPage();
    try {
      await page.goto(`${elsewhere.origin}/Users/Users.aspx`);
      await new Promise((resolve) => setTimeout(resolve, 1000)); // a badged page has its badges well within this
      expect(await page.$$eval('seatkeeper-badge', (hosts) => hosts.length)).toBe(0);
    } finally {
      await page.close();
      await elsewhere.close();
    }
  }, 30_000);

  it('keeps page text that looks like markup as text: no element created, no handler run', async () => {
    const page = await scenario.newPage();
    await page.goto(`${scenario.site.origin}/admin/hostile.html`);
    await expectHostileTextKept(page);
    expect(scenario.dialogs).toEqual([]);
    await page.close();
  }, 30_000);

  it('answers in the popup, and shows the usage on the toolbar (a browserAction in MV2)', async () => {
    const popup = await scenario.extension.openExtensionPage('popup.html');
    popup.setDefaultTimeout(20_000);
    await expectPopupLookups(popup);
    const toolbar = await popup.evaluate(async () => {
      const api = (globalThis as unknown as { browser: WxtBrowser }).browser;
      // MV2 has no `action`: the background draws on `browserAction`, which Firefox's promise-based API reads back.
      const action = api.action ?? api.browserAction;
      return {
        onBrowserAction: api.action === undefined,
        text: await action.getBadgeText({}),
        title: await action.getTitle({}),
      };
    });
    expect(toolbar.onBrowserAction).toBe(true);
    expect(toolbar.text).toBe('90%');
    expect(toolbar.title).toContain('Internal: 90 of 100 (90%)');
    await popup.close();
  }, 30_000);
});
