// Capacity, the licence catalogue and licence terms: rulebook rules 20 to 23.
import type { BucketCounts } from './count.ts';

export type LicenceType = 'subscription' | 'demo' | 'internal' | 'trial';

export interface LicenceProduct {
  type: LicenceType;
  label: string;
  /** Environments the licence allows; null when the subscription does not limit them. */
  environments: number | null;
  includedInternal: number;
  includedExternal: number;
  /** Whether packs can be added (only customer subscriptions: rule 20). */
  packs: boolean;
  externalAllowed: boolean;
  /** Initial term. */
  term: { months: number } | { days: number };
  /** Trial only: the longest total term, extensions included (rule 22). */
  maxTotalMonths: number | null;
  use: string;
}

export const INTERNAL_PACK = 100;
export const EXTERNAL_PACK = 10_000;

/** Rules 20 and 22. Internal licence capacity is not stated by the sources: Decision, 100 internal like Demo. */
export const LICENCE_CATALOGUE: Readonly<Record<LicenceType, LicenceProduct>> = {
  subscription: {
    type: 'subscription',
    label: 'Customer subscription',
    environments: null,
    includedInternal: 100,
    includedExternal: 0,
    packs: true,
    externalAllowed: true,
    term: { months: 12 },
    maxTotalMonths: null,
    use: 'production use; internal packs of 100, external packs of 10,000',
  },
  demo: {
    type: 'demo',
    label: 'Demo (partner)',
    environments: 2,
    includedInternal: 100,
    includedExternal: 0,
    packs: false,
    externalAllowed: false,
    term: { months: 12 },
    maxTotalMonths: null,
    use: 'demonstrations only; no external end users; term tied to the partnership',
  },
  internal: {
    type: 'internal',
    label: 'Internal (partner)',
    environments: 3,
    includedInternal: 100,
    includedExternal: 0,
    packs: false,
    externalAllowed: false,
    term: { months: 12 },
    maxTotalMonths: null,
    use: 'non-commercial internal use (DEV, QA, PRD); no external end users',
  },
  trial: {
    type: 'trial',
    label: 'Trial',
    environments: 2,
    includedInternal: 100,
    includedExternal: 10_000,
    packs: false,
    externalAllowed: true,
    term: { days: 30 },
    maxTotalMonths: 6,
    use: 'evaluation; 30 days, extendable up to 6 months in total',
  },
};

export interface Licence {
  type: LicenceType;
  /** ISO dates (YYYY-MM-DD); `endsOn` is the last day the licence is valid. */
  startsOn: string;
  endsOn: string;
  /** Subscription only: packs bought on top of what is included. */
  internalPacks?: number;
  externalPacks?: number;
  cancelledOn?: string | null;
}

export interface Capacity {
  internal: number;
  external: number;
}

/** Rule 20: included capacity plus packs. */
export function licenceCapacity(licence: Licence): Capacity {
  const product = LICENCE_CATALOGUE[licence.type];
  const internalPacks = product.packs ? (licence.internalPacks ?? 0) : 0;
  const externalPacks = product.packs ? (licence.externalPacks ?? 0) : 0;
  return {
    internal: product.includedInternal + internalPacks * INTERNAL_PACK,
    external: product.includedExternal + externalPacks * EXTERNAL_PACK,
  };
}

export type UsageLevel = 'ok' | 'notice' | 'warning' | 'over';

export interface Usage {
  used: number;
  capacity: number;
  /** Whole percent, rounded down; null when capacity is zero. */
  percent: number | null;
  level: UsageLevel;
}

/** Rule 21: under 80% ok, from 80% notice, from 90% warning, over 100% over capacity. */
export function usageLevel(used: number, capacity: number): Usage {
  if (capacity <= 0) return { used, capacity, percent: null, level: used > 0 ? 'over' : 'ok' };
  const ratio = used / capacity;
  const percent = Math.floor(ratio * 100);
  const level: UsageLevel = used > capacity ? 'over' : ratio >= 0.9 ? 'warning' : ratio >= 0.8 ? 'notice' : 'ok';
  return { used, capacity, percent, level };
}

