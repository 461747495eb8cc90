// The person's language and time zone on their account (issue 16): null until they choose one.
import type { Kysely, Migration } from 'kysely';

export const accountsLanguageMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('accounts').addColumn('locale', 'varchar(16)').execute();
    await db.schema.alterTable('accounts').addColumn('time_zone', 'varchar(64)').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('accounts').dropColumn('time_zone').execute();
    await db.schema.alterTable('accounts').dropColumn('locale').execute();
  },
};
