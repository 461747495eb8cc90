// Rulebook rules 28 to 32: hygiene checks (/work/shared/spec/licensing.md, section 7).
import { describe, expect, it } from 'vitest';
import {
  type AccountRecord,
  countLicencesDetailed,
  type EnvironmentRules,
  type HygieneCode,
  type HygieneFinding,
  hygieneFindings,
} from '../../../shared/licensing/index.ts';

const PROD: EnvironmentRules = { name: 'Production', production: true, internalDomains: ['mycompany.com'] };
const QA: EnvironmentRules = { name: 'QA', production: false, internalDomains: ['mycompany.com', 'parent.com'] };
const ENVS = [PROD, QA];

let nextRef = 1;
function acct(fields: Partial<AccountRecord>): AccountRecord {
  return { ref: nextRef++, environment: 'Production', provider: 'Users', active: true, ...fields };
}

function findings(records: AccountRecord[], envs: EnvironmentRules[] = ENVS, organisation: string[] = []) {
  return hygieneFindings(records, countLicencesDetailed(records, envs), organisation);
}

function only(list: HygieneFinding[], code: HygieneCode) {
  return list.filter((f) => f.code === code);
}

describe('rule 5 (hygiene): unconfigured environments are reported', () => {
  it('an environment with an empty list gets a rules-not-configured finding', () => {
    const list = findings([], [{ name: 'Production', production: true, internalDomains: [] }, QA]);
    const found = only(list, 'rules-not-configured');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ environment: 'Production', accounts: [] });
    expect(found[0]?.message).toContain('everyone is counted as internal');
  });
});

describe('rule 28: declared organisation domains missing from an environment list', () => {
  it.each([
    { organisation: ['mycompany.com'], missing: { Production: [], QA: [] } },
    { organisation: ['mycompany.com', 'parent.com'], missing: { Production: ['parent.com'], QA: [] } },
    {
      organisation: ['mycompany.com', 'parent.com', 'affiliate.org'],
      missing: { Production: ['parent.com', 'affiliate.org'], QA: ['affiliate.org'] },
    },
  ])('organisation $organisation', ({ organisation, missing }) => {
    const found = only(findings([], ENVS, organisation), 'organisation-domain-missing');
    for (const envName of ['Production', 'QA'] as const) {
      const here = found.filter((f) => f.environment === envName);
      expect(here).toHaveLength(missing[envName].length);
      for (const domain of missing[envName]) {
        const finding = here.find((f) => f.message.includes(domain));
        expect(finding, `${domain} in ${envName}`).toBeDefined();
        expect(finding?.rule).toBe(28);
        expect(finding?.message).toContain(envName);
        expect(finding?.message).toMatch(/external/);
      }
    }
  });

  // Rule 9 applies to every domain comparison: a declared domain typed with other case or surrounding spaces is
  // the same domain, so it is not missing.
  it.each([{ declared: 'MyCompany.com' }, { declared: ' mycompany.com ' }, { declared: 'MYCOMPANY.COM' }])(
    'declared "$declared" matches listed mycompany.com (rule 9: case and spaces ignored)',
    ({ declared }) => {
      const found = only(findings([], [PROD], [declared]), 'organisation-domain-missing');
      expect(found).toEqual([]);
    },
  );
});

describe('rule 29: external users on a subdomain of a listed domain', () => {
  it('lists the accounts per subdomain, naming the subdomain and the listed parent', () => {
    const records = [
      acct({ ref: 'f1', email: 'a@finance.mycompany.com' }),
      acct({ ref: 'f2', username: 'b@Finance.MyCompany.com', email: '' }),
      acct({ ref: 'h1', email: 'c@hr.mycompany.com' }),
      acct({ ref: 'ext', email: 'd@outsourcing.com' }),
      acct({ ref: 'int', email: 'e@mycompany.com' }),
      acct({ ref: 'off', email: 'g@finance.mycompany.com', active: false }),
    ];
    const found = only(findings(records), 'external-on-subdomain');
    expect(found).toHaveLength(2);
    const finance = found.find((f) => f.message.includes('finance.mycompany.com'));
    expect(finance?.accounts).toEqual(['f1', 'f2']);
    expect(finance?.message).toContain('mycompany.com');
    expect(finance?.environment).toBe('Production');
    const hr = found.find((f) => f.message.includes('hr.mycompany.com'));
    expect(hr?.accounts).toEqual(['h1']);
  });

  it('names the subdomain even when it is in the Username field and the Email field holds another domain', () => {
    const records = [acct({ ref: 'u', username: 'y@finance.mycompany.com', email: 'y@gmail.com' })];
    const found = only(findings(records), 'external-on-subdomain');
    expect(found).toHaveLength(1);
    expect(found[0]?.accounts).toEqual(['u']);
    expect(found[0]?.message).toContain('finance.mycompany.com');
    expect(found[0]?.message).toContain('listed mycompany.com');
    expect(found[0]?.message).not.toContain('null');
  });

  it('does not flag internal users on a listed subdomain', () => {
    const envs: EnvironmentRules[] = [
      { name: 'Production', production: true, internalDomains: ['mycompany.com', 'finance.mycompany.com'] },
    ];
    expect(only(findings([acct({ email: 'a@finance.mycompany.com' })], envs), 'external-on-subdomain')).toEqual([]);
  });
});

