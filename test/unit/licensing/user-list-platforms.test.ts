// Rule 34: other platforms' user lists, as they export them (test/fixtures/user-lists/SOURCES.md), are mapped column by
// column, and a column that decides counting is never ignored silently.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type AccountRow,
  describeMapping,
  mapUserListColumns,
  UserListError,
  type UserListOptions,
  UserListReader,
} from '../../../shared/licensing/index.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/user-lists');

function readText(text: string | Uint8Array, options: UserListOptions = {}) {
  const reader = new UserListReader(options);
  const data = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const accounts: AccountRow[] = [...reader.write(data)];
  const end = reader.end();
  return { accounts: [...accounts, ...end.accounts], summary: end.summary };
}

const readFixture = (name: string, options: UserListOptions = {}) =>
  readText(readFileSync(join(FIXTURES, name)), options);

function refusal(text: string, options: UserListOptions = {}): string[] {
  try {
    readText(text, options);
  } catch (error) {
    if (error instanceof UserListError) return error.problems.map((problem) => problem.message);
    throw error;
  }
  throw new Error('read without a problem');
}

const readAs = (summary: ReturnType<typeof readFixture>['summary']) =>
  Object.fromEntries(summary.mapping.columns.filter((c) => c.status === 'read').map((c) => [c.header, c.readAs]));

describe('each platform export is recognised, with every column either read or known', () => {
  it.each([
    {
      file: 'outsystems-users.csv',
      platform: 'outsystems',
      read: { Username: 'username', Email: 'email', Is_Active: 'active', Tenant_Id: 'tenant' },
      active: { 'ana.silva': true, 'bruno.costa': false, 'carla.dias': true, 'dario.reis': false, 'eva.lima': true },
    },
    {
      file: 'entra-users.csv',
      platform: 'entra',
      read: { userPrincipalName: 'username', mail: 'email', accountEnabled: 'active' },
      active: {
        'ana.silva@corp.example': true,
        'bruno_partner.example#EXT#@corp.onmicrosoft.com': true,
        'old.user@corp.example': false,
      },
    },
    {
      file: 'okta-user-export.csv',
      platform: 'okta',
      read: { Login: 'username', Status: 'active', Email: 'email' },
      active: {
        'ana.silva@corp.example': true,
        'bruno@partner.example': false,
        'carla.dias@corp.example': true,
        'dario@partner.example': false,
      },
    },
    {
      file: 'okta-password-health.csv',
      platform: 'okta',
      read: { Login: 'username', Status: 'active' },
      active: { 'ana.silva@corp.example': true, 'bruno@partner.example': false, 'carla.dias@corp.example': true },
    },
    {
      file: 'google-workspace-users.csv',
      platform: 'google-workspace',
      read: { 'Email Address [Required]': 'email', 'Status [READ ONLY]': 'active' },
      active: { '': true },
    },
    {
      file: 'mendix-users.csv',
      platform: 'mendix',
      read: { Name: 'username', Email: 'email', Active: 'active', WebServiceUser: 'it_user', IsAnonymous: 'anonymous' },
      active: { 'ana.silva': true, bruno: true, integration: true, 'old.user': false },
    },
  ])('$file is read as $platform', ({ file, platform, read, active }) => {
    const { accounts, summary } = readFixture(file);
    expect(summary.mapping.platform).toBe(platform);
    expect(summary.mapping.unrecognised).toEqual([]);
    expect(readAs(summary)).toEqual(read);
    if (platform !== 'google-workspace') {
      expect(Object.fromEntries(accounts.map((a) => [a.username, a.active]))).toEqual(active);
    }
    // Read strictly too: nothing in a platform's own export is unrecognised.
    expect(readFixture(file, { strict: true }).accounts).toHaveLength(accounts.length);
  });

  it('Google Workspace: Active and Suspended, a quoted name with a comma, the email as the identity', () => {
    const { accounts } = readFixture('google-workspace-users.csv');
    expect(accounts.map((a) => [a.email, a.username, a.active])).toEqual([
      ['ana.silva@corp.example', '', true],
      ['bruno.costa@corp.example', '', false],
      ['carla.dias@corp.example', '', true],
    ]);
  });

  it('Mendix: a web-service user is an IT user (rule 3), an anonymous user is no account (rule 2), Blocked still counts', () => {
    const { accounts, summary } = readFixture('mendix-users.csv');
    expect(summary.anonymous).toBe(1);
    expect(accounts.map((a) => a.username)).not.toContain('Anonymous_4f2a');
    expect(accounts.find((a) => a.username === 'integration')).toMatchObject({ itUser: true, active: true });
    expect(accounts.find((a) => a.username === 'bruno')).toMatchObject({ itUser: false, active: true });
    const blocked = summary.mapping.columns.find((c) => c.header === 'Blocked');
    expect(blocked).toMatchObject({ status: 'not-needed', why: expect.stringMatching(/stays active/) });
  });

  it('OutSystems: one Tenant_Id throughout is the default tenant (rule 16)', () => {
    const { accounts } = readFixture('outsystems-users.csv');
    expect(new Set(accounts.map((a) => a.tenant))).toEqual(new Set(['']));
  });
});

