// `seatkeeper db backup --to FILE` (issue 23, item 12): a consistent copy taken while the server runs and writes, which
// a server started on it serves from. SQLite only (unit-areas project).
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { main } from '../../server/cli/main.ts';
import { ADMIN, createAdmin, makeDataDir, signIn, startServer } from '../e2e/server-process.ts';
import { runCommand } from '../support/run-command.ts';

const emailsIn = (file: string) => {
  const db = new SQLite(file, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    return (db.prepare('select email from accounts').all() as { email: string }[]).map((row) => row.email);
  } finally {
    db.close();
  }
};

describe('seatkeeper db backup', () => {
  it('copies the database while the server writes, and a server started on the copy serves it', async () => {
    const data = await makeDataDir();
    const restored = await mkdtemp(join(tmpdir(), 'seatkeeper-restored-'));
    try {
      createAdmin(data);
      const server = await startServer(data);
      // Registrations keep arriving while the backup is taken.
      let writing = true;
      let registered = 0;
      const writer = (async () => {
        for (let n = 0; writing; n++) {
          const response = await fetch(`${server.url}/api/v1/registrations`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', origin: server.url },
            body: JSON.stringify({ name: 'Busy', email: `busy${n}@example.com`, password: 'a long enough passphrase' }),
          });
          if (response.status === 202) registered++;
          if (response.status === 429) break;
        }
      })();
      while (registered < 3) await new Promise((resolve) => setTimeout(resolve, 10));

      const file = join(data.dir, 'backup.sqlite');
      const backup = await runCommand(main, ['db', 'backup', '--to', file], { env: { DATA_DIR: data.dir } });
      writing = false;
      await writer;
      expect(backup.code, backup.err).toBe(0);
      expect(backup.out).toMatch(/integrity checked/);

      // The copy is one moment of the live database: everything in it is in the live one, which went on growing.
      const copied = emailsIn(file);
      expect(copied).toContain(ADMIN.email);
      await server.stop();
      const live = emailsIn(join(data.dir, 'seatkeeper.sqlite'));
      expect(live).toEqual(expect.arrayContaining(copied));

      // Restore: the file becomes another installation's database (with the signing key), and it serves.
      await copyFile(file, join(restored, 'seatkeeper.sqlite'));
      await copyFile(join(data.dir, 'credential-signing-key.json'), join(restored, 'credential-signing-key.json'));
      const again = await startServer({ ...data, dir: restored, env: { DATA_DIR: restored } });
      try {
        expect(await signIn(again.url, ADMIN.email, ADMIN.password)).toMatch(/^seatkeeper_session=/);
      } finally {
        await again.stop();
      }
    } finally {
      await data.remove();
      await rm(restored, { recursive: true, force: true });
    }
  });

  it('refuses without --to, and on PostgreSQL points at pg_dump, leaving nothing behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seatkeeper-backup-'));
    try {
      const missing = await runCommand(main, ['db', 'backup'], { env: { DATA_DIR: dir } });
      expect(missing).toMatchObject({ code: 2, out: '' });
      expect(missing.err).toContain('--to is required');
      const postgres = await runCommand(main, ['db', 'backup', '--to', join(dir, 'x')], {
        env: { DATA_DIR: dir, DATABASE_URL: 'postgres://db.example/seatkeeper' },
      });
      expect(postgres.code).toBe(2);
      expect(postgres.err).toContain('pg_dump --format=custom --file=FILE "$DATABASE_URL"');
      const empty = await runCommand(main, ['db', 'backup', '--to', join(dir, 'x')], { env: { DATA_DIR: dir } });
      expect(empty.err).toContain(`no SQLite database at ${dir}/seatkeeper.sqlite`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
