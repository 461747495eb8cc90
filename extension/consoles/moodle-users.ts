// Moodle, Site administration > Users > Browse list of users: a report builder system report (Moodle 4.3 and later)
// or, before it, a flexible table with id "users". Full name and the identity fields (Email address by default);
// the sort links hold hidden "Sort by … Ascending" text.
//
// Test URL: https://<site>/admin/user.php
// Fixture: test/extension/fixtures/consoles/moodle-users.html
import { accountsInRows } from './generic.ts';
import type { ConsoleAdapter } from './types.ts';

const USERS_TABLE = 'table#reportbuilder-table, table#users';

export const moodleUsersAdapter: ConsoleAdapter = {
  name: 'moodle-users',
  matches: (doc, url) => /\/admin\/user\.php$/.test(url.pathname) && doc.querySelector(USERS_TABLE) !== null,
  findAccounts: (root, context) => accountsInRows(root, USERS_TABLE, context),
};
