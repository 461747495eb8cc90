// Live licence figures (rule 24): the count kept current one change at a time, always equal to a full recount
// (countLicences over the same accounts; a property test holds the two together).
//
// People are the connected components of "shares a valid email or a username with an account of another
// (environment, provider)" among default-tenant accounts (rules 14 to 17 and the Decisions in docs/decisions.md): two
// accounts of one provider never link each other, as in count.ts. Two kinds of scope: the installation (production
// environments together) and each environment on its own. A change re-explores only the components it touches.
import {
  type Classification,
  type ClassificationFlag,
  type CompiledRules,
  classifyBits,
  classifyUser,
  compileRules,
  EMAIL_FIELD_VALID,
  flagsOf,
  INTERNAL,
} from './classify.ts';
import type {
  AccountRecord,
  BucketCounts,
  EnvironmentCount,
  EnvironmentRules,
  NotCountedReason,
  ProviderCount,
} from './count.ts';
import { emailIdentity } from './email.ts';

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
  reason: string;
  flags: ClassificationFlag[];
  counted: boolean;
  notCountedReason?: NotCountedReason;
  /** The other accounts linked with this one into the same person across production (rules 14 and 17). */
  mergedWith: (string | number)[];
}

const ELIGIBLE = 0;
const INACTIVE = 1;
const IT_USER = 2;

interface Entry {
  record: AccountRecord;
  env: number;
  slot: number;
  bits: number;
  status: number;
  linkable: boolean;
  emailKey: string;
  usernameKey: string;
}

interface Component {
  members: number[];
  internal: number;
  external: number;
}

/** Connected components of one kind of scope, with the people they count. */
class Scope {
  /** Component of each account index (dense: indices are small integers). */
  readonly componentOf: (Component | undefined)[] = [];
  internal = 0;
  external = 0;

  add(component: Component): void {
    for (const i of component.members) this.componentOf[i] = component;
    this.internal += component.internal;
    this.external += component.external;
  }

  /** Takes the component out of the totals and returns its members. */
  take(i: number): number[] {
    const component = this.componentOf[i];
    if (component === undefined) return [];
    for (const member of component.members) this.componentOf[member] = undefined;
    this.internal -= component.internal;
    this.external -= component.external;
    return component.members;
  }
}

/** Marks visited account indices for one exploration pass without allocating a Set per pass. */
class Visits {
  #stamps = new Int32Array(1024);
  #stamp = 0;

  next(): void {
    this.#stamp++;
  }

