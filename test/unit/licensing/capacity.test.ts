// Rulebook rules 20 to 23: capacity, usage levels, partner licences and terms (/work/shared/spec/licensing.md, section 4).
import { describe, expect, it } from 'vitest';
import {
  defaultEndsOn,
  EXTERNAL_PACK,
  extendTrial,
  INTERNAL_PACK,
  LICENCE_CATALOGUE,
  type Licence,
  type LicenceType,
  licenceCapacity,
  licenceStatus,
  licenceTerm,
  packsNeeded,
  usageLevel,
} from '../../../shared/licensing/index.ts';

const subscription = (fields: Partial<Licence> = {}): Licence => ({
  type: 'subscription',
  startsOn: '2026-01-01',
  endsOn: '2026-12-31',
  ...fields,
});

describe('rule 20: a subscription includes 100 internal; packs of 100 internal and 10,000 external', () => {
  it('pack sizes', () => {
    expect(INTERNAL_PACK).toBe(100);
    expect(EXTERNAL_PACK).toBe(10_000);
  });

  it.each([
    { internalPacks: undefined, externalPacks: undefined, internal: 100, external: 0 },
    { internalPacks: 0, externalPacks: 0, internal: 100, external: 0 },
    { internalPacks: 1, externalPacks: 0, internal: 200, external: 0 },
    { internalPacks: 4, externalPacks: 1, internal: 500, external: 10_000 },
    { internalPacks: 0, externalPacks: 3, internal: 100, external: 30_000 },
  ])(
    'subscription with $internalPacks internal and $externalPacks external packs: $internal / $external',
    ({ internalPacks, externalPacks, internal, external }) => {
      const licence = subscription({
        ...(internalPacks === undefined ? {} : { internalPacks }),
        ...(externalPacks === undefined ? {} : { externalPacks }),
      });
      expect(licenceCapacity(licence)).toEqual({ internal, external });
    },
  );

  it.each([
    { used: 0, capacity: 100, pack: 100, packs: 0 },
    { used: 100, capacity: 100, pack: 100, packs: 0 },
    { used: 101, capacity: 100, pack: 100, packs: 1 },
    { used: 200, capacity: 100, pack: 100, packs: 1 },
    { used: 201, capacity: 100, pack: 100, packs: 2 },
    { used: 1, capacity: 0, pack: 10_000, packs: 1 },
    { used: 10_001, capacity: 10_000, pack: 10_000, packs: 1 },
    { used: 25_000, capacity: 0, pack: 10_000, packs: 3 },
  ])('$used used of $capacity needs $packs pack(s) of $pack', ({ used, capacity, pack, packs }) => {
    expect(packsNeeded(used, capacity, pack)).toBe(packs);
  });
});

describe('rule 21: usage levels (under 80% ok, 80% notice, 90% warning, over 100% over capacity)', () => {
  it.each([
    { used: 0, level: 'ok' },
    { used: 79, level: 'ok' },
    { used: 80, level: 'notice' },
    { used: 89, level: 'notice' },
    { used: 90, level: 'warning' },
    { used: 99, level: 'warning' },
    { used: 100, level: 'warning' },
    { used: 101, level: 'over' },
    { used: 250, level: 'over' },
  ] as const)('$used of 100: $level', ({ used, level }) => {
    expect(usageLevel(used, 100)).toMatchObject({ used, capacity: 100, level, percent: used });
  });

  it.each([
    { used: 799, capacity: 1000, level: 'ok' },
    { used: 800, capacity: 1000, level: 'notice' },
    { used: 899, capacity: 1000, level: 'notice' },
    { used: 900, capacity: 1000, level: 'warning' },
    { used: 1000, capacity: 1000, level: 'warning' },
    { used: 1001, capacity: 1000, level: 'over' },
    { used: 7_999, capacity: 10_000, level: 'ok' },
    { used: 8_000, capacity: 10_000, level: 'notice' },
    { used: 9_000, capacity: 10_000, level: 'warning' },
    { used: 10_001, capacity: 10_000, level: 'over' },
  ] as const)('$used of $capacity: $level', ({ used, capacity, level }) => {
    expect(usageLevel(used, capacity).level).toBe(level);
  });

  it.each([
    { used: 0, level: 'ok' },
    { used: 1, level: 'over' },
  ] as const)('$used of a zero capacity: $level', ({ used, level }) => {
    expect(usageLevel(used, 0).level).toBe(level);
  });

  it('going over is a compliance breach that says to buy packs or deactivate users', () => {
    const status = licenceStatus(subscription(), { internal: 101, external: 10_001 }, '2026-06-01');
    const codes = status.breaches.map((b) => b.code).sort();
    expect(codes).toEqual(['over-capacity-external', 'over-capacity-internal']);
    const internal = status.breaches.find((b) => b.code === 'over-capacity-internal');
    expect(internal?.message).toMatch(/buy 1 internal pack/);
    expect(internal?.message).toMatch(/deactivate/);
    const external = status.breaches.find((b) => b.code === 'over-capacity-external');
    expect(external?.message).toMatch(/buy 2 external packs/);
    expect(external?.message).toMatch(/deactivate/);
  });

  it('going over never locks out existing users', () => {
    const status = licenceStatus(subscription(), { internal: 500, external: 0 }, '2026-06-01');
    expect(status.internal.level).toBe('over');
    expect(status.term.candidatesOnline).toBe(true);
    expect(status.term.publishingAllowed).toBe(true);
  });

  it('at exactly 100% there is no breach', () => {
    const status = licenceStatus(subscription({ externalPacks: 1 }), { internal: 100, external: 10_000 }, '2026-06-01');
    expect(status.breaches).toEqual([]);
    expect(status.internal.level).toBe('warning');
  });
});

