// The console scenario the extension's browser tests share, in Chromium and in Firefox: what the server holds, the
// console pages served from another origin, the options page's sign-in, and readers of what the extension drew.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { type BrowserWithExtension, type ConsoleSite, serveConsole } from './extension-harness.ts';
import {
  ADMIN,
  api,
  createAdmin,
  importFinished,
  makeDataDir,
  ROOT,
  type RunningServer,
  type ServerData,
  signIn,
  startServer,
} from './server-process.ts';

const FIXTURES = join(ROOT, 'test/extension/fixtures');
export const HOSTILE = `<img src=x onerror=document.title='pwned'>`;
export const SUPPORT = {
  email: 'support@mycompany.com',
  password: 'support staff long passphrase',
  name: 'Sam Support',
};
export const OUTSYSTEMS = 'OutSystems Prod';

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

/** What the server knows of each row of the OutSystems fixture, as the badges show it after the lookups. */
const OUTSYSTEMS_SERVER_MARKS = {
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
};

export interface SeededServer {
  adminCookie: string;
  outsystemsId: string;
  /** A read token of the support account, for the extension. */
  readToken: string;
}

/** What a browser test of the extension runs against: set up before its tests, stopped after them. */
export interface Scenario extends SeededServer {
  server: RunningServer;
  /** The console pages, on another origin than the server. */
  site: ConsoleSite;
  extension: BrowserWithExtension;
  /** Messages of every dialog a page opened: an alert from page text that ran as markup would show here. */
  dialogs: string[];
  /** A new tab whose dialogs are recorded and dismissed. */
  newPage(): Promise<Page>;
}

/**
 * Registers the hooks of a browser test of the extension: the server on a fresh data directory with the seeded data,
 * the console site, and the browser `launch` starts with the extension installed. Read the fields inside tests.
 */
