// Issue 22 in a real browser against the real server: a candidate passes an exam, downloads their data, closes the
// account; the live figure drops, the certificate's link still says valid, the account cannot sign in. Then the daily
// job, run with a clock 31 days on, erases the account: a dump of every table (sqlite3's .dump, or pg_dump) holds no
// address of the person any more, while the certificate still verifies.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/database.ts';
import { runDailyJob } from '../../server/licensing/history.ts';
import { createLogger } from '../../server/logger.ts';
import { createOutboxMailer } from '../../server/mail/queue.ts';
import { migrations } from '../../server/migrations.ts';
import { navigateBy, registeredByApi, signInInBrowser } from '../support/browser-accounts.ts';
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

const LEAVER = { name: 'Lea Leaver', email: 'lea.leaver@example.org', password: 'a long enough leaving phrase' };

let server: RunningServer;
let data: ServerData;
let chromium: Chromium;
let browser: Browser;
let adminCookie: string;

beforeAll(async () => {
  data = await makeDataDir();
  createAdmin(data);
  server = await startServer(data);
  adminCookie = await signIn(server.url, ADMIN.email, ADMIN.password);
  const { exam } = (await api(server.url, adminCookie, 'POST', '/api/v1/exam-imports', {
    ...SAMPLE_DOCUMENT,
    exam: { ...SAMPLE_DOCUMENT.exam, title: 'Leaving exam' },
  })) as { exam: { id: string } };
  await api(server.url, adminCookie, 'POST', `/api/v1/exams/${exam.id}/publish`);
  // The candidate registers and confirms the address (the browser journey of registration is journey.test.ts's).
  await registeredByApi({ url: server.url, adminCookie }, LEAVER);
  chromium = await launchChromium();
  browser = chromium.browser;
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await server?.stop();
  await data?.remove();
});

async function internalUsed(): Promise<number> {
  const summary = (await api(server.url, adminCookie, 'GET', '/api/v1/licence/summary')) as {
    internal: { used: number };
  };
  return summary.internal.used;
}

