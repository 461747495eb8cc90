import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { navigateBy, newCandidateInBrowser } from '../support/browser-accounts.ts';
import { SAMPLE_DOCUMENT } from '../support/exams.ts';
import { type Chromium, launchChromium } from './chromium.ts';
import {
  ADMIN,
  api,
  createAdmin,
  makeDataDir,
  type RunningServer,
  type ServerData,
  signIn,
  startServer,
} from './server-process.ts';

// A new candidate's whole journey in a real browser against the real server: register, verify, sign in, take an exam
// (reload mid-way keeps answers), submit, see the result, download the PDF, verify the certificate signed out.

const CANDIDATE = { name: 'Grace Candidate', email: 'grace@example.com', password: 'a long enough candidate phrase' };

let server: RunningServer;
let browser: Browser;
let data: ServerData;
let chromium: Chromium;
let adminCookie: string;

beforeAll(async () => {
  data = await makeDataDir();
  createAdmin(data);
  server = await startServer(data);
  adminCookie = await signIn(server.url, ADMIN.email, ADMIN.password);
  const { exam } = (await api(server.url, adminCookie, 'POST', '/api/v1/exam-imports', {
    ...SAMPLE_DOCUMENT,
    exam: { ...SAMPLE_DOCUMENT.exam, title: 'Journey exam' },
  })) as { exam: { id: string } };
  await api(server.url, adminCookie, 'POST', `/api/v1/exams/${exam.id}/publish`);
  chromium = await launchChromium();
  browser = chromium.browser;
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await server?.stop();
  await data?.remove();
});

describe('candidate journey in a browser', () => {
  it('register → verify → sign in → exam with reload → submit → result → PDF → public verification', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    await newCandidateInBrowser(page, { url: server.url, adminCookie }, CANDIDATE);

    await page.goto(`${server.url}/exams`);
    expect(await page.content()).toContain('Journey exam');
    await navigateBy(page, 'form[action$="/start"] button');
    expect(page.url()).toMatch(/\/attempts\/[a-z2-7]+$/);
    expect(await page.$eval('#time-left', (e) => e.textContent)).toMatch(/min/);

    // Answer two questions with the keyboard-free mouse path and wait for each autosave to be acknowledged.
    const saved = () => page.waitForResponse((r) => r.url().endsWith('/answers') && r.status() === 200);
    await Promise.all([saved(), page.click('label[for="q-0-1"]')]);
    await Promise.all([saved(), page.click('label[for="q-2-true"]')]);

    await page.reload();
    expect(await page.$eval('#q-0-1', (e) => (e as HTMLInputElement).checked)).toBe(true);
    expect(await page.$eval('#q-2-true', (e) => (e as HTMLInputElement).checked)).toBe(true);

    // A lost connection: the change is kept and sent when the connection is back.
    await page.setOfflineMode(true);
    await page.click('label[for="q-2-false"]');
    await page.waitForFunction(() => document.getElementById('save-status')?.textContent?.includes('Not saved yet'));
    await page.click('label[for="q-2-true"]');
    await Promise.all([saved(), page.setOfflineMode(false)]);
    await page.reload();
    expect(await page.$eval('#q-2-true', (e) => (e as HTMLInputElement).checked)).toBe(true);

    // Keyboard only for the rest: Space toggles the checkboxes, Tab reaches the text field, Enter submits.
    await page.focus('#q-1-1');
    await Promise.all([saved(), page.keyboard.press('Space')]);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('q-1-2');
    await Promise.all([saved(), page.keyboard.press('Space')]);
    await page.focus('#q-3');
    await page.keyboard.type('Paris');
    await page.focus('button[value="review"]');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.content()).toContain('You have answered all 4 questions');
    await navigateBy(page, 'form[action$="/submit"] button');
    const result = await page.content();
    expect(result).toContain('Passed');
    expect(result).toContain('100%');

    const pdfHref = await page.$eval('a[href$="/pdf"]', (a) => a.getAttribute('href'));
    const header = await page.evaluate(async (href) => {
      const response = await fetch(href as string);
      const bytes = new Uint8Array(await response.arrayBuffer());
      return String.fromCharCode(...bytes.slice(0, 5));
    }, pdfHref);
    expect(header).toBe('%PDF-');
    const verifyHref = await page.$eval('a[href^="/verify/"]', (a) => a.getAttribute('href'));

    await navigateBy(page, 'form[action="/sign-out"] button');
    const client = await page.createCDPSession();
    const { cookies } = (await client.send('Network.getAllCookies')) as { cookies: { name: string }[] };
    // Signed out: no session left; the device cookie stays, so this browser remains known to the account.
    expect(cookies.map((cookie) => cookie.name)).toEqual(['seatkeeper_device']);
    const verification = await page.goto(`${server.url}${verifyHref}`);
    expect(verification?.status()).toBe(200);
    expect(verification?.headers()['set-cookie']).toBeUndefined();
    expect(await page.$eval('#status', (e) => e.textContent)).toBe('Valid');
    expect(await page.content()).toContain(CANDIDATE.name);
  }, 45_000);
});
