// Issue 17 in a real browser: a review flag set with script survives a reload (the server keeps it), Enter in a
// short answer saves rather than flagging, and the report (per-option statistics, pass-mark line) and one attempt
// opened by staff, screenshotted at a phone's and a laptop's width in English and Japanese for a person to look at.
import { mkdir } from 'node:fs/promises';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeServer } from '../../server/http/node-server.ts';
import { answerAll, examWorld, optionIds, startAttempt, submit, verifiedCandidate } from '../support/exams.ts';
import { call, makeApp, type TestContext } from '../support/server.ts';
import { type Chromium, launchChromium } from './chromium.ts';

const SHOTS = '/work/shots/reports';
const WIDTHS = [390, 1366] as const;

let chromium: Chromium;
let server: Awaited<ReturnType<typeof startNodeServer>> | undefined;

beforeAll(async () => {
  chromium = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
}, 60_000);
afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

async function serve(ctx: TestContext) {
  await server?.close();
  server = await startNodeServer(ctx.app, ctx.config, { port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${server.port}`;
}

async function openAs(base: string, cookie: string, width: number, language = 'en'): Promise<Page> {
  const page = await chromium.browser.newPage();
  await page.setViewport({ width, height: 900 });
  await page.setExtraHTTPHeaders({ 'accept-language': language });
  const [name, value] = cookie.split('=') as [string, string];
  await page.setCookie({ name, value, url: base });
  return page;
}

describe('review flags in the browser', () => {
  it('a flag set with script is there after a reload; Enter in a short answer saves, not flags', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const attempt = await startAttempt(ctx, world);
    const base = await serve(ctx);
    for (const width of WIDTHS) {
      const page = await openAs(base, world.cookie, width);
      await page.goto(`${base}/attempts/${attempt.id}`, { waitUntil: 'load' });
      const flag = 'button[data-flag="1"]';
      if ((await page.$eval(flag, (b) => b.getAttribute('aria-pressed'))) !== 'true') {
        const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/attempts/${attempt.id}/flags`));
        await page.click(flag);
        expect((await saved).status()).toBe(200);
      }
      expect(await page.$eval(flag, (b) => b.getAttribute('aria-pressed'))).toBe('true');
      expect(page.url()).toBe(`${base}/attempts/${attempt.id}`); // the script sent it; the page stayed
      await page.reload({ waitUntil: 'load' });
      expect(await page.$eval(flag, (b) => b.getAttribute('aria-pressed'))).toBe('true');
      expect(await page.$eval('a[data-nav="1"]', (a) => a.className)).toContain('flagged');
      expect(await page.$eval('a[data-nav="1"] .visually-hidden', (s) => s.textContent)).toContain(
        'flagged for review',
      );
      await page.$eval('#question-1', (q) => q.scrollIntoView());
      await page.screenshot({ path: `${SHOTS}/exam-flagged-${width}.png` });
      await page.close();
    }
    const flags = await ctx.deps.db.selectFrom('attempt_flags').select('position').execute();
    expect(flags.map((f) => f.position)).toEqual([1]);

    // Enter in the short answer: the form's default button is "save" (hidden), so the page saves and reloads.
    const page = await openAs(base, world.cookie, 1366);
    await page.goto(`${base}/attempts/${attempt.id}`, { waitUntil: 'load' });
    await page.type('#q-3', 'Paris');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(page.url()).toBe(`${base}/attempts/${attempt.id}?saved=1`);
    expect(await page.$eval('#q-3', (i) => (i as HTMLInputElement).value)).toBe('Paris');
    expect((await ctx.deps.db.selectFrom('attempt_flags').select('position').execute()).length).toBe(1);
    await page.close();
  }, 120_000);
});

describe('the report and one attempt, as staff see them', () => {
  it('shows per-option statistics and the pass-mark line; opens an attempt from the report', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx, { attemptsAllowed: null, cooldownMinutes: 0, shuffleOptions: true });
    const attempts: string[] = [];
    for (let i = 0; i < 6; i++) {
      const who = i === 0 ? world : await verifiedCandidate(ctx, `Candidate ${i}`);
      const attempt = await startAttempt(ctx, { cookie: who.cookie, examId: world.examId });
      attempts.push(attempt.id);
      if (i < 3) await answerAll(ctx, who.cookie, attempt);
      else
        await call(ctx, 'POST', `/api/v1/attempts/${attempt.id}/answers`, {
          cookie: who.cookie,
          json: {
            answers: [
              { position: 0, seq: 1, answer: optionIds(attempt, 0, ['Green'])[0] },
              { position: 1, seq: 1, answer: optionIds(attempt, 1, i === 3 ? ['2', '4'] : ['3']) },
              { position: 2, seq: 1, answer: i === 5 ? 'true' : 'false' },
              { position: 3, seq: 1, answer: i === 4 ? 'Lyon' : ' PARIS' },
            ],
          },
        });
      if (i < 5) await submit(ctx, who.cookie, attempt.id);
    }
    const base = await serve(ctx);
    for (const language of ['en', 'ja'])
      for (const width of WIDTHS) {
        const page = await openAs(base, world.adminCookie, width, language);
        await page.goto(`${base}/portal/exams/${world.examId}`, { waitUntil: 'load' });
        const line = await page.$eval('svg .pass-mark text', (t) => t.textContent);
        expect(line).toBe(language === 'en' ? 'Pass mark 60%' : '合格点 60%');
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
        }));
        expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
        const report = await page.$('section[aria-labelledby="summary"]');
        await report?.screenshot({ path: `${SHOTS}/report-${language}-${width}.png` });
        // The attempt opened from the report, by its link.
        await Promise.all([
          page.waitForNavigation(),
          page.click(`a[href="/portal/exams/${world.examId}/attempts/${attempts[3]}"]`),
        ]);
        expect(await page.$eval('h1', (h) => h.textContent)).toBe(
          language === 'en' ? 'Attempt by Candidate 3' : 'Candidate 3 さんの受験',
        );
        await page.screenshot({ path: `${SHOTS}/attempt-${language}-${width}.png`, fullPage: true });
        await page.close();
      }
  }, 180_000);
});
