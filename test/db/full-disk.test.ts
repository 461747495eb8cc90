// A full disk (issue 23, item 10): with DATA_DIR on a small tmpfs filled to the last byte, every write answers 503
// with a message that says nothing was saved, pages that only read keep working, /healthz fails, the log names
// SQLITE_FULL once (not "cannot rollback"), and everything works again once there is room. Needs root to mount the
// tmpfs (CI runs as root).
import { spawnSync } from 'node:child_process';
import { mkdtemp, open, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { call, createAccount, makeApp, STRONG_PASSWORD, sessionCookieFor } from '../support/server.ts';

const mounted: string[] = [];
afterEach(async () => {
  for (const dir of mounted.splice(0)) {
    spawnSync('umount', ['-l', dir]);
    await rmdir(dir).catch(() => {});
  }
});

/** A directory on a tmpfs of `megabytes`, unmounted after the test. */
async function smallDisk(megabytes: number): Promise<string> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'This test mounts a small tmpfs and must run as root (CI does): sudo npx vitest run test/db/full-disk.test.ts',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'seatkeeper-small-disk-'));
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`mount failed: ${result.stderr}`);
  mounted.push(dir);
  return dir;
}

/** Writes a file until the disk refuses another byte; returns a function that frees the space again. */
async function fillDisk(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'filler');
  const file = await open(path, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) await file.write(chunk);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOSPC') throw error;
  }
  for (let size = 2048; size >= 1; size = Math.floor(size / 2)) {
    try {
      for (;;) await file.write(chunk.subarray(0, size));
    } catch {
      // this size no longer fits: try a smaller one
    }
  }
  await file.close();
  return () => rm(path);
}

describe('a full disk', () => {
  it('refuses writes with 503, keeps reading, fails /healthz, logs SQLITE_FULL once, and recovers', async () => {
    const disk = await smallDisk(8);
    const lines: string[] = [];
    const ctx = await makeApp({ dialect: 'sqlite', env: { DATA_DIR: disk }, log: (line) => lines.push(line) });
    const admin = await createAccount(ctx, 'admin');
    const adminCookie = await sessionCookieFor(ctx, admin);
    const candidate = await createAccount(ctx, 'candidate');
    const cookie = await sessionCookieFor(ctx, candidate);
    const accountsBefore = await ctx.deps.db.selectFrom('accounts').select('id').execute();
    expect((await call(ctx, 'GET', '/healthz')).status).toBe(200);

    // The write-ahead log starts empty, so the next commit has to grow a file, as on a disk that filled up.
    ctx.database.sqlite?.pragma('wal_checkpoint(TRUNCATE)');
    const freeSpace = await fillDisk(disk);
    // Sessions fall due for their refresh (a write): reading must not depend on it.
    ctx.advance(120);

    const registration = await call(ctx, 'POST', '/api/v1/registrations', {
      json: { name: 'Late Comer', email: 'late@example.com', password: STRONG_PASSWORD },
    });
    expect(registration.status).toBe(503);
    expect(registration.headers.get('retry-after')).toBe('60');
    expect(await registration.json()).toEqual({
      error: {
        code: 'storage_full',
        message: 'Nothing was saved: the server’s disk is full. Try again later; pages that only read still work.',
      },
    });
    const form = await call(ctx, 'POST', '/portal/new-account', {
      cookie: adminCookie,
      form: { name: 'New Person', email: 'new.person@example.com', role: 'support' },
    });
    expect(form.status).toBe(503);
    expect(await form.text()).toContain('The server’s disk is full, so nothing you sent was saved.');

    for (const [path, who] of [
      ['/api/v1/me', cookie],
      ['/my', cookie],
      ['/api/v1/me', adminCookie],
      ['/portal/users', adminCookie],
      [`/portal/users/${candidate.id}`, adminCookie],
      ['/api/v1/users', adminCookie],
    ] as const) {
      expect((await call(ctx, 'GET', path, { cookie: who })).status, path).toBe(200);
    }
    const health = await call(ctx, 'GET', '/healthz');
    expect(health.status).toBe(503);
    expect(((await health.json()) as { error: { code: string } }).error.code).toBe('storage_full');

    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const outage = logged.filter((line) => line.message === 'database cannot be written');
    expect(outage).toHaveLength(1);
    expect(String(outage[0]?.error)).toMatch(/^SQLITE_FULL/);
    expect(lines.join('\n')).not.toContain('cannot rollback');
    expect(logged.filter((line) => line.message === 'unhandled error')).toEqual([]);

    // Room again: the instance notices by itself, says how long it lasted, and takes writes.
    await freeSpace();
    const back = await new Promise<Record<string, unknown>>((resolve) => {
      const poll = () => {
        const found = lines.map((line) => JSON.parse(line)).find((line) => line.message === 'database available again');
        if (found) resolve(found);
        else setTimeout(poll, 50);
      };
      poll();
    });
    expect(back).toMatchObject({ kind: 'storage_full', failedRequests: expect.any(Number) });
    expect((await call(ctx, 'GET', '/healthz')).status).toBe(200);
    const retried = await call(ctx, 'POST', '/api/v1/registrations', {
      json: { name: 'Late Comer', email: 'late@example.com', password: STRONG_PASSWORD },
    });
    expect(retried.status).toBe(202);

    // Nothing half-written: the refused writes left no trace, the one retried is there once, the file is sound.
    const accountsAfter = await ctx.deps.db.selectFrom('accounts').select('email').execute();
    expect(accountsAfter).toHaveLength(accountsBefore.length + 1);
    expect(accountsAfter.map((row) => row.email)).not.toContain('new.person@example.com');
    expect(ctx.database.sqlite?.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
