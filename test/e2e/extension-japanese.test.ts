import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WxtBrowser } from 'wxt/browser';
import { CONSOLE_FIXTURES, type ConsoleFixture } from '../extension/console-fixtures.ts';
import { type BrowserWithExtension, type ConsoleSite, launchWithExtension, serveConsole } from './extension-harness.ts';
import { ROOT } from './server-process.ts';

// The built extension in a Chromium whose language is Japanese (--lang=ja, LANGUAGE=ja, as a Japanese desktop sets
// it): the browser picks the ja catalog, and the badges on a console (the saved WordPress users page) and the popup
// say Internal/External and why in Japanese. No Seatkeeper server is needed: the rules are the cached ones.

const WORDPRESS = CONSOLE_FIXTURES.wordpress as ConsoleFixture;
const RULES = [{ id: 'own', name: 'OutSystems Prod', production: true, internalDomains: ['mycompany.com'] }];

let chromium: BrowserWithExtension;
let site: ConsoleSite;

beforeAll(async () => {
  site = await serveConsole({
    [WORDPRESS.path]: readFileSync(join(ROOT, 'test/extension/fixtures', `${WORDPRESS.file}.html`), 'utf8'),
  });
  chromium = await launchWithExtension({ language: 'ja' });
});

afterAll(async () => {
  await chromium?.close();
  await site?.close();
});

describe('the extension in a Japanese browser', () => {
  it('badges a console with Japanese labels, reasons and tooltips', async () => {
    const popup = await chromium.openExtensionPage('popup.html');
    // What a sign-in would have cached, then the console added as the options page adds it.
    const added = await popup.evaluate(
      async (rules, origin) => {
        const { chrome } = globalThis as unknown as { chrome: WxtBrowser };
        await chrome.storage.local.set({ environmentRules: rules });
        return chrome.runtime.sendMessage({ type: 'addConsole', origin, environmentId: 'own' });
      },
      RULES,
      site.origin,
    );
    expect(added).toMatchObject({ ok: true });
    await popup.close();

    const page = await chromium.browser.newPage();
    await page.goto(`${site.origin}${WORDPRESS.path}`);
    await page.waitForFunction(
      (count) => document.querySelectorAll('seatkeeper-badge').length >= count,
      {},
      WORDPRESS.rows.length,
    );
    const badges = await page.$$eval('seatkeeper-badge', (hosts) =>
      hosts.map((host) => ({
        title: host.getAttribute('title') ?? '',
        label: host.shadowRoot?.querySelector('.pill')?.firstChild?.textContent ?? '',
      })),
    );
    const priya = badges.find((badge) => badge.title.includes('priya.kumar@gmail.com'));
    expect(priya?.label).toBe('社外');
    expect(priya?.title).toBe(
      '社外ユーザー: メールアドレスのドメイン gmail.com は社内ドメインとして登録されていません\n' +
        '環境: OutSystems Prod\nアカウント: priya / priya.kumar@gmail.com',
    );
    const john = badges.find((badge) => badge.title.includes('john.smith@mycompany.com'));
    expect(john?.label).toBe('社内');
    expect(john?.title).toContain(
      '社内ユーザー: メールアドレスのドメイン mycompany.com は社内ドメインとして登録されています',
    );
    for (const badge of badges) expect(badge.title).not.toMatch(/\b(Internal|External|listed|Environment|Account)\b/);
    await page.close();
  });

  it('says in the popup why an address is external, in Japanese, with the environment in place', async () => {
    const popup = await chromium.openExtensionPage('popup.html');
    await popup.waitForSelector('#who');
    expect(await popup.evaluate(() => document.documentElement.lang)).toBe('ja');
    await popup.type('#who', 'amy@gmail.com');
    await popup.waitForSelector('#verdict');
    const shown = await popup.evaluate(() => ({
      verdict: document.querySelector('#verdict')?.textContent,
      line: document.querySelector('#classification p')?.textContent,
    }));
    expect(shown.verdict).toBe('社外ユーザー');
    expect(shown.line).toBe(
      '社外ユーザー （OutSystems Prod 環境、保存済みのルールによる判定）: メールアドレスのドメイン gmail.com は社内ドメインとして登録されていません',
    );
    await popup.close();
  });
});
