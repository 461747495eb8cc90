// Live licence figures (rule 24): the count kept current one change at a time, always equal to a full recount
// (countLicences over the same accounts; a property test holds the two together).
//
// People are the connected components of "shares a valid email or a username with an account of another
// (environment, provider)" among default-tenant accounts (rules 14 to 17 and the Decisions in docs/decisions.md): two
// accounts of one provider never link each other, as in count.ts. Two kinds of scope: the installation (production
// environments together) and each environment on its own. A change re-explores only the components it touches.
//
// Millions of accounts are held in typed arrays indexed by account number, identities and domains numbered once
// (live-keys.ts): no object and no string per account beyond its identities, so five million accounts fit in about a
// gigabyte. A whole provider is replaced by difference (beginReplacement): accounts the new list holds again keep
// their place, and only what changed is explored again.
import {
  bitsOfClasses,
  type Classification,
  type ClassificationFlag,
  type CompiledRules,
  classifyDomains,
  compileRules,
  domainClassOf,
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
import { emailDomain, emailIdentity } from './email.ts';
import {
  DomainTable,
  growing,
  grownInt32,
  grownUint8,
  int32Cells,
  KeyTable,
  RefIndex,
  uint8Cells,
} from './live-keys.ts';

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

/** Where a held account sits: what the live count keeps of it besides its identities. */
export interface HeldAccount {
  ref: string | number;
  environment: string;
  provider: string;
}

/** What replacing a provider's accounts changed: accounts kept in place, added, and taken out. */
export interface ReplacementCounts {
  kept: number;
  added: number;
  removed: number;
}

/**
 * Replaces one (environment, provider)'s accounts by difference. `add` the new list in pieces, then `retire` what it
 * no longer holds: the figures are then those of the new list. `commit` makes it final (new refs take over), `undo`
 * puts the old accounts back (a preview). retire, commit and undo take a budget of accounts and return true when done,
 * so a caller can let other work run between pieces.
 */
export interface ProviderReplacement {
  add(records: Iterable<AccountRecord>): void;
  retire(budget: number): boolean;
  commit(budget: number): boolean;
  undo(budget: number): boolean;
  readonly counts: ReplacementCounts;
}

/** Values of one provider that several of its accounts share (rule 32), counted as distinct values. */
export interface SharedValues {
  emails: number;
  usernames: number;
  /** A few of them, as compared (lower case). */
  examples: string[];
}

// Account flags.
const STATUS = 3;
const ELIGIBLE = 0;
const INACTIVE = 1;
const IT_USER = 2;
const LINKABLE = 4;
const IN_USE = 8;
/** Held by the provider being replaced when the replacement began. */
const OLD = 16;
/** An old account the new list holds again. */
const KEPT = 32;
/** Added by the replacement. */
const ADDED = 64;
/** An old account taken out of the figures by the replacement; freed on commit, put back on undo. */
const DETACHED = 128;

// Component ids of an account in a scope: a multi-account component's number, or one of these.
const ALONE = -1;
const UNCOVERED = -2;

type Scope = 0 | 1;
const INSTALLATION: Scope = 0;
const ENVIRONMENT: Scope = 1;
const SCOPES = [INSTALLATION, ENVIRONMENT] as const;

interface Environment {
  rules: EnvironmentRules;
  compiled: CompiledRules;
  /** The class of each numbered domain under these rules (domainClassOf), 0 when not worked out yet. */
  classes: Uint8Array<ArrayBuffer>;
  internal: number;
  external: number;
  accounts: number;
}

interface Replacement {
  slot: number;
  counts: ReplacementCounts;
  /** Old accounts without identities, by status and domains: interchangeable within a bucket. */
  keyless: Map<string, number[]>;
  /** The ref a kept account takes on commit (NaN: its own); string refs in `pendingNames`. */
  pending: Float64Array;
  pendingNames: Map<number, string>;
  cursor: number;
}

const identityKey = (value: string | null | undefined) => (value ? value.trim().toLowerCase() : '');

export class LiveLicenceCount {
  #envs: Environment[] = [];
  /** Environment numbers in the order of the rules last given (the order totals lists them in). */
  #order: number[] = [];
  readonly #envIndex = new Map<string, number>();
  // Slots are (environment, provider), for rule 15 and the raw per-provider figures; never removed, so their order
  // is stable and the same as a recount's first-seen order as long as nothing is removed.
  readonly #slotEnv: number[] = [];
  readonly #slotProvider: string[] = [];
  readonly #slotInternal: number[] = [];
  readonly #slotExternal: number[] = [];
  readonly #slotOf: Map<string, number>[] = [];
  #slotCount = new Int32Array(16);

  // Accounts, by number.
  #top = 0;
  readonly #free: number[] = [];
  #slot = new Int32Array(0);
  #flags = new Uint8Array(0);
  #bits = new Uint8Array(0);
  #emailDomain = new Int32Array(0);
  #usernameDomain = new Int32Array(0);
  #emailKey = new Int32Array(0);
  #usernameKey = new Int32Array(0);
  #nextEmail = new Int32Array(0);
  #nextUsername = new Int32Array(0);
  #comp: [Int32Array<ArrayBuffer>, Int32Array<ArrayBuffer>] = [new Int32Array(0), new Int32Array(0)];
  #visits = new Int32Array(0);
  #stamp = 0;
  readonly #refs: (string | number | undefined)[] = [];
  readonly #indexOfRef = new RefIndex();
  readonly #emails = new KeyTable();
  readonly #usernames = new KeyTable();
  readonly #domains = new DomainTable();

  // Components of several accounts, by scope: members, people and free numbers.
  readonly #members: [(number[] | undefined)[], (number[] | undefined)[]] = [[], []];
  readonly #compInternal: [number[], number[]] = [[], []];
  readonly #compExternal: [number[], number[]] = [[], []];
  readonly #compFree: [number[], number[]] = [[], []];
  #installationInternal = 0;
  #installationExternal = 0;
  #raw = { internal: 0, external: 0 };
  #notCounted = { inactive: 0, nonProduction: 0, itUsers: 0 };
  /** Replacements in progress, one per (environment, provider) at most. */
  readonly #replacements = new Set<Replacement>();

  // The record being read (#prepare), kept in fields so adding a million accounts makes no object per account.
  #pSlot = 0;
  #pFlags = 0;
  #pEmailDomain = -1;
  #pUsernameDomain = -1;
  #pEmailKey = '';
  #pUsernameKey = '';

  constructor(environments: readonly EnvironmentRules[], records: Iterable<AccountRecord> = []) {
    this.setEnvironments(environments);
    this.load(records);
    this.countPeople();
  }

  /**
   * Adds accounts (or replaces those with the same ref) without finding their people: loading millions, then
   * countPeople() once. Until then the figures leave out the people of these accounts.
   */
  load(records: Iterable<AccountRecord>): void {
    for (const record of records) {
      const existing = this.#indexOfRef.get(record.ref);
      if (existing !== undefined) {
        const seeds: number[] = [];
        this.#takeAll(existing, seeds);
        this.#release(this.#unlinkAndKeep(existing));
      }
      this.#prepare(record);
      this.#attach(this.#alloc(), record.ref);
    }
  }

  /** Finds everyone's people again at once (union-find over the identities), after load(). */
  countPeople(): void {
    this.#rebuildScope(INSTALLATION);
    this.#rebuildScope(ENVIRONMENT);
  }

  get size(): number {
    return this.#indexOfRef.size;
  }

  /** Makes room for `accounts` in all, so loading a known number of them allocates once. */
  reserve(accounts: number): void {
    if (accounts > this.#flags.length) this.#grow(accounts);
    this.#indexOfRef.reserve(accounts);
    // At most one email and one username each: the tables are sized once, not doubled on the way.
    this.#emails.reserve(accounts);
    this.#usernames.reserve(accounts);
  }

  /**
   * Makes room for `more` accounts than are held now, one table at a time, yielding after each that grew: a caller
   * adding millions lets other work run between them (growing every table in one go, as adding an account does when
   * one is full, held the event loop for over half a second at five million accounts).
   */
  *makingRoom(more: number): Generator<void> {
    const needed = this.#top + more;
    if (needed > this.#flags.length) yield* this.#growing(Math.max(needed, Math.ceil(this.#flags.length * 1.25)));
    // One table of 64 per turn: they fill up together.
    while (this.#indexOfRef.reserve(this.#indexOfRef.size + more, true)) yield;
    yield* this.#emails.makingRoom(this.#emails.size + more);
    yield* this.#usernames.makingRoom(this.#usernames.size + more);
  }

  has(ref: string | number): boolean {
    return this.#indexOfRef.has(ref);
  }

  /** Every account held (where it sits), in no particular order. */
  *held(): IterableIterator<HeldAccount> {
    for (let i = 0; i < this.#top; i++) {
      if ((this.#flags[i] as number) & IN_USE) yield this.#heldAt(i);
    }
  }

  environments(): readonly EnvironmentRules[] {
    return this.#order.map((e) => (this.#envs[e] as Environment).rules);
  }

  // ---- environments ----

  /**
   * Replaces the rules, environments matched by name. Links do not depend on domain lists: a domain edit classifies
   * the environment's accounts again and recounts their people; a production flag changes who is in the installation.
   */
  setEnvironments(environments: readonly EnvironmentRules[]): void {
    const names = new Set(environments.map((env) => env.name));
    for (const [name, e] of this.#envIndex) {
      if (names.has(name)) continue;
      if ((this.#envs[e] as Environment).accounts > 0) {
        throw new Error(`environment "${name}" still holds accounts`);
      }
      this.#envIndex.delete(name);
    }
    const productionChanged = new Set<number>();
    const domainsChanged = new Set<number>();
    const order: number[] = [];
    for (const rules of environments) {
      const copy = { ...rules, internalDomains: [...rules.internalDomains] };
      const e = this.#envIndex.get(rules.name);
      if (e === undefined) {
        this.#envIndex.set(rules.name, this.#envs.length);
        order.push(this.#envs.length);
        this.#envs.push({
          rules: copy,
          compiled: compileRules(copy.name, copy.internalDomains),
          classes: new Uint8Array(0),
          internal: 0,
          external: 0,
          accounts: 0,
        });
        this.#slotOf.push(new Map());
        continue;
      }
      order.push(e);
      const before = (this.#envs[e] as Environment).rules;
      if (before.production !== rules.production) productionChanged.add(e);
      const sameDomains =
        before.internalDomains.length === rules.internalDomains.length &&
        before.internalDomains.every((d, k) => d === rules.internalDomains[k]);
      if (!sameDomains) domainsChanged.add(e);
      if (sameDomains && before.production === rules.production) (this.#envs[e] as Environment).rules = copy;
    }
    this.#order = order;
    if (productionChanged.size + domainsChanged.size === 0) return;
    this.#changeRules(environments, productionChanged, domainsChanged);
  }

  /** An environment's new name; its accounts stay where they are. */
  renameEnvironment(from: string, to: string): void {
    const e = this.#envIndex.get(from);
    if (e === undefined || from === to) return;
    if (this.#envIndex.has(to)) throw new Error(`environment "${to}" exists already`);
    this.#envIndex.delete(from);
    this.#envIndex.set(to, e);
    const env = this.#envs[e] as Environment;
    env.rules = { ...env.rules, name: to };
    env.compiled = compileRules(to, env.rules.internalDomains);
  }

  #changeRules(environments: readonly EnvironmentRules[], production: Set<number>, domains: Set<number>): void {
    const changed = (i: number) => {
      const e = this.#envOf(i);
      return production.has(e) || domains.has(e);
    };
    // Each changed account's figures leave under the old rules and come back under the new.
    const recount = [new Set<number>(), new Set<number>()];
    for (let i = 0; i < this.#top; i++) {
      if (!this.#counts(i) || !changed(i)) continue;
      this.#ownFigures(i, -1);
      for (const s of SCOPES) {
        const c = (this.#comp[s] as Int32Array)[i] as number;
        if (c === ALONE) this.#aloneFigures(s, i, -1);
        else if (c >= 0) (recount[s] as Set<number>).add(c);
      }
    }
    for (const s of SCOPES) for (const c of recount[s] as Set<number>) this.#compFigures(s, c, -1);
    for (const rules of environments) {
      const e = this.#envIndex.get(rules.name) as number;
      if (!production.has(e) && !domains.has(e)) continue;
      const env = this.#envs[e] as Environment;
      env.rules = { ...rules, internalDomains: [...rules.internalDomains] };
      env.compiled = compileRules(rules.name, rules.internalDomains);
      env.classes = new Uint8Array(0);
    }
    for (let i = 0; i < this.#top; i++) {
      if (!((this.#flags[i] as number) & IN_USE) || !changed(i)) continue;
      this.#bits[i] = this.#classBits(
        this.#envOf(i),
        this.#emailDomain[i] as number,
        this.#usernameDomain[i] as number,
      );
      if (!this.#counts(i)) continue;
      this.#ownFigures(i, 1);
      for (const s of SCOPES) {
        if ((this.#comp[s] as Int32Array)[i] === ALONE) this.#aloneFigures(s, i, 1);
      }
    }
    for (const s of SCOPES) {
      for (const c of recount[s] as Set<number>) {
        this.#setCompFigures(s, c);
        this.#compFigures(s, c, 1);
      }
    }
    // Who belongs to the installation changed: its people are found again (the environments' own are unchanged).
    if (production.size > 0) this.#rebuildScope(INSTALLATION);
  }

  // ---- one account at a time ----

  /** Adds the account, or replaces the one with the same ref. */
  upsert(record: AccountRecord): void {
    const existing = this.#indexOfRef.get(record.ref);
    const seeds: number[] = [];
    let i: number;
    if (existing !== undefined) {
      // The old components lose this account; what is left of them may fall apart (an identity change).
      this.#takeAll(existing, seeds);
      this.#unlink(existing);
      this.#releaseKeys(existing);
      i = existing;
      this.#flags[i] = 0;
      (this.#envs[this.#envOf(i)] as Environment).accounts--;
    } else {
      i = this.#alloc();
    }
    this.#prepare(record);
    this.#attach(i, record.ref);
    seeds.push(i);
    this.#recompute(seeds);
  }

  remove(ref: string | number): void {
    const i = this.#indexOfRef.get(ref);
    if (i === undefined) return;
    const seeds: number[] = [];
    this.#takeAll(i, seeds);
    this.#release(this.#unlinkAndKeep(i));
    this.#recompute(seeds);
  }

  // ---- reading ----

  totals(): LiveTotals {
    const environments: EnvironmentCount[] = [];
    const at = new Map<number, EnvironmentCount>();
    for (const e of this.#order) {
      const env = this.#envs[e] as Environment;
      const count: EnvironmentCount = {
        name: env.rules.name,
        production: env.rules.production,
        internal: env.internal,
        external: env.external,
        providers: [],
      };
      environments.push(count);
      at.set(e, count);
    }
    this.#slotProvider.forEach((name, slot) => {
      const provider: ProviderCount = {
        name,
        internal: this.#slotInternal[slot] as number,
        external: this.#slotExternal[slot] as number,
      };
      at.get(this.#slotEnv[slot] as number)?.providers.push(provider);
    });
    return {
      internal: this.#installationInternal,
      external: this.#installationExternal,
      raw: { ...this.#raw },
      notCounted: { ...this.#notCounted },
      environments,
    };
  }

  account(ref: string | number): LiveAccount | null {
    const i = this.#indexOfRef.get(ref);
    if (i === undefined || (this.#flags[i] as number) & DETACHED) return null;
    const env = this.#envs[this.#envOf(i)] as Environment;
    const result = classifyDomains(
      env.compiled,
      this.#domains.name(this.#emailDomain[i] as number),
      this.#domains.name(this.#usernameDomain[i] as number),
    );
    const status = (this.#flags[i] as number) & STATUS;
    const counted = env.rules.production && status === ELIGIBLE;
    const c = this.#comp[INSTALLATION][i] as number;
    const members = c >= 0 ? (this.#members[INSTALLATION][c] as number[]) : [];
    return {
      ref,
      classification: result.classification,
      reason: result.reason,
      flags: result.flags,
      counted,
      ...(counted
        ? {}
        : {
            notCountedReason: !env.rules.production
              ? ('non-production' as const)
              : status === INACTIVE
                ? ('inactive' as const)
                : ('it-user' as const),
          }),
      mergedWith: members.filter((m) => m !== i).map((m) => this.#refs[m] as string | number),
    };
  }

  /** How many accounts one (environment, provider) holds now. */
  providerSize(environment: string, provider: string): number {
    const slot = this.#slotOf[this.#envIndex.get(environment) ?? -1]?.get(provider);
    if (slot === undefined) return 0;
    let n = 0;
    for (let i = 0; i < this.#top; i++) if (this.#slot[i] === slot && this.#counts(i)) n++;
    return n;
  }

  /** Emails and usernames that several accounts of one (environment, provider) share (rule 32, Decision D13). */
  sharedValues(environment: string, provider: string): SharedValues {
    const slot = this.#slotOf[this.#envIndex.get(environment) ?? -1]?.get(provider);
    const found: SharedValues = { emails: 0, usernames: 0, examples: [] };
    if (slot === undefined) return found;
    for (const [table, keys, next, field] of [
      [this.#emails, this.#emailKey, this.#nextEmail, 'emails'],
      [this.#usernames, this.#usernameKey, this.#nextUsername, 'usernames'],
    ] as const) {
      const seen = new Set<number>();
      for (let i = 0; i < this.#top; i++) {
        const key = keys[i] as number;
        if (this.#slot[i] !== slot || key === -1 || !this.#counts(i) || seen.has(key)) continue;
        seen.add(key);
        let holders = 0;
        for (let j = table.first[key] as number; j !== -1; j = next[j] as number) if (this.#slot[j] === slot) holders++;
        if (holders < 2) continue;
        found[field]++;
        if (found.examples.length < 5) found.examples.push(table.name(key));
      }
    }
    return found;
  }

  // ---- replacing a provider ----

  beginReplacement(environment: string, provider: string): ProviderReplacement {
    const e = this.#envIndex.get(environment);
    if (e === undefined) throw new Error(`environment "${environment}" has no rules declared`);
    const slot = this.#slotFor(e, provider);
    for (const other of this.#replacements) {
      if (other.slot === slot) throw new Error(`${provider} of ${environment} is being replaced already`);
    }
    const replacement: Replacement = {
      slot,
      counts: { kept: 0, added: 0, removed: 0 },
      keyless: new Map(),
      pending: new Float64Array(0),
      pendingNames: new Map(),
      cursor: 0,
    };
    for (let i = 0; i < this.#top; i++) {
      if (this.#slot[i] !== slot || !((this.#flags[i] as number) & IN_USE)) continue;
      this.#flags[i] = (this.#flags[i] as number) | OLD;
      if (this.#emailKey[i] === -1 && this.#usernameKey[i] === -1) {
        const bucket = this.#bucketOf(
          this.#flags[i] as number,
          this.#emailDomain[i] as number,
          this.#usernameDomain[i] as number,
        );
        const list = replacement.keyless.get(bucket);
        if (list) list.push(i);
        else replacement.keyless.set(bucket, [i]);
      }
    }
    this.#replacements.add(replacement);
    return {
      add: (records) => {
        for (const record of records) this.#replaceAdd(replacement, record);
      },
      retire: (budget) => this.#retire(replacement, budget),
      commit: (budget) => this.#commit(replacement, budget),
      undo: (budget) => this.#undo(replacement, budget),
      counts: replacement.counts,
    };
  }

  #bucketOf(flags: number, emailDomainId: number, usernameDomainId: number): string {
    return `${flags & (STATUS | LINKABLE)}|${emailDomainId}|${usernameDomainId}`;
  }

  #replaceAdd(replacement: Replacement, record: AccountRecord): void {
    if (!this.#replacements.has(replacement)) throw new Error('the replacement has ended');
    this.#prepare(record);
    if (this.#pSlot !== replacement.slot) throw new Error('an account of another provider in a replacement');
    const emailKey = this.#pEmailKey === '' ? -1 : this.#emails.find(this.#pEmailKey);
    const usernameKey = this.#pUsernameKey === '' ? -1 : this.#usernames.find(this.#pUsernameKey);
    const held = this.#indexOfRef.get(record.ref);
    if (held !== undefined) {
      // The same row again (another instance heard of the switch it made itself).
      if (this.#isOldTwin(held, emailKey, usernameKey)) {
        this.#flags[held] = (this.#flags[held] as number) | KEPT;
        replacement.counts.kept++;
        return;
      }
      throw new Error(`account ${String(record.ref)} is already held`);
    }
    const twin = this.#oldTwin(replacement, emailKey, usernameKey);
    if (twin !== -1) {
      this.#flags[twin] = (this.#flags[twin] as number) | KEPT;
      replacement.counts.kept++;
      if (typeof record.ref === 'number') {
        if (replacement.pending.length === 0) replacement.pending = new Float64Array(this.#top).fill(Number.NaN);
        replacement.pending[twin] = record.ref;
      } else {
        replacement.pendingNames.set(twin, record.ref);
      }
      return;
    }
    const i = this.#alloc();
    this.#attach(i, record.ref);
    this.#flags[i] = (this.#flags[i] as number) | ADDED;
    replacement.counts.added++;
    this.#recompute([i]);
  }

  /** An old account not yet kept that counts exactly as the prepared record would, or -1. */
  #oldTwin(replacement: Replacement, emailKey: number, usernameKey: number): number {
    if (this.#pEmailKey !== '' || this.#pUsernameKey !== '') {
      const byEmail = this.#pEmailKey !== '';
      if ((byEmail ? emailKey : usernameKey) === -1) return -1;
      const table = byEmail ? this.#emails : this.#usernames;
      const next = byEmail ? this.#nextEmail : this.#nextUsername;
      for (let j = table.first[byEmail ? emailKey : usernameKey] as number; j !== -1; j = next[j] as number) {
        if (this.#isOldTwin(j, emailKey, usernameKey)) return j;
      }
      return -1;
    }
    const list = replacement.keyless.get(this.#bucketOf(this.#pFlags, this.#pEmailDomain, this.#pUsernameDomain));
    while (list && list.length > 0) {
      const j = list.pop() as number;
      if (((this.#flags[j] as number) & (OLD | KEPT | DETACHED)) === OLD) return j;
    }
    return -1;
  }

  #isOldTwin(j: number, emailKey: number, usernameKey: number): boolean {
    const flags = this.#flags[j] as number;
    return (
      (flags & (OLD | KEPT | DETACHED)) === OLD &&
      this.#slot[j] === this.#pSlot &&
      (flags & (STATUS | LINKABLE)) === (this.#pFlags & (STATUS | LINKABLE)) &&
      this.#emailDomain[j] === this.#pEmailDomain &&
      this.#usernameDomain[j] === this.#pUsernameDomain &&
      this.#emailKey[j] === emailKey &&
      this.#usernameKey[j] === usernameKey
    );
  }

  /** Old accounts the new list does not hold leave the figures (kept allocated until commit or undo). */
  #retire(replacement: Replacement, budget: number): boolean {
    let done = 0;
    for (; replacement.cursor < this.#top && done < budget; replacement.cursor++) {
      const i = replacement.cursor;
      if (((this.#flags[i] as number) & (OLD | KEPT | DETACHED)) !== OLD || this.#slot[i] !== replacement.slot)
        continue;
      const seeds: number[] = [];
      this.#takeAll(i, seeds);
      this.#unlink(i);
      this.#flags[i] = (this.#flags[i] as number) | DETACHED;
      this.#recompute(seeds);
      replacement.counts.removed++;
      done++;
    }
    if (replacement.cursor < this.#top) return false;
    replacement.cursor = 0;
    return true;
  }

  #commit(replacement: Replacement, budget: number): boolean {
    let done = 0;
    for (; replacement.cursor < this.#top && done < budget; replacement.cursor++) {
      const i = replacement.cursor;
      const flags = this.#flags[i] as number;
      if (this.#slot[i] !== replacement.slot || !(flags & (OLD | ADDED))) continue;
      done++;
      if (flags & DETACHED) {
        this.#release(i);
        continue;
      }
      const next = replacement.pendingNames.get(i) ?? (i < replacement.pending.length ? replacement.pending[i] : NaN);
      if (next !== undefined && !Number.isNaN(next)) {
        this.#indexOfRef.delete(this.#refs[i] as string | number);
        this.#refs[i] = next;
        this.#indexOfRef.set(next, i);
      }
      this.#flags[i] = flags & ~(OLD | KEPT | ADDED);
    }
    if (replacement.cursor < this.#top) return false;
    this.#replacements.delete(replacement);
    return true;
  }

  #undo(replacement: Replacement, budget: number): boolean {
    let done = 0;
    for (; replacement.cursor < this.#top && done < budget; replacement.cursor++) {
      const i = replacement.cursor;
      const flags = this.#flags[i] as number;
      if (this.#slot[i] !== replacement.slot || !(flags & (OLD | ADDED))) continue;
      done++;
      if (flags & ADDED) {
        const seeds: number[] = [];
        this.#takeAll(i, seeds);
        this.#release(this.#unlinkAndKeep(i));
        this.#recompute(seeds);
      } else if (flags & DETACHED) {
        this.#flags[i] = flags & ~(OLD | KEPT | DETACHED);
        this.#link(i);
        this.#recompute([i]);
      } else {
        this.#flags[i] = flags & ~(OLD | KEPT);
      }
    }
    if (replacement.cursor < this.#top) return false;
    this.#replacements.delete(replacement);
    return true;
  }

  // ---- storage ----

  #envOf(i: number): number {
    return this.#slotEnv[this.#slot[i] as number] as number;
  }

  #production(i: number): boolean {
    return (this.#envs[this.#envOf(i)] as Environment).rules.production;
  }

  /** In use and in the figures (not taken out by a replacement). */
  #counts(i: number): boolean {
    return ((this.#flags[i] as number) & (IN_USE | DETACHED)) === IN_USE;
  }

  #heldAt(i: number): HeldAccount {
    const slot = this.#slot[i] as number;
    return {
      ref: this.#refs[i] as string | number,
      environment: (this.#envs[this.#slotEnv[slot] as number] as Environment).rules.name,
      provider: this.#slotProvider[slot] as string,
    };
  }

  #slotFor(env: number, provider: string): number {
    const slots = this.#slotOf[env] as Map<string, number>;
    let slot = slots.get(provider);
    if (slot === undefined) {
      slot = this.#slotEnv.length;
      slots.set(provider, slot);
      this.#slotEnv.push(env);
      this.#slotProvider.push(provider);
      this.#slotInternal.push(0);
      this.#slotExternal.push(0);
      this.#slotCount = grownInt32(this.#slotCount, Math.max(slot + 1, this.#slotCount.length * 2));
    }
    return slot;
  }

  #alloc(): number {
    const reused = this.#free.pop();
    if (reused !== undefined) return reused;
    const i = this.#top++;
    if (i >= this.#flags.length) this.#grow(Math.max(1024, Math.ceil(this.#flags.length * 1.25), i + 1));
    return i;
  }

  #grow(size: number): void {
    for (const _ of this.#growing(size));
  }

  /**
   * Grows the per-account arrays one at a time, each in steps (`growing`: its memory written first, then copied and
   * swapped at once), #flags last: #alloc reads its length, so until the last step an account added between two steps
   * makes #alloc grow them all itself, and each array's last step then finds it grown and leaves it.
   */
  *#growing(size: number): Generator<void> {
    yield* growing(
      () => this.#slot,
      (grown) => {
        this.#slot = grown;
      },
      size,
      int32Cells,
    );
    yield* growing(
      () => this.#bits,
      (grown) => {
        this.#bits = grown;
      },
      size,
      uint8Cells,
    );
    yield* growing(
      () => this.#emailDomain,
      (grown) => {
        this.#emailDomain = grown;
      },
      size,
      int32Cells,
    );
    yield* growing(
      () => this.#usernameDomain,
      (grown) => {
        this.#usernameDomain = grown;
      },
      size,
      int32Cells,
    );
    yield* growing(
      () => this.#emailKey,
      (grown) => {
        this.#emailKey = grown;
      },
      size,
      int32Cells,
    );
    yield* growing(
      () => this.#usernameKey,
      (grown) => {
        this.#usernameKey = grown;
      },
      size,
      int32Cells,
    );
    yield* growing(
      () => this.#nextEmail,
      (grown) => {
        this.#nextEmail = grown;
      },
      size,
      int32Cells,
    );
    yield* growing(
      () => this.#nextUsername,
      (grown) => {
        this.#nextUsername = grown;
      },
      size,
      int32Cells,
    );
    yield* growing(
      () => this.#comp[0],
      (grown) => {
        this.#comp = [grown, this.#comp[1]];
      },
      size,
      int32Cells,
    );
    yield* growing(
      () => this.#comp[1],
      (grown) => {
        this.#comp = [this.#comp[0], grown];
      },
      size,
      int32Cells,
    );
    yield* growing(
      () => this.#visits,
      (grown) => {
        this.#visits = grown;
      },
      size,
      int32Cells,
    );
    yield* growing(
      () => this.#flags,
      (grown) => {
        this.#flags = grown;
      },
      size,
      uint8Cells,
    );
  }

  /** Reads a record into the #p fields. */
  #prepare(record: AccountRecord): void {
    const env = this.#envIndex.get(record.environment);
    if (env === undefined) throw new Error(`environment "${record.environment}" has no rules declared`);
    this.#pSlot = this.#slotFor(env, record.provider);
    const fromEmail = emailDomain(record.email);
    this.#pEmailDomain = this.#domains.id(fromEmail);
    this.#pUsernameDomain = this.#domains.id(emailDomain(record.username));
    const linkable = !record.tenant || record.tenant.trim() === '';
    // Decision D1: only a valid email links people.
    this.#pEmailKey = linkable && fromEmail !== null ? identityKey(emailIdentity(record.email)) : '';
    this.#pUsernameKey = linkable ? identityKey(record.username) : '';
    const status = !record.active ? INACTIVE : record.itUser ? IT_USER : ELIGIBLE;
    this.#pFlags = status | (linkable ? LINKABLE : 0) | IN_USE;
  }

  /** Stores the prepared record at `i`, in the holder lists and its own figures; its people are the caller's job. */
  #attach(i: number, ref: string | number): void {
    this.#slot[i] = this.#pSlot;
    this.#flags[i] = this.#pFlags;
    this.#emailDomain[i] = this.#pEmailDomain;
    this.#usernameDomain[i] = this.#pUsernameDomain;
    this.#emailKey[i] = this.#pEmailKey === '' ? -1 : this.#emails.refer(this.#pEmailKey);
    this.#usernameKey[i] = this.#pUsernameKey === '' ? -1 : this.#usernames.refer(this.#pUsernameKey);
    const env = this.#slotEnv[this.#pSlot] as number;
    this.#bits[i] = this.#classBits(env, this.#pEmailDomain, this.#pUsernameDomain);
    this.#comp[INSTALLATION][i] = UNCOVERED;
    this.#comp[ENVIRONMENT][i] = UNCOVERED;
    this.#refs[i] = ref;
    this.#indexOfRef.set(ref, i);
    (this.#envs[env] as Environment).accounts++;
    this.#link(i);
  }

  #classBits(env: number, emailDomainId: number, usernameDomainId: number): number {
    const environment = this.#envs[env] as Environment;
    return bitsOfClasses(
      environment.compiled,
      this.#domainClass(environment, emailDomainId),
      this.#domainClass(environment, usernameDomainId),
    );
  }

  #domainClass(env: Environment, id: number): number {
    if (id === -1) return 0;
    if (id >= env.classes.length) env.classes = grownUint8(env.classes, Math.max(id + 1, this.#domains.size * 2));
    let found = env.classes[id] as number;
    if (found === 0) {
      found = domainClassOf(env.compiled, this.#domains.name(id));
      env.classes[id] = found;
    }
    return found;
  }

  /** Into the holder lists and the account's own figures. */
  #link(i: number): void {
    const emailKey = this.#emailKey[i] as number;
    if (emailKey !== -1) {
      this.#nextEmail[i] = this.#emails.first[emailKey] as number;
      this.#emails.first[emailKey] = i;
    }
    const usernameKey = this.#usernameKey[i] as number;
    if (usernameKey !== -1) {
      this.#nextUsername[i] = this.#usernames.first[usernameKey] as number;
      this.#usernames.first[usernameKey] = i;
    }
    this.#ownFigures(i, 1);
  }

  /** Out of the holder lists and the account's own figures (its people must already be taken). */
  #unlink(i: number): void {
    const emailKey = this.#emailKey[i] as number;
    if (emailKey !== -1) unlinkHolder(this.#emails.first, this.#nextEmail, emailKey, i);
    const usernameKey = this.#usernameKey[i] as number;
    if (usernameKey !== -1) unlinkHolder(this.#usernames.first, this.#nextUsername, usernameKey, i);
    this.#ownFigures(i, -1);
  }

  #unlinkAndKeep(i: number): number {
    if (!((this.#flags[i] as number) & DETACHED)) this.#unlink(i);
    return i;
  }

  #releaseKeys(i: number): void {
    const emailKey = this.#emailKey[i] as number;
    if (emailKey !== -1) this.#emails.release(emailKey);
    const usernameKey = this.#usernameKey[i] as number;
    if (usernameKey !== -1) this.#usernames.release(usernameKey);
  }

  /** Frees an unlinked account's number, keys and ref. */
  #release(i: number): void {
    this.#releaseKeys(i);
    (this.#envs[this.#envOf(i)] as Environment).accounts--;
    this.#indexOfRef.delete(this.#refs[i] as string | number);
    this.#refs[i] = undefined;
    this.#flags[i] = 0;
    this.#free.push(i);
  }

  #ownFigures(i: number, sign: 1 | -1): void {
    const status = (this.#flags[i] as number) & STATUS;
    const internal = ((this.#bits[i] as number) & INTERNAL) !== 0;
    if (status === ELIGIBLE) {
      const slot = this.#slot[i] as number;
      if (internal) this.#slotInternal[slot] = (this.#slotInternal[slot] as number) + sign;
      else this.#slotExternal[slot] = (this.#slotExternal[slot] as number) + sign;
    }
    if (!this.#production(i)) this.#notCounted.nonProduction += sign;
    else if (status === INACTIVE) this.#notCounted.inactive += sign;
    else if (status === IT_USER) this.#notCounted.itUsers += sign;
    else if (internal) this.#raw.internal += sign;
    else this.#raw.external += sign;
  }

  // ---- people ----

  #addToScope(s: Scope, env: number, internal: number, external: number): void {
    if (s === INSTALLATION) {
      this.#installationInternal += internal;
      this.#installationExternal += external;
    } else {
      const environment = this.#envs[env] as Environment;
      environment.internal += internal;
      environment.external += external;
    }
  }

  /** A one-account person's figures into (or out of) its scope. */
  #aloneFigures(s: Scope, i: number, sign: 1 | -1): void {
    if (((this.#flags[i] as number) & STATUS) !== ELIGIBLE) return;
    const internal = ((this.#bits[i] as number) & INTERNAL) !== 0;
    this.#addToScope(s, this.#envOf(i), internal ? sign : 0, internal ? 0 : sign);
  }

  #compFigures(s: Scope, c: number, sign: 1 | -1): void {
    const first = (this.#members[s][c] as number[])[0] as number;
    this.#addToScope(
      s,
      this.#envOf(first),
      sign * (this.#compInternal[s][c] as number),
      sign * (this.#compExternal[s][c] as number),
    );
  }

  /** Decisions D4 and D5: as many people as counted accounts in its fullest slot, internal first. */
  #setCompFigures(s: Scope, c: number): void {
    const members = this.#members[s][c] as number[];
    let people = 0;
    let internalAccounts = 0;
    const count = this.#slotCount;
    for (const m of members) {
      if (((this.#flags[m] as number) & STATUS) !== ELIGIBLE) continue;
      if ((this.#bits[m] as number) & INTERNAL) internalAccounts++;
      const slot = this.#slot[m] as number;
      const n = (count[slot] as number) + 1;
      count[slot] = n;
      if (n > people) people = n;
    }
    for (const m of members) count[this.#slot[m] as number] = 0;
    const internal = Math.min(people, internalAccounts);
    this.#compInternal[s][c] = internal;
    this.#compExternal[s][c] = people - internal;
  }

  /** Takes the account's people out of both scopes; their accounts join `out`. */
  #takeAll(i: number, out: number[]): void {
    this.#take(INSTALLATION, i, out);
    this.#take(ENVIRONMENT, i, out);
  }

  #take(s: Scope, i: number, out: number[]): void {
    const comp = this.#comp[s] as Int32Array;
    const c = comp[i] as number;
    if (c === UNCOVERED) return;
    if (c === ALONE) {
      this.#aloneFigures(s, i, -1);
      comp[i] = UNCOVERED;
      out.push(i);
      return;
    }
    this.#compFigures(s, c, -1);
    const members = this.#members[s][c] as number[];
    for (const m of members) {
      comp[m] = UNCOVERED;
      out.push(m);
    }
    this.#members[s][c] = undefined;
    this.#compFree[s].push(c);
  }

  #cover(s: Scope, members: number[]): void {
    const comp = this.#comp[s] as Int32Array;
    if (members.length === 1) {
      comp[members[0] as number] = ALONE;
      this.#aloneFigures(s, members[0] as number, 1);
      return;
    }
    const c = this.#compFree[s].pop() ?? this.#members[s].length;
    this.#members[s][c] = members;
    for (const m of members) comp[m] = c;
    this.#setCompFigures(s, c);
    this.#compFigures(s, c, 1);
  }

  /** The accounts reachable from `start` in a scope (the installation's production accounts, or its environment). */
  #explore(s: Scope, start: number): number[] {
    const stamp = this.#stamp;
    const visits = this.#visits;
    visits[start] = stamp;
    const members = [start];
    const env = this.#envOf(start);
    for (let k = 0; k < members.length; k++) {
      const m = members[k] as number;
      if (!((this.#flags[m] as number) & LINKABLE)) continue;
      const slot = this.#slot[m] as number;
      for (const [table, keys, next] of [
        [this.#emails, this.#emailKey, this.#nextEmail],
        [this.#usernames, this.#usernameKey, this.#nextUsername],
      ] as const) {
        const key = keys[m] as number;
        if (key === -1) continue;
        for (let j = table.first[key] as number; j !== -1; j = next[j] as number) {
          // Rule 15: accounts of one slot do not link each other.
          if (this.#slot[j] === slot || visits[j] === stamp) continue;
          if (s === INSTALLATION ? !this.#production(j) : this.#envOf(j) !== env) continue;
          visits[j] = stamp;
          members.push(j);
        }
      }
    }
    return members;
  }

  /** Re-explores the people around `seeds` in both scopes, absorbing components they now reach. */
  #recompute(seeds: readonly number[]): void {
    for (const s of SCOPES) {
      this.#stamp++;
      const taken: number[] = [];
      for (const i of seeds) {
        if (!this.#counts(i) || this.#visits[i] === this.#stamp) continue;
        if (s === INSTALLATION && !this.#production(i)) continue;
        const members = this.#explore(s, i);
        for (const m of members) this.#take(s, m, taken);
        this.#cover(s, members);
      }
    }
  }

  /** Every person of a scope found again at once (union-find over the identities). */
  #rebuildScope(s: Scope): void {
    const top = this.#top;
    const comp = this.#comp[s] as Int32Array;
    this.#members[s] = [];
    this.#compInternal[s] = [];
    this.#compExternal[s] = [];
    this.#compFree[s] = [];
    if (s === INSTALLATION) {
      this.#installationInternal = 0;
      this.#installationExternal = 0;
    } else {
      for (const env of this.#envs) {
        env.internal = 0;
        env.external = 0;
      }
    }
    const inScope = (i: number) => this.#counts(i) && (s !== INSTALLATION || this.#production(i));
    const parent = new Int32Array(top);
    for (let i = 0; i < top; i++) {
      parent[i] = i;
      comp[i] = UNCOVERED;
    }
    const find = (i: number): number => {
      let r = i;
      while (parent[r] !== r) {
        const up = parent[parent[r] as number] as number;
        parent[r] = up;
        r = up;
      }
      return r;
    };
    const union = (a: number, b: number) => {
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent[ra] = rb;
    };
    const holders: number[] = [];
    let held = 0;
    const unite = (list: readonly number[], count: number) => {
      const h0 = list[0] as number;
      const slot0 = this.#slot[h0] as number;
      let h1 = -1;
      for (let k = 1; k < count && h1 === -1; k++) if (this.#slot[list[k] as number] !== slot0) h1 = list[k] as number;
      if (h1 === -1) return;
      for (let k = 0; k < count; k++) {
        const h = list[k] as number;
        union(h, this.#slot[h] === slot0 ? h1 : h0);
      }
    };
    for (const [table, next] of [
      [this.#emails, this.#nextEmail],
      [this.#usernames, this.#nextUsername],
    ] as const) {
      const span = table.span;
      for (let key = 0; key < span; key++) {
        const head = table.first[key] as number;
        if (head === -1 || next[head] === -1) continue;
        held = 0;
        let oneEnvironment = true;
        for (let j = head; j !== -1; j = next[j] as number) {
          if (!inScope(j)) continue;
          holders[held++] = j;
          if (this.#envOf(j) !== this.#envOf(holders[0] as number)) oneEnvironment = false;
        }
        if (held < 2) continue;
        if (s === INSTALLATION || oneEnvironment) {
          unite(holders, held);
          continue;
        }
        const list = holders.slice(0, held);
        for (const env of new Set(list.map((h) => this.#envOf(h)))) {
          const part = list.filter((h) => this.#envOf(h) === env);
          if (part.length > 1) unite(part, part.length);
        }
      }
    }
    const size = new Int32Array(top);
    for (let i = 0; i < top; i++) {
      if (!inScope(i)) continue;
      const root = find(i);
      size[root] = (size[root] as number) + 1;
    }
    const groups = new Map<number, number[]>();
    for (let i = 0; i < top; i++) {
      if (!inScope(i)) continue;
      const root = find(i);
      if (size[root] === 1) {
        comp[i] = ALONE;
        this.#aloneFigures(s, i, 1);
        continue;
      }
      const group = groups.get(root);
      if (group) group.push(i);
      else groups.set(root, [i]);
    }
    for (const members of groups.values()) this.#cover(s, members);
  }
}

/** Takes account `i` out of the singly linked list of a key's holders. */
function unlinkHolder(first: Int32Array, next: Int32Array, key: number, i: number): void {
  let previous = -1;
  let j = first[key] as number;
  while (j !== i && j !== -1) {
    previous = j;
    j = next[j] as number;
  }
  if (j === -1) return;
  if (previous === -1) first[key] = next[i] as number;
  else next[previous] = next[i] as number;
}
