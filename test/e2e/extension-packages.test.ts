import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webExt from 'web-ext';
import { ROOT } from './server-process.ts';

// The packages IT installs: the Chrome Web Store zip (no Firefox keys in its manifest, the four icon sizes) and the
// Firefox build for addons.mozilla.org, which Mozilla's own linter (web-ext lint) must pass without an error. Built by
// `wxt zip` as `npm run build:ext` builds them, into a directory of this test's own.

const out = mkdtempSync(join(tmpdir(), 'seatkeeper-packages-'));
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

function wxt(...args: string[]): void {
  const result = spawnSync(join(ROOT, 'node_modules/.bin/wxt'), args, {
    cwd: ROOT,
    env: { ...process.env, SEATKEEPER_OUT_DIR: out },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`wxt ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
}

/** Width and height from a PNG's IHDR chunk (bytes 16 to 24), after checking the PNG signature. */
function pngSize(bytes: Uint8Array): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect([...bytes.slice(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  return [view.getUint32(16), view.getUint32(20)];
}

beforeAll(() => {
  wxt('zip');
  wxt('zip', '-b', 'firefox');
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the packages IT installs', () => {
  it('Chrome: a store zip with the manifest at its root, icons at 16, 32, 48 and 128, no Firefox keys', async () => {
    const zip = await JSZip.loadAsync(readFileSync(join(out, `seatkeeper-${version}-chrome.zip`)));
    const manifest = JSON.parse(await (zip.file('manifest.json')?.async('string') ?? '{}'));
    expect(manifest.manifest_version).toBe(3);
    expect(manifest.browser_specific_settings).toBeUndefined();
    expect(manifest.host_permissions).toBeUndefined(); // nothing granted at install
    expect(Object.keys(manifest.icons)).toEqual(['16', '32', '48', '128']);
    for (const [size, path] of Object.entries(manifest.icons as Record<string, string>)) {
      const png = await zip.file(path)?.async('uint8array');
      expect(png, path).toBeDefined();
      expect(pngSize(png as Uint8Array)).toEqual([Number(size), Number(size)]);
    }
  });

  it('Firefox: an add-on id, its data collection declared, and no error from web-ext lint', async () => {
    const manifest = JSON.parse(readFileSync(join(out, 'firefox-mv2/manifest.json'), 'utf8'));
    expect(manifest.browser_specific_settings.gecko).toMatchObject({
      id: 'extension@seatkeeper.invalid',
      data_collection_permissions: { required: ['personallyIdentifyingInfo', 'websiteContent'] },
    });
    expect(manifest.browser_specific_settings.gecko.update_url).toBeUndefined(); // addons.mozilla.org updates it
    const report = await webExt.cmd.lint(
      { sourceDir: join(out, 'firefox-mv2'), output: 'none', selfHosted: false, warningsAsErrors: false },
      { shouldExitProgram: false },
    );
    expect(report.errors.map((error) => `${error.code}: ${error.message}`)).toEqual([]);
    // What is left are two warnings about bundled libraries, explained in docs/extension-deployment.md.
    expect(report.warnings.map((warning) => warning.code).sort()).toEqual(['DANGEROUS_EVAL', 'UNSAFE_VAR_ASSIGNMENT']);
  }, 60_000);
});
