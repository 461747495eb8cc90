// Issue 17's "done when", in one browser run against the real server: an admin builds an exam with the four kinds
// of question in the editor (no JSON), draws it by tag, previews it, restricts it to invited people and invites one;
// that person registers from the invitation, confirms from the mail and takes the exam with the navigator and the
// saved indicator, then finds the result and the certificate on /my. Another candidate neither sees the exam nor
// may start it. Screenshots go to SHOTS_DIR when it is set.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  confirmInBrowser,
  mailsTo,
  navigateBy,
  type Person,
  registeredByApi,
  registerInBrowser,
  type Site,
  signInInBrowser,
} from '../support/browser-accounts.ts';
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

const ANN: Person = { name: 'Ann Invited', email: 'ann@example.com', password: 'a long enough candidate phrase' };
const BOB: Person = { name: 'Bob Uninvited', email: 'bob@example.com', password: 'a long enough candidate phrase' };
const SHOTS = process.env.SHOTS_DIR;

let server: RunningServer;
let browser: Browser;
let data: ServerData;
let chromium: Chromium;
let site: Site;

beforeAll(async () => {
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  data = await makeDataDir();
  createAdmin(data);
  server = await startServer(data);
  site = { url: server.url, adminCookie: await signIn(server.url, ADMIN.email, ADMIN.password) };
  chromium = await launchChromium();
  browser = chromium.browser;
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await server?.stop();
  await data?.remove();
});

/** The page at desktop and phone width, when screenshots are asked for. */
async function shoot(page: Page, name: string) {
  if (!SHOTS) return;
  for (const width of [1366, 390]) {
    await page.setViewport({ width, height: width > 500 ? 900 : 844 });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewport({ width: 1366, height: 900 });
}

/** A page in a browser context of its own (its own cookies), at desktop width. */
async function freshPage(): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.setViewport({ width: 1366, height: 900 });
  return page;
}

async function replaceValue(page: Page, selector: string, value: string) {
  await page.$eval(selector, (e) => {
    (e as HTMLInputElement).value = '';
  });
  await page.type(selector, value);
}

