// Every area's migrations, in the order they run (Kysely runs them by name). Each area owns its tables and hands its
// migration here; the database layer applies whatever it is given. The same migrations run on SQLite and PostgreSQL:
// the schema builder, plus the few differences server/db/dialect.ts names. A migration that has run never changes.
import type { Migration } from 'kysely';
import { accountsLanguageMigration } from './accounts/migration.ts';
import { accountsAndAuthMigration } from './auth/migration.ts';
import { signInProtectionMigration } from './auth/sign-in-protection-migration.ts';
import { certificatesMigration } from './certificates/migration.ts';
import { heartbeatMigration } from './db/heartbeat.ts';
import { examAccessMigration } from './exams/access-migration.ts';
import { attemptFlagsMigration } from './exams/flags-migration.ts';
import { examDrawRulesMigration, examsMigration } from './exams/migration.ts';
import { examVersionsMigration } from './exams/versions-migration.ts';
import { hygieneSummaryMigration } from './licensing/hygiene-summary-migration.ts';
import { importGenerationsMigration } from './licensing/import-migration.ts';
import { leavingMigration } from './licensing/leaving-migration.ts';
import { licensingMigration } from './licensing/migration.ts';
import { licenceSearchBacklogMigration } from './licensing/search-backlog-migration.ts';
import {
  licenceSearchMergingMigration,
  licenceSearchMigration,
  licenceSearchNoSizesMigration,
  licenceSearchRowsOnlyMigration,
} from './licensing/search-migration.ts';
import { sharedStateMigration } from './licensing/shared-state-migration.ts';
import { organisationTimeZoneMigration } from './licensing/time-zone-migration.ts';
import { mailQueueMigration } from './mail/migration.ts';

export const migrations: Record<string, Migration> = {
  '2026-11-24-001-accounts-and-auth': accountsAndAuthMigration,
  '2026-11-24-licensing': licensingMigration,
  '2026-11-25-exams': examsMigration,
  '2026-12-01-shared-state': sharedStateMigration,
  '2026-12-02-accounts-language': accountsLanguageMigration,
  '2026-12-02-organisation-time-zone': organisationTimeZoneMigration,
  '2026-12-03-certificates-issuer-and-status': certificatesMigration,
  '2026-12-03-sign-in-protection': signInProtectionMigration,
  '2026-12-03-mail-queue': mailQueueMigration,
  '2026-12-03-instance-heartbeats': heartbeatMigration,
  '2026-12-03-leaving': leavingMigration,
  '2026-12-04-exam-versions': examVersionsMigration,
  '2026-12-04-exam-access': examAccessMigration,
  '2026-12-05-import-generations': importGenerationsMigration,
  '2026-12-04-licence-search': licenceSearchMigration,
  '2026-12-06-hygiene-summary': hygieneSummaryMigration,
  '2026-12-06-exam-draw-rules': examDrawRulesMigration,
  '2026-12-06-attempt-flags': attemptFlagsMigration,
  '2026-12-07-licence-search-merging': licenceSearchMergingMigration,
  '2026-12-08-licence-search-rows-only': licenceSearchRowsOnlyMigration,
  '2026-12-09-licence-search-backlog': licenceSearchBacklogMigration,
  '2026-12-10-licence-search-no-sizes': licenceSearchNoSizesMigration,
};
