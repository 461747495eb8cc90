import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { classifyUser, compileRules } from '../../shared/licensing/index.ts';
import { CONSOLE_FIXTURES, type ConsoleFixture } from '../extension/console-fixtures.ts';
import { launchWithExtension } from './extension-harness.ts';
import { addConsoleThroughOptions, readBadges, submitToken, useScenario } from './extension-scenario.ts';
import { ROOT } from './server-process.ts';

// The built extension in Chromium on the consoles admins use (the saved fixtures, each served at the address its
// product uses), on a virtualised ARIA grid and on a div list with "load more": every user row badged as the engine
// classifies it and nothing else, and the page laid out exactly as without the extension (no cell wider, no row
// taller, every badge inside its cell, the notice over none of the page's controls).
//
// Each page is loaded twice: from http://127.0.0.1:PORT, an origin the extension was not set up for (the page alone),
// and from http://localhost:PORT, the console added in the options (the same page, badged).
//
// SEATKEEPER_SHOTS=<dir> also saves screenshots of five of the consoles at 1366 and 390 px.

const EXTENSION_FIXTURES = join(ROOT, 'test/extension/fixtures');
const E2E_FIXTURES = join(ROOT, 'test/e2e/fixtures');
/** The scenario's OutSystems environment lists these domains (extension-scenario.ts). */
const RULES = compileRules('OutSystems Prod', ['mycompany.com', 'sales.mycompany.com']);

/** Where a console's page is served: under its own prefix, except OutSystems, whose adapter reads the path's start. */
function servedAt(name: string, fixture: ConsoleFixture): { path: string; address: string } {
  const url = new URL(fixture.path, 'http://console');
  const path = fixture.adapter === 'outsystems-users' ? url.pathname : `/${name}${url.pathname}`;
  return { path, address: `${path}${url.hash}` };
}

const pages: Record<string, string> = {
  '/grid/accounts': readFileSync(join(E2E_FIXTURES, 'virtual-grid.html'), 'utf8'),
  '/people/list': readFileSync(join(E2E_FIXTURES, 'div-list.html'), 'utf8'),
};
for (const [name, fixture] of Object.entries(CONSOLE_FIXTURES)) {
  pages[servedAt(name, fixture).path] = readFileSync(join(EXTENSION_FIXTURES, `${fixture.file}.html`), 'utf8');
}

const scenario = useScenario(launchWithExtension, pages);

/** The page alone: the same site on an origin the extension does not run on. */
const alone = (address: string) => `${scenario.site.origin.replace('localhost', '127.0.0.1')}${address}`;

const BOXES =
  'tr, td, th, [role="row"], [role="gridcell"], [role="cell"], [role="columnheader"], .directory-table__cell, .user-row, .user-row > span, .person, .person > span';

/** Every row and cell box of the page, rounded to half pixels. */
function boxes(page: Page): Promise<number[][]> {
  return page.$$eval(BOXES, (elements) =>
    elements.map((element) => {
      const box = element.getBoundingClientRect();
      return [box.x, box.y, box.width, box.height].map((value) => Math.round(value * 2) / 2);
    }),
  );
}

/**
 * In the page: badges whose pill is not inside its cell (or the block its anchor sits in), described for the failure
 * message. Self-contained, as the browser runs it.
 */
const outsideTheirCells = (): string[] => {
  const inline = new Set(['a', 'span', 'strong', 'b', 'em', 'i', 'small', 'label', 'code', 'abbr', 'mark', 'time']);
  return [...document.querySelectorAll<HTMLElement>('seatkeeper-badge')].flatMap((host) => {
    if (host.hasAttribute('data-mention')) return [];
    const box = host.shadowRoot?.querySelector('.pill')?.getBoundingClientRect();
    // A dot is drawn at the start of the pill's box (which it keeps, unpainted): 11 px wide.
    const pill = box && host.getAttribute('data-fit') === 'dot' ? { ...box.toJSON(), right: box.left + 11 } : box;
    let room: Element | null = host.parentElement?.closest('td, th, [role="cell"], [role="gridcell"]') ?? null;
    if (!room) {
      room = host.parentElement;
      while (room && inline.has(room.localName)) room = room.parentElement;
    }
    const space = room?.getBoundingClientRect();
    if (!pill || !space) return ['no pill or room'];
    const inside =
      pill.left >= space.left - 0.5 &&
      pill.right <= space.right + 0.5 &&
      pill.top >= space.top - 0.5 &&
      pill.bottom <= space.bottom + 0.5;
    const who = host.title.split('\n').find((line) => line.startsWith('Account: ')) ?? host.title;
    return inside ? [] : [`${who}: pill ${JSON.stringify(pill)} room ${JSON.stringify(space)}`];
  });
};