/** Every row of every table, as the database's own dump tool writes it. */
function dumpDatabase(): string {
  if (data.settings.databaseUrl) {
    return execFileSync('pg_dump', ['--data-only', '--no-owner', data.settings.databaseUrl], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  }
  return execFileSync('sqlite3', [join(data.settings.dataDir, 'seatkeeper.sqlite'), '.dump'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** The daily job as the server runs it, in this process, with a clock `days` ahead. */
async function dailyJobInDays(days: number): Promise<boolean> {
  const database = await openDatabase(data.settings, { migrations });
  try {
    const config = loadConfig({ ...data.env, LOG_LEVEL: 'silent' });
    const { licensing } = createApp({
      config,
      database,
      mailer: createOutboxMailer(
        database.db,
        () => new Date(),
        () => {},
      ),
      logger: createLogger('silent'),
      clock: () => new Date(Date.now() + days * 86_400_000),
    });
    const ran = await runDailyJob(licensing);
    await licensing.licensing.current();
    return ran;
  } finally {
    await database.close();
  }
}

describe('leaving, in a browser', () => {
  it('pass an exam → download my data → close the account → figures, verification, sign-in → erasure', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    await signInInBrowser(page, { url: server.url, adminCookie }, LEAVER);

    // Pass the exam.
    await page.goto(`${server.url}/exams`);
    await navigateBy(page, 'form[action$="/start"] button');
    const saved = () => page.waitForResponse((r) => r.url().endsWith('/answers') && r.status() === 200);
    await Promise.all([saved(), page.click('label[for="q-0-1"]')]);
    await Promise.all([saved(), page.click('label[for="q-1-1"]')]);
    await Promise.all([saved(), page.click('label[for="q-1-2"]')]);
    await Promise.all([saved(), page.click('label[for="q-2-true"]')]);
    await page.type('#q-3', 'Paris');
    await navigateBy(page, 'button[value="review"]');
    await navigateBy(page, 'form[action$="/submit"] button');
    expect(await page.content()).toContain('Passed');
    const verifyHref = await page.$eval('a[href^="/verify/"]', (a) => a.getAttribute('href'));
    expect(verifyHref).toMatch(/^\/verify\/[a-z2-7]+$/);

    // Download my data: the links on /my, fetched as the browser would.
    await page.goto(`${server.url}/my`);
    const jsonHref = await page.$eval('a[href$="/personal-data"]', (a) => a.getAttribute('href'));
    const zipHref = await page.$eval('a[href$="/personal-data.zip"]', (a) => a.getAttribute('href'));
    const downloaded = await page.evaluate(
      async (jsonUrl, zipUrl) => {
        const json = await fetch(jsonUrl as string);
        const zip = await fetch(zipUrl as string);
        const bytes = new Uint8Array(await zip.arrayBuffer());
        return {
          disposition: json.headers.get('content-disposition'),
          body: await json.json(),
          zipMagic: Array.from(bytes.slice(0, 4)),
        };
      },
      jsonHref,
      zipHref,
    );
    expect(downloaded.disposition).toMatch(/^attachment; filename="seatkeeper-data-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(downloaded.body).toMatchObject({ account: { email: LEAVER.email, name: LEAVER.name } });
    expect(downloaded.body.attempts[0].result).toMatchObject({ released: true, passed: true });
    expect(downloaded.body.certificates).toHaveLength(1);
    expect(downloaded.body.signIns).toHaveLength(1);
    expect(downloaded.zipMagic).toEqual([0x50, 0x4b, 0x03, 0x04]);

    // Close the account, with the password, after reading what happens.
    const before = await internalUsed();
    await navigateBy(page, 'a[href="/my/close"]');
    expect(await page.content()).toContain('this cannot be undone');
    await page.type('#password', LEAVER.password);
    await navigateBy(page, 'form[action="/my/close"] button[type=submit]');
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('Your account is closed');
    // The live figure has dropped by the time the closing page is answered.
    expect(await internalUsed()).toBe(before - 1);
    const client = await page.createCDPSession();
    expect(((await client.send('Network.getAllCookies')) as { cookies: unknown[] }).cookies).toHaveLength(0);

    // The certificate's link still says valid, to anyone.
    await page.goto(`${server.url}${verifyHref}`);
    expect(await page.$eval('#status', (e) => e.textContent)).toBe('Valid');

    // Signing in is refused, saying why.
    await signInInBrowser(page, { url: server.url, adminCookie }, LEAVER);
    expect(page.url()).toBe(`${server.url}/sign-in`);
    expect(await page.content()).toContain('You closed this account, so it can no longer be signed in to.');

    // Erasure: the daily job, 31 days on (the server stopped meanwhile, as SQLite has one writer).
    const dumped = dumpDatabase();
    expect(dumped).toContain(LEAVER.email);
    await server.stop();
    expect(await dailyJobInDays(31)).toBe(true);
    const after = dumpDatabase();
    expect(after.toLowerCase()).not.toContain(LEAVER.email);
    expect(after.toLowerCase()).not.toContain('lea.leaver');
    // What others rely on is kept: the certificate as printed and signed.
    expect(after).toContain(LEAVER.name);

    server = await startServer(data);
    adminCookie = await signIn(server.url, ADMIN.email, ADMIN.password);
    await page.goto(`${server.url}${verifyHref}`);
    expect(await page.$eval('#status', (e) => e.textContent)).toBe('Valid');
    expect(await page.content()).toContain(LEAVER.name);
    expect(await internalUsed()).toBe(before - 1);
    await signInInBrowser(page, { url: server.url, adminCookie }, LEAVER);
    expect(await page.content()).toContain('The email address or password is wrong.');
  }, 90_000);
});