describe('rule 30: staff accounts classified external', () => {
  it.each([
    { label: 'admin on an external domain', fields: { staff: true, email: 'admin@agency.com' }, flagged: true },
    { label: 'support on a subdomain', fields: { staff: true, email: 's@support.mycompany.com' }, flagged: true },
    { label: 'admin on the internal domain', fields: { staff: true, email: 'admin@mycompany.com' }, flagged: false },
    { label: 'staff without email (internal)', fields: { staff: true, username: 'root' }, flagged: false },
    { label: 'non-staff external', fields: { email: 'cand@gmail.com' }, flagged: false },
  ])('$label: flagged=$flagged', ({ fields, flagged }) => {
    const record = acct({ ref: 'r', ...fields });
    const found = only(findings([record]), 'staff-external');
    if (flagged) {
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ rule: 30, environment: 'Production', accounts: ['r'] });
    } else {
      expect(found).toEqual([]);
    }
  });

  it('lists every external staff account of the environment in one finding', () => {
    const records = [
      acct({ ref: 's1', staff: true, email: 'a@agency.com' }),
      acct({ ref: 's2', staff: true, email: 'b@other.org' }),
      acct({ ref: 's3', staff: true, email: 'c@mycompany.com' }),
    ];
    const found = only(findings(records), 'staff-external');
    expect(found).toHaveLength(1);
    expect(found[0]?.accounts).toEqual(['s1', 's2']);
  });
});

describe('rule 31: accounts with no valid email are listed', () => {
  it('lists them per environment', () => {
    const records = [
      acct({ ref: 'n1', username: 'mjohnson', email: '' }),
      acct({ ref: 'n2', username: '+351912345678' }),
      acct({ ref: 'n3', username: 'x', email: 'x@localhost' }),
      acct({ ref: 'ok', username: 'y', email: 'y@mycompany.com' }),
      acct({ ref: 'q1', environment: 'QA', username: 'qa', email: 'n/a' }),
    ];
    const found = only(findings(records), 'no-valid-email');
    const prod = found.find((f) => f.environment === 'Production');
    expect(prod).toMatchObject({ rule: 31, accounts: ['n1', 'n2', 'n3'] });
    expect(prod?.message).toMatch(/internal/);
    expect(found.find((f) => f.environment === 'QA')?.accounts).toEqual(['q1']);
  });

  it('does not list inactive accounts (they are not counted)', () => {
    const found = only(findings([acct({ username: 'gone', active: false })]), 'no-valid-email');
    expect(found).toEqual([]);
  });
});

