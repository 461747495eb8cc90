// Keycloak's admin console, Users: a PatternFly table (UserDataTable) with Username, Email, Last name and First name.
// A disabled user's "Disabled" label sits inside the username link, and an unverified address starts with an icon.
//
// Test URL: https://<keycloak>/admin/master/console/#/<realm>/users
// Fixture: test/extension/fixtures/consoles/keycloak-users.html
import { accountsInRows } from './generic.ts';
import type { ConsoleAdapter } from './types.ts';

// PatternFly 5 (Keycloak 24 and later) and PatternFly 4 class names.
const USERS_TABLE = 'table.pf-v5-c-table, table.pf-c-table';

export const keycloakUsersAdapter: ConsoleAdapter = {
  name: 'keycloak-users',
  matches: (doc, url) =>
    /\/admin\/[^/]+\/console\/?$/.test(url.pathname) &&
    /^#\/[^/]+\/users\/?$/.test(url.hash) &&
    doc.querySelector(USERS_TABLE) !== null,
  findAccounts: (root, context) => accountsInRows(root, USERS_TABLE, context),
};
