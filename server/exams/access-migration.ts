import type { Kysely, Migration } from 'kysely';

/** Who may sit an exam (issue 17): its rule and window, the invited addresses, and who entered its access code. */
export const examAccessMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('exam_access')
      .addColumn('exam_id', 'varchar(32)', (c) => c.primaryKey().references('exams.id').onDelete('cascade'))
      .addColumn('rule', 'varchar(16)', (c) => c.notNull())
      .addColumn('access_code', 'varchar(64)', (c) => c.unique())
      .addColumn('domains', 'text', (c) => c.notNull())
      .addColumn('opens_at', 'varchar(32)')
      .addColumn('closes_at', 'varchar(32)')
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('exam_invitations')
      .addColumn('exam_id', 'varchar(32)', (c) => c.notNull().references('exams.id').onDelete('cascade'))
      .addColumn('email', 'varchar(320)', (c) => c.notNull())
      .addColumn('invited_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('exam_invitations_pk', ['exam_id', 'email'])
      .execute();
    await db.schema
      .createTable('exam_access_grants')
      .addColumn('exam_id', 'varchar(32)', (c) => c.notNull().references('exams.id').onDelete('cascade'))
      .addColumn('account_id', 'varchar(32)', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('granted_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('exam_access_grants_pk', ['exam_id', 'account_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('exam_access_grants').execute();
    await db.schema.dropTable('exam_invitations').execute();
    await db.schema.dropTable('exam_access').execute();
  },
};
