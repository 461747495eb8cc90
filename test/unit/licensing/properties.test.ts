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
  type EnvironmentCount,
  type EnvironmentRules,
  emailDomain,
  parseDomainList,
} from '../../../shared/licensing/index.ts';

const RUNS = 200;

const ENV_NAMES = ['Prod-EU', 'Prod-US', 'QA', 'Dev'] as const;
const DOMAIN_POOL = ['mycompany.com', 'sales.mycompany.com', 'partner.org', 'xn--bcher-kva.de'];
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
  'ann@bücher.de',
  'ANN@xn--bcher-kva.de',
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

// Few providers and values, so that accounts of one provider share values and groups span providers (rules 14, 15).
const denseRecordArb = fc.record({
  environment: fc.constantFrom('Prod-EU', 'Prod-US'),
  provider: fc.constantFrom('Okta', 'AD', 'Users'),
  tenant: fc.oneof({ arbitrary: fc.constant(''), weight: 9 }, { arbitrary: fc.constant('Acme'), weight: 1 }),
  username: fc.constantFrom('anna', 'ben', 'carl', 'Anna', ''),
  email: fc.constantFrom('team@corp.com', 'it@corp.com', 'dave@ext.com', 'TEAM@corp.com', 'n/a'),
  active: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
  itUser: fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, { arbitrary: fc.constant(true), weight: 1 }),
});
const denseScenarioArb = fc.record({
  envs: fc.tuple(
    fc.record({
      name: fc.constant('Prod-EU'),
      production: fc.constant(true),
      internalDomains: fc.subarray(['corp.com']),
    }),
    fc.record({ name: fc.constant('Prod-US'), production: fc.boolean(), internalDomains: fc.subarray(['ext.com']) }),
  ),
  records: fc
    .array(denseRecordArb, { maxLength: 14 })
    .map((records) => records.map((record, i): AccountRecord => ({ ref: i, ...record }))),
});

// ---- helpers ----

const isCounted = (r: AccountRecord) => r.active && !r.itUser;
const isDefaultTenant = (r: AccountRecord) => !r.tenant || r.tenant.trim() === '';
const norm = (v: string | null | undefined) => (v ?? '').trim().toLowerCase();
/** A valid email as rule 14 matches it (domain in punycode, rule 10a), or null. */
function emailKeyOf(value: string | null | undefined): string | null {
  const domain = emailDomain(value);
  if (domain === null) return null;
  const trimmed = (value ?? '').trim();
  return `${trimmed.slice(0, trimmed.lastIndexOf('@')).toLowerCase()}@${domain}`;
}

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
 * A brute-force reading of rules 14 to 18 and the documented Decisions, written from the rulebook and sharing nothing
 * with the engine's index: every pair of accounts is compared; two default-tenant accounts are linked when they sit in
 * different (environment, provider) pairs and share a valid email (domain compared in punycode, rule 10a) or a
 * non-blank username, case-insensitively (rules 14-16); people are the connected components, found by a plain graph
 * search; a component counts as its largest number of counted accounts in one (environment, provider) (rule 15), and
 * its internal people are min(people, internal accounts) (rule 18, Decision D5).
 */
