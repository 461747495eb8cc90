import type { Kysely, Migration } from 'kysely';
import { dialectOf } from '../db/dialect.ts';

// The first migration: accounts and what signing in needs. Written before the areas had folders of their own, it also
// created the audit log (server/audit/) and the outbox (server/mail/); a migration that has run never changes.

export const accountsAndAuthMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const { serialId } = dialectOf(db);
    await db.schema
      .createTable('accounts')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('email', 'varchar(320)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('role', 'varchar(16)', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('password_hash', 'varchar(255)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('deactivated_at', 'varchar(32)')
      .addColumn('email_verified_at', 'varchar(32)')
      .addColumn('last_sign_in_at', 'varchar(32)')
      .execute();
    await db.schema.createIndex('accounts_role_idx').on('accounts').columns(['role', 'active']).execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('account_id', 'varchar(32)', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('last_verified_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_account_idx').on('sessions').column('account_id').execute();

    await db.schema
      .createTable('one_time_tokens')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('purpose', 'varchar(32)', (c) => c.notNull())
      .addColumn('account_id', 'varchar(32)', (c) => c.references('accounts.id').onDelete('cascade'))
      .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('used_at', 'varchar(32)')
      .execute();
    await db.schema
      .createIndex('one_time_tokens_account_idx')
      .on('one_time_tokens')
      .columns(['account_id', 'purpose'])
      .execute();

    await db.schema
      .createTable('access_tokens')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('account_id', 'varchar(32)', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('name', 'varchar(100)', (c) => c.notNull())
      .addColumn('scope', 'varchar(16)', (c) => c.notNull())
      .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('expires_at', 'varchar(32)')
      .addColumn('last_used_at', 'varchar(32)')
      .addColumn('revoked_at', 'varchar(32)')
      .execute();
    await db.schema.createIndex('access_tokens_account_idx').on('access_tokens').column('account_id').execute();

    await db.schema
      .createTable('sign_in_events')
      .addColumn('id', 'integer', serialId)
      .addColumn('account_id', 'varchar(32)', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('at', 'varchar(32)', (c) => c.notNull())
      .addColumn('ip', 'varchar(64)', (c) => c.notNull())
      .addColumn('user_agent', 'varchar(512)')
      .execute();
    await db.schema
      .createIndex('sign_in_events_account_idx')
      .on('sign_in_events')
      .columns(['account_id', 'at'])
      .execute();

    await db.schema
      .createTable('audit_events')
      .addColumn('id', 'integer', serialId)
      .addColumn('at', 'varchar(32)', (c) => c.notNull())
      .addColumn('actor_account_id', 'varchar(32)')
      .addColumn('actor_email', 'varchar(320)')
      .addColumn('action', 'varchar(64)', (c) => c.notNull())
      .addColumn('target_account_id', 'varchar(32)')
      .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('ip', 'varchar(64)', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_events_at_idx').on('audit_events').column('at').execute();

    await db.schema
      .createTable('outbox')
      .addColumn('id', 'integer', serialId)
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('to_address', 'varchar(320)', (c) => c.notNull())
      .addColumn('subject', 'varchar(300)', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('rate_limits')
      .addColumn('key', 'varchar(400)', (c) => c.primaryKey())
      .addColumn('window_started_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('hits', 'integer', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of [
      'rate_limits',
      'outbox',
      'audit_events',
      'sign_in_events',
      'access_tokens',
      'one_time_tokens',
      'sessions',
      'accounts',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
