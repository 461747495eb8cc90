// The last hygiene run's counts by kind (issue 18), so the overview can show them without counting every account.
import type { Kysely, Migration } from 'kysely';

export const hygieneSummaryMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('licence_settings').addColumn('hygiene_computed_at', 'varchar(40)').execute();
    await db.schema.alterTable('licence_settings').addColumn('hygiene_counts', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('licence_settings').dropColumn('hygiene_counts').execute();
    await db.schema.alterTable('licence_settings').dropColumn('hygiene_computed_at').execute();
  },
};
