// Issue 17, the candidates' side in a real browser against the real server: an admin restricts an exam to invited
// people on its portal page and invites one candidate; that candidate (and not another) sees it, takes it with the
// question navigator and the "Saved at" indicator, and finds the result and certificate on the home page /my.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const ANN = { name: 'Ann Invited', email: 'ann@example.com', password: 'a long enough candidate phrase' };
const BOB = { name: 'Bob Uninvited', email: 'bob@example.com', password: 'a long enough candidate phrase' };
const SHOTS = '/work/shots/exc';

let server: RunningServer;
let browser: Browser;
let data: ServerData;
let chromium: Chromium;
let adminCookie: string;
let examId: string;

type Outbox = { items: { toAddress?: string; subject?: string; body: string }[] };
const mailTo = async (email: string) =>
  ((await api(server.url, adminCookie, 'GET', '/api/v1/outbox')) as Outbox).items.filter((m) =>
    JSON.stringify(m).includes(email),
  );

/** A registered candidate with a confirmed address (through the API, as the registration page would). */
async function registered(person: typeof ANN) {
  await fetch(`${server.url}/api/v1/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify(person),
  });
  const mail = (await mailTo(person.email)).find((m) => m.body.includes('verify-email'));
  const token = /verify-email\?token=(\S+)/.exec(mail?.body ?? '')?.[1];
  const verified = await fetch(`${server.url}/api/v1/email-verifications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ token: decodeURIComponent(token ?? '') }),
  });
  expect(verified.ok, `verify ${person.email}`).toBe(true);
}

async function signedInPage(person: { email: string; password: string }): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.setViewport({ width: 1366, height: 900 });
  await page.goto(`${server.url}/sign-in`);
  await page.type('#email', person.email);
  await page.type('#password', person.password);
  await Promise.all([page.waitForNavigation(), page.click('form.card button[type=submit]')]);
  return page;
}

async function shoot(page: Page, name: string) {
  for (const width of [1366, 390]) {
    await page.setViewport({ width, height: width > 500 ? 900 : 844 });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: width > 500 });
  }
  await page.setViewport({ width: 1366, height: 900 });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  data = await makeDataDir();
  createAdmin(data);
  server = await startServer(data);
  adminCookie = await signIn(server.url, ADMIN.email, ADMIN.password);
  const { exam } = (await api(server.url, adminCookie, 'POST', '/api/v1/exam-imports', {
    ...SAMPLE_DOCUMENT,
    exam: { ...SAMPLE_DOCUMENT.exam, title: 'Invited exam', shuffleOptions: true },
  })) as { exam: { id: string } };
  examId = exam.id;
  await api(server.url, adminCookie, 'POST', `/api/v1/exams/${examId}/publish`);
  await registered(ANN);
  await registered(BOB);
  chromium = await launchChromium();
  browser = chromium.browser;
}, 90_000);

afterAll(async () => {
  await chromium?.close();
  await server?.stop();
  await data?.remove();
});

