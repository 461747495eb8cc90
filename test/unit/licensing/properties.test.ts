// Property tests of the licensing engine over generated records (rules 1-4, 9, 14-19, 24).
// Pools are small on purpose, so that shared emails and usernames, tenants, inactive bridges and mixed groups happen
// often.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AccountRecord,
  type CountResult,
  classifyUser,
  compileRules,
  countLicences,
  type EnvironmentRules,
  isEmail,
  parseDomainList,
} from '../../../shared/licensing/index.ts';

const RUNS = 200;

const ENV_NAMES = ['Prod-EU', 'Prod-US', 'QA', 'Dev'] as const;
const DOMAIN_POOL = ['mycompany.com', 'sales.mycompany.com', 'partner.org'];
const PROVIDERS = ['Users', 'AzureAD', 'Okta'];
const USERNAMES = [
  'jsmith',
  'JSmith',
  'José',
  'JOSÉ',
  'ann',
  'bob',
  'jane@mycompany.com',
  'ann@partner.org',
  'x@finance.mycompany.com',
  '+351912345678',
  '',
  null,
];
const EMAILS = [
  'john@mycompany.com',
  'John@MyCompany.com',
  'jane@mycompany.com',
  'ann@outsourcing.com',
  'ann@sales.mycompany.com',
  'bob@finance.mycompany.com',
  'carl@partner.org',
  'n/a',
  '',
  null,
];

const envArb = (name: string): fc.Arbitrary<EnvironmentRules> =>
  fc.record({
    name: fc.constant(name),
    production: fc.boolean(),
    internalDomains: fc.subarray(DOMAIN_POOL),
  });
const envsArb: fc.Arbitrary<EnvironmentRules[]> = fc.tuple(...ENV_NAMES.map(envArb));

const recordArb = fc.record({
  environment: fc.constantFrom(...ENV_NAMES),
  provider: fc.constantFrom(...PROVIDERS),
  tenant: fc.oneof(
    { arbitrary: fc.constantFrom(undefined, null, '', ' '), weight: 6 },
    { arbitrary: fc.constantFrom('Acme', 'Beta'), weight: 1 },
  ),
  username: fc.constantFrom(...USERNAMES),
  email: fc.constantFrom(...EMAILS),
  active: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
  itUser: fc.oneof({ arbitrary: fc.constant(false), weight: 6 }, { arbitrary: fc.constant(true), weight: 1 }),
  staff: fc.boolean(),
});

const recordsArb = (minLength = 0): fc.Arbitrary<AccountRecord[]> =>
  fc
    .array(recordArb, { minLength, maxLength: 30 })
    .map((records) => records.map((record, i): AccountRecord => ({ ref: i, ...record })));

const scenarioArb = fc.record({ envs: envsArb, records: recordsArb() });

// ---- helpers ----

const isCounted = (r: AccountRecord) => r.active && !r.itUser;
const isDefaultTenant = (r: AccountRecord) => !r.tenant || r.tenant.trim() === '';
const norm = (v: string | null | undefined) => (v ?? '').trim().toLowerCase();

function envOf(envs: readonly EnvironmentRules[], name: string): EnvironmentRules {
  const env = envs.find((e) => e.name === name);
  if (!env) throw new Error(`no environment ${name}`);
  return env;
}

function classOf(envs: readonly EnvironmentRules[], r: AccountRecord) {
  const env = envOf(envs, r.environment);
  return classifyUser(compileRules(env.name, env.internalDomains), r).classification;
}

/**
 * An independent, naive model of rules 14-18 with the engine's documented Decisions (count.ts): default-tenant
 * accounts linked transitively by a valid email or a username (active or not), a linked group counts as the largest number of
 * counted accounts in one (environment, provider), and internal people = min(people, internal accounts).
 */
