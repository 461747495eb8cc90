// The extension's server client against the real server app (for /me) and against edge-case answers.
import { describe, expect, it } from 'vitest';
import { createServerClient } from '../../extension/server-client.ts';
import { normaliseServerUrl } from '../../extension/sign-in-input.ts';
import type { Connection } from '../../extension/storage.ts';
import { toolbarBadge } from '../../extension/toolbar.ts';
import type { LicenceSummary } from '../../shared/api/extension-contract.ts';
import { createAccount, makeApp, PUBLIC_URL, tokenFor } from '../support/server.ts';

const jsonAnswer =
  (body: unknown, status = 200) =>
  async () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const SUMMARY = {
  asOf: '2026-11-24T10:00:00.000Z',
  internal: { used: 91, capacity: 100, level: 'warning' },
  external: { used: 4200, capacity: 10000, level: 'ok' },
  licence: { type: 'subscription', endsOn: '2027-06-30', state: 'active' },
  breaches: [],
};

describe('the server client', () => {
  it('signs in with a read token against the real server and sends no cookie', async () => {
    const ctx = await makeApp();
    const support = await createAccount(ctx, 'support');
    const token = await tokenFor(ctx, support, 'read');
    const seen: RequestInit[] = [];
    const client = createServerClient({
      baseUrl: PUBLIC_URL,
      token,
      fetch: async (input, init) => {
        seen.push(init ?? {});
        return ctx.app.request(String(input), init);
      },
    });
    const me = await client.me();
    expect(me).toMatchObject({ ok: true, value: { account: { email: support.email, role: 'support' } } });
    expect(seen[0]?.credentials).toBe('omit');
    const wrong = await createServerClient({
      baseUrl: PUBLIC_URL,
      token: `${token}x`,
      fetch: async (i, init) => ctx.app.request(String(i), init),
    }).me();
    expect(wrong).toMatchObject({ ok: false, failure: { kind: 'signed-out' } });
  });

  it('validates the summary and turns a malformed answer into a clear failure', async () => {
    const good = await createServerClient({ baseUrl: PUBLIC_URL, token: 't', fetch: jsonAnswer(SUMMARY) }).summary();
    expect(good).toMatchObject({ ok: true, value: { internal: { used: 91 } } });
    const bad = await createServerClient({
      baseUrl: PUBLIC_URL,
      token: 't',
      fetch: jsonAnswer({ ...SUMMARY, internal: { used: 'many' } }),
    }).summary();
    expect(bad).toMatchObject({ ok: false, failure: { kind: 'bad-answer' } });
    expect(bad.ok || bad.failure.message).toContain('internal.used');
  });

  it('reports an unreachable server and a forbidden token as such', async () => {
    const down = await createServerClient({
      baseUrl: 'http://127.0.0.1:9',
      token: 't',
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    }).environments();
    expect(down).toMatchObject({ ok: false, failure: { kind: 'unreachable' } });
    const forbidden = await createServerClient({
      baseUrl: PUBLIC_URL,
      token: 't',
      fetch: jsonAnswer({}, 403),
    }).summary();
    expect(forbidden).toMatchObject({ ok: false, failure: { kind: 'forbidden' } });
  });

  it('accepts the environments as a list or wrapped, with ids as strings', async () => {
    const env = { id: 7, name: 'Production', production: true, internalDomains: ['acme.com'] };
    for (const body of [[env], { items: [env] }]) {
      const result = await createServerClient({
        baseUrl: PUBLIC_URL,
        token: 't',
        fetch: jsonAnswer(body),
      }).environments();
      expect(result).toEqual({ ok: true, value: [{ ...env, id: '7' }] });
    }
  });

  it.each([
    ['https://certify.example.com/portal/users', 'https://certify.example.com'],
    [' http://127.0.0.1:8787 ', 'http://127.0.0.1:8787'],
    ['certify.example.com', 'https://certify.example.com'],
    ['ftp://example.com', null],
    ['not a url', null],
  ])('normalises the server URL %j to %j', (input, expected) => {
    expect(normaliseServerUrl(input)).toBe(expected);
  });
});

describe('the toolbar badge (rule 21 levels)', () => {
  const signedIn: Connection = { state: 'signed-in', message: 'Signed in.', account: null, checkedAt: null };
  const summary = (changes: Partial<LicenceSummary>) => ({ ...SUMMARY, ...changes }) as LicenceSummary;

  it('shows the highest usage with the colour of the worst level', () => {
    expect(toolbarBadge(signedIn, summary({}))).toMatchObject({ text: '91%', color: '#ea580c' });
    expect(toolbarBadge(signedIn, summary({})).title).toContain('Internal: 91 of 100 (91%)');
  });

  it('shows over capacity in red, capped at 999%', () => {
    const over = summary({ external: { used: 150_000, capacity: 10_000, level: 'over' } });
    expect(toolbarBadge(signedIn, over)).toMatchObject({ text: '999%', color: '#b91c1c' });
  });

  it('shows "!" when external users exist on a licence with no external capacity', () => {
    const forbidden = summary({ external: { used: 3, capacity: 0, level: 'over' } });
    expect(toolbarBadge(signedIn, forbidden)).toMatchObject({ text: '!', color: '#b91c1c' });
  });

  it('shows no percentage, in grey, while the server has no licence configured', () => {
    const none = summary({
      internal: { used: 5, capacity: null, level: null },
      external: { used: 7, capacity: null, level: null },
      licence: null,
    });
    expect(toolbarBadge(signedIn, none)).toMatchObject({ text: '', color: '#6b7280' });
    expect(toolbarBadge(signedIn, none).title).toContain('Internal: 5 (no licence configured)');
  });

  it('has clear states when signed out, unreachable or not set up', () => {
    const state = (value: Connection['state'], message: string): Connection => ({
      state: value,
      message,
      account: null,
      checkedAt: null,
    });
    expect(toolbarBadge(state('signed-out', 'token revoked'), SUMMARY as LicenceSummary)).toMatchObject({
      text: 'OFF',
      color: '#6b7280',
    });
    expect(toolbarBadge(state('signed-out', 'token revoked'), null).title).toBe(
      'Seatkeeper: signed out. token revoked',
    );
    const down = toolbarBadge(state('unreachable', 'Cannot reach it'), SUMMARY as LicenceSummary);
    expect(down).toMatchObject({ text: '?', color: '#6b7280' });
    expect(down.title).toContain('server unreachable');
    expect(toolbarBadge(state('not-configured', 'Not signed in.'), null)).toMatchObject({ text: '' });
    expect(toolbarBadge(state('not-configured', 'Not signed in.'), null).title).toContain('not signed in');
  });
});
