import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/** Exam versions: every exam belongs to a series (the exam and its later versions) and carries its number in it;
 * a version once published is frozen. */
export const examVersionsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('exams').addColumn('series_id', 'varchar(32)').execute();
    await db.schema
      .alterTable('exams')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    // Set when a version is first published: from then on it never changes (attempts and certificates point at it).
    await db.schema.alterTable('exams').addColumn('frozen_at', 'varchar(32)').execute();
    await sql`UPDATE exams SET series_id = id`.execute(db);
    await sql`UPDATE exams SET frozen_at = updated_at WHERE published = 1 OR id IN (SELECT exam_id FROM exam_attempts)`.execute(
      db,
    );
    await db.schema.createIndex('exams_series').on('exams').columns(['series_id', 'version']).execute();
  },
};
