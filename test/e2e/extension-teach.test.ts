import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { launchWithExtension } from './extension-harness.ts';
import { addConsoleThroughOptions, submitToken, useScenario } from './extension-scenario.ts';
import { ROOT } from './server-process.ts';

// Teaching a console in Chromium with the built extension: a team page the generic reader cannot read (logins only,
// in divs) gets no badge; taught through the options page's form it gets one per member; forgotten, none; taught
// again by pointing at one member on the page, one per member again.

const scenario = useScenario(launchWithExtension, {
  '/team/members': readFileSync(join(ROOT, 'test/e2e/fixtures/team-members.html'), 'utf8'),
});

const badgeCount = (page: Page) => page.$$eval('seatkeeper-badge', (hosts) => hosts.length);

/**
 * Polled on changes to the page's DOM, not on animation frames: the console's page waits here while the options tab is
 * in front, and a background tab may get no frames (CI on a busy machine timed out after 20 s waiting for 3 badges).
 */
async function waitForBadges(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (expected) => document.querySelectorAll('seatkeeper-badge').length === expected,
    { polling: 'mutation' },
    count,
  );
}

describe('teaching a console', () => {
  it('by a selector in the options page, then by pointing at a row on the page', async () => {
    const options = await scenario.extension.openExtensionPage('options.html');
    options.setDefaultTimeout(20_000);
    await options.type('#server-url', scenario.server.url);
    expect(await submitToken(options, scenario.readToken)).toContain('Signed in');
    await addConsoleThroughOptions(options, scenario.site.origin, scenario.outsystemsId);

    const page = await scenario.newPage();
    await page.goto(`${scenario.site.origin}/team/members`);
    // Read as any console: nothing there to badge (the page's own notice shows, so the content script ran).
    await page.waitForSelector('seatkeeper-banner');
    expect(await badgeCount(page)).toBe(0);

    // A selector that does not parse is refused with a reason, and nothing is kept. (Input goes to the tab in front.)
    await options.bringToFront();
    await options.type('#teach-rows', '#members ..member');
    await options.type('#teach-username', '1');
    await options.click('#teach-save');
    await options.waitForFunction(() =>
      document.querySelector('#teach-message')?.textContent?.includes('is not a CSS selector'),
    );
    await options.$eval('#teach-rows', (input) => {
      (input as HTMLInputElement).value = '';
    });
    await options.type('#teach-rows', '#members .member');
    await options.click('#teach-save');
    await options.waitForFunction(() => document.querySelector('#teach-message')?.textContent?.includes('Kept'));
    // The open page reads the console as taught at once.
    await waitForBadges(page, 3);
    const titles = await page.$$eval('seatkeeper-badge', (hosts) => hosts.map((host) => host.getAttribute('title')));
    expect(titles.map((title) => title?.split('\n').find((line) => line.startsWith('Account: ')))).toEqual([
      'Account: ann.berg',
      'Account: carl.dunn',
      'Account: dee.okafor',
    ]);

    await options.click('#taught-list button');
    await waitForBadges(page, 0);

    // Pointing at a row: the options page opens the picker on the console's open page, and brings it to the front.
    await options.click('#point-list button');
    // The options tab is in the background now, where animation frames stop: poll on changes to its DOM.
    await options.waitForFunction(
      () => document.querySelector('#teach-message')?.textContent?.includes('Click one user row'),
      { polling: 'mutation' },
    );
    await page.waitForSelector('seatkeeper-picker >>> .panel');
    await page.bringToFront();
    await page.click('#members .member:nth-child(2) i');
    const panel = await page.waitForSelector('seatkeeper-picker >>> .panel select#picker-username');
    await shoot(page, 'picker');
    expect(await page.$eval('seatkeeper-picker >>> .panel strong', (title) => title.textContent)).toBe(
      'Seatkeeper: 3 rows like this one.',
    );
    // The login's cell is chosen for the username, and no cell for the email (there is none).
    expect(await panel?.evaluate((select) => (select as HTMLSelectElement).selectedOptions[0]?.textContent)).toBe(
      'Cell 1: carl.dunn',
    );
    const save = await page.waitForSelector('seatkeeper-picker >>> .actions button:last-child');
    await save?.click();
    await waitForBadges(page, 3);
    expect(await page.$('seatkeeper-picker')).toBeNull();
    await options.waitForFunction(
      () => document.querySelector('#taught-list')?.textContent?.includes('#members div.member'),
      { polling: 'mutation' },
    );
    await options.bringToFront();
    await shoot(options, 'options');
    await page.close();
    await options.close();
  }, 60_000);

  it('the popup reads a pasted "Name <address>" and classifies where the server holds the account', async () => {
    const popup = await scenario.extension.openExtensionPage('popup.html');
    popup.setDefaultTimeout(20_000);
    await popup.type('#who', 'Scott Green <scott.green@mycompany.com>');
    await popup.waitForSelector('#server-answer');
    // Held in Production (the chosen environment, first) and in the OutSystems environment: a verdict in each.
    await popup.waitForFunction(() =>
      document.querySelector('#classification')?.textContent?.includes('holds this account'),
    );
    expect(await popup.$eval('#verdict-environment', (element) => element.textContent)).toBe('Production');
    expect(await popup.$eval('#other-environments', (element) => element.textContent)).toContain('in OutSystems Prod');
    await shoot(popup, 'popup');
    await popup.close();
  }, 30_000);
});

/** With SEATKEEPER_SHOTS=<dir>: a screenshot of `page` at 1366 and 390 px. */
async function shoot(page: Page, name: string): Promise<void> {
  const dir = process.env.SEATKEEPER_SHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  for (const width of [1366, 390]) {
    await page.setViewport({ width, height: 800 });
    await page.screenshot({ path: join(dir, `${name}-${width}.png`) as `${string}.png`, fullPage: true });
  }
}
