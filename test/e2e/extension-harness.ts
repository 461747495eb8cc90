// What the extension's browser test and benchmark share: the extension built for tests, Chromium with it loaded,
// and a small web server standing in for a console on another origin.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { launchChromium } from './chromium.ts';
import { freePort, ROOT } from './server-process.ts';

/** `wxt build --mode e2e`: the production code, with the test origins among the host permissions (wxt.config.ts). */
export const E2E_BUILD = join(ROOT, '.output/chrome-mv3-e2e');

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

/** Builds the test extension when it is missing or older than any of its sources (about 2 s). */
export function ensureExtensionBuilt(): string {
  const sources = ['extension', 'shared', 'wxt.config.ts', 'package.json'].map((path) => join(ROOT, path));
  const built = join(E2E_BUILD, 'manifest.json');
  let builtAt = 0;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    // not built yet
  }
  if (builtAt > Math.max(...sources.map(newestChange))) return E2E_BUILD;
  const result = spawnSync(join(ROOT, 'node_modules/.bin/wxt'), ['build', '--mode', 'e2e'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`wxt build --mode e2e failed:\n${result.stdout}\n${result.stderr}`);
  return E2E_BUILD;
}

export interface ChromiumWithExtension {
  browser: Browser;
  extensionId: string;
  /** Opens one of the extension's pages (options.html, popup.html) in a tab. */
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

export async function launchWithExtension(): Promise<ChromiumWithExtension> {
  const path = ensureExtensionBuilt();
  const chromium = await launchChromium({ extensions: true });
  // installExtension waits for the install; passing paths to enableExtensions would not.
  const extensionId = await chromium.browser.installExtension(path);
  return {
    browser: chromium.browser,
    extensionId,
    async openExtensionPage(page) {
      const tab = await chromium.browser.newPage();
      await tab.goto(`chrome-extension://${extensionId}/${page}`);
      return tab;
    },
    close: chromium.close,
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
