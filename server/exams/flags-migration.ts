import type { Kysely, Migration } from 'kysely';

/** Review flags (issue 17): a candidate marks questions to come back to; kept with the attempt, on the server. */
export const attemptFlagsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('attempt_flags')
      .addColumn('attempt_id', 'varchar(32)', (c) => c.notNull().references('exam_attempts.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('flagged_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('attempt_flags_pk', ['attempt_id', 'position'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('attempt_flags').execute();
  },
};