const pillsOutside = (page: Page) => page.evaluate(outsideTheirCells);

/** The page's controls (links, buttons, fields) the notice lies over. */
function controlsUnderNotice(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const banner = document.querySelector('seatkeeper-banner');
    const notice = banner?.getBoundingClientRect();
    if (!notice || notice.width === 0) return [];
    const controls = document.querySelectorAll(
      'a[href], button, input, select, textarea, [role="button"], [role="menuitem"]',
    );
    return [...controls].flatMap((control) => {
      if (banner?.contains(control)) return [];
      const box = control.getBoundingClientRect();
      const overlaps =
        box.width > 0 &&
        box.height > 0 &&
        box.left < notice.right &&
        box.right > notice.left &&
        box.top < notice.bottom &&
        box.bottom > notice.top;
      return overlaps ? [`${control.localName} "${control.textContent?.trim().slice(0, 30)}"`] : [];
    });
  });
}

/** Waits until `count` badges are drawn, the server answered for each, and each pill sits in its cell. */
async function settled(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (expected) => {
      const hosts = [...document.querySelectorAll('seatkeeper-badge')];
      return hosts.length === expected && hosts.every((host) => host.getAttribute('data-server'));
    },
    { timeout: 20_000 },
    count,
  );
  // Fitting runs once the page has laid the badges out, in slices of animation frames: wait for it to end.
  await page
    .waitForFunction(`(${outsideTheirCells.toString()})().length === 0`, { timeout: 10_000 })
    .catch(() => undefined); // reported in detail by pillsOutside
}

/** With SEATKEEPER_SHOTS=<dir>: screenshots of five consoles at 1366 and 390 px, once fitted at each width. */
async function shoot(page: Page, name: string): Promise<void> {
  const dir = process.env.SEATKEEPER_SHOTS;
  if (!dir || !['wordpress', 'keycloak', 'discourse', 'entra', 'gitlab'].includes(name)) return;
  mkdirSync(dir, { recursive: true });
  for (const width of [1366, 390]) {
    await page.setViewport({ width, height: 800 });
    const count = await page.$$eval('seatkeeper-badge', (hosts) => hosts.length);
    await settled(page, count);
    await page.screenshot({ path: join(dir, `${name}-${width}.png`) as `${string}.png`, fullPage: true });
  }
}

const expectedTitle = (row: { username?: string; email?: string }) =>
  row.username && row.email ? `${row.username} / ${row.email}` : (row.username ?? row.email ?? '');