function referenceCount(records: readonly AccountRecord[], envs: readonly EnvironmentRules[]) {
  const n = records.length;
  const component = records.map((_, i) => i);
  const root = (i: number): number => {
    let x = i;
    while (component[x] !== x) x = component[x] as number;
    return x;
  };
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = records[i] as AccountRecord;
      const b = records[j] as AccountRecord;
      if (!isDefaultTenant(a) || !isDefaultTenant(b)) continue;
      // Only a valid email identifies a person: placeholders such as "n/a" link nobody (Decision).
      const sameEmail = isEmail(a.email) && norm(a.email) === norm(b.email);
      const sameUsername = norm(a.username) !== '' && norm(a.username) === norm(b.username);
      if (sameEmail || sameUsername) component[root(j)] = root(i);
    }
  }
  const groups = new Map<number, AccountRecord[]>();
  records.forEach((r, i) => {
    const list = groups.get(root(i)) ?? [];
    list.push(r);
    groups.set(root(i), list);
  });
  let internal = 0;
  let external = 0;
  for (const list of groups.values()) {
    const counted = list.filter(isCounted);
    const perSlot = new Map<string, number>();
    for (const r of counted)
      perSlot.set(`${r.environment}\u0000${r.provider}`, (perSlot.get(`${r.environment}\u0000${r.provider}`) ?? 0) + 1);
    const people = Math.max(0, ...perSlot.values());
    const internalAccounts = counted.filter((r) => classOf(envs, r) === 'internal').length;
    internal += Math.min(people, internalAccounts);
    external += people - Math.min(people, internalAccounts);
  }
  return { internal, external };
}

function canonical(result: CountResult) {
  return {
    internal: result.internal,
    external: result.external,
    raw: result.raw,
    notCounted: result.notCounted,
    environments: result.environments.map((e) => ({
      ...e,
      providers: [...e.providers].sort((a, b) => a.name.localeCompare(b.name)),
    })),
    duplicateGroups: result.duplicateGroups
      .map((g) => ({
        scope: g.scope,
        people: g.people,
        internal: g.internal,
        external: g.external,
        classification: g.classification,
        flags: [...g.flags].sort(),
        refs: g.members.map((m) => String(m.ref)).sort(),
      }))
      .map((g) => JSON.stringify(g))
      .sort(),
  };
}

/** Random case per character and surrounding spaces: what rule 9 (and rule 14's case-insensitivity) must ignore. */
const mangleArb = fc.record({
  flips: fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
  left: fc.array(fc.constantFrom(' ', '\t', '\u00a0'), { maxLength: 3 }),
  right: fc.array(fc.constantFrom(' ', '\t', '\u00a0'), { maxLength: 3 }),
});
type Mangle = { flips: boolean[]; left: string[]; right: string[] };
function mangle(value: string, m: Mangle): string {
  const cased = [...value].map((ch, i) => (m.flips[i % m.flips.length] ? ch.toUpperCase() : ch.toLowerCase())).join('');
  return `${m.left.join('')}${cased}${m.right.join('')}`;
}
function mangleNullable(value: string | null | undefined, m: Mangle) {
  return value ? mangle(value, m) : value;
}

// ---- properties ----

