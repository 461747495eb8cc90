// The background against the real server app (fetch → app.request) in WXT's fake browser: who may send what,
// where the token is kept, what the admin is told, what is cached, and where the content script is registered.
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { startBackground } from '../../extension/background/index.ts';
import { CONTENT_SCRIPT_ID } from '../../extension/background/registrations.ts';
import type { Request } from '../../extension/messages.ts';
import {
  connection,
  consoles,
  dismissedNotices,
  environmentRules,
  licenceSummary,
  rememberedToken,
  sessionToken,
  taughtConsoles,
} from '../../extension/storage.ts';
import { importSettled } from '../../server/licensing/import-run.ts';
import { call, createAccount, makeApp, PUBLIC_URL, type TestContext, tokenFor } from '../support/server.ts';
import { type FakeExtras, fromContentScript, fromExtensionPage, resetFakeBrowser } from './fake-browser.ts';

const CONSOLE = 'https://acme.outsystemsenterprise.com';

let ctx: TestContext;
let extras: FakeExtras;
let readToken: string;
let candidateToken: string;
let outsystemsId: string;
/** Bodies of the lookup requests the server received. */
let lookups: unknown[];
let serverDown: boolean;

async function setUpServer() {
  ctx = await makeApp();
  const admin = await tokenFor(ctx, await createAccount(ctx, 'admin'), 'admin');
  readToken = await tokenFor(ctx, await createAccount(ctx, 'support', 'sam@mycompany.com'), 'read');
  candidateToken = await tokenFor(ctx, await createAccount(ctx, 'candidate'), 'read').catch(() => '');
  const as = (method: string, path: string, json: unknown) => call(ctx, method, path, { token: admin, json });
  await as('PUT', '/api/v1/licence', { type: 'subscription', startsOn: '2026-11-01', externalPacks: 1 });
  await as('PATCH', '/api/v1/environments/own', { internalDomains: 'mycompany.com' });
  const created = await as('POST', '/api/v1/environments', {
    name: 'OutSystems Prod',
    production: true,
    internalDomains: 'mycompany.com, sales.mycompany.com',
  });
  outsystemsId = ((await created.json()) as { environment: { id: string } }).environment.id;
  const imported = await as('PUT', `/api/v1/environments/${outsystemsId}/users`, {
    provider: 'Users',
    users: [{ username: 'sgreen', email: 'scott.green@mycompany.com' }],
  });
  await importSettled(((await imported.json()) as { id: string }).id);
}

function start() {
  return startBackground({
    fetch: async (input, init) => {
      if (serverDown) throw new TypeError('fetch failed');
      if (String(input).endsWith('/api/v1/lookup')) lookups.push(JSON.parse(String(init?.body)));
      return ctx.app.request(String(input), init);
    },
  });
}

type Background = ReturnType<typeof start>;

const ask = (background: Background, message: unknown, sender = fromExtensionPage()) =>
  background.router.handle(message, sender);

async function signedIn(remember = false): Promise<Background> {
  const background = start();
  await background.ready;
  const answer = await ask(background, { type: 'signIn', serverUrl: PUBLIC_URL, token: readToken, remember });
  expect(answer).toMatchObject({ ok: true, value: { state: 'signed-in' } });
  return background;
}

beforeEach(async () => {
  extras = resetFakeBrowser([PUBLIC_URL]);
  lookups = [];
  serverDown = false;
  await setUpServer(); // the helpers close each test's database after it
});

