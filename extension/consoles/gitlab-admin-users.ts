// GitLab, Admin Area > Users: a GlTable whose Name cell holds the user's name, their email as a mailto sub-label and
// badges ("Admin", "Blocked", "It's you!"), inside a div carrying data-username.
//
// Test URL: https://<gitlab>/admin/users
// Fixture: test/extension/fixtures/consoles/gitlab-admin-users.html
import { accountsInRows } from './generic.ts';
import type { ConsoleAdapter } from './types.ts';

const USERS_TABLE = 'table[data-testid="users-table"], table.b-table';

export const gitlabAdminUsersAdapter: ConsoleAdapter = {
  name: 'gitlab-admin-users',
  matches: (doc, url) =>
    /\/admin\/users\/?$/.test(url.pathname) && doc.querySelector('.js-user-link[data-username]') !== null,
  observedAttributes: ['data-username', 'href'],
  findAccounts: (root, context) => accountsInRows(root, USERS_TABLE, context),
};
