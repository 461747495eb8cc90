// The consoles admins use, as saved fixtures (test/extension/fixtures/consoles, each says where its markup comes
// from): the address it is served at, the adapter that should read it, and every user row in document order as a
// person reads it. Shared by the adapter tests (happy-dom) and the browser tests (the built extension in Chromium).

export interface ExpectedRow {
  username?: string;
  email?: string;
}

export interface ConsoleFixture {
  /** File under test/extension/fixtures/, without .html. */
  file: string;
  /** Where the console serves that page (path, query and hash). */
  path: string;
  adapter: string;
  rows: ExpectedRow[];
}

export const CONSOLE_FIXTURES: Record<string, ConsoleFixture> = {
  wordpress: {
    file: 'consoles/wordpress-users',
    path: '/wp-admin/users.php',
    adapter: 'wordpress-users',
    rows: [
      { username: 'admin', email: 'admin@mycompany.com' },
      { username: 'jsmith', email: 'john.smith@mycompany.com' },
      { username: 'carla@northwind.com', email: 'carla@northwind.com' },
      { username: 'priya', email: 'priya.kumar@gmail.com' },
      { username: 'sales.lead', email: 'lead@sales.mycompany.com' },
      { username: 'dora.eng', email: 'dora.eng@finance.mycompany.com' },
      { username: 'ivan@outsourcing.com', email: 'ivan.juric@mycompany.com' },
      { username: 'kwhite', email: 'Kate.White@MyCompany.COM' },
    ],
  },
  moodle: {
    file: 'consoles/moodle-users',
    path: '/admin/user.php',
    adapter: 'moodle-users',
    rows: [
      { email: 'admin@mycompany.com' },
      { email: 'ana.lima@mycompany.com' },
      { email: 'bo.chen@sales.mycompany.com' },
      { email: 'cy.diaz@outsourcing.com' },
      { email: 'dee.okafor@gmail.com' },
      { email: 'eli.moss@finance.mycompany.com' },
      { email: 'FATIMA.REIS@MYCOMPANY.COM' },
    ],
  },
  keycloak: {
    file: 'consoles/keycloak-users',
    path: '/admin/master/console/#/master/users',
    adapter: 'keycloak-users',
    rows: [
      { username: 'admin', email: 'admin@mycompany.com' },
      { username: 'carla@northwind.com', email: 'carla@northwind.com' },
      { username: 'jsmith', email: 'john.smith@mycompany.com' },
      { username: 'priya', email: 'priya.kumar@gmail.com' },
      { username: 'service-account-reports' },
      { username: 'sam@sales.mycompany.com', email: 'sam@outsourcing.com' },
      { username: 'dora.eng', email: 'dora.eng@finance.mycompany.com' },
    ],
  },
  gitlab: {
    file: 'consoles/gitlab-admin-users',
    path: '/admin/users',
    adapter: 'gitlab-admin-users',
    rows: [
      { username: 'root', email: 'admin@mycompany.com' },
      { username: 'jsmith', email: 'john.smith@mycompany.com' },
      { username: 'carla.reyes', email: 'carla@northwind.com' },
      { username: 'pkumar', email: 'priya.kumar@gmail.com' },
      { username: 'project_12_bot_4f2a', email: 'project12_bot_4f2a@noreply.gitlab.example.org' },
      { username: 'kwhite', email: 'kate.white@sales.mycompany.com' },
    ],
  },
  discourse: {
    file: 'consoles/discourse-admin-users',
    path: '/admin/users/list/active',
    adapter: 'discourse-admin-users',
    rows: [
      { username: 'system' },
      { username: 'admin', email: 'admin@mycompany.com' },
      { username: 'carla', email: 'carla@northwind.com' },
      { username: 'jsmith', email: 'john.smith@mycompany.com' },
      { username: 'priya_k', email: 'priya.kumar@gmail.com' },
      { username: 'sam.lee', email: 'sam.lee@sales.mycompany.com' },
    ],
  },
  outsystemsServiceCenter: {
    file: 'consoles/outsystems-service-center',
    path: '/ServiceCenter/Users_List.aspx',
    adapter: 'outsystems-users',
    rows: [
      { username: 'admin', email: 'admin@mycompany.com' },
      { username: 'sgreen', email: 'scott.green@mycompany.com' },
      { username: 'p.ortiz@partner.io', email: 'pedro.ortiz@mycompany.com' },
      { username: 'deploy.bot' },
      { username: 'lin.chen@gmail.com', email: 'lin.chen@gmail.com' },
      { username: 'kwhite', email: 'kate.white@sales.mycompany.com' },
    ],
  },
  outsystemsUsers: {
    file: 'outsystems-users',
    path: '/Users/Users.aspx',
    adapter: 'outsystems-users',
    rows: [
      { username: 'sgreen', email: 'scott.green@mycompany.com' },
      { username: 'sgreen.sales', email: 'scott.green@sales.mycompany.com' },
      { username: 'jane.green@mycompany.com' },
      { username: 'sjones', email: 'scarlett.jones@outsourcing.com' },
      { username: 'sdavidson', email: 'samantha.davidson@finance.mycompany.com' },
      { username: 'mjohnson' },
      { username: 'kwhite', email: 'Kate.White@MyCompany.COM' },
      { username: 'p.ortiz@partner.io', email: 'pedro.ortiz@mycompany.com' },
      { username: 'lchen', email: 'lin.chen@gmail.com' },
      { username: 'admin', email: 'admin@mycompany.com' },
    ],
  },
  entra: {
    file: 'consoles/entra-users',
    path: '/',
    adapter: 'generic',
    rows: [
      { username: 'AdeleV@mycompany.com', email: 'AdeleV@mycompany.com' },
      { username: 'AlexW@mycompany.com', email: 'AlexW@mycompany.com' },
      { username: 'priya.kumar_gmail.com#EXT#@mycompany.onmicrosoft.com', email: 'priya.kumar@gmail.com' },
      { username: 'sam.lee@sales.mycompany.com', email: 'sam.lee@sales.mycompany.com' },
      { username: 'room4@mycompany.onmicrosoft.com' },
      { username: 'carla.reyes_northwind.com#EXT#@mycompany.onmicrosoft.com', email: 'carla@northwind.com' },
    ],
  },
  okta: {
    file: 'consoles/okta-people',
    path: '/admin/users',
    adapter: 'generic',
    rows: [
      { username: 'ada.admin@mycompany.com', email: 'ada.admin@mycompany.com' },
      { username: 'jsmith@mycompany.com', email: 'john.smith@mycompany.com' },
      { username: 'carla@northwind.com', email: 'carla@northwind.com' },
      { username: 'priya.kumar@gmail.com', email: 'priya.kumar@gmail.com' },
      { username: 'ivan@outsourcing.com', email: 'ivan.juric@mycompany.com' },
      { username: 'dora.eng@finance.mycompany.com', email: 'dora.eng@finance.mycompany.com' },
    ],
  },
  googleWorkspace: {
    file: 'consoles/google-workspace-users',
    path: '/ac/users',
    adapter: 'generic',
    rows: [
      { email: 'ada@mycompany.com' },
      { email: 'bo.chen@sales.mycompany.com' },
      { email: 'cy.diaz@mycompany.com' },
      { email: 'dee.okafor@finance.mycompany.com' },
      { email: 'eli.moss@mycompany.com' },
    ],
  },
};