describe('signing in', () => {
  it('keeps the token in session storage, closed to content scripts, unless "remember" is ticked', async () => {
    await signedIn(false);
    expect(extras.accessLevels).toEqual(['TRUSTED_CONTEXTS']);
    expect(await sessionToken.getValue()).toBe(readToken);
    expect(await rememberedToken.getValue()).toBeNull();
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toContain(readToken);

    await signedIn(true);
    expect(await rememberedToken.getValue()).toBe(readToken);
  });

  it('signs in with a read token: account, rules and figures cached, the toolbar shows the usage', async () => {
    await signedIn();
    const state = await connection.getValue();
    expect(state.message).toBe(`Signed in to ${PUBLIC_URL} as Test support (sam@mycompany.com, support).`);
    const environments = await environmentRules.getValue();
    expect(environments.map((environment) => environment.name)).toEqual(['Production', 'OutSystems Prod']);
    expect(environments[1]?.internalDomains).toEqual(['mycompany.com', 'sales.mycompany.com']);
    const summary = await licenceSummary.getValue();
    expect(summary?.internal.capacity).toBe(100);
    expect(await fakeBrowser.action.getBadgeText({})).toBe(`${summary?.internal.used}%`);
    expect(await fakeBrowser.action.getBadgeBackgroundColor({})).toEqual([21, 128, 61, 255]);
  });

  it('explains each way it can fail, and changes nothing then', async () => {
    const background = start();
    await background.ready;
    const signIn = (serverUrl: string, token: string) =>
      ask(background, { type: 'signIn', serverUrl, token, remember: true });
    expect(await signIn('ftp://certify.example.com', readToken)).toMatchObject({
      ok: false,
      error: { kind: 'invalid', message: expect.stringContaining('Type the server’s address') },
    });
    expect(await signIn(PUBLIC_URL, 'hello')).toMatchObject({
      error: { kind: 'invalid', message: expect.stringContaining('not a Seatkeeper access token') },
    });
    expect(await signIn(PUBLIC_URL, `${readToken}x`)).toMatchObject({
      error: {
        kind: 'signed-out',
        message: expect.stringContaining('refused the token: it is wrong, expired or revoked'),
      },
    });
    expect(await signIn(PUBLIC_URL, candidateToken)).toMatchObject({
      error: { kind: 'forbidden', message: expect.stringContaining('a candidate account') },
    });
    expect(await signIn('https://elsewhere.example', readToken)).toMatchObject({
      error: {
        kind: 'forbidden',
        message: expect.stringContaining('has not let Seatkeeper reach https://elsewhere.example'),
      },
    });
    serverDown = true;
    expect(await signIn(PUBLIC_URL, readToken)).toMatchObject({
      error: { kind: 'unreachable', message: expect.stringContaining(`Cannot reach ${PUBLIC_URL} (fetch failed)`) },
    });
    expect(await sessionToken.getValue()).toBeNull();
    expect(await rememberedToken.getValue()).toBeNull();
  });

  it('reports a revoked token and an unreachable server on the toolbar, and signing out', async () => {
    const background = await signedIn(true);
    serverDown = true;
    expect(await ask(background, { type: 'refresh' })).toMatchObject({ value: { state: 'unreachable' } });
    expect(await fakeBrowser.action.getBadgeText({})).toBe('?');
    // Badges keep working offline: the rules stay.
    expect(await environmentRules.getValue()).toHaveLength(2);
    serverDown = false;
    await ask(background, { type: 'signOut' });
    expect(await sessionToken.getValue()).toBeNull();
    expect(await rememberedToken.getValue()).toBeNull();
    expect(await fakeBrowser.action.getBadgeText({})).toBe('OFF');
  });
});

