// Discourse, Admin > Users: a div-based table (ResponsiveTable), one div.directory-table__row per user, the username
// a link in the username cell and the email in the email cell, which is hidden until the admin shows emails. Rows
// are added as the admin scrolls ("load more").
//
// Test URL: https://<forum>/admin/users/list/active
// Fixture: test/extension/fixtures/consoles/discourse-admin-users.html
import { declaredAdapter } from './declared.ts';

export const discourseAdminUsersAdapter = declaredAdapter(
  'discourse-admin-users',
  (doc, url) =>
    /\/admin\/users\/list(\/|$)/.test(url.pathname) && doc.querySelector('.directory-table.users-list') !== null,
  {
    rows: '.directory-table.users-list .directory-table__row',
    username: '.directory-table__cell.username a[href*="/admin/users/"]',
    // Its cell has class "hidden" while emails are not shown: no address to read then.
    email: '.directory-table__cell.email:not(.hidden) .directory-table__value',
  },
);
