// Rulebook rules 1 to 4 (who counts), 14 to 19 (one person, several accounts), 24 (freshness) and the engine-testable
// part of 25 to 27 (/work/shared/spec/licensing.md, sections 1, 3, 5 and 6).
import { describe, expect, it } from 'vitest';
import {
  type AccountRecord,
  type CountResult,
  countLicences,
  type DuplicateGroup,
  type EnvironmentRules,
} from '../../../shared/licensing/index.ts';

const PROD: EnvironmentRules = { name: 'Production', production: true, internalDomains: ['mycompany.com'] };
const PROD_US: EnvironmentRules = { name: 'Production US', production: true, internalDomains: ['mycompany.com'] };
const QA: EnvironmentRules = { name: 'QA', production: false, internalDomains: ['mycompany.com'] };
const ENVS = [PROD, PROD_US, QA];

let nextRef = 1;
/** An active default-tenant account in Production, provider "Users", unless overridden. */
function acct(fields: Partial<AccountRecord>): AccountRecord {
  return { ref: nextRef++, environment: 'Production', provider: 'Users', active: true, ...fields };
}

function totals(result: CountResult) {
  return { internal: result.internal, external: result.external };
}

function env(result: CountResult, name: string) {
  const found = result.environments.find((e) => e.name === name);
  if (!found) throw new Error(`no environment ${name}`);
  return found;
}

function groupRefs(groups: readonly DuplicateGroup[]) {
  return groups.map((g) => g.members.map((m) => m.ref));
}

describe('rules 1-4: who is an end user', () => {
  it('rule 1: only active accounts count; a deactivated account stops counting', () => {
    const records = [
      acct({ ref: 'a', email: 'a@mycompany.com' }),
      acct({ ref: 'b', email: 'b@outsourcing.com' }),
      acct({ ref: 'c', email: 'c@mycompany.com', active: false }),
      acct({ ref: 'd', email: 'd@outsourcing.com', active: false }),
    ];
    const result = countLicences(records, ENVS);
    expect(totals(result)).toEqual({ internal: 1, external: 1 });
    expect(result.raw).toEqual({ internal: 1, external: 1 });
    expect(result.notCounted).toEqual({ inactive: 2, nonProduction: 0, itUsers: 0 });
  });

  it.each([
    { email: 'a@mycompany.com', bucket: 'internal' as const },
    { email: 'a@outsourcing.com', bucket: 'external' as const },
  ])(
    'rule 1: an account ($email) counts, stops when deactivated, counts again when reactivated',
    ({ email, bucket }) => {
      const others = [acct({ email: 'x@mycompany.com' }), acct({ email: 'y@elsewhere.org' })];
      const record = acct({ email });
      const before = countLicences([...others, record], ENVS);
      const deactivated = countLicences([...others, { ...record, active: false }], ENVS);
      const reactivated = countLicences([...others, { ...record, active: true }], ENVS);
      expect(deactivated[bucket]).toBe(before[bucket] - 1);
      expect(deactivated.notCounted.inactive).toBe(1);
      expect(reactivated).toEqual(before);
    },
  );

  it('rule 2: anonymous visitors create no records, so nothing is counted', () => {
    const result = countLicences([], ENVS);
    expect(totals(result)).toEqual({ internal: 0, external: 0 });
    expect(result.raw).toEqual({ internal: 0, external: 0 });
    expect(result.notCounted).toEqual({ inactive: 0, nonProduction: 0, itUsers: 0 });
    expect(result.duplicateGroups).toEqual([]);
    for (const e of result.environments) expect(e).toMatchObject({ internal: 0, external: 0, providers: [] });
  });

  it.each([
    { label: 'IT user, internal domain', fields: { email: 'dev@mycompany.com', itUser: true } },
    { label: 'IT user, external domain', fields: { email: 'ops@contractor.com', itUser: true } },
    { label: 'IT user, no email', fields: { username: 'svc-console', itUser: true } },
  ])('rule 3: $label does not count', ({ fields }) => {
    const result = countLicences([acct(fields)], ENVS);
    expect(totals(result)).toEqual({ internal: 0, external: 0 });
    expect(result.raw).toEqual({ internal: 0, external: 0 });
    expect(result.notCounted).toEqual({ inactive: 0, nonProduction: 0, itUsers: 1 });
  });

  it.each([
    { label: 'admin on an internal domain', fields: { email: 'admin@mycompany.com', staff: true }, bucket: 'internal' },
    { label: 'support on an external domain', fields: { email: 'help@agency.com', staff: true }, bucket: 'external' },
  ] as const)('rule 3: Seatkeeper staff ($label) do count', ({ fields, bucket }) => {
    const result = countLicences([acct(fields)], ENVS);
    expect(result[bucket]).toBe(1);
    expect(result.raw[bucket]).toBe(1);
  });

  it('rule 4: non-production records are not counted but shown for their environment', () => {
    const records = [
      acct({ ref: 'p1', email: 'p1@mycompany.com' }),
      acct({ ref: 'q1', environment: 'QA', email: 'q1@mycompany.com' }),
      acct({ ref: 'q2', environment: 'QA', email: 'q2@outsourcing.com' }),
      acct({ ref: 'q3', environment: 'QA', email: 'q3@outsourcing.com', provider: 'AzureAD' }),
      acct({ ref: 'q4', environment: 'QA', email: 'q4@outsourcing.com', active: false }),
    ];
    const result = countLicences(records, ENVS);
    expect(totals(result)).toEqual({ internal: 1, external: 0 });
    expect(result.raw).toEqual({ internal: 1, external: 0 });
    expect(result.notCounted.nonProduction).toBe(4);
    const qa = env(result, 'QA');
    expect(qa).toMatchObject({ production: false, internal: 1, external: 2 });
    expect([...qa.providers].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'AzureAD', internal: 0, external: 1 },
      { name: 'Users', internal: 1, external: 1 },
    ]);
    expect(env(result, 'Production')).toMatchObject({ production: true, internal: 1, external: 0 });
  });

  it('rule 4: every declared environment is shown, even without records', () => {
    const result = countLicences([acct({ email: 'a@mycompany.com' })], ENVS);
    expect(result.environments.map((e) => e.name)).toEqual(['Production', 'Production US', 'QA']);
  });
});

