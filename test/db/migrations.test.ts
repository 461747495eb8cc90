// Migrations merged from branches in any order: one whose name sorts before a migration the database already ran
// still runs when the server starts on that database.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.ts';
import { migrations } from '../../server/migrations.ts';
import { tempDir } from '../support/server.ts';

describe('migrations', () => {
  it('run one added later whose name sorts before those a database already ran', async () => {
    const names = Object.keys(migrations).sort();
    // The earliest migration that creates nothing another one needs: the organisation's time zone setting.
    const late = names.find((name) => name.endsWith('-organisation-time-zone')) as string;
    expect(names.indexOf(late)).toBeLessThan(names.length - 1);
    const dataDir = await tempDir();
    const without = Object.fromEntries(Object.entries(migrations).filter(([name]) => name !== late));
    await (await openDatabase({ dataDir }, { migrations: without })).close();

    const database = await openDatabase({ dataDir }, { migrations });
    const ran = await database.db
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .execute();
    await database.close();
    expect((ran as { name: string }[]).map((row) => row.name).sort()).toEqual(names);
  });

  it('set SQLite’s search index to merge a little at a time, and back to its defaults when undone', async () => {
    const dataDir = await tempDir();
    const database = await openDatabase({ dataDir }, { migrations });
    const settings = () =>
      database.sqlite
        ?.prepare(`select k, v from licence_accounts_search_config where k in ('automerge', 'crisismerge') order by k`)
        .all();
    expect(settings()).toEqual([
      { k: 'automerge', v: 8 },
      { k: 'crisismerge', v: 64 },
    ]);
    await migrations['2026-12-07-licence-search-merging']?.down?.(database.db as never);
    expect(settings()).toEqual([
      { k: 'automerge', v: 4 },
      { k: 'crisismerge', v: 16 },
    ]);
    await database.close();
  });
});
