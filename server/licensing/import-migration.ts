// Imports of millions of rows (issue 21): every imported row carries the generation of the import that wrote it, and
// each provider names the generation in force, so an import writes its rows in short batches out of sight and the
// switch to them is one row updated. Imports keep their progress, options and preview; a remembered column mapping per
// provider; generations waiting to be deleted.
import { type Kysely, type Migration, sql } from 'kysely';
import { CHANGES_CHANNEL } from '../db/change-feed.ts';
import { dialectOf } from '../db/dialect.ts';

// The directory is announced when a provider switches generation (one notification per switch), no longer per
// statement on licence_accounts: an import's batches are written out of sight and announce nothing.
const SWITCH_TRIGGER = sql.raw(`
drop trigger licence_accounts_deleted on licence_accounts;
drop trigger licence_accounts_inserted on licence_accounts;
drop function seatkeeper_directory_changed();

create function seatkeeper_provider_switched() returns trigger language plpgsql as $$
begin
  perform pg_notify('${CHANGES_CHANNEL}', json_build_object(
    'topic', 'directory', 'environment', new.environment_id, 'provider', new.name)::text);
  return null;
end $$;

create trigger licence_providers_switched after update of generation on licence_providers
  for each row when (old.generation is distinct from new.generation) execute function seatkeeper_provider_switched();
`);

const UNDO_SWITCH_TRIGGER = sql.raw(`
drop trigger licence_providers_switched on licence_providers;
drop function seatkeeper_provider_switched();

create function seatkeeper_directory_changed() returns trigger language plpgsql as $$
declare
  touched record;
begin
  for touched in select distinct environment_id, provider from changed where source = 'import' loop
    perform pg_notify('${CHANGES_CHANNEL}', json_build_object(
      'topic', 'directory', 'environment', touched.environment_id, 'provider', touched.provider)::text);
  end loop;
  return null;
end $$;

create trigger licence_accounts_inserted after insert on licence_accounts referencing new table as changed
  for each statement execute function seatkeeper_directory_changed();
create trigger licence_accounts_deleted after delete on licence_accounts referencing old table as changed
  for each statement execute function seatkeeper_directory_changed();
`);

export const importGenerationsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    // Existing rows and providers are generation 0: in force, as before.
    await db.schema
      .alterTable('licence_accounts')
      .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    // Batches of one generation are read, counted and deleted in id order.
    await db.schema
      .createIndex('licence_accounts_generation_idx')
      .on('licence_accounts')
      .columns(['generation', 'id'])
      .execute();
    await db.schema
      .alterTable('licence_providers')
      .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('licence_providers').addColumn('column_mapping', 'text').execute();
    // Rows are in force by their provider's generation: every provider holding rows gets its row.
    const randomId =
      dialectOf(db).name === 'postgres'
        ? sql`md5(random()::text || clock_timestamp()::text)`
        : sql`lower(hex(randomblob(16)))`;
    await sql`insert into licence_providers (id, environment_id, name, created_at)
      select ${randomId}, environment_id, provider, min(created_at) from licence_accounts a
      where not exists (
        select 1 from licence_providers p where p.environment_id = a.environment_id and p.name = a.provider)
      group by environment_id, provider`.execute(db);
    await db.schema
      .alterTable('licence_settings')
      .addColumn('last_generation', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    for (const [column, type, fallback] of [
      ['generation', 'integer', null],
      ['phase', 'varchar(16)', "''"],
      ['bytes_total', 'bigint', '0'],
      ['bytes_read', 'bigint', '0'],
      ['phase_done', 'bigint', '0'],
      ['phase_total', 'bigint', '0'],
      ['phase_started_at', 'varchar(32)', null],
      ['cancel_requested', 'integer', '0'],
      ['options', 'text', "'{}'"],
      ['preview', 'text', null],
    ] as const) {
      await db.schema
        .alterTable('licence_imports')
        .addColumn(column, sql.raw(type), (c) => (fallback === null ? c : c.notNull().defaultTo(sql.raw(fallback))))
        .execute();
    }
    await db.schema
      .createTable('licence_retired_generations')
      .addColumn('generation', 'integer', (c) => c.notNull())
      // Generation 0 is every provider's first: its rows are told apart by environment and provider ('' = any).
      .addColumn('environment_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('provider', 'varchar(100)', (c) => c.notNull())
      .addColumn('retired_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('licence_retired_generations_pk', ['generation', 'environment_id', 'provider'])
      .execute();
    if (dialectOf(db).name === 'postgres') await SWITCH_TRIGGER.execute(db);
  },
  async down(db: Kysely<unknown>) {
    if (dialectOf(db).name === 'postgres') await UNDO_SWITCH_TRIGGER.execute(db);
    await db.schema.dropTable('licence_retired_generations').execute();
    for (const column of [
      'preview',
      'options',
      'cancel_requested',
      'phase_started_at',
      'phase_total',
      'phase_done',
      'bytes_read',
      'bytes_total',
      'phase',
      'generation',
    ]) {
      await db.schema.alterTable('licence_imports').dropColumn(column).execute();
    }
    await db.schema.alterTable('licence_settings').dropColumn('last_generation').execute();
    await db.schema.alterTable('licence_providers').dropColumn('column_mapping').execute();
    await db.schema.alterTable('licence_providers').dropColumn('generation').execute();
    await db.schema.dropIndex('licence_accounts_generation_idx').execute();
    await db.schema.alterTable('licence_accounts').dropColumn('generation').execute();
  },
};
