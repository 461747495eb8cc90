// Draws the toolbar and store icons (extension/public/icon/<size>.png, which WXT puts in the manifest) from seat.svg,
// with Chromium, at the sizes browsers and stores ask for. Run again after changing the SVG: npm run icons.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

const SIZES = [16, 32, 48, 128];
const here = import.meta.dirname;
const out = join(here, '../public/icon');
const svg = readFileSync(join(here, 'seat.svg'), 'utf8');

mkdirSync(out, { recursive: true });
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage();
  for (const size of SIZES) {
    await page.setViewport({ width: size, height: size, deviceScaleFactor: 1 });
    await page.setContent(
      `<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`,
    );
    await page.screenshot({ path: join(out, `${size}.png`) as `${string}.png`, omitBackground: true });
  }
} finally {
  await browser.close();
}
