// `npm test` sets itself up (issue 23, item 14): what the suite needs is installed when it can be (root and apt-get),
// otherwise the run stops at once with the exact command; nothing is done when everything is there.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Found, look, plan } from '../../scripts/test-prerequisites.ts';

const all: Found = { chromium: true, firefox: true, postgres: true, root: false, aptGet: true };

describe('npm test prerequisites', () => {
  it('does nothing when everything is there', () => {
    expect(plan(all)).toEqual({ ok: true });
  });

  it('installs what is missing with apt-get as root', () => {
    expect(plan({ ...all, chromium: false, postgres: false, root: true })).toEqual({
      install: ['chromium', 'postgresql'],
    });
  });

  it('stops with the exact command when it cannot install', () => {
    const stopped = plan({ ...all, firefox: false, postgres: false });
    expect(stopped).toEqual({ stop: expect.stringContaining('Run: sudo apt-get install -y firefox-esr postgresql') });
    const elsewhere = plan({ ...all, chromium: false, aptGet: false, root: true });
    expect(elsewhere).toEqual({
      stop: expect.stringContaining("Run: install chromium with your system's package manager"),
    });
  });

  it('counts a TEST_DATABASE_URL as PostgreSQL, and browsers where CHROME_PATH and FIREFOX_PATH say', () => {
    const found = look({
      TEST_DATABASE_URL: 'postgres://db.example/x',
      CHROME_PATH: '/nowhere/chromium',
      FIREFOX_PATH: process.execPath,
    });
    expect(found).toMatchObject({ postgres: true, chromium: false, firefox: true });
  });

  it('as the pretest script, stops the run before vitest starts when something cannot be installed', () => {
    const script = fileURLToPath(new URL('../../scripts/test-prerequisites.ts', import.meta.url));
    // As a user who is not root, a Chromium that is not there cannot be installed: exit 1 and the command to run.
    const result = spawnSync(process.execPath, ['--import', 'tsx', script], {
      encoding: 'utf8',
      env: { ...process.env, CHROME_PATH: '/nowhere/chromium' },
      // As root (CI), become nobody; anyone else is not root already.
      ...(process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}),
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('npm test needs chromium');
    expect(result.stderr).toContain('Run: sudo apt-get install -y chromium');
  });
});
