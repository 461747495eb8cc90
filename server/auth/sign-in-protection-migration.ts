import type { Kysely, Migration } from 'kysely';

// Throttles that delay rather than block (rate_limits.blocked_until), and the browsers known to have signed in to an
// account (known_devices), which attacks on the account or the address do not hold back.

export const signInProtectionMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('rate_limits').addColumn('blocked_until', 'varchar(32)').execute();
    await db.schema
      .createTable('known_devices')
      .addColumn('device_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('account_id', 'varchar(32)', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('last_sign_in_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('known_devices_pk', ['device_id', 'account_id'])
      .execute();
    await db.schema.createIndex('known_devices_account_idx').on('known_devices').column('account_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('known_devices').execute();
    await db.schema.alterTable('rate_limits').dropColumn('blocked_until').execute();
  },
};
