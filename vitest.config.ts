import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

const shared = {
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

// Tests mirror the areas of server/ (test/accounts/, test/licensing/, ...). The integration suite (everything that
// opens a database) runs twice: on SQLite and on PostgreSQL. test/postgres/ holds what only PostgreSQL can do (several
// instances on one database, the SQLite-to-PostgreSQL copy); test/e2e/ drives real browsers and server processes.
const AREAS = [
  'accounts',
  'audit',
  'certificates',
  'db',
  'exams',
  'extension-download',
  'http',
  'i18n',
  'licensing',
  'mail',
  'people',
];
const INTEGRATION = [`test/{${AREAS.join(',')}}/**/*.test.{ts,tsx}`, 'test/e2e/**/*.test.ts'];
/** Tests in those folders that need no database: they run once, in the unit project. */
const PURE = [
  'test/http/forwarded-address.test.ts',
  'test/http/read-cookie.test.ts',
  'test/certificates/pdf-text.test.ts',
  'test/i18n/catalogs.test.ts',
  // SQLite on a small tmpfs, whatever the project's database.
  'test/db/full-disk.test.ts',
  // The command line and the SQLite backup, on SQLite whatever the project.
  'test/db/cli.test.ts',
  'test/db/backup.test.ts',
  'test/db/migrations.test.ts',
  // Reads past SQLite's memory map, on a SQLite file whatever the project.
  'test/db/memory-map.test.ts',
  // Kysely's statements kept, on an in-memory SQLite database.
  'test/db/kept-statements.test.ts',
  // The live figures' first load of a large SQLite file through a worker thread.
  'test/licensing/start-load.test.ts',
  // SQLite's search index and an import's backlog (FTS5), on SQLite whatever the project.
  'test/licensing/search-backlog.test.ts',
  // An import's rows read by the main thread as a second connection writes them, on SQLite whatever the project.
  'test/licensing/follow-staged-rows.test.ts',
  // An import's rows as SQLite's batch writer writes them, on SQLite whatever the project.
  'test/licensing/staged-writer.test.ts',
  // An import's rows made ready while its worker waits for its turn: no database.
  'test/licensing/rows-ahead.test.ts',
  // An import's rows sorted in runs on disk and merged: files only.
  'test/licensing/sorted-runs.test.ts',
  'test/http/env-example.test.ts',
  'test/http/deployment.test.ts',
  'test/http/test-prerequisites.test.ts',
  'test/http/dependencies.test.ts',
  'test/i18n/calendar.test.ts',
];
const POSTGRES_ONLY = ['test/postgres/**/*.test.ts'];
/** Extension tests that talk to a real server app (and so to a database). */
const EXTENSION_WITH_SERVER = ['test/extension/background.test.ts', 'test/extension/server-client.test.ts'];
const EXTENSION = ['test/extension/**/*.test.ts', 'test/extension/**/*.test.tsx'];
/** The browser's i18n API, in English unless a test says otherwise. */
const EXTENSION_SETUP = 'test/extension/setup-language.ts';

const onSqlite = { env: { SEATKEEPER_TEST_DATABASE: 'sqlite' } };
// Finds (TEST_DATABASE_URL) or starts a PostgreSQL server and migrates the template every test copies.
const onPostgres = {
  env: { SEATKEEPER_TEST_DATABASE: 'postgres' },
  globalSetup: ['test/support/postgres-setup.ts'],
};

export default defineConfig({
  test: {
    // Vitest's default on a 2-core machine is one file at a time; most files wait on a database, a browser or a server
    // process rather than on the CPU, so two at once take the suite from about 18 minutes to about 11.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: ['test/bench/**', 'test/extension/**', 'node_modules/**', ...INTEGRATION, ...POSTGRES_ONLY],
        },
      },
      {
        test: { ...shared, name: 'unit-areas', include: PURE },
      },
      {
        // The extension's modules import `wxt/browser`: WxtVitest swaps in WXT's fake browser (one copy, WXT's own).
        plugins: [WxtVitest()],
        test: { ...shared, ...onSqlite, name: 'extension', include: EXTENSION, setupFiles: [EXTENSION_SETUP] },
      },
      {
        test: {
          ...shared,
          ...onSqlite,
          name: 'sqlite',
          include: INTEGRATION,
          exclude: [...PURE, 'node_modules/**'],
          // Both test builds of the extension, one after the other, before the browser tests start in parallel.
          globalSetup: ['test/support/extension-builds.ts'],
        },
      },
      {
        test: {
          ...shared,
          ...onPostgres,
          name: 'postgres',
          include: [...INTEGRATION, ...POSTGRES_ONLY],
          // Build the extension into .output (a second build at the same time would race with the sqlite project's);
          // the API it drives is covered on PostgreSQL by extension-postgres and test/server.
          exclude: [
            'test/e2e/extension.test.ts',
            'test/e2e/extension-firefox.test.ts',
            'test/e2e/extension-consoles.test.ts',
            ...PURE,
            'test/e2e/extension-teach.test.ts',
            'test/e2e/extension-japanese.test.ts',
            'test/e2e/extension-packages.test.ts',
            // Layout at phone and laptop width: the database under the pages changes nothing (about two minutes).
            'test/e2e/portal-fits.test.ts',
            'node_modules/**',
          ],
        },
      },
      {
        plugins: [WxtVitest()],
        test: {
          ...shared,
          ...onPostgres,
          name: 'extension-postgres',
          include: EXTENSION_WITH_SERVER,
          setupFiles: [EXTENSION_SETUP],
        },
      },
    ],
  },
});