describe('rule 22: partner licences (Demo, Internal, Trial)', () => {
  it.each([
    { type: 'demo', environments: 2, internal: 100, external: 0, externalAllowed: false },
    { type: 'internal', environments: 3, internal: 100, external: 0, externalAllowed: false },
    { type: 'trial', environments: 2, internal: 100, external: 10_000, externalAllowed: true },
  ] as const)('$type: $environments environments, $internal internal, $external external', (row) => {
    const product = LICENCE_CATALOGUE[row.type];
    expect(product).toMatchObject({
      environments: row.environments,
      includedInternal: row.internal,
      includedExternal: row.external,
      externalAllowed: row.externalAllowed,
      packs: false,
    });
    expect(licenceCapacity({ type: row.type, startsOn: '2026-01-01', endsOn: '2026-12-31' })).toEqual({
      internal: row.internal,
      external: row.external,
    });
  });

  it('partner licences take no packs (no upgrades)', () => {
    for (const type of ['demo', 'internal', 'trial'] as const) {
      const capacity = licenceCapacity({ type, startsOn: '2026-01-01', endsOn: '2026-12-31', internalPacks: 5 });
      expect(capacity.internal).toBe(100);
    }
  });

  it.each([
    { type: 'demo', external: 1 },
    { type: 'demo', external: 40 },
    { type: 'internal', external: 1 },
  ] as const)('$type with $external counted external user(s): breach external-not-allowed', ({ type, external }) => {
    const status = licenceStatus(
      { type, startsOn: '2026-01-01', endsOn: '2026-12-31' },
      { internal: 3, external },
      '2026-06-01',
    );
    const breach = status.breaches.find((b) => b.code === 'external-not-allowed');
    expect(breach).toBeDefined();
    expect(breach?.message).toContain(String(external));
    expect(breach?.message).toMatch(/no external end users/);
  });

  it.each(['demo', 'internal'] as const)('%s with no external users: no breach', (type) => {
    const status = licenceStatus(
      { type, startsOn: '2026-01-01', endsOn: '2026-12-31' },
      { internal: 3, external: 0 },
      '2026-06-01',
    );
    expect(status.breaches).toEqual([]);
  });

  it('trial allows external users up to 10,000', () => {
    const trial: Licence = { type: 'trial', startsOn: '2026-01-01', endsOn: '2026-01-30' };
    expect(licenceStatus(trial, { internal: 100, external: 10_000 }, '2026-01-10').breaches).toEqual([]);
    const over = licenceStatus(trial, { internal: 0, external: 10_001 }, '2026-01-10').breaches;
    expect(over.map((b) => b.code)).toEqual(['over-capacity-external']);
    expect(over[0]?.message).not.toMatch(/buy/);
  });

  it.each([
    { type: 'demo', used: 2, breach: false },
    { type: 'demo', used: 3, breach: true },
    { type: 'internal', used: 3, breach: false },
    { type: 'internal', used: 4, breach: true },
    { type: 'trial', used: 2, breach: false },
    { type: 'trial', used: 3, breach: true },
    { type: 'subscription', used: 12, breach: false },
  ] as const)('$type in $used environments: breach $breach', ({ type, used, breach }) => {
    const status = licenceStatus(
      { type, startsOn: '2026-01-01', endsOn: '2026-12-31' },
      { internal: 0, external: 0 },
      '2026-06-01',
      used,
    );
    expect(status.breaches.some((b) => b.code === 'too-many-environments')).toBe(breach);
  });

  it.each([
    { type: 'trial', startsOn: '2026-01-01', endsOn: '2026-01-30' },
    { type: 'trial', startsOn: '2026-02-15', endsOn: '2026-03-16' },
    { type: 'trial', startsOn: '2026-12-10', endsOn: '2027-01-08' },
    { type: 'demo', startsOn: '2026-03-15', endsOn: '2027-03-14' },
    { type: 'internal', startsOn: '2026-01-01', endsOn: '2026-12-31' },
    { type: 'subscription', startsOn: '2026-07-01', endsOn: '2027-06-30' },
  ] as const)(
    'defaultEndsOn($type, $startsOn) = $endsOn (30 days for a trial, 1 year otherwise)',
    ({ type, startsOn, endsOn }) => {
      expect(defaultEndsOn(type as LicenceType, startsOn)).toBe(endsOn);
    },
  );

  describe('trial extension: up to 6 months in total', () => {
    const trial: Licence = { type: 'trial', startsOn: '2026-01-01', endsOn: defaultEndsOn('trial', '2026-01-01') };

    it.each([
      { newEndsOn: '2026-02-28', ok: true },
      { newEndsOn: '2026-06-29', ok: true },
      { newEndsOn: '2026-06-30', ok: true },
      { newEndsOn: '2026-07-01', ok: false },
      { newEndsOn: '2026-12-31', ok: false },
    ])('extending to $newEndsOn: ok=$ok', ({ newEndsOn, ok }) => {
      const result = extendTrial(trial, newEndsOn);
      expect(result.ok).toBe(ok);
      if (result.ok) expect(result.licence).toEqual({ ...trial, endsOn: newEndsOn });
      else {
        expect(result.message).toMatch(/6 months/);
        expect(result.message).toContain('2026-06-30');
      }
    });

    it('several extensions add up to the same 6-month limit', () => {
      const first = extendTrial(trial, '2026-03-31');
      expect(first.ok).toBe(true);
      if (!first.ok) return;
      const second = extendTrial(first.licence, '2026-06-30');
      expect(second.ok).toBe(true);
      if (!second.ok) return;
      const third = extendTrial(second.licence, '2026-07-15');
      expect(third.ok).toBe(false);
    });

    it('an "extension" that does not move the end date later is refused with a message', () => {
      const result = extendTrial(trial, '2026-01-15');
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toContain('2026-01-15');
    });

    it.each(['demo', 'internal', 'subscription'] as const)('a %s licence cannot be extended as a trial', (type) => {
      const result = extendTrial({ type, startsOn: '2026-01-01', endsOn: '2026-12-31' }, '2027-01-31');
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toMatch(/only Trial/);
    });
  });
});

