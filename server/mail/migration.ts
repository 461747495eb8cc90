import type { Kysely, Migration } from 'kysely';

// The outbox becomes the queue every mail goes through: delivered by a sender with retries, its failures visible.
// Mail already in the outbox was kept because no SMTP server was configured: it stays `held`.

export const mailQueueMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('outbox')
      .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('held'))
      .execute();
    await db.schema
      .alterTable('outbox')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    for (const column of ['next_attempt_at', 'sent_at', 'claimed_until']) {
      await db.schema.alterTable('outbox').addColumn(column, 'varchar(32)').execute();
    }
    await db.schema.alterTable('outbox').addColumn('last_error', 'varchar(500)').execute();
    await db.schema.alterTable('outbox').addColumn('claimed_by', 'varchar(64)').execute();
    await db.schema.createIndex('outbox_due_idx').on('outbox').columns(['status', 'next_attempt_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('outbox_due_idx').execute();
    for (const column of [
      'claimed_by',
      'last_error',
      'claimed_until',
      'sent_at',
      'next_attempt_at',
      'attempts',
      'status',
    ]) {
      await db.schema.alterTable('outbox').dropColumn(column).execute();
    }
  },
};
