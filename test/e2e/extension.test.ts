import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WxtBrowser } from 'wxt/browser';
import {
  type ChromiumWithExtension,
  type ConsoleSite,
  launchWithExtension,
  serveConsole,
} from './extension-harness.ts';
import {
  ADMIN,
  api,
  createAdmin,
  makeDataDir,
  ROOT,
  type RunningServer,
  type ServerData,
  signIn,
  startServer,
} from './server-process.ts';

// The built extension in Chromium against the real server: sign in through the options page with a token, add a
// console served from another origin, then check every badge against the server's own classification, the lookup
// marks, the popup, the 90% banner, the toolbar, and that page text that looks like markup stays text.
//
// The e2e build has 127.0.0.1 and localhost among its host permissions (wxt.config.ts, docs/extension.md): a test
// cannot click the browser's permission prompt, and for an origin already granted permissions.request resolves true
// at once, so the options page runs exactly the code it runs for a person.

const FIXTURES = join(ROOT, 'test/extension/fixtures');
const HOSTILE = `<img src=x onerror=document.title='pwned'>`;
const SUPPORT = { email: 'support@mycompany.com', password: 'support staff long passphrase', name: 'Sam Support' };
const OUTSYSTEMS = 'OutSystems Prod';

/** The OutSystems fixture's users as the server holds them; "admin" is left out, so the server does not know it. */
const OUTSYSTEMS_USERS = [
  { username: 'sgreen', email: 'scott.green@mycompany.com' },
  { username: 'sgreen.sales', email: 'scott.green@sales.mycompany.com' },
  { username: 'jane.green@mycompany.com' },
  { username: 'sjones', email: 'scarlett.jones@outsourcing.com' },
  { username: 'sdavidson', email: 'samantha.davidson@finance.mycompany.com' },
  { username: 'mjohnson' },
  { username: 'kwhite', email: 'Kate.White@MyCompany.COM' },
  { username: 'p.ortiz@partner.io', email: 'pedro.ortiz@mycompany.com' },
  { username: 'lchen', email: 'lin.chen@gmail.com', active: false },
  { username: HOSTILE, email: 'aaa.mallory@evil.com' },
];

let data: ServerData;
let server: RunningServer;
let site: ConsoleSite;
let chromium: ChromiumWithExtension;
let adminCookie: string;
let outsystemsId: string;
let readToken: string;
const dialogs: string[] = [];

interface BadgeView {
  label: string;
  classification: string | null;
  flags: string;
  server: string | null;
  title: string;
}

/** Every badge on the page, read from its shadow root, with the row (or link) it belongs to. */
function readBadges(page: Page): Promise<(BadgeView & { row: string[] })[]> {
  return page.$$eval('seatkeeper-badge', (hosts) =>
    hosts.map((host) => {
      const label = [...(host.shadowRoot?.childNodes ?? [])].find((node) => node.nodeType === Node.TEXT_NODE);
      const row = host.closest('tr');
      return {
        label: label?.textContent ?? '',
        classification: host.getAttribute('data-classification'),
        flags: host.getAttribute('data-flags') ?? '',
        server: host.getAttribute('data-server'),
        title: host.getAttribute('title') ?? '',
        row: row
          ? [...row.querySelectorAll('td')].map((cell) => cell.firstChild?.textContent?.trim() ?? '')
          : [host.previousElementSibling?.getAttribute('href') ?? ''],
      };
    }),
  );
}

/** Waits until `count` badges are drawn and the server has answered for each of them. */
async function badgesAnswered(page: Page, count: number) {
  await page.waitForFunction(
    (expected) => {
      const hosts = [...document.querySelectorAll('seatkeeper-badge')];
      return hosts.length === expected && hosts.every((host) => host.getAttribute('data-server'));
    },
    { timeout: 20_000 },
    count,
  );
}

/** Elements page text could have become (the pages load scripts only by src): in the document or any shadow root. */
function markupCreated(page: Page): Promise<number> {
  return page.evaluate(() => {
    const roots: (Document | ShadowRoot)[] = [document];
    for (const element of document.querySelectorAll('*')) if (element.shadowRoot) roots.push(element.shadowRoot);
    return roots.reduce((sum, root) => sum + root.querySelectorAll('img, iframe, script:not([src])').length, 0);
  });
}

async function newPage(): Promise<Page> {
  const page = await chromium.browser.newPage();
  page.setDefaultTimeout(20_000);
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return page;
}

