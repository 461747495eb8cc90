// Several instances on one PostgreSQL database: the notifications that keep each instance's live licence figures
// current (server/db/change-feed.ts), and the table of the credential signing key every instance signs with (owned by
// server/certificates/, created here because both arrived with several instances).
import { type Kysely, type Migration, sql } from 'kysely';
import { CHANGES_CHANNEL } from '../db/change-feed.ts';
import { dialectOf } from '../db/dialect.ts';

// Triggers rather than calls in the services: every writer (any instance, the CLI, a script) announces its change,
// in the same transaction, so the announcement goes out exactly when the change commits and never when it rolls back.
const NOTIFY_FUNCTIONS = sql.raw(`
create function seatkeeper_account_changed() returns trigger language plpgsql as $$
declare
  changed_id text;
begin
  if tg_op = 'DELETE' then changed_id := old.id; else changed_id := new.id; end if;
  perform pg_notify('${CHANGES_CHANNEL}', json_build_object('topic', 'account', 'id', changed_id)::text);
  return null;
end $$;

create function seatkeeper_environments_changed() returns trigger language plpgsql as $$
begin
  perform pg_notify('${CHANGES_CHANNEL}', json_build_object('topic', 'environments')::text);
  return null;
end $$;

-- One notification per (environment, provider) whose imported accounts a statement added or removed, not per row:
-- an import writes a hundred thousand rows.
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

create trigger accounts_changed after insert or delete or update of email, role, active on accounts
  for each row execute function seatkeeper_account_changed();
create trigger licence_environments_changed after insert or update or delete on licence_environments
  for each statement execute function seatkeeper_environments_changed();
create trigger licence_accounts_inserted after insert on licence_accounts referencing new table as changed
  for each statement execute function seatkeeper_directory_changed();
create trigger licence_accounts_deleted after delete on licence_accounts referencing old table as changed
  for each statement execute function seatkeeper_directory_changed();
`);

const DROP_NOTIFY_FUNCTIONS = sql.raw(`
drop trigger licence_accounts_deleted on licence_accounts;
drop trigger licence_accounts_inserted on licence_accounts;
drop trigger licence_environments_changed on licence_environments;
drop trigger accounts_changed on accounts;
drop function seatkeeper_directory_changed();
drop function seatkeeper_environments_changed();
drop function seatkeeper_account_changed();
`);

export const sharedStateMigration: Migration = {
  async up(db: Kysely<unknown>) {
    // Used on PostgreSQL; SQLite (one machine) keeps its key in DATA_DIR (server/certificates/service.ts).
    await db.schema
      .createTable('credential_signing_keys')
      .addColumn('name', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('private_jwk', 'text', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    // SQLite has a single process writing: it keeps its figures current from its own changes.
    if (dialectOf(db).name === 'postgres') await NOTIFY_FUNCTIONS.execute(db);
  },
  async down(db: Kysely<unknown>) {
    if (dialectOf(db).name === 'postgres') await DROP_NOTIFY_FUNCTIONS.execute(db);
    await db.schema.dropTable('credential_signing_keys').execute();
  },
};