/** Packs needed so that `used` fits (rule 20), 0 when it already does. */
export function packsNeeded(used: number, capacity: number, packSize: number): number {
  return used <= capacity ? 0 : Math.ceil((used - capacity) / packSize);
}

// ---- dates (ISO calendar days, UTC) ----

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseIsoDate(value: string): number {
  const match = ISO_DATE.exec(value);
  if (!match) throw new RangeError(`"${value}" is not a date in the form YYYY-MM-DD`);
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(y, m - 1, d);
  const date = new Date(time);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    throw new RangeError(`"${value}" is not a real calendar date`);
  }
  return time;
}

export function formatIsoDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

const DAY = 86_400_000;

export function daysBetween(from: string, to: string): number {
  return Math.round((parseIsoDate(to) - parseIsoDate(from)) / DAY);
}

/** Same day `months` later; the 31st becomes the month's last day when the month is shorter. */
export function addMonths(date: string, months: number): string {
  const start = new Date(parseIsoDate(date));
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return formatIsoDate(Date.UTC(y, m, Math.min(start.getUTCDate(), lastDay)));
}

export function addDays(date: string, days: number): string {
  return formatIsoDate(parseIsoDate(date) + days * DAY);
}

/** The end date of a new licence of `type` starting on `startsOn` (the last valid day). */
export function defaultEndsOn(type: LicenceType, startsOn: string): string {
  const term = LICENCE_CATALOGUE[type].term;
  return 'months' in term ? addDays(addMonths(startsOn, term.months), -1) : addDays(startsOn, term.days - 1);
}

// ---- term (rule 23) ----

export type TermState = 'active' | 'ending-soon' | 'expired' | 'cancelled';

export interface Term {
  state: TermState;
  endsOn: string;
  /** Days from today to the end date (negative once expired). */
  daysLeft: number;
  publishingAllowed: boolean;
  candidatesOnline: boolean;
  message: string;
}

export const ENDING_SOON_DAYS = 30;

export function licenceTerm(licence: Licence, today: string): Term {
  const daysLeft = daysBetween(today, licence.endsOn);
  const base = { endsOn: licence.endsOn, daysLeft };
  if (licence.cancelledOn && daysBetween(licence.cancelledOn, today) >= 0) {
    return {
      ...base,
      state: 'cancelled',
      publishingAllowed: false,
      candidatesOnline: false,
      message: `cancelled on ${licence.cancelledOn}: the platform is offline for candidates`,
    };
  }
  if (daysLeft < 0) {
    return {
      ...base,
      state: 'expired',
      publishingAllowed: false,
      candidatesOnline: true,
      message: `expired on ${licence.endsOn}: publishing new exams is blocked, candidates keep access until cancellation`,
    };
  }
  if (daysLeft <= ENDING_SOON_DAYS) {
    return {
      ...base,
      state: 'ending-soon',
      publishingAllowed: true,
      candidatesOnline: true,
      message: `ends on ${licence.endsOn}, in ${daysLeft} day${daysLeft === 1 ? '' : 's'}: renew before then`,
    };
  }
  return {
    ...base,
    state: 'active',
    publishingAllowed: true,
    candidatesOnline: true,
    message: `active until ${licence.endsOn}`,
  };
}

export type ExtensionResult = { ok: true; licence: Licence } | { ok: false; message: string };

/** Rule 22: a Trial can be extended, but never past 6 months in total from its start. */
export function extendTrial(licence: Licence, newEndsOn: string): ExtensionResult {
  if (licence.type !== 'trial') {
    return {
      ok: false,
      message: `only Trial licences can be extended; this is a ${LICENCE_CATALOGUE[licence.type].label} licence`,
    };
  }
  parseIsoDate(newEndsOn);
  if (daysBetween(licence.endsOn, newEndsOn) <= 0) {
    return { ok: false, message: `the new end date ${newEndsOn} must be after the current end date ${licence.endsOn}` };
  }
  const limit = addDays(addMonths(licence.startsOn, LICENCE_CATALOGUE.trial.maxTotalMonths as number), -1);
  if (daysBetween(limit, newEndsOn) > 0) {
    return {
      ok: false,
      message: `a Trial runs at most 6 months in total: started ${licence.startsOn}, so it can end on ${limit} at the latest`,
    };
  }
  return { ok: true, licence: { ...licence, endsOn: newEndsOn } };
}

