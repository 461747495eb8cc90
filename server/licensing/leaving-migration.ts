// People who leave (issue 22, rule 26a): when an account was erased, after how many days a closed account is erased,
// and the indexes that find an account's audit entries, closed accounts due for erasure and erased accounts.
import type { Kysely, Migration } from 'kysely';

export const leavingMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('accounts').addColumn('erased_at', 'varchar(32)').execute();
    await db.schema
      .createIndex('accounts_deactivation_idx')
      .on('accounts')
      .columns(['deactivation_reason', 'deactivated_at'])
      .execute();
    await db.schema.createIndex('accounts_erased_idx').on('accounts').column('erased_at').execute();
    await db.schema
      .alterTable('licence_settings')
      .addColumn('erase_closed_after_days', 'integer', (c) => c.notNull().defaultTo(30))
      .execute();
    // Erasure rewrites every entry an account made or received; the person's page lists the latter.
    await db.schema.createIndex('audit_events_target_idx').on('audit_events').column('target_account_id').execute();
    await db.schema.createIndex('audit_events_actor_idx').on('audit_events').column('actor_account_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('audit_events_actor_idx').execute();
    await db.schema.dropIndex('audit_events_target_idx').execute();
    await db.schema.alterTable('licence_settings').dropColumn('erase_closed_after_days').execute();
    await db.schema.dropIndex('accounts_erased_idx').execute();
    await db.schema.dropIndex('accounts_deactivation_idx').execute();
    await db.schema.alterTable('accounts').dropColumn('erased_at').execute();
  },
};
