// Each instance writes a row here when it checks that its database can be written (GET /healthz, and while an outage
// lasts): a real commit, so a full disk or a read-only database shows, and the table says which instances are alive.
import type { Kysely, Migration } from 'kysely';
import type { Db } from './database.ts';

export interface InstanceHeartbeatsTable {
  instance: string;
  at: string;
}

declare module './schema.ts' {
  interface Database {
    instance_heartbeats: InstanceHeartbeatsTable;
  }
}

export const heartbeatMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('instance_heartbeats')
      .addColumn('instance', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('at', 'varchar(32)', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('instance_heartbeats').execute();
  },
};

export async function writeHeartbeat(db: Db, instance: string, now: Date): Promise<void> {
  await db
    .insertInto('instance_heartbeats')
    .values({ instance, at: now.toISOString() })
    .onConflict((oc) => oc.column('instance').doUpdateSet({ at: now.toISOString() }))
    .execute();
}