describe('rules 14-16: one person, several accounts in one environment', () => {
  it.each([
    {
      rule: '14: different providers, same email',
      records: [
        { provider: 'Users', username: 'jsmith', email: 'john@outsourcing.com' },
        { provider: 'AzureAD', username: 'john.smith', email: 'john@outsourcing.com' },
      ],
      people: 1,
    },
    {
      rule: '14: different providers, same email differing in case and spaces',
      records: [
        { provider: 'Users', username: 'jsmith', email: 'John@Outsourcing.com' },
        { provider: 'AzureAD', username: 'john.smith', email: '  john@outsourcing.COM ' },
      ],
      people: 1,
    },
    {
      rule: '14: different providers, same username (case-insensitive)',
      records: [
        { provider: 'Users', username: 'JSmith', email: 'john@outsourcing.com' },
        { provider: 'Okta', username: 'jsmith', email: 'john.smith@other.org' },
      ],
      people: 1,
    },
    {
      rule: '14: transitive, A~B by email, B~C by username',
      records: [
        { provider: 'Users', username: 'a', email: 'ab@outsourcing.com' },
        { provider: 'AzureAD', username: 'bc', email: 'ab@outsourcing.com' },
        { provider: 'Okta', username: 'bc', email: 'c@elsewhere.org' },
      ],
      people: 1,
    },
    {
      rule: '14: nothing shared',
      records: [
        { provider: 'Users', username: 'a', email: 'a@outsourcing.com' },
        { provider: 'AzureAD', username: 'b', email: 'b@outsourcing.com' },
      ],
      people: 2,
    },
    {
      rule: '14: empty username and email are not something shared',
      records: [
        { provider: 'Users', username: '', email: '' },
        { provider: 'AzureAD', username: '', email: '' },
        { provider: 'Okta', username: null, email: null },
      ],
      people: 3,
    },
    {
      rule: '15: same provider, same email',
      records: [
        { provider: 'Users', username: 'jsmith', email: 'john@outsourcing.com' },
        { provider: 'Users', username: 'jsmith2', email: 'john@outsourcing.com' },
      ],
      people: 2,
    },
    {
      rule: '15: same provider, same username and email',
      records: [
        { provider: 'Users', username: 'jsmith', email: 'john@outsourcing.com' },
        { provider: 'Users', username: 'JSMITH', email: 'JOHN@outsourcing.com' },
      ],
      people: 2,
    },
    {
      rule: '16: non-default tenant, identical to a default-tenant account in another provider',
      records: [
        { provider: 'Users', username: 'jsmith', email: 'john@outsourcing.com' },
        { provider: 'AzureAD', tenant: 'Acme', username: 'jsmith', email: 'john@outsourcing.com' },
      ],
      people: 2,
    },
    {
      rule: '16: two identical accounts in the same non-default tenant, different providers',
      records: [
        { provider: 'Users', tenant: 'Acme', username: 'jsmith', email: 'john@outsourcing.com' },
        { provider: 'AzureAD', tenant: 'Acme', username: 'jsmith', email: 'john@outsourcing.com' },
      ],
      people: 2,
    },
    {
      rule: '16: a tenant of blanks is the default tenant',
      records: [
        { provider: 'Users', tenant: '  ', username: 'jsmith', email: 'john@outsourcing.com' },
        { provider: 'AzureAD', tenant: '', username: 'jsmith', email: 'john@outsourcing.com' },
      ],
      people: 1,
    },
  ])('rule $rule: $people people', ({ records, people }) => {
    const result = countLicences(
      records.map((r) => acct(r)),
      ENVS,
    );
    expect(result.internal + result.external).toBe(people);
    // Rule 19: the raw figures count every counted account, whatever the merging.
    expect(result.raw.internal + result.raw.external).toBe(records.length);
    expect(env(result, 'Production').internal + env(result, 'Production').external).toBe(people);
  });

  it('rule 14: a merged group is listed with its accounts', () => {
    const result = countLicences(
      [
        acct({ ref: 'A', provider: 'Users', username: 'a', email: 'ab@outsourcing.com' }),
        acct({ ref: 'B', provider: 'AzureAD', username: 'bc', email: 'AB@outsourcing.com' }),
        acct({ ref: 'C', provider: 'Okta', username: 'BC', email: 'c@elsewhere.org' }),
        acct({ ref: 'D', provider: 'Okta', username: 'd', email: 'd@elsewhere.org' }),
      ],
      ENVS,
    );
    expect(result.duplicateGroups).toHaveLength(1);
    const group = result.duplicateGroups[0] as DuplicateGroup;
    expect(group).toMatchObject({ scope: 'production', people: 1, internal: 0, external: 1 });
    expect(group.members.map((m) => m.ref).sort()).toEqual(['A', 'B', 'C']);
  });

  // Decision (count.ts): linking uses every default-tenant account, active or not, so deactivating a bridging account
  // never splits a person in two.
  it('decision: an inactive account still links the two active accounts it bridges', () => {
    const records = [
      acct({ ref: 'A', provider: 'Users', username: 'a', email: 'shared@outsourcing.com' }),
      acct({ ref: 'B', provider: 'AzureAD', username: 'bridge', email: 'shared@outsourcing.com', active: false }),
      acct({ ref: 'C', provider: 'Okta', username: 'bridge', email: 'c@elsewhere.org' }),
    ];
    const result = countLicences(records, ENVS);
    expect(totals(result)).toEqual({ internal: 0, external: 1 });
    const group = result.duplicateGroups[0] as DuplicateGroup;
    expect(group.members.find((m) => m.ref === 'B')).toMatchObject({ counted: false, notCountedReason: 'inactive' });
  });

  // Decision (count.ts): a linked group counts as the largest number of counted accounts it holds in one
  // (environment, provider), the fewest people consistent with rules 14 and 15.
  it.each([
    {
      label: 'two same-provider accounts both matching a third provider',
      records: [
        { provider: 'Users', username: 'j1', email: 'john@outsourcing.com' },
        { provider: 'Users', username: 'j2', email: 'john@outsourcing.com' },
        { provider: 'AzureAD', username: 'john', email: 'john@outsourcing.com' },
      ],
      people: 2,
    },
    {
      label: 'transitive chain through the same provider',
      records: [
        { provider: 'Users', username: 'u1', email: 'e1@outsourcing.com' },
        { provider: 'AzureAD', username: 'u2', email: 'e1@outsourcing.com' },
        { provider: 'Users', username: 'u2', email: 'e3@outsourcing.com' },
      ],
      people: 2,
    },
    {
      label: 'three in one provider, two in another',
      records: [
        { provider: 'Users', username: 'x1', email: 'x@outsourcing.com' },
        { provider: 'Users', username: 'x2', email: 'x@outsourcing.com' },
        { provider: 'Users', username: 'x3', email: 'x@outsourcing.com' },
        { provider: 'Okta', username: 'x4', email: 'x@outsourcing.com' },
        { provider: 'Okta', username: 'x5', email: 'x@outsourcing.com' },
      ],
      people: 3,
    },
  ])('decision: $label counts as $people people, flagged same-provider', ({ records, people }) => {
    const result = countLicences(
      records.map((r) => acct(r)),
      ENVS,
    );
    expect(result.internal + result.external).toBe(people);
    expect(result.duplicateGroups).toHaveLength(1);
    expect(result.duplicateGroups[0]?.people).toBe(people);
    expect(result.duplicateGroups[0]?.flags).toContain('same-provider');
  });
});