describe('who may send what', () => {
  it('refuses messages from other extensions and pages that are not its own', async () => {
    const background = await signedIn();
    const status: Request = { type: 'status' };
    expect(await ask(background, status, { ...fromExtensionPage(), id: 'another-extension' })).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });
    expect(await ask(background, status, { id: fakeBrowser.runtime.id, url: 'https://evil.example/' })).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });
  });

  it('lets content scripts ask only for the page context, lookups and dismissals', async () => {
    const background = await signedIn();
    const portal = fromContentScript(`${PUBLIC_URL}/portal/users`);
    expect(await ask(background, { type: 'pageContext' }, portal)).toEqual({
      ok: true,
      value: { portal: true, environmentId: null, signedIn: true },
    });
    for (const message of [
      { type: 'status' },
      { type: 'signOut' },
      { type: 'signIn', serverUrl: 'https://evil.example', token: readToken, remember: true },
      { type: 'addConsole', origin: 'https://evil.example', environmentId: outsystemsId },
      { type: 'removeConsole', origin: PUBLIC_URL },
    ]) {
      expect(await ask(background, message, portal), message.type).toMatchObject({
        ok: false,
        error: { kind: 'forbidden', message: `A content-script may not send “${message.type}”.` },
      });
    }
    expect(await sessionToken.getValue()).toBe(readToken);
  });

  it('answers content scripts only on origins that are configured and still granted', async () => {
    const background = await signedIn();
    const elsewhere = fromContentScript('https://evil.example/users');
    expect(await ask(background, { type: 'pageContext' }, elsewhere)).toMatchObject({
      error: { kind: 'forbidden', message: 'https://evil.example is not a console set up in Seatkeeper’s options.' },
    });
    await fakeBrowser.permissions.request({ origins: [`${CONSOLE}/*`] });
    expect(await ask(background, { type: 'addConsole', origin: CONSOLE, environmentId: outsystemsId })).toMatchObject({
      ok: true,
    });
    const onConsole = fromContentScript(`${CONSOLE}/Users/Users.aspx`);
    expect(await ask(background, { type: 'pageContext' }, onConsole)).toEqual({
      ok: true,
      value: { portal: false, environmentId: outsystemsId, signedIn: true },
    });
    // Withdrawn in the browser's settings: no more answers there.
    extras.granted.delete(`${CONSOLE}/*`);
    expect(await ask(background, { type: 'pageContext' }, onConsole)).toMatchObject({ error: { kind: 'forbidden' } });
  });

  it('validates every message', async () => {
    const background = await signedIn();
    const tooMany = Array.from({ length: 1001 }, (_, n) => ({ email: `u${n}@mycompany.com` }));
    for (const [message, problem] of [
      [{ type: 'format the disk' }, 'type'],
      [{ type: 'lookup', accounts: tooMany }, 'accounts'],
      [{ type: 'lookup', accounts: [{ email: 'a@b.c', role: 'admin' }] }, 'accounts.0'],
      [{ type: 'signIn', serverUrl: PUBLIC_URL, token: readToken }, 'remember'],
      ['status', 'message'],
    ] as const) {
      expect(await ask(background, message), JSON.stringify(message).slice(0, 40)).toMatchObject({
        ok: false,
        error: { kind: 'invalid', message: expect.stringContaining(`Malformed message: ${problem}`) },
      });
    }
  });
});

describe('lookups through the background', () => {
  it('asks the server in the environment mapped to the console, whatever the page says', async () => {
    const background = await signedIn();
    await fakeBrowser.permissions.request({ origins: [`${CONSOLE}/*`] });
    await ask(background, { type: 'addConsole', origin: CONSOLE, environmentId: outsystemsId });
    const answer = await ask(
      background,
      { type: 'lookup', environment: 'own', accounts: [{ username: 'sgreen', email: 'scott.green@mycompany.com' }] },
      fromContentScript(`${CONSOLE}/Users/Users.aspx`),
    );
    expect(lookups).toEqual([
      { environment: outsystemsId, accounts: [{ username: 'sgreen', email: 'scott.green@mycompany.com' }] },
    ]);
    expect(answer).toMatchObject({
      ok: true,
      value: { environment: { name: 'OutSystems Prod' }, results: [{ classification: 'internal' }] },
    });
  });

  it('passes the server’s message on for a lookup it refuses, and asks nothing when signed out', async () => {
    const background = await signedIn();
    expect(
      await ask(background, { type: 'lookup', environment: 'Nowhere', accounts: [{ email: 'a@mycompany.com' }] }),
    ).toMatchObject({ ok: false, error: { kind: 'rejected', message: expect.stringContaining('"Nowhere"') } });
    await ask(background, { type: 'signOut' });
    expect(await ask(background, { type: 'lookup', accounts: [{ email: 'a@mycompany.com' }] })).toMatchObject({
      ok: false,
      error: { kind: 'signed-out' },
    });
    expect(lookups).toHaveLength(1);
  });
});

