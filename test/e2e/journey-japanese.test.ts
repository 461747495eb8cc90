// A Japanese candidate's whole journey in a real browser against the real server (issue 16): they switch the page to
// Japanese, register as 佐藤 達也, confirm the address from the Japanese mail in the outbox, sign in, sit the exam
// "OutSystems 基礎認定試験", submit, and find their result and their certificate, every page in Japanese with the
// times in the organisation's zone (Asia/Tokyo), the PDF holding the name and the title as written.
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { navigateBy, registerInBrowser, signInInBrowser, verificationMail } from '../support/browser-accounts.ts';
import { englishRuns, readableText } from '../support/english-text.ts';
import { JAPANESE_DOCUMENT } from '../support/exams.ts';
import { readPdf } from '../support/pdf-reader.ts';
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

const CANDIDATE = { name: '佐藤 達也', email: 'tatsuya.sato@example.jp', password: '長いパスフレーズで受験します' };

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
  // The organisation works in Tokyo: deadlines and attempt times are shown in its zone.
  const zone = await fetch(`${server.url}/portal/licence/time-zone`, {
    method: 'POST',
    headers: { cookie: adminCookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ timeZone: 'Asia/Tokyo' }),
  });
  expect(zone.status).toBe(200);
  const { exam } = (await api(server.url, adminCookie, 'POST', '/api/v1/exam-imports', JAPANESE_DOCUMENT)) as {
    exam: { id: string };
  };
  await api(server.url, adminCookie, 'POST', `/api/v1/exams/${exam.id}/publish`);
  chromium = await launchChromium();
  browser = chromium.browser;
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await server?.stop();
  await data?.remove();
});

/** The page is Japanese: `lang="ja"` and no English sentence a person reads. */
async function expectJapanese(page: Page) {
  const html = await page.content();
  expect(html, page.url()).toContain('<html lang="ja">');
  expect(englishRuns(readableText(html)), page.url()).toEqual([]);
  return html;
}

describe('a Japanese candidate’s journey in a browser', () => {
  it('switch to 日本語 → register → verify → sign in → exam → submit → result → certificate PDF', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}/register`);
    expect(await page.$eval('html', (e) => e.lang)).toBe('en');
    await navigateBy(page, 'form.language-switch button[value="ja"]');
    expect(page.url()).toBe(`${server.url}/register`);
    expect(await page.$eval('h1', (e) => e.textContent)).toBe('受験者の新規登録');
    await expectJapanese(page);

    const site = { url: server.url, adminCookie };
    await registerInBrowser(page, site, CANDIDATE, true);
    expect(await expectJapanese(page)).toContain(`${CANDIDATE.email} 宛てに確認用リンクを送信しました。`);

    const mail = await verificationMail(site, CANDIDATE.email);
    expect(mail.subject).toBe('【Seatkeeper】メールアドレスの確認のお願い');
    expect(mail.body).toContain(`${CANDIDATE.name} 様`);
    await page.goto(mail.link);
    await expectJapanese(page);
    await navigateBy(page, 'form.card button[type=submit]');
    // Confirmed, then on to sign in with the confirmation shown once (POST/redirect/GET).
    expect(await page.$eval('.alert.success', (e) => e.textContent)).toBe(
      'メールアドレスの確認が完了しました。ありがとうございます。',
    );

    await signInInBrowser(page, site, CANDIDATE);
    expect(await page.$eval('h1', (e) => e.textContent)).toBe('マイページ');
    await expectJapanese(page);

    await page.goto(`${server.url}/exams`);
    const catalogue = await expectJapanese(page);
    expect(catalogue).toContain('OutSystems 基礎認定試験');
    expect(catalogue).toContain('4 問、制限時間 30 分、合格点 60%');
    await navigateBy(page, 'form[action$="/start"] button');
    expect(page.url()).toMatch(/\/attempts\/[a-z2-7]+$/);
    const attempt = await expectJapanese(page);
    // The deadline in Tokyo's time, the zone named; the running timer in Japanese units.
    expect(attempt).toMatch(/試験は 20\d\d年\d+月\d+日 \d+:\d\d JST に終了します/);
    await page.waitForFunction(() => /\d+ 分 \d+ 秒/.test(document.getElementById('time-left')?.textContent ?? ''));
    expect(await page.$eval('label[for="q-2-true"]', (e) => e.textContent)).toBe('正しい');

    const saved = () => page.waitForResponse((r) => r.url().endsWith('/answers') && r.status() === 200);
    await Promise.all([saved(), page.click('label[for="q-0-1"]')]);
    await Promise.all([saved(), page.click('label[for="q-1-1"]')]);
    await Promise.all([saved(), page.click('label[for="q-1-2"]')]);
    // A lost connection is said in Japanese; the answer is sent when the connection is back.
    await page.setOfflineMode(true);
    await page.click('label[for="q-2-true"]');
    await page.waitForFunction(() =>
      document.getElementById('save-status')?.textContent?.startsWith('まだ保存されていません'),
    );
    await Promise.all([saved(), page.setOfflineMode(false)]);
    // Saved again, said in Japanese ("… に保存しました" with the time, or "すべての解答を保存しました。").
    await page.waitForFunction(() => /保存しました/.test(document.getElementById('save-status')?.textContent ?? ''));
    await page.focus('#q-3');
    await page.keyboard.type('東京');
    await navigateBy(page, 'button[value="review"]');
    expect(await expectJapanese(page)).toContain('4 問すべてに解答しました。');
    await navigateBy(page, 'form[action$="/submit"] button');

    const result = await expectJapanese(page);
    expect(await page.$eval('h1', (e) => e.textContent)).toBe('結果: OutSystems 基礎認定試験');
    expect(await page.$eval('#score', (e) => e.textContent)).toBe('合格: 100%');
    expect(result).toContain('合格点は 60% です。');
    const pdfHref = await page.$eval('a[href$="/pdf"]', (a) => a.getAttribute('href'));
    expect(await page.$eval('a[href$="/pdf"]', (a) => a.textContent)).toBe('PDF をダウンロード');
    // The PDF the link gives, read as a PDF reader would (pdf.js): the candidate's name and the exam's title in it.
    const pdf = await page.evaluate(async (href) => {
      const response = await fetch(href as string);
      return { status: response.status, bytes: Array.from(new Uint8Array(await response.arrayBuffer())) };
    }, pdfHref);
    expect(pdf.status).toBe(200);
    const { text } = await readPdf(Uint8Array.from(pdf.bytes));
    expect(text).toContain(CANDIDATE.name);
    expect(text).toContain('OutSystems 基礎認定試験');
    expect(await page.$eval('a[href^="/verify/"]', (a) => a.textContent)).toBe('公開の検証ページ');

    await page.goto(`${server.url}/history`);
    const history = await expectJapanese(page);
    expect(await page.$eval('a[href$="/pdf"]', (a) => a.getAttribute('href'))).toBe(pdfHref);
    expect(history).toContain('>有効</td>');
    expect(history).toContain('>合格</td>');
    expect(history).toMatch(/<time datetime="[^"]+">20\d\d年\d+月\d+日 \d+:\d\d JST<\/time>/);
  }, 60_000);
});