describe('rule 15: accounts of one provider never link each other (issue 15)', () => {
  const example1 = [
    acct({ ref: 2, provider: 'Okta', username: 'anna', email: 'team@corp.com' }),
    acct({ ref: 3, provider: 'Okta', username: 'ben', email: 'team@corp.com' }),
    acct({ ref: 4, provider: 'AD', username: 'anna', email: 'it@corp.com' }),
    acct({ ref: 5, provider: 'AD', username: 'carl', email: 'it@corp.com' }),
  ];
  const corp: EnvironmentRules[] = [{ name: 'Production', production: true, internalDomains: ['corp.com'] }];

  it("the rulebook's example: the two annas are one person, ben and carl are alone: 3 people", () => {
    const result = countLicences(example1, corp);
    expect(totals(result)).toEqual({ internal: 3, external: 0 });
    expect(groupRefs(result.duplicateGroups)).toEqual([[2, 4]]);
    expect(result.duplicateGroups[0]?.flags).not.toContain('same-provider');
  });

  it('a shared username inside one provider does not pull an external account into an internal person', () => {
    const result = countLicences(
      [
        acct({ ref: 2, provider: 'AD', email: 'alice', username: 'ÄRGER@corp.com' }),
        acct({ ref: 3, provider: 'AD', email: 'dave@ext.com', username: 'ÄRGER@corp.com' }),
        acct({ ref: 4, provider: 'Okta', email: 'dave@ext.com', username: '' }),
      ],
      [{ name: 'Production', production: true, internalDomains: ['ext.com'] }],
    );
    expect(totals(result)).toEqual({ internal: 1, external: 1 });
    expect(groupRefs(result.duplicateGroups)).toEqual([[3, 4]]);
  });

  it('the same provider in two environments is two (environment, provider) pairs, so those accounts do link', () => {
    const result = countLicences(
      [
        acct({ environment: 'Production', provider: 'Okta', username: 'anna', email: 'team@corp.com' }),
        acct({ environment: 'Production US', provider: 'Okta', username: 'ben', email: 'team@corp.com' }),
      ],
      ENVS,
    );
    expect(result.internal + result.external).toBe(1);
  });
});

