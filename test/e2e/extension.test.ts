import { describe, expect, it } from 'vitest';
import type { WxtBrowser } from 'wxt/browser';
import { launchWithExtension } from './extension-harness.ts';
import {
  addConsoleThroughOptions,
  badgeLooks,
  badgesAnswered,
  expectHostileTextKept,
  expectOutSystemsBadgesAsServerSays,
  expectPopupLookups,
  markupCreated,
  OUTSYSTEMS,
  submitToken,
  useScenario,
} from './extension-scenario.ts';
import { ADMIN } from './server-process.ts';

// The built extension in Chromium against the real server: sign in through the options page with a token, add a
// console served from another origin, then check every badge against the server's own classification, the lookup
// marks, the popup, the 90% banner, the toolbar, and that page text that looks like markup stays text.
//
// The e2e build has 127.0.0.1 and localhost among its host permissions (wxt.config.ts, docs/extension.md): a test
// cannot click the browser's permission prompt, and for an origin already granted permissions.request resolves true
// at once, so the options page runs exactly the code it runs for a person.

const scenario = useScenario(launchWithExtension);

describe('the extension in Chromium', () => {
  it('signs in through the options page: clear messages for a bad token, then the read token works', async () => {
    const options = await scenario.extension.openExtensionPage('options.html');
    options.setDefaultTimeout(20_000);
    await options.type('#server-url', scenario.server.url);
    expect(await submitToken(options, 'not a token')).toContain('not a Seatkeeper access token');
    expect(await submitToken(options, 'skp_aaaaaaaaaaaaaaaa.bbbbbbbbbbbb')).toContain('refused the token');
    expect(await submitToken(options, scenario.readToken)).toContain(
      `Signed in to ${scenario.server.url} as Sam Support`,
    );
    expect(await options.$eval('#connection', (element) => element.textContent)).toContain('support');

    // The token sits in session storage (closed to content scripts), and not in local storage: "remember" was off.
    const stored = await options.evaluate(async () => {
      const api = (globalThis as unknown as { chrome: WxtBrowser }).chrome;
      return { session: await api.storage.session.get(null), local: await api.storage.local.get(null) };
    });
    expect(stored.session.token).toBe(scenario.readToken);
    expect(JSON.stringify(stored.local)).not.toContain(scenario.readToken);

    await addConsoleThroughOptions(options, `${scenario.site.origin}/Users/Users.aspx`, scenario.outsystemsId);
    expect(await options.$eval('#console-list', (table) => table.textContent)).toContain(OUTSYSTEMS);
    await options.close();
  }, 60_000);

  it('badges every row of the portal users page as the server classifies it', async () => {
    const portal = await scenario.newPage();
    await portal.goto(`${scenario.server.url}/sign-in`);
    await portal.type('#email', ADMIN.email);
    await portal.type('#password', ADMIN.password);
    await Promise.all([portal.waitForNavigation(), portal.click('form.card button[type=submit]')]);
    await portal.goto(`${scenario.server.url}/portal/users`);
    const rows = await portal.$$eval('tbody tr[data-email]', (trs) =>
      trs.map((tr) => ({
        email: tr.getAttribute('data-email'),
        // The Class column (the name is the row's header cell), rendered by the server: "internal" or "external" first.
        serverClass: tr.querySelectorAll('th, td')[4]?.firstChild?.textContent?.trim(),
        badges: tr.querySelectorAll('seatkeeper-badge').length,
      })),
    );
    expect(rows.length).toBeGreaterThanOrEqual(20);
    await badgesAnswered(portal, rows.length);
    const badges = await portal.$$eval('tbody tr[data-email]', (trs) =>
      trs.map((tr) => {
        const hosts = tr.querySelectorAll('seatkeeper-badge');
        return { count: hosts.length, classification: hosts[0]?.getAttribute('data-classification') };
      }),
    );
    badges.forEach((badge, index) => {
      expect(badge.count, `one badge on ${rows[index]?.email}`).toBe(1);
      expect(badge.classification, rows[index]?.email ?? '').toBe(rows[index]?.serverClass);
    });
    // The account named like markup: the name stays text in its cell and in nothing we drew.
    expect(await portal.content()).toContain('&lt;img src=x onerror=');
    expect(await markupCreated(portal)).toBe(0);
    expect(await portal.title()).not.toBe('pwned');
    await portal.close();
  }, 60_000);

  it('badges the OutSystems console on another origin: engine and lookup agree with the server', async () => {
    const page = await scenario.newPage();
    await page.goto(`${scenario.site.origin}/Users/Users.aspx`);
    await badgesAnswered(page, 10);
    await expectOutSystemsBadgesAsServerSays(page, scenario.server.url, scenario.adminCookie, scenario.outsystemsId);

    // What the server knows is drawn without changing the badge's size (a new size would lay the table out again):
    // lchen (inactive) and sjones (known) are both External without marks, sgreen (merged) and sgreen.sales Internal.
    const looks = await badgeLooks(page);
    expect(looks.lchen?.width).toBe(looks.sjones?.width);
    expect(looks.lchen?.decoration).toBe('line-through');
    expect(looks.sgreen?.width).toBe(looks['sgreen.sales']?.width);

    // The page copies a row, badge and all: the copy ends up with one badge, drawn by the extension.
    await page.evaluate(() => {
      const row = document.querySelector('tbody tr') as HTMLTableRowElement;
      row.after(row.cloneNode(true));
    });
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('tbody tr')].slice(0, 2);
      return rows.every((row) => {
        const hosts = row.querySelectorAll('seatkeeper-badge');
        return hosts.length === 1 && (hosts[0]?.shadowRoot?.adoptedStyleSheets.length ?? 0) > 0;
      });
    });
    await page.close();
  }, 60_000);

  it('keeps page text that looks like markup as text: no element created, no handler run', async () => {
    const page = await scenario.newPage();
    await page.goto(`${scenario.site.origin}/admin/hostile.html`);
    await expectHostileTextKept(page);
    expect(scenario.dialogs).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows the 90% banner, dismissible for the day', async () => {
    const page = await scenario.newPage();
    await page.goto(`${scenario.site.origin}/Users/Users.aspx`);
    const banner = await page.waitForSelector('seatkeeper-banner >>> .notice.warning');
    const text = await banner?.evaluate((notice) => notice.textContent);
    expect(text).toContain('Licence capacity: 90% reached');
    expect(text).toContain('Internal users: 90 of 100 (90%)');
    await page.click('seatkeeper-banner >>> .notice button');
    await page.waitForFunction(() => document.querySelector('seatkeeper-banner') === null);
    await page.reload();
    await badgesAnswered(page, 10);
    expect(await page.$('seatkeeper-banner')).toBeNull();
    await page.close();
  }, 60_000);

  it('answers in the popup: the verdict from the cached rules, then the server, and the capacity', async () => {
    const popup = await scenario.extension.openExtensionPage('popup.html');
    popup.setDefaultTimeout(20_000);
    await expectPopupLookups(popup);

    const toolbar = await popup.evaluate(async () => {
      const api = (globalThis as unknown as { chrome: WxtBrowser }).chrome;
      return {
        text: await api.action.getBadgeText({}),
        colour: await api.action.getBadgeBackgroundColor({}),
        title: await api.action.getTitle({}),
      };
    });
    expect(toolbar.text).toBe('90%');
    expect(toolbar.colour).toEqual([234, 88, 12, 255]);
    expect(toolbar.title).toContain('Internal: 90 of 100 (90%)');
    await popup.close();
  }, 60_000);

  it('shows "OFF" on the toolbar after signing out', async () => {
    const options = await scenario.extension.openExtensionPage('options.html');
    await options.waitForSelector('#sign-out');
    await options.click('#sign-out');
    await options.waitForFunction(() => document.querySelector('#connection')?.textContent?.includes('Signed out'));
    const text = await options.evaluate(() =>
      (globalThis as unknown as { chrome: WxtBrowser }).chrome.action.getBadgeText({}),
    );
    expect(text).toBe('OFF');
    await options.close();
  }, 30_000);
});