describe('status values are read with their platform vocabulary; an unknown one is an error naming the line', () => {
  it.each([
    [
      'Okta',
      'login,email,status\nann,ann@x.com,ACTIVE\nbob,bob@x.com,PENDING_USER_ACTION\n',
      /^line 3: status is "PENDING_USER_ACTION": use an Okta status: ACTIVE/,
    ],
    [
      'Google Workspace',
      'Email Address [Required],Status [READ ONLY]\nann@x.com,Active\nbob@x.com,Disabled\n',
      /^line 3: Status \[READ ONLY\] is "Disabled": use Active, Suspended or Archived/,
    ],
    [
      'Entra ID',
      'userPrincipalName,mail,accountEnabled\nann@x.com,ann@x.com,yes\n',
      /^line 2: accountEnabled is "yes": use True or False/,
    ],
    ['OutSystems', 'Username,Email,Is_Active\nann,ann@x.com,Y\n', /^line 2: Is_Active is "Y": use True or False/],
  ])('%s', (_platform, text, message) => {
    expect(refusal(text)).toEqual([expect.stringMatching(message)]);
  });

  it('Okta statuses in any case, with the ones that count and the ones that do not', () => {
    const statuses = [
      'ACTIVE',
      'provisioned',
      'RECOVERY',
      'PASSWORD_EXPIRED',
      'LOCKED_OUT',
      'STAGED',
      'SUSPENDED',
      'DEPROVISIONED',
    ];
    const text = `login,status\n${statuses.map((s, i) => `u${i},${s}`).join('\n')}\n`;
    expect(readText(text).accounts.map((a) => a.active)).toEqual([true, true, true, true, true, false, false, false]);
  });
});

describe('the mapping says what is read and what is ignored', () => {
  it('an OutSystems export with an extra column: Is_Active is read, the unknown column is shown as not recognised', () => {
    const mapping = mapUserListColumns([
      'Id',
      'Name',
      'Username',
      'Email',
      'Is_Active',
      'Tenant_Id',
      'Favourite_Colour',
    ]);
    expect(mapping.platform).toBe('outsystems');
    expect(mapping.unrecognised).toEqual(['Favourite_Colour']);
    const lines = describeMapping(mapping);
    expect(lines[0]).toBe('Columns read as OutSystems (User entity):');
    expect(lines).toContain('    5. "Is_Active" read as active');
    expect(lines).toContain('    7. "Favourite_Colour" ignored: not recognised');
    expect(lines.find((l) => l.includes('"Name"'))).toMatch(/ignored: not needed for counting/);
  });

  it('the strict reading refuses an unrecognised column, naming it', () => {
    expect(refusal('username,email,department\nann,a@x.com,IT\n', { strict: true })).toEqual([
      expect.stringMatching(
        /^line 1: the strict reading refuses columns it does not recognise: "department" \(column 3\)/,
      ),
    ]);
  });

  it("Seatkeeper columns may describe where another platform's rows belong", () => {
    const { accounts, summary } = readText('environment,provider,login,status\nQA,Okta,ann,SUSPENDED\n');
    expect(summary.mapping.platform).toBe('okta');
    expect(accounts[0]).toMatchObject({ environment: 'QA', provider: 'Okta', username: 'ann', active: false });
  });

  it('two columns read as one field are refused, naming both', () => {
    expect(refusal('login,profile.login,status\na,a,ACTIVE\n')[0]).toMatch(
      /^line 1: the header has two columns read as username: "login" \(column 1\) and "profile.login" \(column 2\)/,
    );
  });

  it('a header without a username or an email column is refused, naming what it found', () => {
    expect(refusal('Id,Name\n1,Ann\n')[0]).toMatch(
      /neither a "username" nor an "email" column \(found: "Id", "Name"\)/,
    );
  });
});

describe('rule 16: a tenant column of ids must say which tenant is the default', () => {
  const twoTenants =
    'Username,Email,Is_Active,Tenant_Id\nann,ann@x.com,True,1\nbob,bob@x.com,True,7\nann,ann@x.com,True,7\n';

  it('several Tenant_Id values without the default named: an error naming both lines and ids', () => {
    expect(refusal(twoTenants)[0]).toMatch(
      /^line 3: Tenant_Id is "7" but line 2 has "1": the list holds several tenants, so say which is the user provider's default tenant/,
    );
  });

  it('with the default named, its accounts are the default tenant and the others keep their tenant', () => {
    const { accounts } = readText(twoTenants, { defaultTenant: '7' });
    expect(accounts.map((a) => [a.username, a.tenant])).toEqual([
      ['ann', '1'],
      ['bob', ''],
      ['ann', ''],
    ]);
  });
});