describe('consoles and content-script registration', () => {
  it('registers the content script on the server’s origin after sign-in, adds and removes consoles', async () => {
    const background = await signedIn();
    expect(extras.scripts.get(CONTENT_SCRIPT_ID)).toMatchObject({
      js: ['content-scripts/seatkeeper.js'],
      matches: [`${PUBLIC_URL}/*`],
      persistAcrossSessions: false,
    });
    // Without the permission the console is refused.
    expect(await ask(background, { type: 'addConsole', origin: CONSOLE, environmentId: outsystemsId })).toMatchObject({
      error: { kind: 'forbidden', message: expect.stringContaining('Add it again and choose Allow') },
    });
    await fakeBrowser.permissions.request({ origins: [`${CONSOLE}/*`] });
    expect(
      await ask(background, { type: 'addConsole', origin: `${CONSOLE}/Users/Users.aspx`, environmentId: outsystemsId }),
    ).toEqual({ ok: true, value: { origin: CONSOLE } });
    expect(await consoles.getValue()).toEqual([{ origin: CONSOLE, environmentId: outsystemsId }]);
    expect(extras.scripts.get(CONTENT_SCRIPT_ID)?.matches).toEqual([`${PUBLIC_URL}/*`, `${CONSOLE}/*`]);

    expect(await ask(background, { type: 'removeConsole', origin: CONSOLE })).toEqual({
      ok: true,
      value: { origin: CONSOLE },
    });
    expect(extras.scripts.get(CONTENT_SCRIPT_ID)?.matches).toEqual([`${PUBLIC_URL}/*`]);
    expect(extras.granted.has(`${CONSOLE}/*`)).toBe(false);
    expect(extras.granted.has(`${PUBLIC_URL}/*`)).toBe(true);
  });

  it('refuses consoles it cannot use, with a reason', async () => {
    const background = await signedIn();
    const add = (origin: string, environmentId = outsystemsId) =>
      ask(background, { type: 'addConsole', origin, environmentId });
    expect(await add('ftp://files.example')).toMatchObject({ error: { message: expect.stringContaining('http') } });
    expect(await add('https://*.example.com')).toMatchObject({
      error: { message: expect.stringContaining('wildcards') },
    });
    expect(await add(PUBLIC_URL)).toMatchObject({ error: { message: expect.stringContaining('covered already') } });
    expect(await add(CONSOLE, 'no-such-environment')).toMatchObject({
      error: { message: expect.stringContaining('Choose one of the server’s environments') },
    });
  });

  it('registers again at every start, only where the browser still grants access', async () => {
    await signedIn();
    await consoles.setValue([{ origin: CONSOLE, environmentId: outsystemsId }]);
    extras.scripts.clear(); // the browser restarted: scripts registered for the session are gone
    const background = start();
    await background.ready;
    expect(extras.scripts.get(CONTENT_SCRIPT_ID)?.matches).toEqual([`${PUBLIC_URL}/*`]);
    await fakeBrowser.permissions.request({ origins: [`${CONSOLE}/*`] });
    await background.ready;
    await expect
      .poll(() => extras.scripts.get(CONTENT_SCRIPT_ID)?.matches)
      .toEqual([`${PUBLIC_URL}/*`, `${CONSOLE}/*`]);
  });
});

