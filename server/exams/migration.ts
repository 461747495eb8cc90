import type { Kysely, Migration } from 'kysely';
import { dialectOf } from '../db/dialect.ts';

/** Exams, question bank, attempts, answers, accommodations, certificates (schema builder only, portable). */
export const examsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const { floatType } = dialectOf(db);
    await db.schema
      .createTable('exams')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('title', 'varchar(200)', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('time_limit_minutes', 'integer', (c) => c.notNull())
      .addColumn('pass_mark', 'integer', (c) => c.notNull())
      .addColumn('attempts_allowed', 'integer')
      .addColumn('cooldown_minutes', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('validity_months', 'integer')
      .addColumn('review_policy', 'varchar(32)', (c) => c.notNull())
      .addColumn('review_after', 'varchar(32)')
      .addColumn('question_count', 'integer', (c) => c.notNull())
      .addColumn('draw_tag', 'varchar(64)')
      .addColumn('shuffle_questions', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('shuffle_options', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('published', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('exam_questions')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('exam_id', 'varchar(32)', (c) => c.notNull().references('exams.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('exam_questions_exam_idx')
      .on('exam_questions')
      .columns(['exam_id', 'position'])
      .execute();
    await db.schema
      .createTable('exam_attempts')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('exam_id', 'varchar(32)', (c) => c.notNull().references('exams.id'))
      .addColumn('account_id', 'varchar(32)', (c) => c.notNull().references('accounts.id'))
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('started_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('deadline_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('extra_seconds', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('finished_at', 'varchar(32)')
      .addColumn('questions', 'text', (c) => c.notNull())
      .addColumn('question_total', 'integer', (c) => c.notNull())
      .addColumn('score_points', floatType)
      .addColumn('max_points', floatType)
      .addColumn('score_percent', floatType)
      .addColumn('passed', 'integer')
      .execute();
    await db.schema
      .createIndex('exam_attempts_account_idx')
      .on('exam_attempts')
      .columns(['account_id', 'exam_id', 'started_at'])
      .execute();
    await db.schema
      .createIndex('exam_attempts_open_idx')
      .on('exam_attempts')
      .columns(['status', 'deadline_at'])
      .execute();
    await db.schema
      .createTable('attempt_answers')
      .addColumn('attempt_id', 'varchar(32)', (c) => c.notNull().references('exam_attempts.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('answer', 'text', (c) => c.notNull())
      .addColumn('saved_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('attempt_answers_pk', ['attempt_id', 'position'])
      .execute();
    await db.schema
      .createTable('exam_accommodations')
      .addColumn('exam_id', 'varchar(32)', (c) => c.notNull().references('exams.id').onDelete('cascade'))
      .addColumn('account_id', 'varchar(32)', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('extra_minutes', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('exam_accommodations_pk', ['exam_id', 'account_id'])
      .execute();
    await db.schema
      .createTable('certificates')
      .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
      .addColumn('attempt_id', 'varchar(32)', (c) => c.notNull().references('exam_attempts.id'))
      .addColumn('account_id', 'varchar(32)', (c) => c.notNull().references('accounts.id'))
      .addColumn('exam_id', 'varchar(32)', (c) => c.notNull().references('exams.id'))
      .addColumn('holder_name', 'varchar(200)', (c) => c.notNull())
      .addColumn('exam_title', 'varchar(200)', (c) => c.notNull())
      .addColumn('score_percent', floatType, (c) => c.notNull())
      .addColumn('issued_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('expires_at', 'varchar(32)')
      .addColumn('revoked_at', 'varchar(32)')
      .addColumn('revoked_reason', 'varchar(500)')
      .addColumn('replaced_by', 'varchar(40)')
      .execute();
    await db.schema.createIndex('certificates_attempt_idx').on('certificates').column('attempt_id').execute();
    await db.schema.createIndex('certificates_account_idx').on('certificates').column('account_id').execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of [
      'certificates',
      'exam_accommodations',
      'attempt_answers',
      'exam_attempts',
      'exam_questions',
      'exams',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};

/** Draw rules (issue 17): several tag -> count rules instead of one tag; an exam's old tag becomes its one rule. */
export const examDrawRulesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('exams')
      .addColumn('draw_rules', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    const tagged = await (db as Kysely<{ exams: { id: string; draw_tag: string | null; question_count: number } }>)
      .selectFrom('exams')
      .select(['id', 'draw_tag', 'question_count'])
      .where('draw_tag', 'is not', null)
      .execute();
    for (const exam of tagged)
      await (db as Kysely<{ exams: { id: string; draw_rules: string } }>)
        .updateTable('exams')
        .set({ draw_rules: JSON.stringify([{ tag: exam.draw_tag, count: exam.question_count }]) })
        .where('id', '=', exam.id)
        .execute();
    await db.schema.alterTable('exams').dropColumn('draw_tag').execute();
  },
};
