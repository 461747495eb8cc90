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

  it('rebuild SQLite’s search index without positions from the rows already there, and back when undone', async () => {
    const name = '2026-12-08-licence-search-rows-only';
    const dataDir = await tempDir();
    const earlier = Object.fromEntries(Object.entries(migrations).filter(([migration]) => migration !== name));
    const before = await openDatabase({ dataDir }, { migrations: earlier });
    if (!before.sqlite) {
      await before.close();
      return; // PostgreSQL keeps its trigram indexes: the migration does nothing there
    }
    before.sqlite
      .prepare(
        `insert into licence_environments (id, name, production, created_at) values ('env1', 'Directory', 1, '2026-12-01')`,
      )
      .run();
    before.sqlite
      .prepare(
        `insert into licence_accounts (source, environment_id, provider, email, email_lc, active, classification, created_at)
         values ('import', 'env1', 'Okta', 'Old.Row@Example.org', 'old.row@example.org', 1, 'external', '2026-12-01')`,
      )
      .run();
    await before.close();

    const database = await openDatabase({ dataDir }, { migrations });
    const sqlite = database.sqlite as NonNullable<typeof database.sqlite>;
    const matches = (query: string) =>
      sqlite.prepare('select rowid from licence_accounts_search where licence_accounts_search match ?').all(query)
        .length;
    const definition = () =>
      (sqlite.prepare(`select sql from sqlite_master where name = 'licence_accounts_search'`).get() as { sql: string })
        .sql;
    const merging = () =>
      sqlite
        .prepare(`select k, v from licence_accounts_search_config where k in ('automerge', 'crisismerge') order by k`)
        .all();
    expect(definition()).toContain("detail='none'");
    expect(matches('"old" AND "row" AND "exa"')).toBe(1);
    expect(merging()).toEqual([
      { k: 'automerge', v: 8 },
      { k: 'crisismerge', v: 64 },
    ]);

    await migrations[name]?.down?.(database.db as never);
    expect(definition()).not.toContain('detail');
    // Positions again: a phrase finds the row.
    expect(matches('"old.row@exa"')).toBe(1);
    expect(merging()).toEqual([
      { k: 'automerge', v: 8 },
      { k: 'crisismerge', v: 64 },
    ]);
    await database.close();
  });
});
