// The organisation's time zone (issue 16), beside its other settings: the licence's days are its calendar days.
import type { Kysely, Migration } from 'kysely';

export const organisationTimeZoneMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('licence_settings')
      .addColumn('time_zone', 'varchar(64)', (c) => c.notNull().defaultTo('UTC'))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('licence_settings').dropColumn('time_zone').execute();
  },
};