describe('rule 17: unique people across production environments', () => {
  const records = [
    acct({ ref: 'eu', environment: 'Production', provider: 'Users', username: 'jsmith', email: 'j@outsourcing.com' }),
    acct({ ref: 'us', environment: 'Production US', provider: 'Users', username: 'john', email: 'J@outsourcing.com' }),
    acct({ ref: 'us2', environment: 'Production US', provider: 'Okta', username: 'JSMITH', email: 'js@other.org' }),
    acct({ ref: 'qa', environment: 'QA', provider: 'Users', username: 'jsmith', email: 'j@outsourcing.com' }),
  ];
  const result = countLicences(records, ENVS);

  it('merges default-tenant accounts across production environments by email or username', () => {
    expect(totals(result)).toEqual({ internal: 0, external: 1 });
    expect(result.raw).toEqual({ internal: 0, external: 3 });
    const production = result.duplicateGroups.filter((g) => g.scope === 'production');
    expect(production).toHaveLength(1);
    expect(production[0]?.flags).toContain('cross-environment');
    expect(production[0]?.members.map((m) => m.ref).sort()).toEqual(['eu', 'us', 'us2']);
  });

  it('each environment still shows its own count, merged within itself only', () => {
    expect(env(result, 'Production')).toMatchObject({ internal: 0, external: 1 });
    // Within Production US alone, "us" and "us2" share nothing: only "eu" (in Production) links them.
    expect(env(result, 'Production US')).toMatchObject({ internal: 0, external: 2 });
    expect(env(result, 'QA')).toMatchObject({ internal: 0, external: 1 });
  });

  it('rule 4: the non-production account is not merged into production totals', () => {
    const withoutQa = countLicences(
      records.filter((r) => r.environment !== 'QA'),
      ENVS,
    );
    expect(totals(withoutQa)).toEqual(totals(result));
    expect(groupRefs(result.duplicateGroups).flat()).not.toContain('qa');
    expect(result.notCounted.nonProduction).toBe(1);
  });

  it('the same provider name in two production environments is two providers (no rule 15 split)', () => {
    const twoEnvs = countLicences(
      [
        acct({ environment: 'Production', provider: 'Users', email: 'x@outsourcing.com' }),
        acct({ environment: 'Production US', provider: 'Users', email: 'x@outsourcing.com' }),
      ],
      ENVS,
    );
    expect(twoEnvs.internal + twoEnvs.external).toBe(1);
  });

  it('non-default tenants stay apart across environments too (rule 16)', () => {
    const tenants = countLicences(
      [
        acct({ environment: 'Production', tenant: 'Acme', email: 'x@outsourcing.com' }),
        acct({ environment: 'Production US', tenant: 'Acme', email: 'x@outsourcing.com' }),
      ],
      ENVS,
    );
    expect(tenants.internal + tenants.external).toBe(2);
  });

  it("classification follows each environment's own rules before merging", () => {
    const envs: EnvironmentRules[] = [
      { name: 'Production', production: true, internalDomains: ['mycompany.com'] },
      { name: 'Production US', production: true, internalDomains: ['mycompany.us'] },
    ];
    const result = countLicences(
      [
        acct({ environment: 'Production', email: 'a@mycompany.us' }),
        acct({ environment: 'Production US', email: 'b@mycompany.us' }),
      ],
      envs,
    );
    expect(env(result, 'Production')).toMatchObject({ internal: 0, external: 1 });
    expect(env(result, 'Production US')).toMatchObject({ internal: 1, external: 0 });
  });
});

