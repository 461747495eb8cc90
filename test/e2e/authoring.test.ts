import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

// An author builds an exam in the browser with the four kinds of question (no JSON), previews it and publishes it;
// a candidate then starts it. Screenshots of the editor, the settings and the preview go to SHOTS when it is set.

const CANDIDATE = { name: 'Cora Candidate', email: 'cora@example.com', password: 'a long enough candidate phrase' };
const SHOTS = process.env.SHOTS_DIR;

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
  chromium = await launchChromium();
  browser = chromium.browser;
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await server?.stop();
  await data?.remove();
});

async function submitForm(page: Page, selector: string) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

/** The page at desktop and phone width, when screenshots are asked for. */
async function shoot(page: Page, name: string) {
  if (!SHOTS) return;
  for (const width of [1366, 390]) {
    await page.setViewport({ width, height: 900 });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewport({ width: 1366, height: 900 });
}

async function signInAs(page: Page, email: string, password: string) {
  await page.goto(`${server.url}/sign-in`);
  await page.type('#email', email);
  await page.type('#password', password);
  await submitForm(page, 'form.card button[type=submit]');
}

describe('authoring an exam in a browser', () => {
  it('settings → four kinds of question by form → reorder → preview → publish → a candidate starts it', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    await page.setViewport({ width: 1366, height: 900 });
    await signInAs(page, ADMIN.email, ADMIN.password);

    await page.goto(`${server.url}/portal/exams`);
    await submitForm(page, 'a[href="/portal/new-exam"]');
    await page.type('#title', 'Ladder safety');
    await page.$eval('#passMark', (e) => {
      (e as HTMLInputElement).value = '';
    });
    await page.type('#passMark', '150');
    await page.$eval('#questionCount', (e) => {
      (e as HTMLInputElement).value = '4';
    });
    await page.click('#shuffleOptions');
    await submitForm(page, 'form.exam-settings button[type=submit]');
    // Refused: the mistake is marked beside its field, everything typed is still there.
    expect(await page.$eval('#passMark', (e) => e.getAttribute('aria-invalid'))).toBe('true');
    expect(await page.$eval('#passMark-error', (e) => e.textContent)).toContain('0 to 100');
    expect(await page.$eval('#title', (e) => (e as HTMLInputElement).value)).toBe('Ladder safety');
    expect(await page.$eval('#shuffleOptions', (e) => (e as HTMLInputElement).checked)).toBe(true);
    await shoot(page, 'settings-error');
    await page.$eval('#passMark', (e) => {
      (e as HTMLInputElement).value = '';
    });
    await page.type('#passMark', '75');
    await submitForm(page, 'form.exam-settings button[type=submit]');
    expect(page.url()).toMatch(/\/portal\/exams\/[a-z2-7]+\/questions$/);
    const base = page.url().replace(/\/questions$/, '');

    // Single choice, first without marking the right answer.
    await submitForm(page, 'a[href$="kind=single"]');
    await page.type('#text', 'Where should a ladder stand?');
    await page.type('#option-0', 'On firm, level ground');
    await page.type('#option-1', 'On a box');
    await page.type('#tags', 'basics');
    await submitForm(page, 'form.question-editor button[type=submit]');
    expect(await page.$eval('#options-error', (e) => e.textContent)).toBe('Mark exactly one option as correct.');
    expect(await page.$eval('#option-1', (e) => (e as HTMLInputElement).value)).toBe('On a box');
    await shoot(page, 'question-error');
    await page.click('#correct-0');
    await submitForm(page, 'form.question-editor button[type=submit]');

    await submitForm(page, 'a[href$="kind=multiple"]');
    await page.type('#text', 'What do you check before climbing?');
    await page.type('#option-0', 'The feet');
    await page.click('#correct-0');
    await page.type('#option-1', 'The rungs');
    await page.click('#correct-1');
    await page.type('#option-2', 'The weather forecast for next week');
    await page.select('#scoring', 'partial');
    await submitForm(page, 'form.question-editor button[type=submit]');

    await submitForm(page, 'a[href$="kind=true_false"]');
    await page.type('#text', 'Three points of contact are safer than two.');
    await page.click('#answer-true');
    await submitForm(page, 'form.question-editor button[type=submit]');

    await submitForm(page, 'a[href$="kind=short_answer"]');
    await page.type('#text', 'The angle ratio: one out for every how many up?');
    await page.type('#accepted', '4\nfour');
    await submitForm(page, 'form.question-editor button[type=submit]');
    await shoot(page, 'question-form');

    // The list: four questions; move the last one up, by the button (a form, no script needed).
    const texts = () => page.$$eval('td [id^="question-"]', (cells) => cells.map((c) => c.firstChild?.textContent));
    expect(await texts()).toHaveLength(4);
    await submitForm(page, 'button[aria-label="Move question 4 up"]');
    expect(await texts()).toEqual([
      'Where should a ladder stand?',
      'What do you check before climbing?',
      'The angle ratio: one out for every how many up?',
      'Three points of contact are safer than two.',
    ]);
    await shoot(page, 'editor');

    await page.goto(`${base}/preview`);
    expect(await page.$$eval('fieldset.question', (f) => f.length)).toBe(4);
    expect(await page.content()).not.toMatch(/correct|four/i);
    await shoot(page, 'preview');

    await page.goto(base);
    expect(await page.$eval('#settings-heading + dl', (e) => e.textContent)).toContain('75%');
    await shoot(page, 'exam');
    await page.goto(`${server.url}/portal/exams`);
    await submitForm(page, `form[action="${new URL(base).pathname}/publish"] button`);
    expect(page.url()).toBe(`${server.url}/portal/exams`);
    const examId = base.split('/').at(-1);
    const { exam } = (await api(server.url, adminCookie, 'GET', `/api/v1/exams/${examId}`)) as {
      exam: { published: boolean; frozen: boolean };
    };
    expect(exam).toMatchObject({ published: true, frozen: true });

    // A candidate registers, confirms the address and starts the exam built above.
    const context = await browser.createBrowserContext();
    const candidate = await context.newPage();
    candidate.setDefaultTimeout(10_000);
    await candidate.goto(`${server.url}/register`);
    await candidate.type('#name', CANDIDATE.name);
    await candidate.type('#email', CANDIDATE.email);
    await candidate.type('#password', CANDIDATE.password);
    await submitForm(candidate, 'form.card button[type=submit]');
    const outbox = (await api(server.url, adminCookie, 'GET', '/api/v1/outbox')) as { items: { body: string }[] };
    const mail = outbox.items.find((m) => JSON.stringify(m).includes(CANDIDATE.email));
    const link = /(http:\/\/\S+\/verify-email\?token=\S+)/.exec(mail?.body ?? '')?.[1];
    expect(link, 'verification link in the outbox').toBeTruthy();
    await candidate.goto(link as string);
    await submitForm(candidate, 'form.card button[type=submit]');
    await signInAs(candidate, CANDIDATE.email, CANDIDATE.password);
    await candidate.goto(`${server.url}/exams`);
    expect(await candidate.content()).toContain('Ladder safety');
    await submitForm(candidate, `form[action="/exams/${examId}/start"] button`);
    expect(candidate.url()).toMatch(/\/attempts\/[a-z2-7]+$/);
    expect(await candidate.$$eval('fieldset.question', (f) => f.length)).toBe(4);
    expect(await candidate.content()).toContain('Where should a ladder stand?');
    await context.close();
  }, 90_000);
});