describe('properties: rules 14-19 (deduplication)', () => {
  it('deduplicated totals never exceed raw totals (people <= accounts, internal <= raw internal)', () => {
    fc.assert(
      fc.property(scenarioArb, ({ envs, records }) => {
        const result = countLicences(records, envs);
        expect(result.internal + result.external).toBeLessThanOrEqual(result.raw.internal + result.raw.external);
        expect(result.internal).toBeLessThanOrEqual(result.raw.internal);
        // Anyone counted is at least one person.
        if (result.raw.internal + result.raw.external > 0) {
          expect(result.internal + result.external).toBeGreaterThan(0);
        }
        for (const env of result.environments) {
          const raw = env.providers.reduce((sum, p) => sum + p.internal + p.external, 0);
          const rawInternal = env.providers.reduce((sum, p) => sum + p.internal, 0);
          expect(env.internal + env.external).toBeLessThanOrEqual(raw);
          expect(env.internal).toBeLessThanOrEqual(rawInternal);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('totals and per-environment counts agree with a naive model of the rules and documented Decisions', () => {
    fc.assert(
      fc.property(scenarioArb, ({ envs, records }) => {
        const result = countLicences(records, envs);
        const production = records.filter((r) => envOf(envs, r.environment).production);
        expect({ internal: result.internal, external: result.external }).toEqual(referenceCount(production, envs));
        for (const env of result.environments) {
          const own = records.filter((r) => r.environment === env.name);
          expect({ internal: env.internal, external: env.external }).toEqual(referenceCount(own, envs));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('rule 4: non-production records never change the production totals', () => {
    fc.assert(
      fc.property(scenarioArb, ({ envs, records }) => {
        const withAll = countLicences(records, envs);
        const productionOnly = countLicences(
          records.filter((r) => envOf(envs, r.environment).production),
          envs,
        );
        expect({ i: withAll.internal, e: withAll.external, raw: withAll.raw }).toEqual({
          i: productionOnly.internal,
          e: productionOnly.external,
          raw: productionOnly.raw,
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('rule 16: each counted non-default-tenant account adds exactly one person in its own bucket', () => {
    fc.assert(
      fc.property(scenarioArb, ({ envs, records }) => {
        const all = countLicences(records, envs);
        const defaults = countLicences(records.filter(isDefaultTenant), envs);
        const tenantCounted = records.filter(
          (r) => !isDefaultTenant(r) && isCounted(r) && envOf(envs, r.environment).production,
        );
        const tenantInternal = tenantCounted.filter((r) => classOf(envs, r) === 'internal').length;
        expect(all.internal).toBe(defaults.internal + tenantInternal);
        expect(all.external).toBe(defaults.external + tenantCounted.length - tenantInternal);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('properties: rule 24 (the figures are a function of the current records only)', () => {
  it('the result does not depend on the order of the records', () => {
    const arb = scenarioArb.chain(({ envs, records }) =>
      fc.record({
        envs: fc.constant(envs),
        records: fc.constant(records),
        shuffled: fc.shuffledSubarray(records, { minLength: records.length, maxLength: records.length }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ envs, records, shuffled }) => {
        expect(canonical(countLicences(shuffled, envs))).toEqual(canonical(countLicences(records, envs)));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('properties: rules 1 and 3 (deactivation)', () => {
  // Deactivating (or marking as IT user) can only remove counted accounts; linking is unchanged (inactive accounts
  // still link, Decision in count.ts). So the number of people and of internal people never rises. The external count
  // CAN rise: when the only internal account of a mixed person (rule 18) is deactivated, that person becomes external.
  it('deactivating an account never raises the total nor the internal count', () => {
    const arb = fc.record({ envs: envsArb, records: recordsArb(1) }).chain(({ envs, records }) =>
      fc.record({
        envs: fc.constant(envs),
        records: fc.constant(records),
        index: fc.nat({ max: records.length - 1 }),
        how: fc.constantFrom('deactivate', 'it-user'),
      }),
    );
    fc.assert(
      fc.property(arb, ({ envs, records, index, how }) => {
        const before = countLicences(records, envs);
        const changed = records.map((r, i) =>
          i !== index ? r : how === 'deactivate' ? { ...r, active: false } : { ...r, itUser: true },
        );
        const after = countLicences(changed, envs);
        expect(after.internal + after.external).toBeLessThanOrEqual(before.internal + before.external);
        expect(after.internal).toBeLessThanOrEqual(before.internal);
        for (const env of after.environments) {
          const old = before.environments.find((e) => e.name === env.name);
          expect(env.internal + env.external).toBeLessThanOrEqual((old?.internal ?? 0) + (old?.external ?? 0));
          expect(env.internal).toBeLessThanOrEqual(old?.internal ?? 0);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('rule 1: deactivating then reactivating an account gives back the same figures', () => {
    const arb = fc.record({ envs: envsArb, records: recordsArb(1) }).chain(({ envs, records }) =>
      fc.record({
        envs: fc.constant(envs),
        records: fc.constant(records),
        index: fc.nat({ max: records.length - 1 }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ envs, records, index }) => {
        const off = records.map((r, i) => (i === index ? { ...r, active: false } : r));
        const on = off.map((r, i) => (i === index ? { ...r, active: (records[index] as AccountRecord).active } : r));
        expect(canonical(countLicences(on, envs))).toEqual(canonical(countLicences(records, envs)));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('properties: rule 9 (case and surrounding spaces)', () => {
  it('never change a classification (username, email and domain-list entries)', () => {
    const arb = fc.record({
      domains: fc.subarray(DOMAIN_POOL),
      domainMangles: fc.array(fc.record({ m: mangleArb, at: fc.boolean() }), { minLength: 3, maxLength: 3 }),
      username: fc.constantFrom(...USERNAMES),
      email: fc.constantFrom(...EMAILS),
      um: mangleArb,
      em: mangleArb,
    });
    fc.assert(
      fc.property(arb, ({ domains, domainMangles, username, email, um, em }) => {
        const typed = domains.map((d, i) => {
          const how = domainMangles[i % domainMangles.length] as { m: Mangle; at: boolean };
          return mangle(`${how.at ? '@' : ''}${d}`, how.m);
        });
        const parsed = parseDomainList(typed.join(','));
        expect(parsed).toEqual({ ok: true, domains });
        if (!parsed.ok) return;
        const plain = classifyUser(compileRules('Production', domains), { username, email });
        const mangled = classifyUser(compileRules('Production', parsed.domains), {
          username: mangleNullable(username, um),
          email: mangleNullable(email, em),
        });
        expect(mangled.classification).toBe(plain.classification);
        expect(mangled.flags).toEqual(plain.flags);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('never change any count (rules 9 and 14: matching is case-insensitive)', () => {
    const arb = scenarioArb.chain(({ envs, records }) =>
      fc.record({
        envs: fc.constant(envs),
        records: fc.constant(records),
        mangles: fc.array(fc.tuple(mangleArb, mangleArb), { minLength: records.length, maxLength: records.length }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ envs, records, mangles }) => {
        const mangled = records.map((r, i) => {
          const [um, em] = mangles[i] as [Mangle, Mangle];
          return { ...r, username: mangleNullable(r.username, um), email: mangleNullable(r.email, em) };
        });
        const a = canonical(countLicences(records, envs));
        const b = canonical(countLicences(mangled, envs));
        expect(b).toEqual(a);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('properties: rules 1-4 and 19 (every record is accounted for exactly once)', () => {
  it('counted + inactive + non-production + IT users == number of records', () => {
    fc.assert(
      fc.property(scenarioArb, ({ envs, records }) => {
        const { raw, notCounted } = countLicences(records, envs);
        expect(raw.internal + raw.external + notCounted.inactive + notCounted.nonProduction + notCounted.itUsers).toBe(
          records.length,
        );
        const production = records.filter((r) => envOf(envs, r.environment).production);
        expect(notCounted.nonProduction).toBe(records.length - production.length);
        expect(notCounted.inactive).toBe(production.filter((r) => !r.active).length);
        expect(notCounted.itUsers).toBe(production.filter((r) => r.active && r.itUser).length);
      }),
      { numRuns: RUNS },
    );
  });

  it("every counted record lands in exactly one environment's provider figures, in its own bucket", () => {
    fc.assert(
      fc.property(scenarioArb, ({ envs, records }) => {
        const result = countLicences(records, envs);
        let productionRaw = 0;
        for (const env of result.environments) {
          const names = env.providers.map((p) => p.name);
          expect(new Set(names).size).toBe(names.length);
          for (const provider of env.providers) {
            const mine = records.filter(
              (r) => r.environment === env.name && r.provider === provider.name && isCounted(r),
            );
            const internal = mine.filter((r) => classOf(envs, r) === 'internal').length;
            expect(provider).toEqual({ name: provider.name, internal, external: mine.length - internal });
            if (env.production) productionRaw += mine.length;
          }
          const counted = records.filter((r) => r.environment === env.name && isCounted(r));
          expect(env.providers.reduce((s, p) => s + p.internal + p.external, 0)).toBe(counted.length);
        }
        expect(productionRaw).toBe(result.raw.internal + result.raw.external);
      }),
      { numRuns: RUNS },
    );
  });

  // Non-production groups (scope = the environment's name) are shown for information: their members are not counted
  // (notCountedReason 'non-production'), so "two countable accounts" means active and not IT users there.
  it('duplicate groups list each record at most once per scope, and only groups with two countable accounts', () => {
    fc.assert(
      fc.property(scenarioArb, ({ envs, records }) => {
        const result = countLicences(records, envs);
        const seen = new Set<string>();
        for (const group of result.duplicateGroups) {
          const countable = group.members.filter((m) => isCounted(records[Number(m.ref)] as AccountRecord));
          expect(countable.length).toBeGreaterThanOrEqual(2);
          if (group.scope === 'production') expect(group.members.filter((m) => m.counted)).toEqual(countable);
          expect(group.internal + group.external).toBe(group.people);
          for (const member of group.members) {
            const key = `${group.scope}\u0000${String(member.ref)}`;
            expect(seen.has(key)).toBe(false);
            seen.add(key);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});