describe('rule 18: a merged person with any internal counted account is internal, flagged mixed', () => {
  it.each([
    {
      label: 'internal in one provider, external in another (same username)',
      records: [
        { provider: 'Users', username: 'jsmith', email: 'john@mycompany.com' },
        { provider: 'AzureAD', username: 'jsmith', email: 'john@gmail.com' },
      ],
      expected: { internal: 1, external: 0 },
      mixed: true,
    },
    {
      label: 'internal in one production environment, external in the other',
      records: [
        { environment: 'Production', username: 'jsmith', email: 'john@mycompany.com' },
        { environment: 'Production US', username: 'jsmith', email: 'john@gmail.com' },
      ],
      expected: { internal: 1, external: 0 },
      mixed: true,
    },
    {
      label: 'no-email (internal) account merged by username with an external one',
      records: [
        { provider: 'Users', username: 'jsmith', email: '' },
        { provider: 'AzureAD', username: 'jsmith', email: 'john@gmail.com' },
      ],
      expected: { internal: 1, external: 0 },
      mixed: true,
    },
    {
      label: 'all accounts external',
      records: [
        { provider: 'Users', username: 'jsmith', email: 'john@gmail.com' },
        { provider: 'AzureAD', username: 'jsmith', email: 'john@yahoo.com' },
      ],
      expected: { internal: 0, external: 1 },
      mixed: false,
    },
    {
      label: 'all accounts internal',
      records: [
        { provider: 'Users', username: 'jsmith', email: 'john@mycompany.com' },
        { provider: 'AzureAD', username: 'jsmith', email: 'john.smith@mycompany.com' },
      ],
      expected: { internal: 1, external: 0 },
      mixed: false,
    },
    {
      // Decision (count.ts): internal people = min(people, internal accounts).
      label: 'two people by rule 15, one internal account among them',
      records: [
        { provider: 'Users', username: 'j1', email: 'john@gmail.com' },
        { provider: 'Users', username: 'j2', email: 'john@gmail.com' },
        { provider: 'AzureAD', username: 'j1', email: 'john@mycompany.com' },
      ],
      expected: { internal: 1, external: 1 },
      mixed: true,
    },
  ])('$label', ({ records, expected, mixed }) => {
    const result = countLicences(
      records.map((r) => acct(r)),
      ENVS,
    );
    expect(totals(result)).toEqual(expected);
    const group = result.duplicateGroups[0] as DuplicateGroup;
    expect(group.classification).toBe(expected.internal > 0 ? 'internal' : 'external');
    if (mixed) expect(group.flags).toContain('mixed');
    else expect(group.flags).not.toContain('mixed');
  });

  it('only counted accounts decide: an inactive internal account does not make the person internal', () => {
    const result = countLicences(
      [
        acct({ provider: 'Users', username: 'jsmith', email: 'john@mycompany.com', active: false }),
        acct({ provider: 'AzureAD', username: 'jsmith', email: 'john@gmail.com' }),
      ],
      ENVS,
    );
    expect(totals(result)).toEqual({ internal: 0, external: 1 });
  });
});

