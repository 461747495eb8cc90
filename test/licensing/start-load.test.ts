// The live figures' first load of a large SQLite directory, read by a worker thread (server/licensing/row-reader.ts):
// the same figures as the engine's full count of the same rows, every row held once, and a restart gives them again.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/database.ts';
import { loadImportedRows, WORKER_LOAD_ROWS } from '../../server/licensing/row-reader.ts';
import { createLogger } from '../../server/logger.ts';
import { migrations } from '../../server/migrations.ts';
import { LiveLicenceCount } from '../../shared/licensing/live.ts';
import { seedSqlite } from '../bench/seed-installation.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function started(dir: string) {
  const database = await openDatabase({ dataDir: dir }, { migrations });
  const config = loadConfig({ DATA_DIR: dir, PUBLIC_URL: 'http://seatkeeper.test', LOG_LEVEL: 'silent' });
  const { licensing } = createApp({
    config,
    database,
    bulkReads: true,
    mailer: { send: async () => {}, nudge: () => {} },
    logger: createLogger('silent'),
  });
  await licensing.licensing.ready();
  return { database, state: licensing.licensing };
}

describe('loading the live figures at start', () => {
  it('reads a large directory through the row reader and agrees with a full count, before and after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seatkeeper-start-load-'));
    dirs.push(dir);
    const first = await openDatabase({ dataDir: dir }, { migrations });
    await first.close();
    // Past the threshold, so the start reads through the worker thread.
    const accounts = WORKER_LOAD_ROWS + 10_000;
    seedSqlite(join(dir, 'seatkeeper.sqlite'), accounts);

    const { database, state } = await started(dir);
    const held = database.sqlite
      ?.prepare(
        `select count(*) from licence_accounts a join licence_providers p
           on p.environment_id = a.environment_id and p.name = a.provider and a.generation = p.generation
         where a.source = 'import'`,
      )
      .pluck()
      .get() as number;
    const own = database.sqlite
      ?.prepare('select count(*) from accounts where erased_at is null')
      .pluck()
      .get() as number;
    expect(held).toBeGreaterThanOrEqual(WORKER_LOAD_ROWS);
    expect(state.live.size).toBe(held + own);
    expect(state.lastLoad).toMatchObject({ accounts: held + own, via: 'worker thread' });
    const live = state.live.totals();
    expect(live.internal + live.external).toBeGreaterThan(0);
    // The recount reads every row again on its own connection and counts them with the engine (count.ts).
    const recount = await state.recount();
    expect(recount.differences).toEqual([]);
    expect(recount.agrees).toBe(true);
    await database.close();

    const again = await started(dir);
    expect(again.state.live.totals()).toEqual(live);
    await again.database.close();
  });

  it('fails with the reason, rather than waiting for ever, when the thread cannot read (start-up then reads itself)', async () => {
    const missing = join(tmpdir(), 'seatkeeper-no-such-dir', 'seatkeeper.sqlite');
    await expect(loadImportedRows(missing, new LiveLicenceCount([]), new Map())).rejects.toThrow(/open/i);
  });
});
