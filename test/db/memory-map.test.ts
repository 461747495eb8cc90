// A read past the SQLite file's memory map (server/db/memory-map.ts, withoutMemoryMap): pages read through the map stay in
// the process's resident memory as long as the map holds them, so the start's count of every account (a scan of a
// whole index) kept 124 MB of a 5M-account file there. Linux's /proc tells the file pages a process holds (RssFile).
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database as SQLiteDatabase } from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.ts';
import { withoutMemoryMap } from '../../server/db/memory-map.ts';

const dirs: string[] = [];
const closing: (() => unknown)[] = [];
afterAll(async () => {
  for (const close of closing) await close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** File pages this process holds in memory, in MB. */
const fileMb = () => Number(/^RssFile:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;

describe('a read past the memory map', () => {
  it.runIf(process.platform === 'linux')(
    "leaves none of the file's pages in the process's memory, and the map in place after",
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'seatkeeper-memory-map-'));
      dirs.push(dir);
      const opened = await openDatabase({ dataDir: dir }, { migrations: {} });
      closing.push(() => opened.close());
      const sqlite = opened.sqlite as SQLiteDatabase;
      // About 40 MB of rows, in a file of their own (this connection's map is 256 MB).
      sqlite.exec('create table filler (id integer primary key, pad text)');
      const insert = sqlite.prepare('insert into filler (pad) values (?)');
      sqlite.transaction(() => {
        for (let i = 0; i < 40_000; i++) insert.run('x'.repeat(1_000));
      })();
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
      const scan = () => sqlite.prepare("select count(*) from filler where pad like '%y%'").pluck().get();

      const before = fileMb();
      expect(withoutMemoryMap(sqlite, scan)).toBe(0);
      const afterUnmapped = fileMb();
      expect(sqlite.pragma('mmap_size', { simple: true })).toBe(268_435_456);
      expect(scan()).toBe(0);
      const afterMapped = fileMb();
      // Past the map: a few MB at most (SQLite's own cache is not file pages); through it, the file's pages.
      expect(afterUnmapped - before).toBeLessThan(8);
      expect(afterMapped - afterUnmapped).toBeGreaterThan(30);
    },
  );
});