/** Settings, four questions by form (with a refused one first), a reorder: the exam's portal address. */
async function buildExam(admin: Page): Promise<string> {
  await admin.goto(`${server.url}/portal/exams`);
  await navigateBy(admin, 'a[href="/portal/new-exam"]');
  await admin.type('#title', 'Ladder safety');
  await replaceValue(admin, '#passMark', '150');
  await replaceValue(admin, '#questionCount', '4');
  await admin.click('#shuffleOptions');
  await navigateBy(admin, 'form.exam-settings button[type=submit]');
  // Refused: the mistake is marked beside its field, everything typed is still there.
  expect(await admin.$eval('#passMark', (e) => e.getAttribute('aria-invalid'))).toBe('true');
  expect(await admin.$eval('#passMark-error', (e) => e.textContent)).toContain('0 to 100');
  expect(await admin.$eval('#title', (e) => (e as HTMLInputElement).value)).toBe('Ladder safety');
  expect(await admin.$eval('#shuffleOptions', (e) => (e as HTMLInputElement).checked)).toBe(true);
  await replaceValue(admin, '#passMark', '75');
  await navigateBy(admin, 'form.exam-settings button[type=submit]');
  expect(admin.url()).toMatch(/\/portal\/exams\/[a-z2-7]+\/questions$/);
  const base = admin.url().replace(/\/questions$/, '');

  // Single choice, first without marking the right answer: refused, the rows kept.
  await navigateBy(admin, 'a[href$="kind=single"]');
  await admin.type('#text', 'Where should a ladder stand?');
  await admin.type('#option-0', 'On firm, level ground');
  await admin.type('#option-1', 'On a box');
  await admin.type('#tags', 'basics');
  await navigateBy(admin, 'form.question-editor button[type=submit]');
  expect(await admin.$eval('#options-error', (e) => e.textContent)).toBe('Mark exactly one option as correct.');
  expect(await admin.$eval('#option-1', (e) => (e as HTMLInputElement).value)).toBe('On a box');
  await admin.click('#correct-0');
  await navigateBy(admin, 'form.question-editor button[type=submit]');

  await navigateBy(admin, 'a[href$="kind=multiple"]');
  await admin.type('#text', 'What do you check before climbing?');
  await admin.type('#option-0', 'The feet');
  await admin.click('#correct-0');
  await admin.type('#option-1', 'The rungs');
  await admin.click('#correct-1');
  await admin.type('#option-2', 'The weather forecast for next week');
  await admin.select('#scoring', 'partial');
  await admin.type('#tags', 'basics');
  await navigateBy(admin, 'form.question-editor button[type=submit]');

  await navigateBy(admin, 'a[href$="kind=true_false"]');
  await admin.type('#text', 'Three points of contact are safer than two.');
  await admin.click('#answer-true');
  await admin.type('#tags', 'practice');
  await navigateBy(admin, 'form.question-editor button[type=submit]');

  await navigateBy(admin, 'a[href$="kind=short_answer"]');
  await admin.type('#text', 'The angle ratio: one out for every how many up?');
  await admin.type('#accepted', '4\nfour');
  await admin.type('#tags', 'practice');
  await navigateBy(admin, 'form.question-editor button[type=submit]');

  // Four questions; the last one moved up by its button (a form: no script needed).
  const texts = () => admin.$$eval('td [id^="question-"]', (cells) => cells.map((c) => c.firstChild?.textContent));
  expect(await texts()).toHaveLength(4);
  await navigateBy(admin, 'button[aria-label="Move question 4 up"]');
  expect(await texts()).toEqual([
    'Where should a ladder stand?',
    'What do you check before climbing?',
    'The angle ratio: one out for every how many up?',
    'Three points of contact are safer than two.',
  ]);
  await shoot(admin, 'editor');
  return base;
}

/** Two draw rules on the settings page: a row added without script, a wrong count named at its row, then fixed. */
async function drawByTag(admin: Page, base: string) {
  await admin.goto(`${base}/settings`);
  await admin.type('[id="drawRules.0.tag"]', 'basics');
  await admin.type('[id="drawRules.0.count"]', '2');
  await navigateBy(admin, 'button[name="drawRuleAction"][value="add"]');
  await admin.type('[id="drawRules.1.tag"]', 'practice');
  await admin.type('[id="drawRules.1.count"]', '3');
  await navigateBy(admin, 'form.exam-settings button[type=submit]');
  expect(await admin.$eval('[id="drawRules.1.count"]', (e) => e.getAttribute('aria-invalid'))).toBe('true');
  expect(await admin.$eval('[id="drawRules.1.count-error"]', (e) => e.textContent)).toBe(
    'Only 2 questions are tagged “practice”.',
  );
  expect(await admin.$eval('[id="drawRules.0.tag"]', (e) => (e as HTMLInputElement).value)).toBe('basics');
  await shoot(admin, 'settings-draw-rules-error');
  await replaceValue(admin, '[id="drawRules.1.count"]', '2');
  await navigateBy(admin, 'form.exam-settings button[type=submit]');
  expect(await admin.$eval('#settings-heading + dl', (e) => e.textContent)).toContain(
    '4 (2 tagged “basics” and 2 tagged “practice”)',
  );
}

/** The candidate's own page in preview mode: the banner, the questions and their rows, nothing to send. */
async function preview(admin: Page, base: string) {
  await admin.goto(`${base}/preview`);
  expect(await admin.$eval('.preview-banner', (e) => e.textContent)).toContain('no licence seat is used');
  expect(await admin.$$eval('fieldset.question', (f) => f.length)).toBe(4);
  expect(await admin.$$eval('label.choice', (l) => l.length)).toBe(7);
  expect(await admin.$('nav.question-nav')).not.toBeNull();
  expect(await admin.$('form#attempt-form')).toBeNull();
  expect(await admin.$('script[src="/assets/exam.js"]')).toBeNull();
  expect(await admin.content()).not.toMatch(/correct|four/i);
  await shoot(admin, 'preview');
}