describe('rule 23: the licence term (end date, notice 30 days before, expired, cancelled)', () => {
  const licence = subscription({ endsOn: '2026-12-31' });
  it.each([
    { today: '2026-06-01', state: 'active', daysLeft: 213, publishing: true, online: true },
    { today: '2026-11-30', state: 'active', daysLeft: 31, publishing: true, online: true },
    { today: '2026-12-01', state: 'ending-soon', daysLeft: 30, publishing: true, online: true },
    { today: '2026-12-30', state: 'ending-soon', daysLeft: 1, publishing: true, online: true },
    { today: '2026-12-31', state: 'ending-soon', daysLeft: 0, publishing: true, online: true },
    { today: '2027-01-01', state: 'expired', daysLeft: -1, publishing: false, online: true },
    { today: '2027-06-01', state: 'expired', daysLeft: -152, publishing: false, online: true },
  ] as const)('on $today: $state', ({ today, state, daysLeft, publishing, online }) => {
    const term = licenceTerm(licence, today);
    expect(term).toMatchObject({
      state,
      daysLeft,
      endsOn: '2026-12-31',
      publishingAllowed: publishing,
      candidatesOnline: online,
    });
    expect(term.message).toContain('2026-12-31');
    if (state === 'expired') {
      expect(term.message).toContain('expired');
      expect(term.message).toContain('publishing new exams is blocked, candidates keep access until cancellation');
    }
  });

  it.each([
    { cancelledOn: '2027-02-01', today: '2027-02-01', state: 'cancelled' },
    { cancelledOn: '2027-02-01', today: '2027-03-01', state: 'cancelled' },
    { cancelledOn: '2027-02-01', today: '2027-01-15', state: 'expired' },
    { cancelledOn: '2026-06-01', today: '2026-06-02', state: 'cancelled' },
    { cancelledOn: null, today: '2027-02-01', state: 'expired' },
  ] as const)('cancelled on $cancelledOn, today $today: $state', ({ cancelledOn, today, state }) => {
    const term = licenceTerm({ ...licence, cancelledOn }, today);
    expect(term.state).toBe(state);
    if (state === 'cancelled') {
      expect(term.candidatesOnline).toBe(false);
      expect(term.publishingAllowed).toBe(false);
      expect(term.message).toMatch(/offline for candidates/);
    }
  });

  it('the status shows the licence end date and the term', () => {
    const status = licenceStatus(licence, { internal: 1, external: 0 }, '2026-12-15');
    expect(status.licence.endsOn).toBe('2026-12-31');
    expect(status.term.state).toBe('ending-soon');
  });
});