beforeAll(async () => {
  data = await makeDataDir();
  createAdmin(data);
  server = await startServer(data);
  adminCookie = await signIn(server.url, ADMIN.email, ADMIN.password);
  const call = (method: string, path: string, json?: unknown) => api(server.url, adminCookie, method, path, json);

  await call('PUT', '/api/v1/licence', {
    type: 'subscription',
    startsOn: new Date().toISOString().slice(0, 10),
    externalPacks: 1,
  });
  await call('PATCH', '/api/v1/environments/own', { internalDomains: 'mycompany.com' });
  const created = (await call('POST', '/api/v1/environments', {
    name: OUTSYSTEMS,
    production: true,
    internalDomains: 'mycompany.com, sales.mycompany.com',
  })) as { environment: { id: string } };
  outsystemsId = created.environment.id;
  await call('PUT', `/api/v1/environments/${outsystemsId}/users`, { provider: 'Users', users: OUTSYSTEMS_USERS });
  await call('POST', '/api/v1/users', { ...SUPPORT, role: 'support' });
  // The same person as OutSystems' sgreen (same email, both production): one person, merged (rule 14).
  await call('POST', '/api/v1/users', {
    name: 'Scott Green',
    email: 'scott.green@mycompany.com',
    role: 'candidate',
    password: 'scott green long passphrase',
  });
  await call('POST', '/api/v1/users', {
    name: HOSTILE,
    email: 'mallory@evil.com',
    role: 'candidate',
    password: 'mallory long passphrase',
  });
  // Fill the internal bucket to 90 of 100 (rule 21: warning level).
  const { internal } = (await call('GET', '/api/v1/licence/summary')) as { internal: { used: number } };
  await call('PUT', `/api/v1/environments/${outsystemsId}/users`, {
    provider: 'Filler',
    users: Array.from({ length: 90 - internal.used }, (_, n) => ({ email: `filler-${n}@mycompany.com` })),
  });
  const summary = (await call('GET', '/api/v1/licence/summary')) as { internal: { used: number; level: string } };
  expect(summary.internal).toMatchObject({ used: 90, level: 'warning' });

  const supportCookie = await signIn(server.url, SUPPORT.email, SUPPORT.password);
  readToken = (
    (await api(server.url, supportCookie, 'POST', '/api/v1/tokens', { name: 'Extension', scope: 'read' })) as {
      token: string;
    }
  ).token;

  site = await serveConsole({
    '/Users/Users.aspx': readFileSync(join(FIXTURES, 'outsystems-users.html'), 'utf8'),
    // alert(1) would block the page if it ever ran; the title change is checked below.
    '/admin/hostile.html': readFileSync(join(FIXTURES, 'hostile.html'), 'utf8').replaceAll(
      'alert(1)',
      "document.title='pwned'",
    ),
  });
  chromium = await launchWithExtension();
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await site?.close();
  await server?.stop();
  await data?.remove();
});