export function useScenario(
  launch: () => Promise<BrowserWithExtension>,
  /** More pages for the console site (path → HTML), beside the OutSystems and hostile fixtures. */
  pages: Record<string, string> = {},
): Scenario {
  let data: ServerData | undefined;
  const scenario = {
    dialogs: [] as string[],
    async newPage() {
      const page = await scenario.extension.browser.newPage();
      page.setDefaultTimeout(20_000);
      page.on('dialog', (dialog) => {
        scenario.dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      return page;
    },
  } as Scenario;
  beforeAll(async () => {
    data = await makeDataDir();
    createAdmin(data);
    scenario.server = await startServer(data);
    Object.assign(scenario, await seedServer(scenario.server.url));
    scenario.site = await serveFixtureConsole(pages);
    scenario.extension = await launch();
  }, 120_000);
  afterAll(async () => {
    await scenario.extension?.close();
    await scenario.site?.close();
    await scenario.server?.stop();
    await data?.remove();
  });
  return scenario;
}

/**
 * The server's data: a licence with the internal bucket at 90 of 100 (rule 21: warning), an OutSystems environment
 * holding the fixture's users, and accounts whose names look like markup.
 */
export async function seedServer(url: string): Promise<SeededServer> {
  const adminCookie = await signIn(url, ADMIN.email, ADMIN.password);
  const call = (method: string, path: string, json?: unknown) => api(url, adminCookie, method, path, json);

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
  const outsystemsId = created.environment.id;
  await importFinished(
    url,
    adminCookie,
    await call('PUT', `/api/v1/environments/${outsystemsId}/users`, { provider: 'Users', users: OUTSYSTEMS_USERS }),
  );
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
  await importFinished(
    url,
    adminCookie,
    await call('PUT', `/api/v1/environments/${outsystemsId}/users`, {
      provider: 'Filler',
      users: Array.from({ length: 90 - internal.used }, (_, n) => ({ email: `filler-${n}@mycompany.com` })),
    }),
  );
  const summary = (await call('GET', '/api/v1/licence/summary')) as { internal: { used: number; level: string } };
  expect(summary.internal).toMatchObject({ used: 90, level: 'warning' });

  const supportCookie = await signIn(url, SUPPORT.email, SUPPORT.password);
  const { token } = (await api(url, supportCookie, 'POST', '/api/v1/tokens', { name: 'Extension', scope: 'read' })) as {
    token: string;
  };
  return { adminCookie, outsystemsId, readToken: token };
}

/** The OutSystems Users fixture at /Users/Users.aspx and the page of markup-like text at /admin/hostile.html. */
export function serveFixtureConsole(pages: Record<string, string> = {}): Promise<ConsoleSite> {
  return serveConsole({
    ...pages,
    '/Users/Users.aspx': readFileSync(join(FIXTURES, 'outsystems-users.html'), 'utf8'),
    // alert(1) would block the page if it ever ran; the title change is checked instead.
    '/admin/hostile.html': readFileSync(join(FIXTURES, 'hostile.html'), 'utf8').replaceAll(
      'alert(1)',
      "document.title='pwned'",
    ),
  });
}

/** Submits `token` on the options page (server address already typed); resolves with the message that answers it. */
export async function submitToken(options: Page, token: string): Promise<string> {
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
}

/** Adds the console at `address` for `environmentId` on the options page and waits for the page to confirm it. */
export async function addConsoleThroughOptions(options: Page, address: string, environmentId: string): Promise<void> {
  await options.type('#console-address', address);
  await options.select('#console-environment', environmentId);
  await options.click('#add-console');
  await options.waitForSelector('#console-message .message.ok');
}

export interface BadgeView {
  label: string;
  classification: string | null;
  flags: string;
  server: string | null;
  title: string;
  /** The texts of the row's cells, or the link's href for a badge after a link outside a table. */
  row: string[];
}

/** Every badge on the page, read from its shadow root, with the row (or link) it belongs to. */
export function readBadges(page: Page): Promise<BadgeView[]> {
  return page.$$eval('seatkeeper-badge', (hosts) =>
    hosts.map((host) => {
      const label = host.shadowRoot?.querySelector('.pill')?.firstChild;
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
export async function badgesAnswered(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (expected) => {
      const hosts = [...document.querySelectorAll('seatkeeper-badge')];
      return hosts.length === expected && hosts.every((host) => host.getAttribute('data-server'));
    },
    { timeout: 20_000 },
    count,
  );
}

/** How each badge in a table is drawn, by the text of its row's first cell. */
export function badgeLooks(
  page: Page,
): Promise<Record<string, { width: number; decoration: string; background: string }>> {
  return page.$$eval('seatkeeper-badge', (hosts) =>
    Object.fromEntries(
      hosts.map((host) => {
        // The pill is what a person sees; the host is an empty box in the line.
        const pill = host.shadowRoot?.querySelector('.pill') as Element;
        const style = getComputedStyle(pill);
        return [
          host.closest('tr')?.querySelector('td')?.textContent?.trim() ?? '',
          {
            width: pill.getBoundingClientRect().width,
            decoration: style.textDecorationLine,
            background: style.backgroundColor,
          },
        ];
      }),
    ),
  );
}

/** Elements page text could have become (the pages load scripts only by src): in the document or any shadow root. */
export function markupCreated(page: Page): Promise<number> {
  return page.evaluate(() => {
    const roots: (Document | ShadowRoot)[] = [document];
    for (const element of document.querySelectorAll('*')) if (element.shadowRoot) roots.push(element.shadowRoot);
    return roots.reduce((sum, root) => sum + root.querySelectorAll('img, iframe, script:not([src])').length, 0);
  });
}

/**
 * On the OutSystems fixture, answered: every badge has the label, classification and flags the server's own lookup
 * gives for its row, the console's environment in its tooltip, and the server's mark (known, inactive, merged, unknown).
 */
export async function expectOutSystemsBadgesAsServerSays(
  page: Page,
  url: string,
  adminCookie: string,
  outsystemsId: string,
): Promise<BadgeView[]> {
  const badges = await readBadges(page);
  const accounts = badges.map(({ row }) => ({ username: row[0] || undefined, email: row[2] || undefined }));
  const lookup = (await api(url, adminCookie, 'POST', '/api/v1/lookup', { environment: outsystemsId, accounts })) as {
    results: { classification: string; flags: string[] }[];
  };
  badges.forEach((badge, index) => {
    const expected = lookup.results[index];
    expect(badge.classification, badge.row[0]).toBe(expected?.classification);
    expect(badge.label, badge.row[0]).toBe(expected?.classification === 'internal' ? 'Internal' : 'External');
    expect(badge.flags, badge.row[0]).toBe(expected?.flags.join(' '));
    expect(badge.title, badge.row[0]).toContain(`Environment: ${OUTSYSTEMS}`);
  });
  const serverMarks = Object.fromEntries(badges.map((badge) => [badge.row[0], badge.server]));
  expect(serverMarks).toEqual(OUTSYSTEMS_SERVER_MARKS);
  const sgreen = badges.find((badge) => badge.row[0] === 'sgreen');
  expect(sgreen?.title).toContain('Merged with: scott.green@mycompany.com (Production / Seatkeeper)');
  return badges;
}

/**
 * The popup, on the scenario's data: the capacity, the verdict from the cached rules then the server's accounts for
 * an email, and a username that looks like markup shown as text.
 */
export async function expectPopupLookups(popup: Page): Promise<void> {
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
}

/** On the page of markup-like text: three External badges, the text in their tooltips, no element made, no script run. */
export async function expectHostileTextKept(page: Page): Promise<void> {
  await badgesAnswered(page, 3);
  const badges = await readBadges(page);
  expect(badges[0]?.title).toContain(`Account: ${HOSTILE}`);
  expect(badges.map((badge) => badge.label)).toEqual(['External', 'External', 'External']);
  expect(await markupCreated(page)).toBe(0);
  expect(await page.title()).toBe('Users');
}
