// Every staff page fits the screen: at 390 px (a phone) and 1366 px (a laptop) no page is wider than the window
// (tables scroll inside their own box). The pages come from the app's own routes: every GET under /portal, with
// seeded data behind each parameter, so a new page is checked without being listed here. Screenshots of the
// navigation and of forms shown again after an error go to /work/shots/por/ for a person to look at.
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeServer } from '../../server/http/node-server.ts';
import { passedCertificate } from '../support/certificates.ts';
import { settledImport } from '../support/imports.ts';
import { call, createAccount, makeApp, PUBLIC_URL, type TestContext } from '../support/server.ts';
import { type Chromium, launchChromium } from './chromium.ts';

const WIDTHS = [390, 1366] as const;
const SHOTS = '/work/shots/por';

let ctx: TestContext;
let chromium: Chromium;
let server: Awaited<ReturnType<typeof startNodeServer>>;
let base: string;
let adminCookie: string;
const ids: Record<string, string> = {};

async function importCsv(envId: string, csv: string): Promise<string> {
  const form = new FormData();
  form.set('file', new File([csv], 'users.csv', { type: 'text/csv' }));
  const response = await ctx.app.request(`${PUBLIC_URL}/portal/environments/${envId}/import`, {
    method: 'POST',
    headers: { cookie: adminCookie, origin: PUBLIC_URL },
    body: form,
  });
  const id = (response.headers.get('location') ?? '').split('/').pop() ?? '';
  // The portal's import waits at its preview; confirmed, its users are in the list.
  await settledImport(ctx, id, { cookie: adminCookie });
  await call(ctx, 'POST', `/api/v1/imports/${id}/confirmation`, { cookie: adminCookie });
  await settledImport(ctx, id, { cookie: adminCookie });
  return id;
}

beforeAll(async () => {
  chromium = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
}, 60_000);