describe('the extension on the consoles admins use, in Chromium', () => {
  it('signs in and adds the console site', async () => {
    const options = await scenario.extension.openExtensionPage('options.html');
    options.setDefaultTimeout(20_000);
    await options.type('#server-url', scenario.server.url);
    expect(await submitToken(options, scenario.readToken)).toContain('Signed in');
    await addConsoleThroughOptions(options, scenario.site.origin, scenario.outsystemsId);
    await options.close();
  }, 60_000);

  it.each(Object.entries(CONSOLE_FIXTURES))(
    '%s: every user row badged as the engine says, nothing else, and the layout untouched',
    async (name, fixture) => {
      const { address } = servedAt(name, fixture);
      const page = await scenario.newPage();
      await page.setViewport({ width: 1366, height: 900 });
      await page.goto(alone(address));
      const before = await boxes(page);

      await page.goto(`${scenario.site.origin}${address}`);
      await settled(page, fixture.rows.length);
      const badges = await readBadges(page);
      expect(badges.map((badge) => badge.title.split('\n').find((line) => line.startsWith('Account: ')))).toEqual(
        fixture.rows.map((row) => `Account: ${expectedTitle(row)}`),
      );
      badges.forEach((badge, index) => {
        const row = fixture.rows[index] ?? {};
        const expected = classifyUser(RULES, row);
        expect(badge.classification, expectedTitle(row)).toBe(expected.classification);
        expect(badge.flags, expectedTitle(row)).toBe(expected.flags.join(' '));
      });

      expect(await boxes(page), 'rows and cells as without the extension').toEqual(before);
      expect(await pillsOutside(page), 'badges outside their cells').toEqual([]);
      await page.waitForSelector('seatkeeper-banner');
      expect(await controlsUnderNotice(page), 'controls under the notice').toEqual([]);
      await shoot(page, name);
      await page.close();
    },
    60_000,
  );

  it('badges a virtualised grid as it scrolls: recycled rows redrawn, each badge for the row it is in', async () => {
    const page = await scenario.newPage();
    await page.goto(alone('/grid/accounts'));
    const before = await boxes(page);
    await page.goto(`${scenario.site.origin}/grid/accounts`);
    for (const top of [0, 4_000, 17_371, 31_000]) {
      await page.$eval('#grid', (grid, y) => grid.scrollTo(0, y), top);
      // Every row in the DOM shows one badge, for the account the row shows now, classified by its domain.
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('#body [role="row"]')].every((row) => {
            const [, login, email] = [...row.querySelectorAll('[role="gridcell"]')].map((cell) => cell.textContent);
            const hosts = row.querySelectorAll('seatkeeper-badge');
            const domain = email?.split('@')[1];
            const internal = domain === 'mycompany.com' || domain === 'sales.mycompany.com';
            return (
              hosts.length === 1 &&
              hosts[0]?.getAttribute('title')?.includes(`Account: ${login} / ${email}`) &&
              hosts[0]?.getAttribute('data-classification') === (internal ? 'internal' : 'external')
            );
          }),
        { timeout: 20_000 },
      );
    }
    // Nothing in the header row or the page's banner.
    expect(await page.$$eval('.head seatkeeper-badge, header seatkeeper-badge', (hosts) => hosts.length)).toBe(0);
    await page.$eval('#grid', (grid) => grid.scrollTo(0, 0));
    await page.waitForFunction(
      () => document.querySelector('#body [role="row"]')?.getAttribute('aria-rowindex') === '2',
    );
    expect(await boxes(page)).toEqual(before);
    await page.close();
  }, 60_000);

  it('badges a div list and what "load more" adds, and puts back a badge the page removes', async () => {
    const page = await scenario.newPage();
    await page.goto(alone('/people/list'));
    const before = await boxes(page);
    await page.goto(`${scenario.site.origin}/people/list`);
    await settled(page, 25);
    expect(await boxes(page)).toEqual(before);
    const emails = await page.$$eval('.person', (rows) =>
      rows.map((row) => row.querySelector('seatkeeper-badge')?.getAttribute('title')?.split('\n')[2]),
    );
    expect(emails[0]).toBe('Account: p0@mycompany.com'); // "Person 0 <p0@mycompany.com>"
    expect(emails[7]).toBe('Account: p7@gmail.com'); // "p7@gmail.com (unverified)"
    // The top bar's "Contact your administrator" and the footer's link are page chrome.
    expect(await page.$$eval('.topbar seatkeeper-badge, footer seatkeeper-badge', (hosts) => hosts.length)).toBe(0);

    await page.click('#more');
    await settled(page, 50);
    expect(await pillsOutside(page)).toEqual([]);

    // The page removes a badge (a framework re-rendering without it): it comes back, once.
    await page.$eval('.person:nth-child(3) seatkeeper-badge', (host) => host.remove());
    await page.waitForFunction(() => document.querySelectorAll('.person:nth-child(3) seatkeeper-badge').length === 1);
    expect(await page.$$eval('seatkeeper-badge', (hosts) => hosts.length)).toBe(50);
    await page.close();
  }, 60_000);
});
