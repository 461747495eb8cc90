import { describe, expect, it } from 'vitest';
import { importSettled } from '../../server/licensing/import-run.ts';
import { expectKeptField, fieldTag, followRedirect } from '../support/flash.ts';
import { importJson } from '../support/imports.ts';
import { call, createAccount, makeApp, PUBLIC_URL, sessionCookieFor, type TestContext } from '../support/server.ts';

function expectCleanHtml(html: string) {
  expect(html.startsWith('<!doctype html>')).toBe(true);
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/\sstyle=/i);
  expect(html).not.toMatch(/\son[a-z]+=/i);
}

async function staff(ctx: TestContext, role: 'admin' | 'support' = 'admin', email?: string) {
  const account = await createAccount(ctx, role, email);
  return { account, cookie: await sessionCookieFor(ctx, account) };
}

async function page(ctx: TestContext, path: string, cookie: string) {
  const response = await call(ctx, 'GET', path, { cookie });
  expect(response.status, path).toBe(200);
  const text = await response.text();
  expectCleanHtml(text);
  return text;
}

async function uploadCsv(ctx: TestContext, envId: string, cookie: string, csv: string) {
  const form = new FormData();
  form.set('encoding', 'utf-8');
  form.set('file', new File([csv], 'users.csv', { type: 'text/csv' }));
  return ctx.app.request(`${PUBLIC_URL}/portal/environments/${envId}/import`, {
    method: 'POST',
    headers: { cookie, origin: PUBLIC_URL },
    body: form,
  });
}

