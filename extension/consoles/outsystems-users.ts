// The OutSystems Users app (https://<environment>/Users): a TableRecords grid with Username, Name and Email columns.
import { accountsInTables } from './generic.ts';
import type { ConsoleAdapter } from './types.ts';

// Traditional-web OutSystems screens render list records as <table class="TableRecords">.
const USERS_TABLE = 'table.TableRecords';

export const outsystemsUsersAdapter: ConsoleAdapter = {
  name: 'outsystems-users',
  matches: (doc, url) => /^\/users(\/|$)/i.test(url.pathname) && doc.querySelector(USERS_TABLE) !== null,
  // Every record row is an account; the generic reader pairs its Username and Email cells.
  findAccounts: (root, context) => accountsInTables(root, USERS_TABLE, context),
};
