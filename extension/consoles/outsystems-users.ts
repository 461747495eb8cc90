// OutSystems traditional web consoles: the Users app (https://<environment>/Users) and Service Center's users list
// (https://<environment>/ServiceCenter), both a TableRecords grid with Username, Name and Email columns.
//
// Test URLs: https://<environment>/Users/Users.aspx, https://<environment>/ServiceCenter/Users_List.aspx
// Fixtures: test/extension/fixtures/outsystems-users.html, fixtures/consoles/outsystems-service-center.html
import { accountsInRows } from './generic.ts';
import type { ConsoleAdapter } from './types.ts';

// Traditional web screens render a Table Records widget as <table class="TableRecords">.
const USERS_TABLE = 'table.TableRecords';

export const outsystemsUsersAdapter: ConsoleAdapter = {
  name: 'outsystems-users',
  matches: (doc, url) =>
    /^\/(users|servicecenter)(\/|$)/i.test(url.pathname) && doc.querySelector(USERS_TABLE) !== null,
  // Every record row is an account; the generic reader pairs its Username and Email cells.
  findAccounts: (root, context) => accountsInRows(root, USERS_TABLE, context),
};
