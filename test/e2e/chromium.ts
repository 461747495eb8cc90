// Chromium for the browser tests: Debian's build (or CHROME_PATH), headless, a throw-away profile, and the switches
// it needs on a machine with no network and as root.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

export interface Chromium {
  browser: Browser;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** `language` (e.g. `ja`) is the browser's own: its UI language and the one extensions' catalogs are chosen by. */
export async function launchChromium({
  extensions = false,
  language,
}: {
  extensions?: boolean;
  language?: string;
} = {}): Promise<Chromium> {
  const profile = await mkdtemp(join(tmpdir(), 'seatkeeper-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    pipe: true,
    enableExtensions: extensions,
    userDataDir: profile,
    // Chromium on Linux takes its language from --lang and from LANGUAGE, as a person's desktop sets it.
    ...(language && { env: { ...process.env, LANGUAGE: language } }),
    args: [
      ...(language ? [`--lang=${language}`] : []),
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--disable-dev-shm-usage',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