describe('licence portal pages', () => {
  it('lets an admin configure rules, licence and organisation domains through forms; support only reads', async () => {
    const ctx = await makeApp();
    const { cookie } = await staff(ctx, 'admin', 'boss@mycompany.com');
    const support = await staff(ctx, 'support', 'help@mycompany.com');

    const bad = await call(ctx, 'POST', '/portal/environments/own', {
      cookie,
      form: { name: 'Production', internalDomains: 'mycompany.com, http://x.com' },
    });
    expect(bad.status).toBe(400);
    const badPage = await bad.text();
    expect(badPage).toContain('http://x.com');
    // What was typed stays in the form, the failing field is marked, the name is kept too.
    expectKeptField(badPage, 'internalDomains', 'mycompany.com, http://x.com');
    expect(fieldTag(badPage, 'name')).toContain('value="Production"');
    const unnamed = await call(ctx, 'POST', '/portal/environments', { cookie, form: { name: '', production: 'true' } });
    expect(unnamed.status).toBe(400);
    expect(await unnamed.text()).toContain('Name the environment');
    const saved = await call(ctx, 'POST', '/portal/environments/own', {
      cookie,
      form: { name: 'Production', internalDomains: 'mycompany.com', retentionDays: '365', unverifiedDays: '7' },
    });
    const savedPage = await followRedirect(ctx, saved, cookie);
    expect(savedPage.location).toBe('/portal/environments/own');
    expect(savedPage.text).toContain('Saved; the figures are live at once.');
    expect(savedPage.text).toContain('value="mycompany.com"');

    const licenceSaved = await call(ctx, 'POST', '/portal/licence', {
      cookie,
      form: { type: 'subscription', startsOn: '2026-01-01', externalPacks: '1' },
    });
    expect((await followRedirect(ctx, licenceSaved, cookie)).text).toContain('Licence saved.');
    const domains = await call(ctx, 'POST', '/portal/licence/organisation-domains', {
      cookie,
      form: { domains: 'mycompany.com, mycompany-group.com' },
    });
    expect((await followRedirect(ctx, domains, cookie)).text).toContain('Domains saved.');
    const licence = await page(ctx, '/portal/licence', support.cookie);
    expect(licence).toContain('Customer subscription');
    expect(licence).toContain('10,000');
    expect(licence).toContain('<svg');
    expect(licence).toContain('Recount now');
    expect(licence).not.toContain('Save licence');
    const recount = await call(ctx, 'POST', '/portal/licence/recount', { cookie: support.cookie, form: {} });
    expect((await followRedirect(ctx, recount, support.cookie)).text).toContain('It agrees with the live figures.');

    for (const [method, path] of [
      ['POST', '/portal/licence'],
      ['POST', '/portal/environments'],
      ['POST', '/portal/environments/own'],
      ['POST', '/portal/environments/own/import'],
      ['POST', '/portal/retention/apply'],
    ] as const) {
      expect((await call(ctx, method, path, { cookie: support.cookie, form: {} })).status, path).toBe(403);
    }
    const hygiene = await page(ctx, '/portal/hygiene', support.cookie);
    expect(hygiene).toContain('mycompany-group.com is an organisation domain');
  });

  it('imports a CSV from the page with a progress record, reports bad lines, and lists the accounts', async () => {
    const ctx = await makeApp();
    const { cookie } = await staff(ctx, 'admin', 'boss@mycompany.com');
    const created = await call(ctx, 'POST', '/portal/environments', {
      cookie,
      form: { name: 'Partner portal', production: 'true', internalDomains: 'mycompany.com' },
    });
    expect(created.status).toBe(303);
    const envPath = created.headers.get('location') ?? '';
    const envId = envPath.split('/').pop() ?? '';

    const rejected = await uploadCsv(
      ctx,
      envId,
      cookie,
      'provider,username,email,active\nLDAP,ana,ana@gmail.com,nope\n',
    );
    expect(rejected.status).toBe(303);
    const rejectedPath = rejected.headers.get('location') ?? '';
    await importSettled(rejectedPath.split('/').pop() ?? '');
    const rejectedPage = await page(ctx, rejectedPath, cookie);
    expect(rejectedPage).toContain('line 2');
    expect(rejectedPage).toContain('Nothing was imported');

    const csv = [
      'environment,provider,username,email,active,it_user,Department',
      'partner PORTAL ,LDAP,ana,ana@gmail.com,true,false,Sales',
      ',LDAP,bo,bo@mycompany.com,true,false,',
      ',LDAP,cy,cy@finance.mycompany.com,false,false,',
    ].join('\n');
    const accepted = await uploadCsv(ctx, envId, cookie, csv);
    expect(accepted.status).toBe(303);
    const importPath = accepted.headers.get('location') ?? '';
    const importId = importPath.split('/').pop() ?? '';
    await importSettled(importId);
    // Before counting: which columns are read as what, the rows per provider, how the figures would change.
    const preview = await page(ctx, importPath, cookie);
    expect(preview).toContain('Nothing has changed yet');
    expect(preview).toMatch(/<th scope="row">Department<\/th>.*not recognised, ignored/s);
    expect(preview).toMatch(/<th scope="row">LDAP<\/th><td class="num">3<\/td>/);
    // One external (ana, gmail.com) and one internal (bo) would be added; cy is inactive.
    expect(preview).toMatch(
      /External users<\/th><td class="num">0<\/td><td class="num">1<\/td><td class="num">\+1<\/td>/,
    );
    expect(await page(ctx, `/portal/users?environment=${envId}`, cookie)).not.toContain('data-username="ana"');
    const confirmed = await call(ctx, 'POST', `/portal/imports/${importId}/confirm`, { cookie, form: {} });
    expect(confirmed.status).toBe(303);
    await importSettled(importId);
    const done = await page(ctx, importPath, cookie);
    expect(done).toContain('Imported 3 users for LDAP');

    const all = await page(ctx, `/portal/users?environment=${envId}`, cookie);
    expect(all).toContain('<tr data-username="ana" data-email="ana@gmail.com" data-environment="Partner portal">');
    expect(all.match(/<tr data-username/g)).toHaveLength(3);
    expect(all).toContain(
      'finance.mycompany.com is not listed (only mycompany.com is; subdomains must be listed one by one)',
    );
    const external = await page(ctx, `/portal/users?environment=${envId}&class=external&status=active`, cookie);
    expect(external.match(/<tr data-username/g)).toHaveLength(1);
    const byUsername = await page(ctx, '/portal/users?sort=username&q=B', cookie);
    expect(byUsername).toContain('data-username="bo"');
    expect(byUsername.match(/<tr data-username/g)).toHaveLength(2); // bo and boss@mycompany.com

    const exported = await call(ctx, 'GET', `/portal/users.csv?environment=${envId}`, { cookie });
    expect(exported.headers.get('content-type')).toContain('text/csv');
    // A UTF-8 byte-order mark first, so Excel (Shift_JIS by default in Japan) reads the names as UTF-8.
    const bytes = new Uint8Array(await exported.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).trim().split('\n');
    expect(lines[0]).toMatch(/^environment,production,provider,tenant,username,email,active,it_user,role/);
    expect(lines).toHaveLength(4);

    const detailHref = /href="(\/portal\/directory\/\d+)">ana</.exec(all)?.[1] ?? '';
    const detail = await page(ctx, detailHref, cookie);
    expect(detail).toContain('email domain gmail.com is not listed');
    expect(detail).toContain('yes, in Partner portal');
  });

  it('shows an own account’s classification, counting, merges and sign-in history', async () => {
    const ctx = await makeApp();
    const { cookie } = await staff(ctx, 'admin', 'boss@mycompany.com');
    const candidate = await createAccount(ctx, 'candidate', 'dup@gmail.com');
    await importJson(ctx, { cookie }, 'own', 'Legacy', [{ username: 'dup', email: 'DUP@gmail.com' }]);
    const detail = await page(ctx, `/portal/users/${candidate.id}`, cookie);
    expect(detail).toContain('no internal domains configured for Production: everyone is internal');
    await call(ctx, 'POST', `/portal/users/${candidate.id}`, {
      cookie,
      form: { name: 'Zed Renamed', role: 'candidate' },
    });
    const byName = await page(ctx, '/portal/users?sort=name&q=zed', cookie);
    expect(byName).toContain('Zed Renamed');
    // Renamed through the API: the users list shows the new name too (names count for nothing, but admins read them).
    await call(ctx, 'PATCH', `/api/v1/users/${candidate.id}`, { cookie, json: { name: 'Ada Again' } });
    await ctx.licensing.licensing.current();
    const renamed = await page(ctx, '/portal/users?sort=name&q=ada', cookie);
    expect(renamed).toContain('Ada Again');
    expect(renamed).not.toContain('Zed Renamed');
    expect(detail).toContain('Same person as');
    expect(detail).toContain('Never signed in.');
  });

  it('previews and applies retention from the page; cancelled licences take candidate pages offline', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin', 'boss@mycompany.com');
    const candidate = await createAccount(ctx, 'candidate', 'late@gmail.com');
    ctx.advance(10 * 86_400);
    const cookie = await sessionCookieFor(ctx, admin);
    const candidateCookie = await sessionCookieFor(ctx, candidate);
    const dry = await page(ctx, '/portal/retention', cookie);
    expect(dry).toContain('late@gmail.com');
    expect(dry).toContain('email never verified');
    const applied = await call(ctx, 'POST', '/portal/retention/apply', { cookie, form: {} });
    const appliedPage = await followRedirect(ctx, applied, cookie);
    expect(appliedPage.location).toBe('/portal/retention');
    expect(appliedPage.text).toContain('1 account');
    const detail = await page(ctx, `/portal/users/${candidate.id}`, cookie);
    expect(detail).toContain('unverified-email policy');

    await call(ctx, 'POST', '/portal/licence', { cookie, form: { type: 'trial', startsOn: '2026-11-01' } });
    const other = await createAccount(ctx, 'candidate', 'still@gmail.com');
    // Cancelling asks first, in numbers from the live figures; only the confirmed form cancels.
    const asked = await call(ctx, 'POST', '/portal/licence/cancellation', { cookie, form: {} });
    expect(asked.status).toBe(200);
    const question = await asked.text();
    expect(question).toContain('Cancel the licence today?');
    expect(question).toContain('1 active candidate loses access from today');
    expect(question).toContain('name="confirmed" value="1"');
    expect(await page(ctx, '/portal/licence', cookie)).not.toContain('Licence cancelled.');
    const cancelled = await call(ctx, 'POST', '/portal/licence/cancellation', { cookie, form: { confirmed: '1' } });
    expect((await followRedirect(ctx, cancelled, cookie)).text).toContain('Licence cancelled.');
    expect(candidateCookie).toBeTruthy();
    const my = await page(ctx, '/my', await sessionCookieFor(ctx, other));
    expect(my).toContain('offline');
  });
});