/** Restricts the exam to invited people on its access page, invites Ann, publishes. */
async function inviteAndPublish(admin: Page, examId: string) {
  await admin.goto(`${server.url}/portal/exams/${examId}`);
  await navigateBy(admin, `a[href="/portal/exams/${examId}/access"]`);
  await admin.click('input[name=rule][value=invited]');
  await navigateBy(admin, 'form[action$="/access"] button[type=submit]');
  expect(await admin.content()).toContain('Only invited people');
  await admin.type('#emails', ANN.email);
  await navigateBy(admin, 'form[action$="/invitations"] button[type=submit]');
  expect(await admin.content()).toContain('1 person invited');
  await admin.goto(`${server.url}/portal/exams`);
  await navigateBy(admin, `form[action="/portal/exams/${examId}/publish"] button`);
  const { exam } = (await api(server.url, site.adminCookie, 'GET', `/api/v1/exams/${examId}`)) as {
    exam: { published: boolean; frozen: boolean };
  };
  expect(exam).toMatchObject({ published: true, frozen: true });
}

/** Ann answers every question with the mouse and the keyboard, sees each save, flags one, and submits. */
async function takeExam(ann: Page, examId: string) {
  await ann.goto(`${server.url}/my`);
  expect(await ann.$eval('.exam-rows', (e) => e.textContent)).toContain('Not started');
  await navigateBy(ann, `form[action="/exams/${examId}/start"] button`);
  expect(ann.url()).toMatch(/\/attempts\/[a-z2-7]+$/);

  // Every choice is a whole clickable row with the control beside its text.
  const rows = await ann.$$eval('label.choice', (labels) =>
    labels.map((l) => (l.querySelector('input') as HTMLInputElement).getBoundingClientRect().width),
  );
  expect(rows).toHaveLength(7);
  for (const width of rows) expect(width).toBeLessThan(40);

  // Options are shuffled per attempt: choose them by the text the candidate reads, by clicking the row.
  const saved = () => ann.waitForResponse((r) => r.url().endsWith('/answers') && r.status() === 200);
  const clickChoice = async (position: number, text: string) => {
    for (const label of await ann.$$(`#question-${position} label.choice`)) {
      if ((await label.evaluate((l) => l.textContent?.trim())) === text) {
        await Promise.all([saved(), label.click()]);
        return;
      }
    }
    throw new Error(`no choice ${text}`);
  };
  await clickChoice(0, 'On firm, level ground');
  await ann.waitForFunction(() => /Saved at/.test(document.getElementById('save-status')?.textContent ?? ''));
  expect(await ann.$eval('a[data-nav="0"]', (a) => a.className)).toContain('answered');

  // The navigator with the keyboard: arrow to question 2, Enter, and that question takes the focus.
  await ann.focus('a[data-nav="0"]');
  await ann.keyboard.press('ArrowRight');
  expect(await ann.evaluate(() => (document.activeElement as HTMLElement).dataset.nav)).toBe('1');
  await ann.keyboard.press('Enter');
  await ann.waitForFunction(() => document.activeElement?.id === 'question-1');
  await clickChoice(1, 'The feet');
  await clickChoice(1, 'The rungs');
  await ann.focus('#q-2');
  await Promise.all([saved(), ann.keyboard.type('4')]);
  // Flag question 4 for review: the navigator says so.
  const flagged = ann.waitForResponse((r) => r.url().endsWith('/flags') && r.request().method() === 'POST');
  await ann.click('#question-3 button.flag-toggle');
  expect((await flagged).status()).toBe(200); // kept with the attempt on the server
  expect(await ann.$eval('a[data-nav="3"] .visually-hidden', (e) => e.textContent)).toContain('flagged for review');

  // A failed save turns into a warning; it is sent again when the connection is back.
  await ann.setOfflineMode(true);
  await ann.click('#question-3 label.choice:last-of-type');
  await ann.waitForFunction(() => document.getElementById('save-status')?.classList.contains('failed'));
  await Promise.all([saved(), ann.setOfflineMode(false)]);
  await clickChoice(3, 'True');
  expect(await ann.$eval('#progress', (e) => e.textContent)).toBe('Answered 4 of 4');

  // The timer stays in view on a phone.
  await ann.setViewport({ width: 390, height: 844 });
  await ann.evaluate(() => document.getElementById('question-3')?.scrollIntoView());
  const timerTop = await ann.$eval('#timer', (e) => e.getBoundingClientRect().top);
  expect(timerTop).toBeGreaterThanOrEqual(0);
  expect(timerTop).toBeLessThan(100);
  await ann.setViewport({ width: 1366, height: 900 });
  await ann.evaluate(() => window.scrollTo(0, 0));
  await shoot(ann, 'exam-page');

  await navigateBy(ann, 'button[value="review"]');
  expect(await ann.content()).toContain('You have answered all 4 questions');
  await navigateBy(ann, 'form[action$="/submit"] button');
  expect(await ann.content()).toContain('Passed');
}