describe('an exam for invited people only, in a browser', () => {
  it('admin restricts and invites; the invited candidate takes it with the navigator; /my shows the certificate', async () => {
    // The admin, on the exam's portal page.
    const admin = await signedInPage(ADMIN);
    await admin.goto(`${server.url}/portal/exams/${examId}`);
    await Promise.all([admin.waitForNavigation(), admin.click(`a[href="/portal/exams/${examId}/access"]`)]);
    await admin.click('input[name=rule][value=invited]');
    await Promise.all([admin.waitForNavigation(), admin.click('form[action$="/access"] button[type=submit]')]);
    expect(await admin.content()).toContain('Only invited people');
    await admin.type('#emails', ANN.email);
    await Promise.all([admin.waitForNavigation(), admin.click('form[action$="/invitations"] button[type=submit]')]);
    expect(await admin.content()).toContain('1 person invited');
    const invitation = (await mailTo(ANN.email)).find((m) => m.body.includes('Invited exam'));
    expect(invitation?.body).toContain(`${server.url}/exams`);

    // Bob is not invited: no exam listed, and a start is refused.
    const bob = await signedInPage(BOB);
    await bob.goto(`${server.url}/exams`);
    expect(await bob.content()).not.toContain('Invited exam');
    const refused = await bob.evaluate(
      (id) => fetch(`/api/v1/exams/${id}/attempts`, { method: 'POST' }).then((r) => r.status),
      examId,
    );
    expect(refused).toBe(403);
    // Candidates see no staff links.
    expect(await bob.$('a[href="/api/docs"]')).toBeNull();

    // Ann sees it on her home page and starts it there.
    const ann = await signedInPage(ANN);
    await ann.goto(`${server.url}/my`);
    expect(await ann.$eval('.exam-rows', (e) => e.textContent)).toContain('Not started');
    await Promise.all([ann.waitForNavigation(), ann.click(`form[action="/exams/${examId}/start"] button`)]);
    expect(ann.url()).toMatch(/\/attempts\/[a-z2-7]+$/);

    // Every choice is a whole clickable row with the control beside its text.
    const row = await ann.$$eval('label.choice', (labels) =>
      labels.map((l) => {
        const input = l.querySelector('input') as HTMLInputElement;
        const box = input.getBoundingClientRect();
        const whole = l.getBoundingClientRect();
        return { inputWidth: box.width, rowWidth: whole.width, sameLine: Math.abs(box.top - whole.top) < whole.height };
      }),
    );
    expect(row.length).toBeGreaterThan(4);
    for (const r of row) expect(r.inputWidth).toBeLessThan(40);

    // Click the text of the right option (the row, not the control) and see the saved time.
    const saved = () => ann.waitForResponse((r) => r.url().endsWith('/answers') && r.status() === 200);
    const clickChoice = async (position: number, text: string) => {
      const labels = await ann.$$(`#question-${position} label.choice`);
      for (const label of labels) {
        if ((await label.evaluate((l) => l.textContent?.trim())) === text) {
          await Promise.all([saved(), label.click()]);
          return;
        }
      }
      throw new Error(`no choice ${text}`);
    };
    await clickChoice(0, 'Red');
    await ann.waitForFunction(() => /Saved at/.test(document.getElementById('save-status')?.textContent ?? ''));
    expect(await ann.$eval('a[data-nav="0"]', (a) => a.className)).toContain('answered');

    // The navigator with the keyboard: arrow to question 2, Enter, and the question takes the focus.
    await ann.focus('a[data-nav="0"]');
    await ann.keyboard.press('ArrowRight');
    expect(await ann.evaluate(() => (document.activeElement as HTMLElement).dataset.nav)).toBe('1');
    await ann.keyboard.press('Enter');
    await ann.waitForFunction(() => document.activeElement?.id === 'question-1');
    await clickChoice(1, '2');
    await clickChoice(1, '3');
    // Flag question 3 for review: the navigator says so.
    const flagged = ann.waitForResponse((r) => r.url().endsWith('/flags') && r.request().method() === 'POST');
    await ann.click('#question-2 button.flag-toggle');
    expect((await flagged).status()).toBe(200); // kept with the attempt on the server
    expect(await ann.$eval('a[data-nav="2"]', (a) => a.className)).toContain('flagged');
    expect(await ann.$eval('a[data-nav="2"] .visually-hidden', (e) => e.textContent)).toContain('flagged for review');
    await clickChoice(2, 'True');
    await ann.focus('#q-3');
    await Promise.all([saved(), ann.keyboard.type('Paris')]);
    expect(await ann.$eval('#progress', (e) => e.textContent)).toBe('Answered 4 of 4');
    // The timer stays in view on a phone.
    await ann.setViewport({ width: 390, height: 844 });
    await ann.evaluate(() => document.getElementById('question-3')?.scrollIntoView());
    const timerTop = await ann.$eval('#timer', (e) => e.getBoundingClientRect().top);
    expect(timerTop).toBeGreaterThanOrEqual(0);
    expect(timerTop).toBeLessThan(100);
    await ann.evaluate(() => window.scrollTo(0, 0));
    await shoot(ann, 'exam-page');

    // A failed save turns into a warning.
    await ann.setOfflineMode(true);
    await ann.click('#question-2 label.choice:last-of-type');
    await ann.waitForFunction(() => document.getElementById('save-status')?.classList.contains('failed'));
    await ann.screenshot({ path: `${SHOTS}/exam-page-save-failed-1366.png` });
    await ann.click('#question-2 label.choice:first-of-type');
    await Promise.all([saved(), ann.setOfflineMode(false)]);

    await Promise.all([ann.waitForNavigation(), ann.click('button[value="review"]')]);
    expect(await ann.content()).toContain('You have answered all 4 questions');
    await Promise.all([ann.waitForNavigation(), ann.click('form[action$="/submit"] button')]);
    expect(await ann.content()).toContain('Passed');

    await ann.goto(`${server.url}/my`);
    const home = (await ann.$eval('main', (e) => e.textContent)) ?? '';
    expect(home).toContain('Passed (100%)');
    const links = await ann.$$eval('#my-certificates ~ * a, #my-certificates + * a', (as) =>
      as.map((a) => a.getAttribute('href')),
    );
    expect(links.some((h) => /\/api\/v1\/certificates\/[a-z2-7]+\/pdf$/.test(h ?? ''))).toBe(true);
    expect(links.some((h) => /\/api\/v1\/certificates\/[a-z2-7]+\/credential$/.test(h ?? ''))).toBe(true);
    expect(links.some((h) => /^\/verify\/[a-z2-7]+$/.test(h ?? ''))).toBe(true);
    await shoot(ann, 'my');
    await bob.goto(`${server.url}/my`);
    expect(await bob.$eval('main', (e) => e.textContent)).toContain('No exam is open to you at the moment.');
  }, 120_000);
});