describe('rule 19: per-provider figures are raw, totals are deduplicated, both are shown', () => {
  const records = [
    acct({ provider: 'Users', username: 'jsmith', email: 'john@mycompany.com' }),
    acct({ provider: 'AzureAD', username: 'jsmith', email: 'john@mycompany.com' }),
    acct({ provider: 'AzureAD', username: 'ann', email: 'ann@outsourcing.com' }),
    acct({ provider: 'Okta', username: 'ann', email: 'ann@outsourcing.com' }),
    acct({ provider: 'Okta', username: 'bob', email: 'bob@outsourcing.com', itUser: true }),
    acct({ provider: 'Okta', username: 'cy', email: 'cy@outsourcing.com', active: false }),
    acct({ environment: 'Production US', provider: 'Users', username: 'jsmith', email: 'john@mycompany.com' }),
  ];
  const result = countLicences(records, ENVS);

  it('totals are deduplicated', () => {
    expect(totals(result)).toEqual({ internal: 1, external: 1 });
  });

  it('raw totals count every counted account', () => {
    expect(result.raw).toEqual({ internal: 3, external: 2 });
    expect(result.notCounted).toEqual({ inactive: 1, nonProduction: 0, itUsers: 1 });
  });

  it('per-provider figures are raw', () => {
    expect(env(result, 'Production US').providers).toEqual([{ name: 'Users', internal: 1, external: 0 }]);
    const providers = [...env(result, 'Production').providers].sort((a, b) => a.name.localeCompare(b.name));
    expect(providers).toEqual([
      { name: 'AzureAD', internal: 1, external: 1 },
      { name: 'Okta', internal: 0, external: 1 },
      { name: 'Users', internal: 1, external: 0 },
    ]);
  });

  it('each environment count is deduplicated within the environment', () => {
    expect(env(result, 'Production')).toMatchObject({ internal: 1, external: 1 });
    expect(env(result, 'Production US')).toMatchObject({ internal: 1, external: 0 });
  });
});

