// @vitest-environment happy-dom
// The options page and the popup, rendered with Preact in happy-dom over WXT's fake browser; their messages reach
// the real background router. The server is a stand-in answering as the contract says (the real server app cannot
// load under happy-dom; background.test.ts runs the same router against it).
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createConnection } from '../../extension/background/connection.ts';
import { createRouter } from '../../extension/background/router.ts';
import { connection, environmentRules, licenceSummary } from '../../extension/storage.ts';
import { OptionsPage } from '../../extension/ui/options.tsx';
import { PopupPage } from '../../extension/ui/popup.tsx';
import { type FakeExtras, fromExtensionPage, resetFakeBrowser } from './fake-browser.ts';

const PUBLIC_URL = 'http://seatkeeper.test';
const token = 'skp_abcdefghijklmnop.abcdefghijklmnopqrstuvwxyz234567';
let extras: FakeExtras;
let root: HTMLElement;

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** The server's side of the contract, for one support account, sam@mycompany.com. */
async function server(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const headers = new Headers(init?.headers);
  if (headers.get('authorization') !== `Bearer ${token}`) {
    return json({ error: { code: 'invalid_token', message: 'The access token is invalid, expired or revoked.' } }, 401);
  }
  switch (new URL(String(input)).pathname) {
    case '/api/v1/me':
      return json({ account: { id: 'a1', email: 'sam@mycompany.com', name: 'Sam Support', role: 'support' } });
    case '/api/v1/environments':
      return json({ items: [{ id: 'own', name: 'Production', production: true, internalDomains: ['mycompany.com'] }] });
    case '/api/v1/licence/summary':
      return json({
        asOf: '2026-11-24T10:00:00.000Z',
        internal: { used: 1, capacity: 100, level: 'ok' },
        external: { used: 0, capacity: 0, level: 'ok' },
        licence: { type: 'subscription', endsOn: '2027-10-31', state: 'active' },
        breaches: [],
      });
    case '/api/v1/lookup': {
      const { accounts } = JSON.parse(String(init?.body)) as { accounts: { username?: string; email?: string }[] };
      const known = {
        ref: 'seatkeeper:a1',
        environment: 'Production',
        provider: 'Seatkeeper',
        username: 'sam@mycompany.com',
        email: 'sam@mycompany.com',
        active: true,
        classification: 'internal',
        counted: true,
        notCountedReason: null,
        mergedWith: [],
        lastSignInAt: '2026-11-23T09:00:00.000Z',
      };
      return json({
        asOf: '2026-11-24T10:00:00.000Z',
        environment: { id: 'own', name: 'Production' },
        results: accounts.map((account) => ({
          username: account.username ?? null,
          email: account.email ?? null,
          classification: 'internal',
          reason: 'email domain mycompany.com is listed',
          flags: [],
          matches:
            account.email === 'sam@mycompany.com'
              ? [known]
              : account.email === 'pat@partner.io'
                ? [
                    {
                      ...known,
                      ref: 'qa:7',
                      environment: 'QA',
                      provider: 'Users',
                      username: 'pat',
                      email: 'pat@partner.io',
                    },
                  ]
                : [],
        })),
      });
    }
    default:
      return json({ error: { code: 'not_found', message: 'No route.' } }, 404);
  }
}

beforeEach(async () => {
  extras = resetFakeBrowser();
  const router = createRouter(createConnection({ fetch: server }));
  // The fake browser's sendMessage reports no sender: these pages are the extension's own.
  fakeBrowser.runtime.onMessage.addListener((message: unknown) => router.handle(message, fromExtensionPage()));
  root = document.createElement('div');
  document.body.replaceChildren(root);
});

afterEach(() => render(null, root));

async function type(selector: string, value: string) {
  const input = root.querySelector(selector) as HTMLInputElement;
  await act(() => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function submit(selector: string) {
  await act(() => {
    (root.querySelector(selector) as HTMLButtonElement).click();
  });
}

/** Lets storage reads and the renders they cause finish. */
const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 0)));

const text = (selector: string) => root.querySelector(selector)?.textContent ?? '';

