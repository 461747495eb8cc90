// Live licence figures (rule 24): the count kept current as accounts change, always equal to a full recount.
import type { Classification, ClassificationFlag } from './classify.ts';
import { flagsOf, INTERNAL } from './classify.ts';
import {
  type AccountRecord,
  type BucketCounts,
  type CountDetail,
  countLicencesDetailed,
  type EnvironmentCount,
  type EnvironmentRules,
  type NotCountedReason,
} from './count.ts';

export interface LiveTotals {
  internal: number;
  external: number;
  raw: BucketCounts;
  notCounted: { inactive: number; nonProduction: number; itUsers: number };
  environments: EnvironmentCount[];
}

export interface LiveAccount {
  ref: string | number;
  classification: Classification;
  flags: ClassificationFlag[];
  counted: boolean;
  notCountedReason?: NotCountedReason;
  /** Other accounts merged with this one into the same person (rules 14 and 17), production scope. */
  mergedWith: (string | number)[];
}

/**
 * Holds every account and the environments' rules; `upsert` and `remove` apply one change, `totals` answers at once.
 * Refs are unique keys chosen by the caller (e.g. "seatkeeper:<account id>", "import:<row id>").
 */
export class LiveLicenceCount {
  #environments: EnvironmentRules[];
  readonly #records = new Map<string | number, AccountRecord>();
  #detail: CountDetail | null = null;
  #order: AccountRecord[] = [];

  constructor(environments: readonly EnvironmentRules[], records: Iterable<AccountRecord> = []) {
    this.#environments = [...environments];
    for (const record of records) this.#records.set(record.ref, record);
  }

  get size(): number {
    return this.#records.size;
  }

  environments(): readonly EnvironmentRules[] {
    return this.#environments;
  }

  /** Replaces the rules (a domain list edited, an environment added): every account is classified again. */
  setEnvironments(environments: readonly EnvironmentRules[]): void {
    this.#environments = [...environments];
    this.#detail = null;
  }

  /** Adds the account, or replaces the one with the same ref. */
  upsert(record: AccountRecord): void {
    this.#records.set(record.ref, record);
    this.#detail = null;
  }

  remove(ref: string | number): void {
    if (this.#records.delete(ref)) this.#detail = null;
  }

  #current(): CountDetail {
    if (this.#detail === null) {
      this.#order = [...this.#records.values()];
      this.#detail = countLicencesDetailed(this.#order, this.#environments);
    }
    return this.#detail;
  }

  totals(): LiveTotals {
    const { internal, external, raw, notCounted, environments } = this.#current().result;
    return { internal, external, raw: { ...raw }, notCounted: { ...notCounted }, environments };
  }

  account(ref: string | number): LiveAccount | null {
    const detail = this.#current();
    const index = this.#order.findIndex((record) => record.ref === ref);
    if (index === -1) return null;
    const record = this.#order[index] as AccountRecord;
    const env = this.#environments[detail.environmentIndex[index] as number] as EnvironmentRules;
    const bits = detail.bits[index] as number;
    const counted = env.production && record.active && !record.itUser;
    const group = detail.result.duplicateGroups.find(
      (g) => g.scope === 'production' && g.members.some((m) => m.ref === ref),
    );
    return {
      ref,
      classification: bits & INTERNAL ? 'internal' : 'external',
      flags: flagsOf(bits),
      counted,
      ...(counted
        ? {}
        : { notCountedReason: !env.production ? 'non-production' : !record.active ? 'inactive' : 'it-user' }),
      mergedWith: group ? group.members.map((m) => m.ref).filter((other) => other !== ref) : [],
    };
  }
}