  /** True the first time `i` is seen in the current pass. */
  first(i: number): boolean {
    if (i >= this.#stamps.length) {
      const grown = new Int32Array(Math.max(i + 1, this.#stamps.length * 2));
      grown.set(this.#stamps);
      this.#stamps = grown;
    }
    if (this.#stamps[i] === this.#stamp) return false;
    this.#stamps[i] = this.#stamp;
    return true;
  }
}

// Most values have one holder: stored as a bare index, an array only once shared.
type Holders = Map<string, number | number[]>;

function holdersAdd(map: Holders, key: string, i: number): void {
  if (key === '') return;
  const held = map.get(key);
  if (held === undefined) map.set(key, i);
  else if (typeof held === 'number') map.set(key, [held, i]);
  else held.push(i);
}

function holdersRemove(map: Holders, key: string, i: number): void {
  if (key === '') return;
  const held = map.get(key);
  if (held === undefined) return;
  if (typeof held === 'number') {
    if (held === i) map.delete(key);
    return;
  }
  const at = held.indexOf(i);
  if (at !== -1) held.splice(at, 1);
  if (held.length === 1) map.set(key, held[0] as number);
}

const identityKey = (value: string | null | undefined) => (value ? value.trim().toLowerCase() : '');

/**
 * Holds every account and the environments' rules; `upsert` and `remove` apply one change in time proportional to
 * the people it touches, and `totals` answers at once. Refs are unique keys chosen by the caller.
 */
export class LiveLicenceCount {
  #environments: EnvironmentRules[] = [];
  #compiled: CompiledRules[] = [];
  #envIndex = new Map<string, number>();
  readonly #entries: (Entry | undefined)[] = [];
  readonly #free: number[] = [];
  readonly #indexOfRef = new Map<string | number, number>();
  readonly #byEmail: Holders = new Map();
  readonly #byUsername: Holders = new Map();
  // Slots are (environment, provider), for rule 15 and the raw per-provider figures; never removed, so their order
  // is stable and the same as a recount's first-seen order as long as nothing is removed.
  #slots: { env: number; provider: string; internal: number; external: number }[] = [];
  #slotIndex: Map<string, number>[] = [];
  #installation = new Scope();
  #perEnvironment: Scope[] = [];
  readonly #installationVisits = new Visits();
  readonly #environmentVisits = new Visits();
  #raw = { internal: 0, external: 0 };
  #notCounted = { inactive: 0, nonProduction: 0, itUsers: 0 };

  constructor(environments: readonly EnvironmentRules[], records: Iterable<AccountRecord> = []) {
    this.#useEnvironments(environments);
    for (const record of records) {
      const existing = this.#indexOfRef.get(record.ref);
      if (existing !== undefined) this.#detach(existing);
      this.#attach(record, existing);
    }
    this.#rebuildComponents();
  }

  get size(): number {
    return this.#indexOfRef.size;
  }

  has(ref: string | number): boolean {
    return this.#indexOfRef.has(ref);
  }

  /** Every account held, in no particular order. */
  *records(): IterableIterator<AccountRecord> {
    for (const entry of this.#entries) if (entry !== undefined) yield entry.record;
  }

  environments(): readonly EnvironmentRules[] {
    return this.#environments;
  }

  #useEnvironments(environments: readonly EnvironmentRules[]): void {
    this.#environments = environments.map((env) => ({ ...env, internalDomains: [...env.internalDomains] }));
    this.#compiled = this.#environments.map((env) => compileRules(env.name, env.internalDomains));
    this.#envIndex = new Map(this.#environments.map((env, e) => [env.name, e]));
    this.#slotIndex = this.#environments.map(() => new Map());
    this.#slots = [];
  }

  #entryFor(record: AccountRecord): Entry {
    const env = this.#envIndex.get(record.environment);
    if (env === undefined) throw new Error(`environment "${record.environment}" has no rules declared`);
    const slots = this.#slotIndex[env] as Map<string, number>;
    let slot = slots.get(record.provider);
    if (slot === undefined) {
      slot = this.#slots.length;
      slots.set(record.provider, slot);
      this.#slots.push({ env, provider: record.provider, internal: 0, external: 0 });
    }
    const bits = classifyBits(this.#compiled[env] as CompiledRules, record.username, record.email);
    const linkable = !record.tenant || record.tenant.trim() === '';
    return {
      record,
      env,
      slot,
      bits,
      status: !record.active ? INACTIVE : record.itUser ? IT_USER : ELIGIBLE,
      linkable,
      // Decision D1: only a valid email links people.
      emailKey: linkable && bits & EMAIL_FIELD_VALID ? identityKey(emailIdentity(record.email)) : '',
      usernameKey: linkable ? identityKey(record.username) : '',
    };
  }

  #production(entry: Entry): boolean {
    return (this.#environments[entry.env] as EnvironmentRules).production;
  }

  /** Adds the record's own figures (raw, not counted) and its identity keys; components are the caller's job. */
  #attach(record: AccountRecord, reuse?: number): number {
    const entry = this.#entryFor(record);
    const i = reuse ?? this.#free.pop() ?? this.#entries.length;
    this.#entries[i] = entry;
    this.#indexOfRef.set(record.ref, i);
    holdersAdd(this.#byEmail, entry.emailKey, i);
    holdersAdd(this.#byUsername, entry.usernameKey, i);
    this.#addOwnFigures(entry, 1);
    return i;
  }

  #detach(i: number): Entry {
    const entry = this.#entries[i] as Entry;
    holdersRemove(this.#byEmail, entry.emailKey, i);
    holdersRemove(this.#byUsername, entry.usernameKey, i);
    this.#addOwnFigures(entry, -1);
    this.#entries[i] = undefined;
    this.#indexOfRef.delete(entry.record.ref);
    return entry;
  }

  #addOwnFigures(entry: Entry, sign: 1 | -1): void {
    if (entry.status === ELIGIBLE) {
      const slot = this.#slots[entry.slot] as { internal: number; external: number };
      if (entry.bits & INTERNAL) slot.internal += sign;
      else slot.external += sign;
    }
    if (!this.#production(entry)) {
      this.#notCounted.nonProduction += sign;
    } else if (entry.status === INACTIVE) {
      this.#notCounted.inactive += sign;
    } else if (entry.status === IT_USER) {
      this.#notCounted.itUsers += sign;
    } else if (entry.bits & INTERNAL) {
      this.#raw.internal += sign;
    } else {
      this.#raw.external += sign;
    }
  }

  /** The accounts reachable from `start` within a scope: production (env = -1) or one environment. */
  #explore(start: number, env: number, visits: Visits): number[] {
    const members = [start];
    for (let k = 0; k < members.length; k++) {
      const entry = this.#entries[members[k] as number] as Entry;
      if (!entry.linkable) continue;
      this.#reach(this.#byEmail.get(entry.emailKey), entry.slot, env, visits, members);
      this.#reach(this.#byUsername.get(entry.usernameKey), entry.slot, env, visits, members);
    }
    return members;
  }

  /** Adds the holders of a value that `slot`'s account links to: those of other slots in the scope (rules 14, 15). */
  #reach(held: number | number[] | undefined, slot: number, env: number, visits: Visits, members: number[]): void {
    if (held === undefined) return;
    for (const j of typeof held === 'number' ? [held] : held) {
      const other = this.#entries[j] as Entry;
      if (other.slot === slot) continue;
      if (env === -1 ? !this.#production(other) : other.env !== env) continue;
      if (visits.first(j)) members.push(j);
    }
  }

  #component(members: number[]): Component {
    if (members.length === 1) {
      // Most people have one account: no per-slot bookkeeping needed.
      const entry = this.#entries[members[0] as number] as Entry;
      const counted = entry.status === ELIGIBLE ? 1 : 0;
      const internal = entry.bits & INTERNAL ? counted : 0;
      return { members, internal, external: counted - internal };
    }
    const perSlot = new Map<number, number>();
    let people = 0;
    let internalAccounts = 0;
    for (const i of members) {
      const entry = this.#entries[i] as Entry;
      if (entry.status !== ELIGIBLE) continue;
      if (entry.bits & INTERNAL) internalAccounts++;
      const n = (perSlot.get(entry.slot) ?? 0) + 1;
      perSlot.set(entry.slot, n);
      if (n > people) people = n;
    }
    // Decisions D4 and D5.
    const internal = Math.min(people, internalAccounts);
    return { members, internal, external: people - internal };
  }

  /** Re-explores the components around `seeds` in every scope they belong to, absorbing components they now reach. */
  #recompute(seeds: Iterable<number>): void {
    this.#installationVisits.next();
    this.#environmentVisits.next();
    for (const i of seeds) {
      const entry = this.#entries[i];
      if (entry === undefined) continue;
      if (this.#production(entry) && this.#installationVisits.first(i)) {
        const members = this.#explore(i, -1, this.#installationVisits);
        for (const m of members) this.#installation.take(m);
        this.#installation.add(this.#component(members));
      }
      if (this.#environmentVisits.first(i)) {
        const scope = this.#perEnvironment[entry.env] as Scope;
        const members = this.#explore(i, entry.env, this.#environmentVisits);
        for (const m of members) scope.take(m);
        scope.add(this.#component(members));
      }
    }
  }

  /** Counts the people of existing components again (their links are unchanged, their accounts' classes are not). */
  #recount(scope: Scope, indices: readonly number[]): void {
    const done = new Set<Component>();
    for (const i of indices) {
      const component = scope.componentOf[i];
      if (component === undefined || done.has(component)) continue;
      done.add(component);
      scope.take(i);
      const again = this.#component(component.members);
      scope.add(again);
      done.add(again);
    }
  }

  #rebuildComponents(): void {
    this.#installation = new Scope();
    this.#perEnvironment = this.#environments.map(() => new Scope());
    const all: number[] = [];
    this.#entries.forEach((entry, i) => {
      if (entry !== undefined) all.push(i);
    });
    this.#recompute(all);
  }

  /** Adds the account, or replaces the one with the same ref. */
  upsert(record: AccountRecord): void {
    const existing = this.#indexOfRef.get(record.ref);
    const seeds: number[] = [];
    if (existing !== undefined) {
      // The old components lose this account; what is left of them may fall apart (an identity change).
      seeds.push(...this.#installation.take(existing), ...this.#takeEnvironment(existing));
      this.#detach(existing);
    }
    seeds.push(this.#attach(record, existing));
    this.#recompute(seeds);
  }

  remove(ref: string | number): void {
    const i = this.#indexOfRef.get(ref);
    if (i === undefined) return;
    const seeds = [...this.#installation.take(i), ...this.#takeEnvironment(i)].filter((m) => m !== i);
    this.#detach(i);
    this.#free.push(i);
    this.#recompute(seeds);
  }

  #takeEnvironment(i: number): number[] {
    const entry = this.#entries[i] as Entry;
    return (this.#perEnvironment[entry.env] as Scope).take(i);
  }

  /**
   * Replaces the rules. When only domain lists changed, links stay as they are (they do not depend on the rules):
   * the changed environments' accounts are classified again and only their people recounted.
   */
  setEnvironments(environments: readonly EnvironmentRules[]): void {
    const sameShape =
      environments.length === this.#environments.length &&
      environments.every((env, e) => {
        const before = this.#environments[e] as EnvironmentRules;
        return before.name === env.name && before.production === env.production;
      });
    if (!sameShape) {
      const records = this.#entries.filter((entry): entry is Entry => entry !== undefined).map((e) => e.record);
      this.#entries.length = 0;
      this.#free.length = 0;
      this.#indexOfRef.clear();
      this.#byEmail.clear();
      this.#byUsername.clear();
      this.#raw = { internal: 0, external: 0 };
      this.#notCounted = { inactive: 0, nonProduction: 0, itUsers: 0 };
      this.#useEnvironments(environments);
      for (const record of records) this.#attach(record);
      this.#rebuildComponents();
      return;
    }
    const changed = new Set<number>();
    environments.forEach((env, e) => {
      const before = this.#environments[e] as EnvironmentRules;
      const same =
        before.internalDomains.length === env.internalDomains.length &&
        before.internalDomains.every((d, k) => d === env.internalDomains[k]);
      if (!same) changed.add(e);
    });
    if (changed.size === 0) return;
    this.#environments = environments.map((env) => ({ ...env, internalDomains: [...env.internalDomains] }));
    this.#compiled = this.#environments.map((env) => compileRules(env.name, env.internalDomains));
    const reclassified: number[] = [];
    this.#entries.forEach((entry, i) => {
      if (entry === undefined || !changed.has(entry.env)) return;
      this.#addOwnFigures(entry, -1);
      entry.bits = classifyBits(this.#compiled[entry.env] as CompiledRules, entry.record.username, entry.record.email);
      this.#addOwnFigures(entry, 1);
      reclassified.push(i);
    });
    // The Email field's validity does not depend on the rules, so no link changes: recount, do not re-explore.
    this.#recount(this.#installation, reclassified);
    for (const e of changed) this.#recount(this.#perEnvironment[e] as Scope, reclassified);
  }

  totals(): LiveTotals {
    const environments: EnvironmentCount[] = this.#environments.map((env, e) => {
      const scope = this.#perEnvironment[e] as Scope;
      return {
        name: env.name,
        production: env.production,
        internal: scope.internal,
        external: scope.external,
        providers: [],
      };
    });
    for (const slot of this.#slots) {
      const provider: ProviderCount = { name: slot.provider, internal: slot.internal, external: slot.external };
      (environments[slot.env] as EnvironmentCount).providers.push(provider);
    }
    return {
      internal: this.#installation.internal,
      external: this.#installation.external,
      raw: { ...this.#raw },
      notCounted: { ...this.#notCounted },
      environments,
    };
  }

  account(ref: string | number): LiveAccount | null {
    const i = this.#indexOfRef.get(ref);
    if (i === undefined) return null;
    const entry = this.#entries[i] as Entry;
    const env = this.#environments[entry.env] as EnvironmentRules;
    const result = classifyUser(this.#compiled[entry.env] as CompiledRules, entry.record);
    const counted = env.production && entry.status === ELIGIBLE;
    const component = this.#installation.componentOf[i];
    return {
      ref,
      classification: result.classification,
      reason: result.reason,
      flags: flagsOf(entry.bits),
      counted,
      ...(counted
        ? {}
        : {
            notCountedReason: !env.production
              ? ('non-production' as const)
              : entry.status === INACTIVE
                ? ('inactive' as const)
                : ('it-user' as const),
          }),
      mergedWith: (component?.members ?? []).filter((m) => m !== i).map((m) => (this.#entries[m] as Entry).record.ref),
    };
  }
}
