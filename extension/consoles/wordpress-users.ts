// WordPress, Users > All Users: the users list table (WP_Users_List_Table). Read as a table: its headers hold hidden
// "Sort ascending." text, its cells name their column (data-colname), its username cell holds row actions, and its
// tfoot repeats the header.
//
// Test URLs: https://<site>/wp-admin/users.php, https://<site>/wp-admin/network/users.php (multisite)
// Fixture: test/extension/fixtures/consoles/wordpress-users.html
import { accountsInRows } from './generic.ts';
import type { ConsoleAdapter } from './types.ts';

const USERS_TABLE = 'table.wp-list-table.users';

export const wordpressUsersAdapter: ConsoleAdapter = {
  name: 'wordpress-users',
  matches: (doc, url) =>
    /\/wp-admin\/(network\/)?users\.php$/.test(url.pathname) && doc.querySelector(USERS_TABLE) !== null,
  findAccounts: (root, context) => accountsInRows(root, USERS_TABLE, context),
};
