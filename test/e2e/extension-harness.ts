// What the extension's browser tests and benchmark share: the extension built for tests, Chromium or Firefox with it
// installed, and a small web server standing in for a console on another origin.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { launchChromium } from './chromium.ts';
import { launchFirefox } from './firefox.ts';
import { freePort, ROOT } from './server-process.ts';

export type ExtensionTarget = 'chrome' | 'firefox';

/**
 * `wxt build --mode e2e` for each browser: the production code, with the test origins among the host permissions
 * (wxt.config.ts). Chrome gets the MV3 build, Firefox the MV2 one, as `npm run build:ext` zips them.
 */
export const E2E_BUILDS: Record<ExtensionTarget, string> = {
  chrome: join(ROOT, '.output/chrome-mv3-e2e'),
  firefox: join(ROOT, '.output/firefox-mv2-e2e'),
};

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

/** Builds the test extension for `target` when it is missing or older than any of its sources (about 2 s). */
export function ensureExtensionBuilt(target: ExtensionTarget = 'chrome'): string {
  const output = E2E_BUILDS[target];
  const sources = ['extension', 'shared', 'wxt.config.ts', 'package.json'].map((path) => join(ROOT, path));
  let builtAt = 0;
  try {
    builtAt = statSync(join(output, 'manifest.json')).mtimeMs;
  } catch {
    // not built yet
  }
  if (builtAt > Math.max(...sources.map(newestChange))) return output;
  const args = ['build', '--mode', 'e2e', ...(target === 'firefox' ? ['-b', 'firefox'] : [])];
  const result = spawnSync(join(ROOT, 'node_modules/.bin/wxt'), args, { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`wxt ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return output;
}

export interface BrowserWithExtension {
  browser: Browser;
  /** Opens one of the extension's pages (options.html, popup.html) in a tab. */
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

export async function launchWithExtension({ language }: { language?: string } = {}): Promise<BrowserWithExtension> {
  const path = ensureExtensionBuilt('chrome');
  const chromium = await launchChromium({ extensions: true, ...(language && { language }) });
  // installExtension waits for the install; passing paths to enableExtensions would not.
  const extensionId = await chromium.browser.installExtension(path);
  return {
    browser: chromium.browser,
    async openExtensionPage(page) {
      const tab = await chromium.browser.newPage();
      await tab.goto(`chrome-extension://${extensionId}/${page}`);
      return tab;
    },
    close: chromium.close,
  };
}

/** Firefox with the MV2 build installed as a temporary add-on (WebDriver BiDi `webExtension.install`). */
export async function launchFirefoxWithExtension(): Promise<BrowserWithExtension> {
  const path = ensureExtensionBuilt('firefox');
  const manifest = JSON.parse(readFileSync(join(path, 'manifest.json'), 'utf8'));
  const addonId: string = manifest.browser_specific_settings.gecko.id;
  // Firefox serves an add-on's pages from moz-extension://<a UUID it picks per profile>; this pref picks it for it,
  // since nothing a test can read tells it otherwise.
  const uuid = randomUUID();
  const firefox = await launchFirefox({
    prefs: { 'extensions.webextensions.uuids': JSON.stringify({ [addonId]: uuid }) },
  });
  try {
    await firefox.browser.installExtension(path);
  } catch (error) {
    await firefox.close();
    throw error;
  }
  return {
    browser: firefox.browser,
    async openExtensionPage(page) {
      const tab = await firefox.browser.newPage();
      // Firefox answers the navigation to an extension page but reports no load event for it over BiDi, so waiting
      // for "load" would never end: wait for the network to go quiet, then for the document itself.
      await tab.goto(`moz-extension://${uuid}/${page}`, { waitUntil: 'networkidle0' });
      await tab.waitForFunction(() => document.readyState === 'complete');
      return tab;
    },
    close: firefox.close,
  };
}

export interface ConsoleSite {
  /** http://localhost:PORT: another origin than the Seatkeeper server on 127.0.0.1. */
  origin: string;
  close(): Promise<void>;
}

/** Serves `pages` (path → HTML) on http://localhost:PORT, standing in for a web console on its own origin. */
export async function serveConsole(pages: Record<string, string>): Promise<ConsoleSite> {
  const port = await freePort();
  const server: Server = createServer((request, response) => {
    const page = pages[new URL(request.url ?? '/', 'http://localhost').pathname];
    response.writeHead(page === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(page ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    origin: `http://localhost:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