describe('the extension in Chromium', () => {
  it('signs in through the options page: clear messages for a bad token, then the read token works', async () => {
    const options = await chromium.openExtensionPage('options.html');
    options.setDefaultTimeout(20_000);
    const attempt = async (token: string) => {
      await options.$eval('#token', (input) => {
        (input as HTMLInputElement).value = '';
      });
      await options.type('#token', token);
      const before = await options.$eval('#sign-in-message', (element) => element.textContent ?? '');
      await options.click('#sign-in');
      // The answer replaces the previous message (and the "Checking…" note in between).
      const changed = await options.waitForFunction(
        (previous) => {
          const message = document.querySelector('#sign-in-message .message:not(.info)');
          return message && message.textContent !== previous ? message.textContent : null;
        },
        {},
        before,
      );
      return (await changed.jsonValue()) as string;
    };
    await options.type('#server-url', server.url);
    expect(await attempt('not a token')).toContain('not a Seatkeeper access token');
    expect(await attempt('skp_aaaaaaaaaaaaaaaa.bbbbbbbbbbbb')).toContain('refused the token');
    expect(await attempt(readToken)).toContain(`Signed in to ${server.url} as Sam Support`);
    expect(await options.$eval('#connection', (element) => element.textContent)).toContain('support');

    // The token sits in session storage (closed to content scripts), and not in local storage: "remember" was off.
    const stored = await options.evaluate(async () => {
      const api = (globalThis as unknown as { chrome: WxtBrowser }).chrome;
      return { session: await api.storage.session.get(null), local: await api.storage.local.get(null) };
    });
    expect(stored.session.token).toBe(readToken);
    expect(JSON.stringify(stored.local)).not.toContain(readToken);

    await options.type('#console-address', `${site.origin}/Users/Users.aspx`);
    await options.select('#console-environment', outsystemsId);
    await options.click('#add-console');
    await options.waitForSelector('#console-message .message.ok');
    expect(await options.$eval('#console-list', (table) => table.textContent)).toContain(OUTSYSTEMS);
    await options.close();
  }, 60_000);

  it('badges every row of the portal users page as the server classifies it', async () => {
    const portal = await newPage();
    await portal.goto(`${server.url}/sign-in`);
    await portal.type('#email', ADMIN.email);
    await portal.type('#password', ADMIN.password);
    await Promise.all([portal.waitForNavigation(), portal.click('form.card button[type=submit]')]);
    await portal.goto(`${server.url}/portal/users`);
    const rows = await portal.$$eval('tbody tr[data-email]', (trs) =>
      trs.map((tr) => ({
        email: tr.getAttribute('data-email'),
        // The Class column, rendered by the server: "internal" or "external" before the reason.
        serverClass: tr.querySelectorAll('td')[4]?.firstChild?.textContent?.trim(),
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
    const page = await newPage();
    await page.goto(`${site.origin}/Users/Users.aspx`);
    await badgesAnswered(page, 10);
    const badges = await readBadges(page);
    const accounts = badges.map(({ row }) => ({ username: row[0] || undefined, email: row[2] || undefined }));
    const lookup = (await api(server.url, adminCookie, 'POST', '/api/v1/lookup', {
      environment: outsystemsId,
      accounts,
    })) as { results: { classification: string; flags: string[] }[] };
    badges.forEach((badge, index) => {
      const expected = lookup.results[index];
      expect(badge.classification, badge.row[0]).toBe(expected?.classification);
      expect(badge.flags, badge.row[0]).toBe(expected?.flags.join(' '));
      expect(badge.title, badge.row[0]).toContain(`Environment: ${OUTSYSTEMS}`);
    });
    const serverMarks = Object.fromEntries(badges.map((badge) => [badge.row[0], badge.server]));
    expect(serverMarks).toEqual({
      sgreen: 'merged',
      'sgreen.sales': 'known',
      'jane.green@mycompany.com': 'known',
      sjones: 'known',
      sdavidson: 'known',
      mjohnson: 'known',
      kwhite: 'known',
      'p.ortiz@partner.io': 'known',
      lchen: 'inactive',
      admin: 'unknown',
    });
    const sgreen = badges.find((badge) => badge.row[0] === 'sgreen');
    expect(sgreen?.title).toContain('Merged with: scott.green@mycompany.com (Production / Seatkeeper)');

    // What the server knows is drawn without changing the badge's size (a new size would lay the table out again):
    // lchen (inactive) and sjones (known) are both External without marks, sgreen (merged) and sgreen.sales Internal.
    const looks = await page.$$eval('seatkeeper-badge', (hosts) =>
      Object.fromEntries(
        hosts.map((host) => [
          host.closest('tr')?.querySelector('td')?.textContent?.trim(),
          { width: host.getBoundingClientRect().width, decoration: getComputedStyle(host).textDecorationLine },
        ]),
      ),
    );
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
    const page = await newPage();
    await page.goto(`${site.origin}/admin/hostile.html`);
    await badgesAnswered(page, 3);
    const badges = await readBadges(page);
    expect(badges[0]?.title).toContain(`Account: ${HOSTILE}`);
    expect(badges.map((badge) => badge.label)).toEqual(['External', 'External', 'External']);
    expect(await markupCreated(page)).toBe(0);
    expect(await page.title()).toBe('Users');
    expect(dialogs).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows the 90% banner, dismissible for the day', async () => {
    const page = await newPage();
    await page.goto(`${site.origin}/Users/Users.aspx`);
    const banner = await page.waitForSelector('seatkeeper-banner >>> .notice.warning');
    const text = await banner?.evaluate((notice) => notice.textContent);
    expect(text).toContain('Licence capacity: 90% reached');
    expect(text).toContain('Internal users: 90 of 100 (90%)');
    await page.click('seatkeeper-banner >>> button');
    await page.waitForFunction(() => document.querySelector('seatkeeper-banner') === null);
    await page.reload();
    await badgesAnswered(page, 10);
    expect(await page.$('seatkeeper-banner')).toBeNull();
    await page.close();
  }, 60_000);

  it('answers in the popup: the verdict from the cached rules, then the server, and the capacity', async () => {
    const popup = await chromium.openExtensionPage('popup.html');
    popup.setDefaultTimeout(20_000);
    await popup.waitForSelector('#capacity');
    expect(await popup.$eval('#capacity', (section) => section.textContent)).toContain('Internal: 90 of 100 (90%)');
    await popup.type('#who', 'scott.green@mycompany.com');
    await popup.waitForSelector('#verdict');
    expect(await popup.$eval('#verdict', (verdict) => verdict.textContent)).toBe('Internal');
    expect(await popup.$eval('#reason', (reason) => reason.textContent)).toBe('email domain mycompany.com is listed');
    await popup.waitForSelector('#server-answer');
    const answer = await popup.$eval('#server-answer', (list) => list.textContent ?? '');
    expect(answer).toContain('Production / Seatkeeper');
    expect(answer).toContain(`${OUTSYSTEMS} / Users`);
    expect(answer).toContain(`Merged with: scott.green@mycompany.com (${OUTSYSTEMS} / Users)`);
    expect(answer).toContain('Last sign-in:');

    await popup.$eval('#who', (input) => {
      (input as HTMLInputElement).value = '';
    });
    // The server holds an OutSystems account with this username: its answer shows the name, as text.
    await popup.type('#who', HOSTILE);
    await popup.waitForSelector('#server-answer');
    expect(await popup.$eval('#server-answer', (list) => list.textContent)).toContain(`Users: ${HOSTILE}`);
    expect(await markupCreated(popup)).toBe(0);

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
    const options = await chromium.openExtensionPage('options.html');
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
