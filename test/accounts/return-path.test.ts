// After signing in from a link (a breach mail's /portal/licence) the person lands on that page; an address that
// leads off the site is never followed (no open redirect).
import { describe, expect, it } from 'vitest';
import { safeReturnPath } from '../../server/web/return-path.ts';
import { call, createAccount, makeApp, STRONG_PASSWORD } from '../support/server.ts';

const OFF_SITE = [
  '//evil.example',
  'https://evil.example',
  'https://evil.example/portal/licence',
  '/\\evil.example',
  '\\\\evil.example',
  '/\t/evil.example',
  'javascript:alert(1)',
  '///evil.example',
  'portal/licence',
];

describe('return to the page that asked for sign-in', () => {
  it('keeps same-origin paths with their query and refuses every address that leads elsewhere', () => {
    expect(safeReturnPath('/portal/licence')).toBe('/portal/licence');
    expect(safeReturnPath('/portal/users?q=tanaka&status=active')).toBe('/portal/users?q=tanaka&status=active');
    for (const next of OFF_SITE) expect(safeReturnPath(next), next).toBeUndefined();
    expect(safeReturnPath('/sign-in')).toBeUndefined();
  });

  it('sends an anonymous visitor to sign in and back to the linked page afterwards', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const asked = await call(ctx, 'GET', '/portal/licence?from=mail');
    expect(asked.status).toBe(303);
    const signInPath = asked.headers.get('location') ?? '';
    expect(signInPath).toBe('/sign-in?next=%2Fportal%2Flicence%3Ffrom%3Dmail');
    const form = await (await call(ctx, 'GET', signInPath)).text();
    expect(form).toContain('<input type="hidden" name="next" value="/portal/licence?from=mail"/>');
    const signedIn = await call(ctx, 'POST', '/sign-in', {
      form: { email: admin.email, password: STRONG_PASSWORD, next: '/portal/licence?from=mail' },
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/portal/licence?from=mail');
  });

  it('lands on the home page for its role when next points off the site', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    for (const next of OFF_SITE) {
      const page = await (await call(ctx, 'GET', `/sign-in?${new URLSearchParams({ next })}`)).text();
      expect(page, next).not.toContain('name="next"');
      const signedIn = await call(ctx, 'POST', '/sign-in', {
        form: { email: admin.email, password: STRONG_PASSWORD, next },
      });
      expect(signedIn.headers.get('location'), next).toBe('/portal/overview');
    }
  });

  it('keeps next through a failed sign-in', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const failed = await call(ctx, 'POST', '/sign-in', {
      form: { email: admin.email, password: 'wrong password here', next: '/portal/environments' },
    });
    expect(failed.status).toBe(401);
    expect(await failed.text()).toContain('<input type="hidden" name="next" value="/portal/environments"/>');
  });
});