describe('issue 17 done when: an exam built, previewed, restricted and taken in a browser', () => {
  it('editor → draw rules → preview → invited only → the invited candidate passes, /my shows it; another gets 403', async () => {
    const admin = await freshPage();
    await signInInBrowser(admin, site, ADMIN);
    const base = await buildExam(admin);
    const examId = base.split('/').at(-1) as string;
    await drawByTag(admin, base);
    await preview(admin, base);
    await inviteAndPublish(admin, examId);

    // Ann has no account yet: the invitation sends her to registration; she confirms from the next mail.
    const [invitation] = await mailsTo(site, ANN.email);
    const link = /(http:\/\/\S+\/register)\b/.exec(invitation?.body ?? '')?.[1];
    expect(link, 'registration link in the invitation').toBeTruthy();
    const ann = await freshPage();
    await ann.goto(link as string);
    await registerInBrowser(ann, site, ANN, true);
    await confirmInBrowser(ann, site, ANN.email);
    await signInInBrowser(ann, site, ANN);

    // Bob is not invited: no exam listed, a start is refused at its address (page and API), no staff links.
    await registeredByApi(site, BOB);
    const bob = await freshPage();
    await signInInBrowser(bob, site, BOB);
    await bob.goto(`${server.url}/exams`);
    expect(await bob.content()).not.toContain('Ladder safety');
    const refused = await bob.evaluate(
      (id) =>
        Promise.all([
          fetch(`/exams/${id}/start`, { method: 'POST' }).then((r) => r.status),
          fetch(`/api/v1/exams/${id}/attempts`, { method: 'POST' }).then((r) => r.status),
        ]),
      examId,
    );
    expect(refused).toEqual([403, 403]);
    expect(await bob.$('a[href="/api/docs"]')).toBeNull();

    await takeExam(ann, examId);
    await ann.goto(`${server.url}/my`);
    expect(await ann.$eval('main', (e) => e.textContent)).toContain('Passed (100%)');
    const links = await ann.$$eval('#my-certificates ~ * a, #my-certificates + * a', (as) =>
      as.map((a) => a.getAttribute('href')),
    );
    expect(links.some((h) => /\/api\/v1\/certificates\/[a-z2-7]+\/pdf$/.test(h ?? ''))).toBe(true);
    expect(links.some((h) => /\/api\/v1\/certificates\/[a-z2-7]+\/credential$/.test(h ?? ''))).toBe(true);
    expect(links.some((h) => /^\/verify\/[a-z2-7]+$/.test(h ?? ''))).toBe(true);
    await shoot(ann, 'my');
    await bob.goto(`${server.url}/my`);
    expect(await bob.$eval('main', (e) => e.textContent)).toContain('No exam is open to you at the moment.');
  }, 150_000);
});