describe('rule 24: a full recount agrees with the live figures (counting is a pure function of the records)', () => {
  const start = [
    acct({ ref: 1, provider: 'Users', username: 'jsmith', email: 'john@mycompany.com' }),
    acct({ ref: 2, provider: 'AzureAD', username: 'jsmith', email: 'john@gmail.com' }),
    acct({ ref: 3, provider: 'Users', username: 'ann', email: 'ann@outsourcing.com' }),
    acct({ ref: 4, environment: 'Production US', provider: 'Okta', username: 'ann', email: 'ann@else.org' }),
    acct({ ref: 5, environment: 'QA', username: 'qa', email: 'qa@mycompany.com' }),
    acct({ ref: 6, provider: 'Users', tenant: 'Acme', username: 'jsmith', email: 'john@mycompany.com' }),
    acct({ ref: 7, provider: 'Users', username: 'mjohnson', email: '' }),
  ];
  type Change = { label: string; apply: (records: AccountRecord[]) => AccountRecord[] };
  const edit = (ref: number, fields: Partial<AccountRecord>) => (records: AccountRecord[]) =>
    records.map((r) => (r.ref === ref ? { ...r, ...fields } : r));
  const changes: Change[] = [
    { label: 'deactivate 1', apply: edit(1, { active: false }) },
    { label: 'change email of 2 to an internal domain', apply: edit(2, { email: 'john@mycompany.com' }) },
    { label: 'add an account', apply: (rs) => [...rs, acct({ ref: 8, provider: 'Okta', username: 'ann' })] },
    { label: 'move 5 to production', apply: edit(5, { environment: 'Production' }) },
    { label: 'mark 3 as IT user', apply: edit(3, { itUser: true }) },
    { label: 'remove 4', apply: (rs) => rs.filter((r) => r.ref !== 4) },
    { label: 'reactivate 1', apply: edit(1, { active: true }) },
    { label: 'move 6 to the default tenant', apply: edit(6, { tenant: null }) },
  ];

  const canonical = (result: CountResult) => ({
    ...result,
    environments: result.environments.map((e) => ({
      ...e,
      providers: [...e.providers].sort((a, b) => a.name.localeCompare(b.name)),
    })),
    duplicateGroups: result.duplicateGroups
      .map((g) => ({ ...g, members: [...g.members].sort((a, b) => String(a.ref).localeCompare(String(b.ref))) }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  });

  it('after each change, the live figures equal a from-scratch recount of the current records in any order', () => {
    let live = start.map((r) => ({ ...r }));
    for (const change of changes) {
      live = change.apply(live);
      const liveFigures = countLicences(live, ENVS);
      const fresh = structuredClone(live);
      const recount = countLicences(fresh, ENVS);
      const reversed = countLicences([...fresh].reverse(), ENVS);
      expect(canonical(liveFigures), change.label).toEqual(canonical(recount));
      expect(canonical(reversed), change.label).toEqual(canonical(recount));
    }
  });

  it('counting does not modify its input', () => {
    const frozen = Object.freeze(start.map((r) => Object.freeze({ ...r })));
    const envs = Object.freeze(
      ENVS.map((e) => Object.freeze({ ...e, internalDomains: Object.freeze([...e.internalDomains]) })),
    );
    const before = JSON.stringify(frozen);
    expect(() => countLicences(frozen, envs)).not.toThrow();
    expect(JSON.stringify(frozen)).toBe(before);
  });

  it('the same records always give the same figures', () => {
    expect(countLicences(start, ENVS)).toEqual(countLicences(start, ENVS));
  });
});

describe('rules 25-27: server features, engine-testable part only', () => {
  // Rule 25 (retention policy: dry run, audit, never deletes) and rule 27 (anonymous certificate verification) have
  // nothing the engine decides beyond rules 1 and 2; they are to be tested at the server level.
  it('rule 25: a retention deactivation (active: false) stops the account counting, and the record is kept', () => {
    const record = acct({ ref: 'cand', email: 'cand@gmail.com' });
    const result = countLicences([{ ...record, active: false }], ENVS);
    expect(totals(result)).toEqual({ internal: 0, external: 0 });
    expect(result.notCounted.inactive).toBe(1);
  });

  it('rule 26: a deactivated candidate who becomes active again counts again', () => {
    const candidate = acct({ ref: 'cand', email: 'cand@gmail.com', active: false });
    expect(countLicences([candidate], ENVS).external).toBe(0);
    expect(countLicences([{ ...candidate, active: true }], ENVS).external).toBe(1);
  });

  it('rule 27: verification creates no account, so the count is unchanged (nothing to count)', () => {
    const records = [acct({ email: 'holder@gmail.com', active: false })];
    expect(countLicences(records, ENVS)).toEqual(countLicences([...records], ENVS));
  });
});
