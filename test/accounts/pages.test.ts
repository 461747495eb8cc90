import { describe, expect, it } from 'vitest';
import { followRedirect } from '../support/flash.ts';
import {
  call,
  createAccount,
  makeApp,
  STRONG_PASSWORD,
  sessionCookieFor,
  sessionCookieFrom,
  type TestContext,
} from '../support/server.ts';

const PUBLIC_PAGES = ['/sign-in', '/register', '/forgot-password', '/verify-email?token=x', '/api/docs'];

function expectCleanHtml(html: string) {
  expect(html.startsWith('<!doctype html>')).toBe(true);
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/\sstyle=/i);
  expect(html).not.toMatch(/\son[a-z]+=/i);
  expect(html).toContain('<main');
  expect(html).toContain('<header');
}

async function staff(ctx: TestContext, role: 'admin' | 'support' = 'admin') {
  const account = await createAccount(ctx, role);
  return { account, cookie: await sessionCookieFor(ctx, account) };
}

describe('server-rendered pages', () => {
  it('render public pages as script-free semantic HTML with labelled inputs, and serve the stylesheet', async () => {
    const ctx = await makeApp();
    for (const path of PUBLIC_PAGES) {
      const response = await call(ctx, 'GET', path);
      expect(response.status, path).toBe(200);
      const html = await response.text();
      expectCleanHtml(html);
      for (const [, id] of html.matchAll(/<input[^>]*\sid="([^"]+)"/g))
        expect(html, `${path} #${id}`).toContain(`for="${id}"`);
    }
    const css = await call(ctx, 'GET', '/assets/app.css');
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(await css.text()).toContain('.site-header');
  });

  it('signs in through the form and lands by role', async () => {
    const ctx = await makeApp();
    const candidate = await createAccount(ctx, 'candidate');
    const admin = await createAccount(ctx, 'admin');
    const wrong = await call(ctx, 'POST', '/sign-in', { form: { email: candidate.email, password: 'wrong password' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('The email address or password is wrong.');
    const missing = await call(ctx, 'POST', '/sign-in', { form: { email: '', password: '' } });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('Enter your email address.');

    const asCandidate = await call(ctx, 'POST', '/sign-in', {
      form: { email: candidate.email, password: STRONG_PASSWORD },
    });
    expect(asCandidate.status).toBe(303);
    expect(asCandidate.headers.get('location')).toBe('/my');
    const landing = await call(ctx, 'GET', '/my', { cookie: sessionCookieFrom(asCandidate) });
    const html = await landing.text();
    expectCleanHtml(html);
    expect(html).toContain('My certifications');
    expect(html).toContain('Confirm your email address');

    const asAdmin = await call(ctx, 'POST', '/sign-in', { form: { email: admin.email, password: STRONG_PASSWORD } });
    expect(asAdmin.headers.get('location')).toBe('/portal/overview');
    const signOut = await call(ctx, 'POST', '/sign-out', { cookie: sessionCookieFrom(asAdmin), form: {} });
    expect(signOut.status).toBe(303);
    expect((await call(ctx, 'GET', '/api/v1/me', { cookie: sessionCookieFrom(asAdmin) })).status).toBe(401);
  });

  it('registers through the form with field errors shown next to the fields', async () => {
    const ctx = await makeApp();
    const bad = await call(ctx, 'POST', '/register', { form: { name: 'Al', email: 'al@', password: '123' } });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('id="email-error"');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('value="Al"');
    expect(html).not.toContain('value="123"');

    // Accepted: 303 to sign-in (a reload registers nothing twice), saying once where the link went.
    const done = await call(ctx, 'POST', '/register', {
      form: { name: 'Ali Demir', email: 'ali.demir@gmail.com', password: STRONG_PASSWORD },
    });
    const { location, text } = await followRedirect(ctx, done, '');
    expect(location).toBe('/sign-in');
    expect(text).toContain('We sent a confirmation link to ali.demir@gmail.com.');
  });

  it('lists users with data attributes, search and paging for staff', async () => {
    const ctx = await makeApp();
    const { cookie } = await staff(ctx, 'support');
    for (let i = 0; i < 30; i++) {
      ctx.advance(1);
      await createAccount(ctx, 'candidate', `person${String(i).padStart(2, '0')}@example.com`);
    }
    const first = await (await call(ctx, 'GET', '/portal/users', { cookie })).text();
    expectCleanHtml(first);
    expect(first).toContain(
      '<tr data-username="person00@example.com" data-email="person00@example.com" data-environment="Production">',
    );
    expect(first).toContain('rel="next"');
    expect(first).toContain('31 matching accounts');
    const searched = await (await call(ctx, 'GET', '/portal/users?q=person07', { cookie })).text();
    expect(searched.match(/<tr data-username/g)).toHaveLength(1);
    // Keyset paging: the next page is reached through the link, not by number.
    const nextHref = /href="([^"]+)" rel="next"/.exec(first)?.[1]?.replace(/&amp;/g, '&') ?? '';
    const second = await (await call(ctx, 'GET', nextHref, { cookie })).text();
    expect(second.match(/<tr data-username/g)).toHaveLength(6);
    expect(second).not.toContain('rel="next"');
    expect(second).not.toContain('New account');
  });

  it('lets an admin create a staff account, change its role and deactivate it through forms', async () => {
    const ctx = await makeApp();
    const { cookie } = await staff(ctx);
    const form = await call(ctx, 'GET', '/portal/new-account', { cookie });
    expectCleanHtml(await form.text());
    const created = await call(ctx, 'POST', '/portal/new-account', {
      cookie,
      form: { name: 'Sam Support', email: 'sam@example.com', role: 'support', password: '' },
    });
    expect(created.status).toBe(303);
    const detailPath = created.headers.get('location') ?? '';
    expect(detailPath).toMatch(/^\/portal\/users\/[a-z2-7]{16}$/);
    const renamed = await call(ctx, 'POST', detailPath, { cookie, form: { name: 'Sam Admin', role: 'admin' } });
    const { text: html, location } = await followRedirect(ctx, renamed, cookie);
    expect(location).toBe(detailPath);
    expect(html).toContain('Saved.');
    expect(html).toContain('<dd>admin</dd>');
    // Deactivating asks first, counting what ends; the account stays active until confirmed.
    await sessionCookieFor(ctx, { id: detailPath.split('/').pop() ?? '' } as Parameters<typeof sessionCookieFor>[1]);
    const asked = await call(ctx, 'POST', `${detailPath}/deactivate`, { cookie, form: {} });
    expect(asked.status).toBe(200);
    const question = await asked.text();
    expect(question).toContain('Deactivate Sam Admin?');
    expect(question).toContain('1 open session ends at once.');
    expect(await (await call(ctx, 'GET', detailPath, { cookie })).text()).not.toContain('Reactivate account');
    const deactivated = await call(ctx, 'POST', `${detailPath}/deactivate`, { cookie, form: { confirmed: '1' } });
    expect(deactivated.status).toBe(303);
    expect(await (await call(ctx, 'GET', detailPath, { cookie })).text()).toContain('Reactivate account');
  });

  it('hides admin controls from support staff and refuses their form posts', async () => {
    const ctx = await makeApp();
    const { cookie } = await staff(ctx, 'support');
    const target = await createAccount(ctx, 'candidate');
    const page = await (await call(ctx, 'GET', `/portal/users/${target.id}`, { cookie })).text();
    expect(page).not.toContain('Deactivate account');
    expect((await call(ctx, 'POST', `/portal/users/${target.id}/deactivate`, { cookie, form: {} })).status).toBe(403);
    expect((await call(ctx, 'GET', '/portal/new-account', { cookie })).status).toBe(403);
    expect((await call(ctx, 'GET', '/portal/outbox', { cookie })).status).toBe(403);
    expect((await call(ctx, 'GET', '/portal/audit', { cookie })).status).toBe(200);
  });

  it('shows a new access token once, lists it without the secret, and revokes it', async () => {
    const ctx = await makeApp();
    const { cookie } = await staff(ctx);
    const created = await call(ctx, 'POST', '/portal/tokens', {
      cookie,
      form: { name: 'Extension', scope: 'read', expiresOn: '' },
    });
    // POST/redirect/GET: the secret crosses the redirect sealed in the flash cookie, never in the address.
    const shown = await followRedirect(ctx, created, cookie);
    expect(shown.location).toBe('/portal/tokens');
    expect(shown.page.headers.get('cache-control')).toBe('no-store');
    const html = shown.text;
    const token = /<p class="secret" id="new-token">([^<]+)<\/p>/.exec(html)?.[1] ?? '';
    expect(token).toMatch(/^skp_/);
    expect((await call(ctx, 'GET', '/api/v1/me', { token })).status).toBe(200);
    const listing = await (await call(ctx, 'GET', '/portal/tokens', { cookie })).text();
    expect(listing).toContain('Extension');
    expect(listing).not.toContain(token);
    const id = /action="\/portal\/tokens\/([a-z2-7]{16})\/revoke"/.exec(listing)?.[1];
    expect((await call(ctx, 'POST', `/portal/tokens/${id}/revoke`, { cookie, form: {} })).status).toBe(303);
    expect((await call(ctx, 'GET', '/api/v1/me', { token })).status).toBe(401);
  });

  it('shows the audit log and the API docs page', async () => {
    const ctx = await makeApp();
    const { cookie } = await staff(ctx);
    const audit = await (await call(ctx, 'GET', '/portal/audit', { cookie })).text();
    expectCleanHtml(audit);
    expect(audit).toContain('account.created');
    const docs = await (await call(ctx, 'GET', '/api/docs')).text();
    expect(docs).toContain('POST /api/v1/session');
    expect(docs).toContain('href="/api/v1/openapi.json"');
  });

  it('serves an OpenAPI 3.1 document built from the zod schemas', async () => {
    const ctx = await makeApp();
    const doc = (await (await call(ctx, 'GET', '/api/v1/openapi.json')).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: {
              content: {
                'application/json': { schema: { properties: Record<string, unknown>; additionalProperties?: boolean } };
              };
            };
          }
        >
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    const registration = doc.paths['/api/v1/registrations']?.post?.requestBody?.content['application/json'].schema;
    expect(Object.keys(registration?.properties ?? {}).sort()).toEqual(['email', 'name', 'password']);
    expect(registration?.additionalProperties).toBe(false);
    expect(doc.paths['/api/v1/users/{id}']?.patch).toBeDefined();
  });
});
