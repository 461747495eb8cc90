// Self-hosted installs (issue 20): the server serves the organisation's packed CRX and signed XPI from EXTENSION_DIR,
// and the update manifests Chrome and Firefox poll, written from the packages. The CRX is packed by Chromium itself.
import { execFile } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { call, makeApp, tempDir } from '../support/server.ts';

const run = promisify(execFile);

/** Chrome's rule for an extension's id: the first 16 bytes of the SHA-256 of its public key, written a to p. */
function chromeIdOf(privatePem: string): string {
  const der = createPublicKey(privatePem).export({ type: 'spki', format: 'der' });
  const digest = createHash('sha256').update(der).digest().subarray(0, 16);
  return [...digest].map((b) => String.fromCharCode(97 + (b >> 4), 97 + (b & 15))).join('');
}

async function packedByChromium(dir: string): Promise<{ id: string }> {
  const source = join(dir, 'build');
  await mkdir(source);
  await writeFile(
    join(source, 'manifest.json'),
    JSON.stringify({ manifest_version: 3, name: 'Seatkeeper', version: '1.4.2', description: 'test build' }),
  );
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  await writeFile(join(dir, 'key.pem'), pem);
  await run(process.env.CHROME_PATH ?? '/usr/bin/chromium', [
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    `--user-data-dir=${join(dir, 'profile')}`,
    `--pack-extension=${source}`,
    `--pack-extension-key=${join(dir, 'key.pem')}`,
  ]).catch((error: { stderr?: string }) => {
    if (!(error.stderr ?? '').includes('zygote')) throw error;
  });
  const crx = (await readdir(dir)).find((name) => name.endsWith('.crx'));
  if (!crx) throw new Error('Chromium wrote no CRX');
  await rename(join(dir, crx), join(dir, 'seatkeeper-1.4.2.crx'));
  return { id: chromeIdOf(pem) };
}

describe('self-hosted installs of the extension', () => {
  it('serve the CRX and its update manifest to anyone, with the id Chrome derives from the key', async () => {
    const dir = await tempDir();
    const { id } = await packedByChromium(dir);
    const ctx = await makeApp({ env: { EXTENSION_DIR: dir } });
    const manifest = await call(ctx, 'GET', '/api/v1/extension/updates.xml');
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('content-type')).toContain('xml');
    const xml = await manifest.text();
    expect(xml).toContain(`<app appid='${id}'>`);
    expect(xml).toContain(
      "<updatecheck codebase='http://seatkeeper.test/api/v1/extension/seatkeeper.crx' version='1.4.2' />",
    );
    const crx = await call(ctx, 'GET', '/api/v1/extension/seatkeeper.crx');
    expect(crx.status).toBe(200);
    expect(new TextDecoder().decode(new Uint8Array(await crx.arrayBuffer()).subarray(0, 4))).toBe('Cr24');
  });

  it('serve the XPI and an update manifest naming its add-on id and version', async () => {
    const dir = await tempDir();
    const zip = new JSZip();
    zip.file(
      'manifest.json',
      JSON.stringify({
        manifest_version: 2,
        name: 'Seatkeeper',
        version: '1.4.2',
        browser_specific_settings: { gecko: { id: 'extension@seatkeeper.example' } },
      }),
    );
    await writeFile(join(dir, 'seatkeeper-1.4.2.xpi'), await zip.generateAsync({ type: 'uint8array' }));
    const ctx = await makeApp({ env: { EXTENSION_DIR: dir } });
    const manifest = await call(ctx, 'GET', '/api/v1/extension/updates.json');
    expect(manifest.status).toBe(200);
    expect(await manifest.json()).toEqual({
      addons: {
        'extension@seatkeeper.example': {
          updates: [{ version: '1.4.2', update_link: 'http://seatkeeper.test/api/v1/extension/seatkeeper.xpi' }],
        },
      },
    });
    const xpi = await call(ctx, 'GET', '/api/v1/extension/seatkeeper.xpi');
    expect(xpi.status).toBe(200);
    expect(xpi.headers.get('content-type')).toBe('application/x-xpinstall');
  });

  it('say what to do while nothing is packed', async () => {
    const ctx = await makeApp({ env: { EXTENSION_DIR: await tempDir() } });
    for (const path of ['updates.xml', 'seatkeeper.crx', 'updates.json', 'seatkeeper.xpi']) {
      const response = await call(ctx, 'GET', `/api/v1/extension/${path}`);
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
        'extension-deployment.md',
      );
    }
  });
});
