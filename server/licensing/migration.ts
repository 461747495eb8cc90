// The licence portal's tables (schema builder only, like the initial migration).
import { type Kysely, type Migration, sql } from 'kysely';
import { dialectOf } from '../db/dialect.ts';

export const licensingMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const { serialId, byteOrdered } = dialectOf(db);
    await db.schema.alterTable('accounts').addColumn('deactivation_reason', 'varchar(16)').execute();

    await db.schema
      .createTable('licence_environments')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(100)', (c) => c.notNull().unique())
      .addColumn('production', 'integer', (c) => c.notNull())
      .addColumn('internal_domains', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('own', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('retention_days', 'integer')
      .addColumn('unverified_days', 'integer')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('licence_providers')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('environment_id', 'varchar(32)', (c) =>
        c.notNull().references('licence_environments.id').onDelete('cascade'),
      )
      .addColumn('name', 'varchar(100)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addUniqueConstraint('licence_providers_env_name', ['environment_id', 'name'])
      .execute();

    await db.schema
      .createTable('licence_accounts')
      .addColumn('id', 'integer', serialId)
      .addColumn('source', 'varchar(8)', (c) => c.notNull())
      .addColumn('account_id', 'varchar(32)', (c) => c.unique().references('accounts.id').onDelete('cascade'))
      .addColumn('environment_id', 'varchar(32)', (c) =>
        c.notNull().references('licence_environments.id').onDelete('cascade'),
      )
      .addColumn('provider', 'varchar(100)', (c) => c.notNull())
      .addColumn('tenant', 'varchar(100)', (c) => c.notNull().defaultTo(''))
      .addColumn('username', 'varchar(320)', (c) => c.notNull().defaultTo(''))
      .addColumn('email', 'varchar(320)', (c) => c.notNull().defaultTo(''))
      .addColumn('name', 'varchar(200)', (c) => c.notNull().defaultTo(''))
      .addColumn('username_lc', 'varchar(320)', (c) => byteOrdered(c).notNull().defaultTo(''))
      .addColumn('email_lc', 'varchar(320)', (c) => byteOrdered(c).notNull().defaultTo(''))
      .addColumn('name_lc', 'varchar(200)', (c) => byteOrdered(c).notNull().defaultTo(''))
      .addColumn('email_domain', 'varchar(253)')
      .addColumn('username_domain', 'varchar(253)')
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('it_user', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('staff', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('role', 'varchar(16)')
      .addColumn('classification', 'varchar(8)', (c) => c.notNull())
      .addColumn('last_sign_in_at', 'varchar(32)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    // One index per sort key and per filter + default sort, so every list page is an index range scan (keyset).
    const indexes: [string, string[]][] = [
      ['licence_accounts_email_idx', ['email_lc', 'id']],
      ['licence_accounts_username_idx', ['username_lc', 'id']],
      ['licence_accounts_name_idx', ['name_lc', 'id']],
      ['licence_accounts_class_idx', ['classification', 'email_lc', 'id']],
      ['licence_accounts_active_idx', ['active', 'email_lc', 'id']],
      ['licence_accounts_env_idx', ['environment_id', 'provider', 'email_lc', 'id']],
    ];
    for (const [name, columns] of indexes) {
      await db.schema.createIndex(name).on('licence_accounts').columns(columns).execute();
    }

    await db.schema
      .createTable('licence_imports')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('environment_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('provider', 'varchar(100)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('rows', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('processed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('errors', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('actor_email', 'varchar(320)')
      .addColumn('started_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('finished_at', 'varchar(32)')
      .execute();

    await db.schema
      .createTable('licence_settings')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('organisation_domains', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('licence_type', 'varchar(16)')
      .addColumn('starts_on', 'varchar(10)')
      .addColumn('ends_on', 'varchar(10)')
      .addColumn('internal_packs', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('external_packs', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('cancelled_on', 'varchar(10)')
      .execute();

    await db.schema
      .createTable('licence_history')
      .addColumn('day', 'varchar(10)', (c) => c.primaryKey())
      .addColumn('internal', 'integer', (c) => c.notNull())
      .addColumn('external', 'integer', (c) => c.notNull())
      .addColumn('internal_capacity', 'integer')
      .addColumn('external_capacity', 'integer')
      .addColumn('at', 'varchar(32)', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('licence_notifications')
      .addColumn('bucket', 'varchar(16)', (c) => c.primaryKey())
      .addColumn('level', 'varchar(16)', (c) => c.notNull())
      .addColumn('at', 'varchar(32)', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('licence_job_runs')
      .addColumn('job', 'varchar(32)', (c) => c.notNull())
      .addColumn('day', 'varchar(10)', (c) => c.notNull())
      .addColumn('started_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('licence_job_runs_pk', ['job', 'day'])
      .execute();

    // Seatkeeper's own accounts live in one production environment, provider "Seatkeeper".
    const now = new Date().toISOString();
    await sql`insert into licence_environments (id, name, production, internal_domains, own, unverified_days, created_at)
              values ('own', 'Production', 1, '', 1, 7, ${now})`.execute(db);
    await sql`insert into licence_providers (id, environment_id, name, created_at)
              values ('own-seatkeeper', 'own', 'Seatkeeper', ${now})`.execute(db);
    await sql`insert into licence_settings (id) values (1)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    for (const table of [
      'licence_job_runs',
      'licence_notifications',
      'licence_history',
      'licence_settings',
      'licence_imports',
      'licence_accounts',
      'licence_providers',
      'licence_environments',
    ]) {
      await db.schema.dropTable(table).execute();
    }
    await db.schema.alterTable('accounts').dropColumn('deactivation_reason').execute();
  },
};
