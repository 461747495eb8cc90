// Firefox for the browser tests: Debian's Firefox ESR (or FIREFOX_PATH), headless, driven over WebDriver BiDi. Puppeteer
// makes the throw-away profile (removed on close) with the prefs that keep Firefox off the network: no updates,
// telemetry, safe-browsing lists or add-on metadata, which matters on a machine with no network.
import puppeteer, { type Browser } from 'puppeteer-core';

export interface Firefox {
  browser: Browser;
  /** Closes the browser; puppeteer removes its profile. */
  close(): Promise<void>;
}

export async function launchFirefox({ prefs = {} }: { prefs?: Record<string, unknown> } = {}): Promise<Firefox> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    headless: true,
    pipe: true,
    extraPrefsFirefox: prefs,
    // Since Firefox 153 WebDriver may navigate only to http(s), file and blob pages unless the browser lets it reach
    // privileged ones: the extension's own pages (moz-extension://) are among those.
    args: ['--remote-allow-system-access'],
  });
  return { browser, close: () => browser.close() };
}