function referenceCount(records: readonly AccountRecord[], envs: readonly EnvironmentRules[]) {
  const slot = (r: AccountRecord) => `${r.environment}\u0000${r.provider}`;
  const emailKey = (r: AccountRecord) => emailKeyOf(r.email);
  const usernameKey = (r: AccountRecord) => norm(r.username) || null;
  const linked = (a: AccountRecord, b: AccountRecord) =>
    isDefaultTenant(a) &&
    isDefaultTenant(b) &&
    slot(a) !== slot(b) &&
    ((emailKey(a) !== null && emailKey(a) === emailKey(b)) ||
      (usernameKey(a) !== null && usernameKey(a) === usernameKey(b)));
  const placed = records.map(() => false);
  let internal = 0;
  let external = 0;
  records.forEach((_, start) => {
    if (placed[start]) return;
    placed[start] = true;
    const component = [start];
    for (let k = 0; k < component.length; k++) {
      const a = records[component[k] as number] as AccountRecord;
      records.forEach((b, j) => {
        if (!placed[j] && linked(a, b)) {
          placed[j] = true;
          component.push(j);
        }
      });
    }
    const counted = component.map((i) => records[i] as AccountRecord).filter(isCounted);
    const perSlot = new Map<string, number>();
    for (const r of counted) perSlot.set(slot(r), (perSlot.get(slot(r)) ?? 0) + 1);
    const people = Math.max(0, ...perSlot.values());
    const internalAccounts = counted.filter((r) => classOf(envs, r) === 'internal').length;
    internal += Math.min(people, internalAccounts);
    external += people - Math.min(people, internalAccounts);
  });
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

  it('totals and per-environment counts equal a brute-force reading of the rulebook', () => {
    fc.assert(
      fc.property(fc.oneof(scenarioArb, denseScenarioArb), ({ envs, records }) => {
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

  // Rule 15: an account that shares its email and username only with accounts of its own provider is a person of its
  // own, whatever those accounts are linked to elsewhere; so adding it never lowers anyone's count.
  it("adding an account to a provider never lowers that provider's people: one sharing only with its own provider adds exactly one", () => {
    const arb = fc.oneof(scenarioArb, denseScenarioArb).chain(({ envs, records }) =>
      fc.record({
        envs: fc.constant(envs),
        records: fc.constant(records),
        added: fc
          .tuple(fc.oneof(recordArb, denseRecordArb), fc.constantFrom(...envs.map((e) => e.name)))
          .map(([record, environment]) => ({ ...record, environment })),
        takeEmail: fc.nat(),
        takeUsername: fc.nat(),
      }),
    );
    fc.assert(
      fc.property(arb, ({ envs, records, added, takeEmail, takeUsername }) => {
        const sameSlot = (r: AccountRecord) => r.environment === added.environment && r.provider === added.provider;
        const others = records.filter((r) => isDefaultTenant(r) && !sameSlot(r));
        const heldElsewhere = (field: 'email' | 'username', value: string) =>
          others.some((r) =>
            field === 'email'
              ? emailKeyOf(value) !== null && emailKeyOf(r.email) === emailKeyOf(value)
              : norm(value) !== '' && norm(r.username) === norm(value),
          );
        // Values its own provider already holds (so it is a same-provider duplicate), or fresh ones.
        const pick = (field: 'email' | 'username', take: number, fresh: string) => {
          const own = records
            .filter((r) => sameSlot(r) && isDefaultTenant(r))
            .map((r) => r[field] ?? '')
            .filter((v) => v !== '' && !heldElsewhere(field, v));
          return own.length === 0 || take % 3 === 0 ? fresh : (own[take % own.length] as string);
        };
        const account: AccountRecord = {
          ...added,
          ref: records.length,
          tenant: '',
          email: pick('email', takeEmail, 'new.person@partner.org'),
          username: pick('username', takeUsername, 'new-person'),
        };
        const before = countLicences(records, envs);
        const after = countLicences([...records, account], envs);
        const counts = envOf(envs, account.environment).production && isCounted(account);
        const internal = classOf(envs, account) === 'internal';
        expect({ internal: after.internal, external: after.external }).toEqual({
          internal: before.internal + (counts && internal ? 1 : 0),
          external: before.external + (counts && !internal ? 1 : 0),
        });
        for (const env of after.environments) {
          const old = before.environments.find((e) => e.name === env.name) as EnvironmentCount;
          const mine = env.name === account.environment && isCounted(account);
          expect({ internal: env.internal, external: env.external }).toEqual({
            internal: old.internal + (mine && internal ? 1 : 0),
            external: old.external + (mine && !internal ? 1 : 0),
          });
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("splitting a provider's duplicate into another provider never raises the total by more than one", () => {
    const arb = fc.oneof(scenarioArb, denseScenarioArb).chain(({ envs, records }) =>
      fc.record({
        envs: fc.constant(envs),
        records: fc.constant(records),
        pair: fc.nat(),
        to: fc.constantFrom(...PROVIDERS, 'NewDirectory'),
      }),
    );
    fc.assert(
      fc.property(arb, ({ envs, records, pair, to }) => {
        const pairs: [number, number][] = [];
        records.forEach((a, i) => {
          records.forEach((b, j) => {
            if (j <= i || a.environment !== b.environment || a.provider !== b.provider) return;
            if (!isDefaultTenant(a) || !isDefaultTenant(b)) return;
            const sameEmail = emailKeyOf(a.email) !== null && emailKeyOf(a.email) === emailKeyOf(b.email);
            if (sameEmail || (norm(a.username) !== '' && norm(a.username) === norm(b.username))) pairs.push([i, j]);
          });
        });
        fc.pre(pairs.length > 0);
        const [, moved] = pairs[pair % pairs.length] as [number, number];
        fc.pre((records[moved] as AccountRecord).provider !== to);
        const split = records.map((r, i) => (i === moved ? { ...r, provider: to } : r));
        const before = countLicences(records, envs);
        const after = countLicences(split, envs);
        expect(after.internal + after.external).toBeLessThanOrEqual(before.internal + before.external + 1);
        for (const env of after.environments) {
          const old = before.environments.find((e) => e.name === env.name) as EnvironmentCount;
          expect(env.internal + env.external).toBeLessThanOrEqual(old.internal + old.external + 1);
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
