// Rule 24: live figures always equal a full recount, whatever sequence of changes produced them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AccountRecord,
  countLicences,
  type EnvironmentRules,
  LiveLicenceCount,
} from '../../../shared/licensing/index.ts';

const ENVIRONMENTS: EnvironmentRules[] = [
  { name: 'Production', production: true, internalDomains: ['acme.com'] },
  { name: 'Production-EU', production: true, internalDomains: [] },
  { name: 'QA', production: false, internalDomains: ['acme.com'] },
];
const EMAILS = ['ann@acme.com', 'ANN@acme.com ', 'bob@gmail.com', 'carl@eu.acme.com', 'n/a', '', 'dee@acme.com'];
const USERNAMES = ['ann', 'Ann', 'bob', 'carl', '', 'dee', 'x@gmail.com'];

const recordArb = (ref: number) =>
  fc.record({
    ref: fc.constant(ref),
    environment: fc.constantFrom(...ENVIRONMENTS.map((e) => e.name)),
    provider: fc.constantFrom('Users', 'LDAP', 'Okta'),
    tenant: fc.constantFrom('', '', '', 'other'),
    username: fc.constantFrom(...USERNAMES),
    email: fc.constantFrom(...EMAILS),
    active: fc.boolean(),
    itUser: fc.constantFrom(false, false, false, true),
  }) as fc.Arbitrary<AccountRecord>;

// Two providers in one environment and few values: accounts of one provider share values often (rule 15).
const denseRecordArb = (ref: number) =>
  fc.record({
    ref: fc.constant(ref),
    environment: fc.constantFrom('Production', 'Production', 'Production', 'QA'),
    provider: fc.constantFrom('Users', 'LDAP'),
    tenant: fc.constant(''),
    username: fc.constantFrom('ann', 'bob', 'Ann', ''),
    email: fc.constantFrom('ann@acme.com', 'bob@gmail.com', 'n/a'),
    active: fc.constantFrom(true, true, true, false),
    itUser: fc.constant(false),
  }) as fc.Arbitrary<AccountRecord>;

type Step =
  | { kind: 'upsert'; record: AccountRecord }
  | { kind: 'remove'; ref: number }
  | { kind: 'domains'; env: number; domains: string[] }
  | { kind: 'production'; env: number };

const stepsArb = (record: (ref: number) => fc.Arbitrary<AccountRecord>): fc.Arbitrary<Step> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .nat(11)
        .chain((ref) => record(ref))
        .map((record) => ({ kind: 'upsert' as const, record })),
    },
    { weight: 2, arbitrary: fc.nat(11).map((ref) => ({ kind: 'remove' as const, ref })) },
    {
      weight: 1,
      arbitrary: fc
        .record({ env: fc.nat(2), domains: fc.subarray(['acme.com', 'eu.acme.com', 'gmail.com']) })
        .map((s) => ({ kind: 'domains' as const, ...s })),
    },
    { weight: 1, arbitrary: fc.nat(2).map((env) => ({ kind: 'production' as const, env })) },
  );

function normalised(totals: ReturnType<LiveLicenceCount['totals']>) {
  return {
    ...totals,
    environments: totals.environments.map((env) => ({
      ...env,
      providers: [...env.providers]
        .filter((p) => p.internal + p.external > 0)
        .sort((a, b) => a.name.localeCompare(b.name)),
    })),
  };
}

function withoutGroups({ duplicateGroups: _groups, ...totals }: ReturnType<typeof countLicences>) {
  return totals;
}

