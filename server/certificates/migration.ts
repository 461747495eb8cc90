import type { Kysely, Migration } from 'kysely';

/**
 * The organisation that issues the credentials (one row), and each certificate's position in the revocation status
 * list (given on first use, so certificates issued before this migration get one too).
 */
export const certificatesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('organisation_profile')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('url', 'varchar(500)')
      .addColumn('email', 'varchar(254)')
      .addColumn('logo_base64', 'text')
      .addColumn('logo_type', 'varchar(16)')
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema.alterTable('certificates').addColumn('status_index', 'integer').execute();
    await db.schema
      .createIndex('certificates_status_index_idx')
      .on('certificates')
      .column('status_index')
      .unique()
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('certificates_status_index_idx').execute();
    await db.schema.alterTable('certificates').dropColumn('status_index').execute();
    await db.schema.dropTable('organisation_profile').execute();
  },
};