/** A fresh app (the test support closes each test's app) with seeded data, served on a free port. */
async function seed() {
  await server?.close();
  ctx = await makeApp();
  const { world, certificateId, attemptId } = await passedCertificate(ctx);
  adminCookie = world.adminCookie;
  ids.certificate = certificateId;
  ids.attempt = attemptId;
  ids.exam = world.examId;
  const questions = await call(ctx, 'GET', `/api/v1/exams/${world.examId}/questions`, { cookie: adminCookie });
  ids.question = ((await questions.json()) as { items: { id: string }[] }).items[0]?.id ?? '';
  // Long addresses and names: what widens a phone's page when nothing wraps.
  const long = await createAccount(
    ctx,
    'candidate',
    'maximilian.featherstonehaugh-wolfeschlegel@subsidiary.example.com',
  );
  ids.account = long.id;
  const created = await call(ctx, 'POST', '/portal/environments', {
    cookie: adminCookie,
    form: { name: 'Partner portal for the whole group', production: 'true', internalDomains: 'mycompany.com' },
  });
  ids.environment = (created.headers.get('location') ?? '').split('/').pop() ?? '';
  ids.import = await importCsv(
    ids.environment,
    [
      'environment,provider,username,email,active,it_user',
      'Partner portal for the whole group,Okta workforce,ana.longname,ana.longname-of-the-group@gmail.com,true,false',
      ',Okta workforce,bo,bo@mycompany.com,true,false',
    ].join('\n'),
  );
  await call(ctx, 'POST', '/portal/licence', {
    cookie: adminCookie,
    form: { type: 'subscription', startsOn: '2026-01-01', internalPacks: '1', externalPacks: '1' },
  });
  const users = await (await call(ctx, 'GET', '/portal/users', { cookie: adminCookie })).text();
  ids.directory = /href="\/portal\/directory\/([^"]+)"/.exec(users)?.[1] ?? '';
  server = await startNodeServer(ctx.app, ctx.config, { port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${server.port}`;
}

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

/** Every staff page the app declares (GET under /portal), its parameters filled from the seeded data. */
function staffPages(): string[] {
  const fill: Record<string, string> = {
    '/portal/exams/:id': `/portal/exams/${ids.exam}`,
    '/portal/environments/:id': `/portal/environments/${ids.environment}`,
    '/portal/imports/:id': `/portal/imports/${ids.import}`,
    '/portal/users/:id': `/portal/users/${ids.account}`,
    '/portal/directory/:id': `/portal/directory/${ids.directory}`,
  };
  const paths = ctx.app.routes
    .filter((r) => r.method === 'GET' && r.path.startsWith('/portal') && !r.path.endsWith('.csv'))
    .map(
      (r) =>
        fill[r.path] ??
        r.path
          .replace(/^\/portal\/exams\/:id\//, `/portal/exams/${ids.exam}/`)
          .replace(':questionId', ids.question ?? '')
          .replace(':attemptId', ids.attempt ?? ''),
    );
  const unfilled = paths.filter((p) => p.includes(':') || p.includes('*'));
  expect(unfilled, 'a page with a parameter this test does not fill yet').toEqual([]);
  return [...new Set(paths), '/portal/environments/own', '/portal/users?environment=own'];
}

async function openAs(cookie: string, width: number) {
  const page = await chromium.browser.newPage();
  await page.setViewport({ width, height: 800 });
  const [name, value] = cookie.split('=') as [string, string];
  await page.setCookie({ name, value, url: base });
  return page;
}

describe('the portal on a phone and a laptop', () => {
  it('has no staff page wider than the window at 390 and 1366 px', async () => {
    await seed();
    const pages = staffPages();
    expect(pages.length).toBeGreaterThanOrEqual(15);
    const overflowing: string[] = [];
    for (const width of WIDTHS) {
      const page = await openAs(adminCookie, width);
      for (const path of pages) {
        const response = await page.goto(`${base}${path}`, { waitUntil: 'load' });
        expect(response?.status(), path).toBeLessThan(400);
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
        }));
        if (scrollWidth > innerWidth) overflowing.push(`${path} at ${width}px: ${scrollWidth}px wide`);
      }
      await page.close();
    }
    expect(overflowing).toEqual([]);
  }, 300_000);

  it('shows the grouped navigation on one line at 1366 px, and forms kept after an error', async () => {
    await seed();
    for (const width of WIDTHS) {
      const page = await openAs(adminCookie, width);
      await page.goto(`${base}/portal/licence`, { waitUntil: 'load' });
      const rows = await page.evaluate(() => {
        const tops = [...document.querySelectorAll('.nav-groups li')].map((li) => li.getBoundingClientRect().top);
        return new Set(tops).size;
      });
      if (width === 1366) expect(rows).toBe(1);
      else expect(rows).toBeLessThanOrEqual(2);
      await page.screenshot({ path: `${SHOTS}/navigation-${width}.png` });

      // A failing form as a person sends it: typed in the browser, shown again with the field marked and focused.
      await page.goto(`${base}/portal/environments`, { waitUntil: 'load' });
      await page.type('form[data-form="environment-new"] #name', 'Partner portal for the whole group');
      await page.type('form[data-form="environment-new"] #internalDomains', 'mycompany.com, http://x.com');
      await Promise.all([page.waitForNavigation(), page.click('form[data-form="environment-new"] button')]);
      const kept = await page.evaluate(() => ({
        domains: (document.querySelector('#internalDomains') as HTMLInputElement).value,
        name: (document.querySelector('#name') as HTMLInputElement).value,
        // The first failing field asks for focus (autofocus); whether a background tab grants it is the browser's call.
        focused: document.querySelector('[autofocus]')?.id,
        invalid: document.querySelector('#internalDomains')?.getAttribute('aria-invalid'),
      }));
      expect(kept).toEqual({
        domains: 'mycompany.com, http://x.com',
        name: 'Partner portal for the whole group',
        focused: 'internalDomains',
        invalid: 'true',
      });
      await page.screenshot({ path: `${SHOTS}/environment-error-${width}.png`, fullPage: true });

      await page.goto(`${base}/portal/licence`, { waitUntil: 'load' });
      await page.$eval('#domains', (input) => {
        (input as HTMLInputElement).value = 'mycompany.com, not a domain';
      });
      await Promise.all([page.waitForNavigation(), page.click('form[data-form="organisation-domains"] button')]);
      expect(await page.evaluate(() => document.querySelector('[autofocus]')?.id)).toBe('domains');
      const form = await page.$('form[data-form="organisation-domains"]');
      await form?.screenshot({ path: `${SHOTS}/organisation-domains-error-${width}.png` });

      await page.goto(`${base}/portal/tokens`, { waitUntil: 'load' });
      await page.$eval('#expiresOn', (input) => {
        (input as HTMLInputElement).value = '2020-01-01';
      });
      await page.type('#name', 'Laptop extension');
      await Promise.all([page.waitForNavigation(), page.click('form[data-form="token-new"] button')]);
      expect(await page.evaluate(() => (document.querySelector('#name') as HTMLInputElement).value)).toBe(
        'Laptop extension',
      );
      expect(await page.evaluate(() => document.querySelector('[autofocus]')?.id)).toBe('expiresOn');
      await page.screenshot({ path: `${SHOTS}/token-error-${width}.png`, fullPage: true });
      await page.close();
    }
  }, 300_000);
});