describe('the options page', () => {
  it('asks for the server’s origin only, says so when refused, then signs in with the token', async () => {
    await act(() => render(<OptionsPage />, root));
    await type('#server-url', `${PUBLIC_URL}/portal/users`);
    await type('#token', 'not a token');
    await submit('#sign-in');
    await expect.poll(() => text('#sign-in-message')).toContain('not a Seatkeeper access token');
    expect(extras.granted.size).toBe(0); // nothing asked for an input that cannot work
    await type('#token', 'skp_abcdefghijklmnop.wrongwrongwrong');
    await submit('#sign-in');
    await expect.poll(() => text('#sign-in-message')).toContain('refused the token: it is wrong, expired or revoked');

    await type('#token', token);
    extras.allow = false;
    await submit('#sign-in');
    await expect
      .poll(() => text('#sign-in-message'))
      .toBe(`Seatkeeper needs your permission to reach ${PUBLIC_URL}. Sign in again and choose Allow.`);

    extras.allow = true;
    await submit('#sign-in');
    await expect
      .poll(() => text('#sign-in-message'), { timeout: 5000 })
      .toContain(`Signed in to ${PUBLIC_URL} as Sam Support`);
    expect([...extras.granted]).toEqual([`${PUBLIC_URL}/*`]);
    await expect.poll(() => text('#connection')).toContain('sam@mycompany.com, support');
    // The token field is emptied; the environments arrived for the consoles form.
    expect((root.querySelector('#token') as HTMLInputElement).value).toBe('');
    await expect.poll(() => root.querySelectorAll('#console-environment option').length).toBe(1);
  });

  it('adds a console for one origin after the browser allows it, and lists it', async () => {
    await environmentRules.setValue([{ id: 'own', name: 'Production', production: true, internalDomains: [] }]);
    await act(() => render(<OptionsPage />, root));
    await type('#console-address', 'not a url at all');
    await submit('#add-console');
    await expect.poll(() => text('#console-message')).toContain('is not one web address');
    await type('#console-address', 'acme.outsystemsenterprise.com/Users/');
    await submit('#add-console');
    await expect
      .poll(() => text('#console-message'))
      .toBe('Added https://acme.outsystemsenterprise.com. Reload its open pages to see the badges.');
    expect([...extras.granted]).toEqual(['https://acme.outsystemsenterprise.com/*']);
    await expect.poll(() => text('#console-list')).toContain('https://acme.outsystemsenterprise.comProduction');
  });
});

describe('the popup', () => {
  beforeEach(async () => {
    await environmentRules.setValue([
      { id: 'own', name: 'Production', production: true, internalDomains: ['mycompany.com'] },
      { id: 'qa', name: 'QA', production: false, internalDomains: [] },
    ]);
  });

  it('classifies at once from the cached rules, offline, and explains the flags', async () => {
    await connection.setValue({ state: 'signed-out', message: 'Signed out.', account: null, checkedAt: null });
    await act(() => render(<PopupPage />, root));
    await settle();
    await type('#who', 'samantha@finance.mycompany.com');
    expect(text('#verdict')).toBe('External');
    expect(text('#reason')).toContain('finance.mycompany.com is not listed');
    expect(text('#classification')).toContain('list the subdomain too');
    await type('#who', 'kiosk-3');
    expect(text('#verdict')).toBe('Internal');
    expect(text('#classification')).toContain('No valid email');
    expect(root.querySelector('#server-answer')).toBeNull();
    expect(text('#popup-connection')).toContain('Signed out.');
  });

  it('then shows what the server knows, and the capacity', async () => {
    await connection.setValue({ state: 'signed-in', message: 'Signed in.', account: null, checkedAt: null });
    await fakeBrowser.storage.session.set({ token });
    await fakeBrowser.storage.local.set({ serverUrl: PUBLIC_URL });
    await licenceSummary.setValue({
      asOf: '2026-11-24T10:00:00.000Z',
      internal: { used: 91, capacity: 100, level: 'warning' },
      external: { used: 12, capacity: null, level: null },
      licence: null,
      breaches: [],
    });
    await act(() => render(<PopupPage />, root));
    await settle();
    expect(text('#capacity')).toContain('Internal: 91 of 100 (91%)');
    expect(root.querySelector('[data-bucket="internal"]')?.className).toBe('level-warning');
    await type('#who', 'sam@mycompany.com');
    expect(text('#verdict')).toBe('Internal');
    await expect
      .poll(() => text('#server-answer'), { timeout: 5000 })
      .toContain('Production / Seatkeeper: sam@mycompany.com — active, counted as internal');
    expect(text('#server-answer')).toContain('Last sign-in: Nov 23, 2026, 9:00 AM UTC');
    await type('#who', 'nobody@mycompany.com');
    await expect
      .poll(() => text('#server-answer'), { timeout: 5000 })
      .toBe('Seatkeeper has no account with this email or username.');
    expect(text('#classification')).toContain('Internal in Production (cached rules)');
  });

  it('classifies in the environment where the server found the account, and says which', async () => {
    await connection.setValue({ state: 'signed-in', message: 'Signed in.', account: null, checkedAt: null });
    await fakeBrowser.storage.session.set({ token });
    await fakeBrowser.storage.local.set({ serverUrl: PUBLIC_URL });
    await act(() => render(<PopupPage />, root));
    await settle();
    // Pasted from a mail client: the address is read out of it.
    await type('#who', 'Pat Partner <pat@partner.io>');
    // Before the answer: the chosen (production) environment's cached rules, which do not list partner.io.
    expect(text('#verdict')).toBe('External');
    expect(text('#verdict-environment')).toBe('Production');
    // The server holds the account in QA only, whose rules list no domain (rule 5): internal there, and said so.
    await expect.poll(() => text('#verdict-environment'), { timeout: 5000 }).toBe('QA');
    expect(text('#verdict')).toBe('Internal');
    expect(text('#classification')).toContain('in QA, where Seatkeeper holds this account');
    expect(text('#server-answer')).toContain('QA / Users: pat');
  });
});