describe('LiveLicenceCount (rule 24)', () => {
  it.each([
    ['accounts spread over three providers and environments', recordArb],
    ['accounts of two providers sharing few values', denseRecordArb],
  ])('agrees with a full recount after every step of any sequence of changes: %s', (_label, record) => {
    fc.assert(
      fc.property(fc.array(stepsArb(record), { minLength: 1, maxLength: 40 }), (steps) => {
        let environments = ENVIRONMENTS.map((env) => ({ ...env }));
        const records = new Map<number, AccountRecord>();
        const live = new LiveLicenceCount(environments);
        for (const step of steps) {
          if (step.kind === 'upsert') {
            records.set(step.record.ref as number, step.record);
            live.upsert(step.record);
          } else if (step.kind === 'remove') {
            records.delete(step.ref);
            live.remove(step.ref);
          } else {
            environments = environments.map((env, e) =>
              e !== step.env
                ? env
                : step.kind === 'domains'
                  ? { ...env, internalDomains: step.domains }
                  : { ...env, production: !env.production },
            );
            live.setEnvironments(environments);
          }
          const { duplicateGroups: _groups, ...recount } = countLicences([...records.values()], environments);
          expect(normalised(live.totals())).toEqual(normalised(recount));
          expect(live.size).toBe(records.size);
        }
      }),
      { numRuns: 300 },
    );
  });

  // Issue 15: the live count links as the recount does: never two accounts of one provider.
  it.each([
    {
      label: 'Okta anna and ben share team@, AD anna and carl share it@: 3 internal people',
      domains: ['corp.com'],
      rows: [
        ['Okta', 'anna', 'team@corp.com'],
        ['Okta', 'ben', 'team@corp.com'],
        ['AD', 'anna', 'it@corp.com'],
        ['AD', 'carl', 'it@corp.com'],
      ],
      expected: { internal: 3, external: 0 },
    },
    {
      label: 'two AD accounts share a username; one links to Okta by email: 1 internal, 1 external',
      domains: ['ext.com'],
      rows: [
        ['AD', 'ÄRGER@corp.com', 'alice'],
        ['AD', 'ÄRGER@corp.com', 'dave@ext.com'],
        ['Okta', '', 'dave@ext.com'],
      ],
      expected: { internal: 1, external: 1 },
    },
  ])('$label, in every order of arrival', ({ domains, rows, expected }) => {
    const environments: EnvironmentRules[] = [{ name: 'Production', production: true, internalDomains: domains }];
    const records: AccountRecord[] = rows.map(([provider, username, email], ref) => ({
      ref,
      environment: 'Production',
      provider: provider as string,
      username,
      email,
      active: true,
    }));
    const orders = [records, [...records].reverse(), [records[1], records[0], ...records.slice(2)] as AccountRecord[]];
    for (const order of orders) {
      const live = new LiveLicenceCount(environments);
      for (const record of order) live.upsert(record);
      expect(live.totals()).toMatchObject(expected);
      expect(countLicences(records, environments)).toMatchObject(expected);
      // Removing and adding back the account that bridged nothing leaves the figures as they were.
      live.remove(1);
      live.upsert(records[1] as AccountRecord);
      expect(live.totals()).toMatchObject(expected);
    }
  });

  it('loads a list at once with the same figures as adding its accounts one by one', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.nat(40).chain((ref) => recordArb(ref)),
          { maxLength: 40 },
        ),
        (records) => {
          const byRef = new Map(records.map((record) => [record.ref, record]));
          const loaded = new LiveLicenceCount(ENVIRONMENTS, records);
          const stepped = new LiveLicenceCount(ENVIRONMENTS);
          for (const record of records) stepped.upsert(record);
          const { duplicateGroups: _groups, ...recount } = countLicences([...byRef.values()], ENVIRONMENTS);
          expect(normalised(loaded.totals())).toEqual(normalised(recount));
          expect(normalised(stepped.totals())).toEqual(normalised(recount));
          expect(loaded.size).toBe(byRef.size);
        },
      ),
      { numRuns: 300 },
    );
  });

  // Issue 21: an import makes room one table per turn (each index's 64 tables one at a time); accounts may be added
  // between two of those turns, past what the tables held (they start at 1,024 accounts). Up to 25 between each of
  // the two hundred or so steps of a room.
  it('keeps its figures when accounts are added between the steps of making room', () => {
    const providers = ['Users', 'LDAP', 'Okta'];
    // Values repeat across refs, so accounts link across providers and environments.
    const person = (ref: number): AccountRecord => ({
      ref,
      environment: (ENVIRONMENTS[ref % 3] as EnvironmentRules).name,
      provider: providers[Math.floor(ref / 3) % 3] as string,
      tenant: '',
      username: `u${ref % 700}`,
      email: ref % 5 === 0 ? 'n/a' : `p${ref % 900}@${ref % 2 === 0 ? 'acme.com' : 'gmail.com'}`,
      active: ref % 7 !== 0,
    });
    fc.assert(
      fc.property(
        fc.array(fc.record({ more: fc.nat(3_000), each: fc.nat(25) }), { minLength: 1, maxLength: 4 }),
        (rooms) => {
          const live = new LiveLicenceCount(ENVIRONMENTS);
          let next = 0;
          for (const { more, each } of rooms) {
            for (const _ of live.makingRoom(more)) {
              for (let k = 0; k < each; k++) live.upsert(person(next++));
            }
          }
          const records = Array.from({ length: next }, (_, ref) => person(ref));
          const { duplicateGroups: _groups, ...recount } = countLicences(records, ENVIRONMENTS);
          expect(normalised(live.totals())).toEqual(normalised(recount));
          expect(live.size).toBe(next);
        },
      ),
      { numRuns: 40 },
    );
  });

  // Issue 21: an import replaces one provider's accounts by difference; a preview applies it and undoes it.
  it('replaces a provider by difference: the new list’s figures, new refs on commit, the old ones back on undo', () => {
    const providerOf = (record: AccountRecord) => record.environment === 'Production' && record.provider === 'Users';
    fc.assert(
      fc.property(
        fc.array(
          fc.nat(30).chain((ref) => recordArb(ref)),
          { maxLength: 30 },
        ),
        fc.array(
          fc.nat(30).chain((ref) => recordArb(ref)),
          { maxLength: 30 },
        ),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.boolean(),
        (before, incoming, interleaved, commit) => {
          const start = new Map(before.map((record) => [record.ref, record]));
          const live = new LiveLicenceCount(ENVIRONMENTS, start.values());
          // The new list: fresh refs, some accounts exactly as an old one (kept), the rest new.
          const old = [...start.values()].filter(providerOf);
          const replacementList: AccountRecord[] = [
            ...old.filter((_, k) => k % 2 === 0).map((record, k) => ({ ...record, ref: `new-${k}` })),
            ...incoming.map((record, k) => ({
              ...record,
              environment: 'Production',
              provider: 'Users',
              ref: 1000 + k,
            })),
          ];
          const others = [...start.values()].filter((record) => !providerOf(record));
          const replacement = live.beginReplacement('Production', 'Users');
          for (let k = 0; k < replacementList.length; k += 3) {
            replacement.add(replacementList.slice(k, k + 3));
            // Own accounts keep changing meanwhile.
            const n = interleaved[k % Math.max(1, interleaved.length)];
            if (n !== undefined && others.length > 0) {
              const changed = { ...(others[n % others.length] as AccountRecord), active: n % 3 !== 0 };
              others[n % others.length] = changed;
              live.upsert(changed);
            }
          }
          while (!replacement.retire(2));
          const expectNew = countLicences([...others, ...replacementList], ENVIRONMENTS);
          expect(normalised(live.totals())).toEqual(normalised(withoutGroups(expectNew)));
          const kept = replacement.counts.kept;
          expect(kept + replacement.counts.added).toBe(replacementList.length);
          expect(kept + replacement.counts.removed).toBe(old.length);
          if (commit) {
            while (!replacement.commit(3));
            expect(normalised(live.totals())).toEqual(normalised(withoutGroups(expectNew)));
            expect(live.size).toBe(others.length + replacementList.length);
            for (const record of replacementList) expect(live.has(record.ref)).toBe(true);
            for (const record of old) expect(live.has(record.ref)).toBe(false);
            // A second replacement with the same list keeps everything in place.
            const again = live.beginReplacement('Production', 'Users');
            again.add(replacementList);
            while (!again.retire(100));
            while (!again.commit(100));
            expect(again.counts).toEqual({ kept: replacementList.length, added: 0, removed: 0 });
          } else {
            while (!replacement.undo(3));
            const expectOld = countLicences([...others, ...old], ENVIRONMENTS);
            expect(normalised(live.totals())).toEqual(normalised(withoutGroups(expectOld)));
            expect(live.size).toBe(others.length + old.length);
            for (const record of old) expect(live.has(record.ref)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('renames an environment in place; totals follow the order of the rules last given', () => {
    const live = new LiveLicenceCount(ENVIRONMENTS, [
      { ref: 1, environment: 'QA', provider: 'Users', username: 'ann', email: 'ann@acme.com', active: true },
      { ref: 2, environment: 'Production', provider: 'Users', username: 'bob', email: 'bob@gmail.com', active: true },
    ]);
    live.renameEnvironment('QA', 'Acceptance');
    const renamed = [
      { ...(ENVIRONMENTS[2] as EnvironmentRules), name: 'Acceptance' },
      ENVIRONMENTS[0],
      ENVIRONMENTS[1],
    ];
    live.setEnvironments(renamed as EnvironmentRules[]);
    const totals = live.totals();
    expect(totals.environments.map((env) => env.name)).toEqual(['Acceptance', 'Production', 'Production-EU']);
    expect(live.held().next().value).toMatchObject({ ref: 1, environment: 'Acceptance', provider: 'Users' });
    const records: AccountRecord[] = [
      { ref: 1, environment: 'Acceptance', provider: 'Users', username: 'ann', email: 'ann@acme.com', active: true },
      { ref: 2, environment: 'Production', provider: 'Users', username: 'bob', email: 'bob@gmail.com', active: true },
    ];
    const { duplicateGroups: _groups, ...recount } = countLicences(records, renamed as EnvironmentRules[]);
    expect(normalised(totals)).toEqual(normalised(recount));
    expect(() => live.setEnvironments(ENVIRONMENTS.slice(0, 2))).toThrow('still holds accounts');
  });

  it('describes one account: class, reason, whether counted, and whom it is merged with', () => {
    const live = new LiveLicenceCount(ENVIRONMENTS, [
      { ref: 'a', environment: 'Production', provider: 'Users', username: 'ann', email: 'ann@acme.com', active: true },
      {
        ref: 'b',
        environment: 'Production-EU',
        provider: 'LDAP',
        username: 'ann2',
        email: 'ANN@acme.com',
        active: true,
      },
      { ref: 'c', environment: 'QA', provider: 'Users', username: 'qa', email: 'qa@gmail.com', active: true },
    ]);
    expect(live.account('a')).toMatchObject({
      classification: 'internal',
      reason: 'email domain acme.com is listed',
      counted: true,
      mergedWith: ['b'],
    });
    expect(live.account('c')).toMatchObject({ counted: false, notCountedReason: 'non-production', mergedWith: [] });
    live.upsert({
      ref: 'b',
      environment: 'Production-EU',
      provider: 'LDAP',
      username: 'x',
      email: 'x@gmail.com',
      active: false,
    });
    expect(live.account('a')?.mergedWith).toEqual([]);
    expect(live.account('b')).toMatchObject({ counted: false, notCountedReason: 'inactive' });
    expect(live.totals()).toMatchObject({ internal: 1, external: 0, notCounted: { inactive: 1, nonProduction: 1 } });
    expect(live.account('nobody')).toBeNull();
  });
});
