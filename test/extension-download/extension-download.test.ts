import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, createAccount, makeApp, sessionCookieFor, tempDir, tokenFor } from '../support/server.ts';

// The portal offers the browser extension's Chrome zip to staff, from EXTENSION_DIR (where npm run build:ext puts it).

async function appWithExtensionDir() {
  const dir = join(await tempDir(), 'output');
  await mkdir(dir);
  const ctx = await makeApp({ env: { EXTENSION_DIR: dir } });
  const support = await createAccount(ctx, 'support');
  return { ctx, dir, cookie: await sessionCookieFor(ctx, support), token: await tokenFor(ctx, support, 'read') };
}

describe('the browser extension download', () => {
  it('says how to build the extension while there is no zip', async () => {
    const { ctx, cookie } = await appWithExtensionDir();
    const page = await call(ctx, 'GET', '/portal/extension', { cookie });
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('has not been built on this server yet');
    expect(text).toContain('npm run build:ext');
    expect(text).not.toContain('id="extension-download"');
    const zip = await call(ctx, 'GET', '/api/v1/extension/chrome.zip', { cookie });
    expect(zip.status).toBe(404);
    const body = (await zip.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('not_built');
    expect(body.error.message).toContain('npm run build:ext');
  });

  it('offers the newest Chrome zip with install steps, and serves its bytes to staff', async () => {
    const { ctx, dir, cookie, token } = await appWithExtensionDir();
    const older = join(dir, 'seatkeeper-0.0.9-chrome.zip');
    await writeFile(older, 'PK old');
    await utimes(older, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
    await writeFile(join(dir, 'seatkeeper-0.1.0-chrome.zip'), 'PK\u0003\u0004 the extension');
    await writeFile(join(dir, 'seatkeeper-0.1.0-firefox.zip'), 'PK firefox');

    const text = await (await call(ctx, 'GET', '/portal/extension', { cookie })).text();
    expect(text).toContain('href="/api/v1/extension/chrome.zip"');
    expect(text).toContain('seatkeeper-0.1.0-chrome.zip');
    expect(text).toContain('Load unpacked');
    expect(text).toContain(ctx.config.publicUrl);

    for (const credentials of [{ cookie }, { token }]) {
      const zip = await call(ctx, 'GET', '/api/v1/extension/chrome.zip', credentials);
      expect(zip.status).toBe(200);
      expect(zip.headers.get('content-type')).toBe('application/zip');
      expect(zip.headers.get('content-disposition')).toBe('attachment; filename="seatkeeper-0.1.0-chrome.zip"');
      expect(await zip.text()).toBe('PK\u0003\u0004 the extension');
    }
  });

  it('is for staff only', async () => {
    const { ctx } = await appWithExtensionDir();
    const candidate = await sessionCookieFor(ctx, await createAccount(ctx, 'candidate'));
    expect((await call(ctx, 'GET', '/portal/extension', { cookie: candidate })).status).toBe(403);
    expect((await call(ctx, 'GET', '/api/v1/extension/chrome.zip', { cookie: candidate })).status).toBe(403);
    const anonymous = await call(ctx, 'GET', '/portal/extension');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/sign-in?next=%2Fportal%2Fextension');
    expect((await call(ctx, 'GET', '/api/v1/extension/chrome.zip')).status).toBe(401);
  });
});