// ---- breaches (rules 21 and 22) ----

export type BreachCode =
  | 'over-capacity-internal'
  | 'over-capacity-external'
  | 'external-not-allowed'
  | 'too-many-environments';

export interface Breach {
  code: BreachCode;
  /** The facts of the breach, for a caller that words it in its reader's language. */
  values: BreachValues;
  /** In English, as the CLI prints it. */
  message: string;
}

/**
 * What a breach is made of: the licence type, what is in use (users of the bucket, or environments) against what the
 * licence allows, and the packs that would cover it (null when the licence type has no packs).
 */
export interface BreachValues {
  licence: LicenceType;
  used: number;
  allowed: number;
  packs: number | null;
}

export interface LicenceStatus {
  licence: { type: LicenceType; label: string; startsOn: string; endsOn: string };
  internal: Usage;
  external: Usage;
  term: Term;
  breaches: Breach[];
}

/**
 * Where the licence stands against the deduplicated counts (rules 20 to 23). `environments` is the number of
 * environments in use, checked against the partner licences' limits.
 */
export function licenceStatus(licence: Licence, counts: BucketCounts, today: string, environments = 1): LicenceStatus {
  const product = LICENCE_CATALOGUE[licence.type];
  const capacity = licenceCapacity(licence);
  const internal = usageLevel(counts.internal, capacity.internal);
  const external = usageLevel(counts.external, capacity.external);
  const breaches: Breach[] = [];
  const breach = (code: BreachCode, used: number, allowed: number, packs: number | null): Breach => {
    const values = { licence: licence.type, used, allowed, packs };
    return { code, values, message: describeBreach(code, values) };
  };
  if (!product.externalAllowed && counts.external > 0) {
    breaches.push(breach('external-not-allowed', counts.external, 0, null));
  } else if (external.level === 'over') {
    const packs = product.packs ? packsNeeded(counts.external, capacity.external, EXTERNAL_PACK) : null;
    breaches.push(breach('over-capacity-external', counts.external, capacity.external, packs));
  }
  if (internal.level === 'over') {
    const packs = product.packs ? packsNeeded(counts.internal, capacity.internal, INTERNAL_PACK) : null;
    breaches.push(breach('over-capacity-internal', counts.internal, capacity.internal, packs));
  }
  if (product.environments !== null && environments > product.environments) {
    breaches.push(breach('too-many-environments', environments, product.environments, null));
  }
  return {
    licence: { type: licence.type, label: product.label, startsOn: licence.startsOn, endsOn: licence.endsOn },
    internal,
    external,
    term: licenceTerm(licence, today),
    breaches,
  };
}

const plural = (count: number, one: string, other: string) => `${count} ${count === 1 ? one : other}`;

/** A breach in English, as the CLI and the rulebook's tests read it. */
export function describeBreach(code: BreachCode, { licence, used, allowed, packs }: BreachValues): string {
  const label = LICENCE_CATALOGUE[licence].label;
  switch (code) {
    case 'external-not-allowed':
      return `${plural(used, 'external user', 'external users')} counted, but the ${label} licence allows no external end users: deactivate them or move to a customer subscription`;
    case 'over-capacity-external':
      return `${used} external users for a capacity of ${allowed}: ${packs ? `buy ${plural(packs, 'external pack', 'external packs')} of 10,000 or ` : ''}deactivate users`;
    case 'over-capacity-internal':
      return `${used} internal users for a capacity of ${allowed}: ${packs ? `buy ${plural(packs, 'internal pack', 'internal packs')} of 100 or ` : ''}deactivate users`;
    case 'too-many-environments':
      return `${used} environments in use, but the ${label} licence covers ${allowed}`;
  }
}
