// The flash without a session (issue 18): public forms carry it unsealed; a form whose answer creates the session
// seals it with that session; a secret never travels without one; a form that found nothing to do says why.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { issueSetupLinkIfNeeded } from '../../server/accounts/setup.ts';
import type { AppEnv } from '../../server/http/env.ts';
import { setFlash } from '../../server/web/flash.ts';
import { cookiesSetBy, followRedirect } from '../support/flash.ts';
import { portalImport } from '../support/imports.ts';
import {
  call,
  createAccount,
  linkToken,
  makeApp,
  outbox,
  STRONG_PASSWORD,
  sessionCookieFor,
} from '../support/server.ts';

const flashHeader = (response: Response) =>
  response.headers.getSetCookie().find((header) => header.startsWith('seatkeeper_flash=')) ?? '';
const flashValue = (response: Response) =>
  (flashHeader(response).split(';')[0] ?? '').slice('seatkeeper_flash='.length);
const plainFlash = (flash: unknown) =>
  `seatkeeper_flash=plain.${Buffer.from(JSON.stringify(flash)).toString('base64url')}`;

describe('a flash without a session', () => {
  it('travels plain from a public form: HttpOnly, SameSite=Lax, one minute, shown once', async () => {
    const ctx = await makeApp();
    const sent = await call(ctx, 'POST', '/forgot-password', { form: { email: 'someone@gmail.com' } });
    const header = flashHeader(sent);
    expect(header).toMatch(/^seatkeeper_flash=plain\./);
    expect(header).toMatch(/; HttpOnly/);
    expect(header).toMatch(/; SameSite=Lax/);
    expect(header).toMatch(/; Max-Age=60/);
    const shown = await followRedirect(ctx, sent, '');
    expect(shown.text).toContain('If someone@gmail.com belongs to an account');
  });

  it('renders a plain flash’s values escaped, and drops one that names no catalog key or carries a secret', async () => {
    const ctx = await makeApp();
    const page = async (cookie: string) => (await call(ctx, 'GET', '/sign-in', { cookie })).text();
    const escaped = await page(
      plainFlash({ key: 'forms2.register.sent', values: { email: '<img src=x onerror=alert(1)>' } }),
    );
    // Text, not markup: the opening bracket is escaped.
    expect(escaped).toContain('&lt;img src=x onerror=alert(1)>');
    expect(escaped).not.toContain('<img src=x');
    const unknownKey = await page(plainFlash({ key: 'Signed in as the boss' }));
    expect(unknownKey).not.toContain('role="status"');
    const withSecret = await page(plainFlash({ key: 'forms.tokens.revoked', secret: 'planted-secret' }));
    expect(withSecret).not.toContain('planted-secret');
    expect(withSecret).not.toContain('role="status"');
    const wrongValues = await page(plainFlash({ key: 'forms2.register.sent', values: { email: { nested: 1 } } }));
    expect(wrongValues).not.toContain('role="status"');
  });

  it('is sealed with the session the answer sets (setup), and unreadable without that session', async () => {
    const ctx = await makeApp();
    const token = linkToken((await issueSetupLinkIfNeeded(ctx.deps)) ?? '', '/setup');
    const created = await call(ctx, 'POST', '/setup', {
      form: { token, name: 'Root Admin', email: 'root@example.com', password: STRONG_PASSWORD },
    });
    const sealed = flashValue(created);
    expect(sealed).not.toMatch(/^plain\./);
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain('Root Admin');
    const shown = await followRedirect(ctx, created, '');
    expect(shown.location).toBe('/portal/overview');
    expect(shown.text).toContain(
      'Welcome, Root Admin. Seatkeeper is set up and you are signed in as its administrator.',
    );
    // Another signed-in browser given the same cookie reads nothing.
    const other = await sessionCookieFor(ctx, await createAccount(ctx, 'admin'));
    const stolen = await call(ctx, 'GET', '/portal/overview', { cookie: `${other}; seatkeeper_flash=${sealed}` });
    expect(await stolen.text()).not.toContain('Welcome, Root Admin');
  });

  it('never writes a flash that carries a secret without a session, and seals it with one', async () => {
    const ctx = await makeApp();
    const app = new Hono<AppEnv>()
      .use((c, next) => {
        c.set('deps', ctx.deps);
        return next();
      })
      .get('/new-token', (c) => {
        setFlash(c, { key: 'forms.tokens.revoked', secret: 'sk_live_shown_once' });
        return c.text('done');
      });
    const anonymous = await app.request('/new-token');
    expect(flashHeader(anonymous)).toBe('');
    const cookie = await sessionCookieFor(ctx, await createAccount(ctx, 'admin'));
    const signedIn = await app.request('/new-token', { headers: { cookie } });
    expect(flashValue(signedIn)).not.toMatch(/^plain\./);
    expect(Buffer.from(flashValue(signedIn), 'base64url').toString('latin1')).not.toContain('sk_live_shown_once');
  });
});

describe('a form that finds nothing to do', () => {
  it('sends a mail that had not failed back to the outbox with a message, not a 409 page', async () => {
    const ctx = await makeApp();
    const admin = await sessionCookieFor(ctx, await createAccount(ctx, 'admin'));
    const someone = await createAccount(ctx, 'candidate', 'kept@gmail.com');
    await call(ctx, 'POST', '/forgot-password', { form: { email: someone.email } });
    const [mail] = await outbox(ctx, someone.email);
    const again = await call(ctx, 'POST', `/portal/outbox/${mail?.id}/resend`, { cookie: admin });
    const shown = await followRedirect(ctx, again, admin);
    expect(shown.location).toBe('/portal/outbox');
    expect(shown.page.status).toBe(200);
    expect(shown.text).toMatch(/<div class="alert error" role="alert"><p>Nothing was sent: only a mail whose delivery/);
    expect((await outbox(ctx, someone.email))[0]?.status).toBe(mail?.status);
  });

  it('says why an import that already ended was neither cancelled nor confirmed', async () => {
    const ctx = await makeApp();
    const admin = await sessionCookieFor(ctx, await createAccount(ctx, 'admin'));
    const csv = 'provider,username,email,active\nLDAP,ana,ana@gmail.com,true\n';
    const { id } = await portalImport(ctx, admin, 'own', csv, { confirm: false });
    const cancelled = await call(ctx, 'POST', `/portal/imports/${id}/cancel`, { cookie: admin });
    expect((await followRedirect(ctx, cancelled, admin)).text).toContain('The import was cancelled.');
    for (const [action, said] of [
      ['cancel', 'Nothing was cancelled: the import had already ended.'],
      ['confirm', 'Nothing was confirmed: the import was no longer waiting for a confirmation.'],
    ] as const) {
      const refused = await call(ctx, 'POST', `/portal/imports/${id}/${action}`, { cookie: admin });
      const shown = await followRedirect(ctx, refused, admin);
      expect(shown.location).toBe(`/portal/imports/${id}`);
      expect(shown.text).toMatch(new RegExp(`<div class="alert error" role="alert"><p>${said}`));
      expect(cookiesSetBy(refused).some((pair) => pair.startsWith('seatkeeper_flash='))).toBe(true);
    }
  });
});