describe('rule 32: duplicate groups, same-provider duplicates and non-default-tenant look-alikes', () => {
  it('lists a merged group with all its accounts', () => {
    const records = [
      acct({ ref: 'a', provider: 'Users', username: 'jsmith', email: 'john@mycompany.com' }),
      acct({ ref: 'b', provider: 'AzureAD', username: 'jsmith', email: 'john@gmail.com' }),
      acct({ ref: 'c', provider: 'Okta', username: 'other', email: 'john@gmail.com' }),
    ];
    const found = only(findings(records), 'duplicate-group');
    expect(found).toHaveLength(1);
    expect([...(found[0]?.accounts ?? [])].sort()).toEqual(['a', 'b', 'c']);
    expect(found[0]?.message).toMatch(/one internal person/);
    expect(found[0]?.message).toMatch(/mixed/);
  });

  it('lists same-provider duplicates with their accounts', () => {
    const records = [
      acct({ ref: 'x1', provider: 'Users', username: 'x1', email: 'x@gmail.com' }),
      acct({ ref: 'x2', provider: 'Users', username: 'x2', email: 'X@gmail.com' }),
      acct({ ref: 'y', provider: 'Users', username: 'y', email: 'y@gmail.com' }),
    ];
    const found = only(findings(records), 'same-provider-duplicate');
    expect(found).toHaveLength(1);
    expect(found[0]?.accounts).toEqual(['x1', 'x2']);
    expect(found[0]?.message).toMatch(/2 people/);
    expect(only(findings(records), 'duplicate-group')).toEqual([]);
  });

  it('lists accounts of one provider sharing both email and username once, and lists them beside other findings', () => {
    // Both without a valid email too: rule 31 lists exactly these two accounts, which does not hide rule 32's finding.
    const records = [
      acct({ ref: 'd1', provider: 'Users', username: 'dup', email: 'n/a' }),
      acct({ ref: 'd2', provider: 'Users', username: 'DUP ', email: 'n/a' }),
      acct({ ref: 'e1', provider: 'Users', username: 'eve', email: 'eve@gmail.com' }),
      acct({ ref: 'e2', provider: 'Users', username: 'Eve', email: 'EVE@gmail.com' }),
    ];
    const all = findings(records);
    expect(only(all, 'no-valid-email')[0]?.accounts).toEqual(['d1', 'd2']);
    const found = only(all, 'same-provider-duplicate');
    expect(found.map((f) => f.accounts)).toEqual([
      ['e1', 'e2'],
      ['d1', 'd2'],
    ]);
  });

  it('never repeats a merged group as a same-provider duplicate', () => {
    // Two Users accounts share an email with Okta's: one group of three, counted as two people (rule 15), and the
    // two are also one provider's accounts sharing a value, listed on their own: never the group's list again.
    const records = [
      acct({ ref: 'u1', provider: 'Users', username: 'u1', email: 'kim@gmail.com' }),
      acct({ ref: 'u2', provider: 'Users', username: 'u2', email: 'kim@gmail.com' }),
      acct({ ref: 'o', provider: 'Okta', username: 'o', email: 'KIM@gmail.com' }),
    ];
    const all = findings(records);
    const group = only(all, 'same-provider-duplicate');
    expect(group.map((f) => [...f.accounts].sort())).toEqual([
      ['o', 'u1', 'u2'],
      ['u1', 'u2'],
    ]);
  });

  it.each([
    {
      label: 'default tenant vs non-default tenant, same email',
      records: [
        { ref: 't0', provider: 'Users', username: 'a', email: 'jane@gmail.com' },
        { ref: 't1', provider: 'Users', tenant: 'Acme', username: 'b', email: 'jane@gmail.com' },
      ],
      accounts: ['t0', 't1'],
    },
    {
      label: 'two non-default tenants, same username',
      records: [
        { ref: 't2', provider: 'Users', tenant: 'Acme', username: 'jane', email: '' },
        { ref: 't3', provider: 'Okta', tenant: 'Beta', username: 'JANE', email: '' },
      ],
      accounts: ['t2', 't3'],
    },
  ])('lists a tenant look-alike: $label', ({ records, accounts }) => {
    const found = only(findings(records.map((r) => acct(r))), 'tenant-lookalike');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ rule: 32, environment: 'Production', accounts });
  });

  it('reports nothing for distinct people', () => {
    const records = [
      acct({ provider: 'Users', username: 'a', email: 'a@mycompany.com' }),
      acct({ provider: 'Okta', tenant: 'Acme', username: 'b', email: 'b@mycompany.com' }),
    ];
    const found = findings(records).filter((f) => f.rule === 32);
    expect(found).toEqual([]);
  });

  it('every finding carries its rule number and an actionable message', () => {
    const records = [
      acct({ provider: 'Users', username: 'jsmith', email: 'john@finance.mycompany.com', staff: true }),
      acct({ provider: 'AzureAD', username: 'jsmith', email: '' }),
      acct({ provider: 'Users', tenant: 'Acme', username: 'jsmith', email: '' }),
    ];
    const list = findings(records, ENVS, ['mycompany.com', 'affiliate.org']);
    expect(new Set(list.map((f) => f.code))).toEqual(
      new Set<HygieneCode>([
        'organisation-domain-missing',
        'external-on-subdomain',
        'staff-external',
        'no-valid-email',
        'duplicate-group',
        'tenant-lookalike',
      ]),
    );
    for (const finding of list) {
      expect([28, 29, 30, 31, 32]).toContain(finding.rule);
      expect(finding.message.length).toBeGreaterThan(20);
    }
  });
});