describe('schedule and notices', () => {
  it('refreshes on the alarm and when a window regains focus, not more than once a minute on focus', async () => {
    const background = await signedIn();
    expect(await fakeBrowser.alarms.get('seatkeeper-refresh')).toMatchObject({ periodInMinutes: 5 });
    await background.ready;
    const refreshed = async () => (await connection.getValue()).checkedAt;
    const before = await refreshed();
    await fakeBrowser.windows.onFocusChanged.trigger(1);
    expect(await refreshed()).toBe(before);
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'seatkeeper-refresh', scheduledTime: Date.now() });
    await expect.poll(refreshed).not.toBe(before);
  });

  it('rewrites the cached rules only when they changed (every page redraws its badges when they do)', async () => {
    const background = await signedIn();
    let writes = 0;
    const unwatch = environmentRules.watch(() => writes++);
    await ask(background, { type: 'refresh' });
    expect(writes).toBe(0);
    await call(ctx, 'PATCH', `/api/v1/environments/${outsystemsId}`, {
      token: await tokenFor(ctx, await createAccount(ctx, 'admin'), 'admin'),
      json: { internalDomains: 'mycompany.com' },
    });
    await ask(background, { type: 'refresh' });
    expect(writes).toBe(1);
    expect((await environmentRules.getValue())[1]?.internalDomains).toEqual(['mycompany.com']);
    unwatch();
  });

  it('remembers a dismissed notice for the day only', async () => {
    const background = await signedIn();
    await fakeBrowser.permissions.request({ origins: [`${CONSOLE}/*`] });
    await ask(background, { type: 'addConsole', origin: CONSOLE, environmentId: outsystemsId });
    await dismissedNotices.setValue({ 'capacity:notice': '2020-01-01' });
    const answer = await ask(
      background,
      { type: 'dismissNotice', key: 'capacity:warning' },
      fromContentScript(`${CONSOLE}/Users/Users.aspx`),
    );
    expect(answer).toMatchObject({ ok: true, value: { key: 'capacity:warning' } });
    const today = (answer as { value: { day: string } }).value.day;
    expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await dismissedNotices.getValue()).toEqual({ 'capacity:warning': today });
  });

  it('keeps how to read a taught console: a console teaches only itself, an extension page a configured one', async () => {
    const background = await signedIn();
    await fakeBrowser.permissions.request({ origins: [`${CONSOLE}/*`] });
    await ask(background, { type: 'addConsole', origin: CONSOLE, environmentId: outsystemsId });
    const page = fromContentScript(`${CONSOLE}/people`);
    // From the console's page: its own origin, whatever it names.
    expect(
      await ask(background, { type: 'teachConsole', origin: 'https://evil.example', rows: '.person' }, page),
    ).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(
      await ask(background, { type: 'teachConsole', rows: '#people .person', email: ':scope > :nth-child(2)' }, page),
    ).toEqual({ ok: true, value: { origin: CONSOLE } });
    expect(await taughtConsoles.getValue()).toEqual([
      { origin: CONSOLE, rows: '#people .person', email: ':scope > :nth-child(2)' },
    ]);
    // From the options page: only a console set up there, with a username or an email, on one line.
    expect(
      await ask(background, { type: 'teachConsole', origin: 'https://other.example', rows: 'tr', username: 'td' }),
    ).toMatchObject({ ok: false, error: { kind: 'invalid', message: expect.stringContaining('add it first') } });
    expect(await ask(background, { type: 'teachConsole', origin: CONSOLE, rows: 'tr' })).toMatchObject({
      ok: false,
      error: { message: 'Say where the username or the email is in a row (or both).' },
    });
    expect(
      await ask(background, { type: 'teachConsole', origin: CONSOLE, rows: 'tr\nscript', username: 'td' }),
    ).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    // Forgotten on request, and with the console.
    expect(await ask(background, { type: 'forgetTaught', origin: CONSOLE }, page)).toMatchObject({
      error: { kind: 'forbidden' },
    });
    await ask(background, {
      type: 'teachConsole',
      origin: CONSOLE,
      rows: 'tbody > tr',
      username: ':scope > :nth-child(1)',
    });
    await ask(background, { type: 'removeConsole', origin: CONSOLE });
    expect(await taughtConsoles.getValue()).toEqual([]);
  });
});
