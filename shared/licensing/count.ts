// Who counts, merged into people: rulebook rules 1 to 4 and 14 to 19.
//
// Decisions where the rules meet (see docs/decisions.md):
// - Linking (rules 14 and 15, transitive): a link joins two default-tenant accounts of *different* (environment,
//   provider) slots that share a valid email or a non-blank username (email to email, username to username). Two
//   accounts of one slot never link each other, whatever they share. Every account of the scope links, active or
//   not, so deactivating a bridging account never splits a person in two; only counted accounts are counted.
// - Transitivity through other slots can still bring several accounts of one slot into a group. The group counts as
//   many people as the largest number of counted accounts it holds in any one slot (rule 15's floor): the fewest
//   people consistent with both rules, and independent of record order.
// - Within such a group, internal people = min(people, internal accounts) (rule 18: a person with any internal
//   account is internal, and the expensive bucket is never undercounted); the rest are external.
import {
  type Classification,
  type CompiledRules,
  classifyBits,
  compileRules,
  EMAIL_FIELD_VALID,
  INTERNAL,
} from './classify.ts';
import { emailIdentity } from './email.ts';
import { IdentityIndex, identityHash } from './identity-index.ts';

export interface AccountRecord {
  /** The caller's reference for this account (a CSV line number, a database id), echoed in reports. */
  ref: string | number;
  environment: string;
  provider: string;
  /** Empty or missing: the provider's default tenant (rule 16). */
  tenant?: string | null;
  username?: string | null;
  email?: string | null;
  active: boolean;
  /** Rule 3: accounts that only build or operate the platform. */
  itUser?: boolean;
  /** Admin or support staff of Seatkeeper itself (rule 30). */
  staff?: boolean;
}

export interface EnvironmentRules {
  name: string;
  production: boolean;
  /** Validated, lower-cased domains (parseDomainList). Empty: everyone is internal (rule 5). */
  internalDomains: readonly string[];
}

export interface BucketCounts {
  internal: number;
  external: number;
}

export interface ProviderCount extends BucketCounts {
  name: string;
}

export interface EnvironmentCount extends BucketCounts {
  name: string;
  production: boolean;
  /** Raw per-provider figures, not deduplicated (rule 19). */
  providers: ProviderCount[];
}

export type NotCountedReason = 'inactive' | 'non-production' | 'it-user';

export interface GroupMember {
  ref: string | number;
  environment: string;
  provider: string;
  username: string;
  email: string;
  classification: Classification;
  counted: boolean;
  notCountedReason?: NotCountedReason;
}

export type GroupFlag = 'mixed' | 'same-provider' | 'cross-environment';

export interface DuplicateGroup {
  /** 'production' for the installation-wide merge (rule 17), or the name of a non-production environment. */
  scope: string;
  /** How many people the group counts as, and in which buckets. */
  people: number;
  internal: number;
  external: number;
  /** Rule 18: internal if any counted account is internal. */
  classification: Classification;
  flags: GroupFlag[];
  members: GroupMember[];
}

export interface CountResult {
  /** Deduplicated people across production environments and providers, counted accounts only. */
  internal: number;
  external: number;
  /** Counted accounts, not deduplicated (rule 19). */
  raw: BucketCounts;
  notCounted: { inactive: number; nonProduction: number; itUsers: number };
  environments: EnvironmentCount[];
  duplicateGroups: DuplicateGroup[];
}

/** Per-record facts the counting produced, for reports that need them (hygiene, account detail). */
export interface CountDetail {
  result: CountResult;
  /** classifyBits per record, in input order. */
  bits: Uint8Array;
  /** Index of each record's environment in `environments`. */
  environmentIndex: Int32Array;
  /** Each record's (environment, provider) slot (rule 15): equal numbers mean the same environment and provider. */
  slotOf: Int32Array;
  environments: readonly EnvironmentRules[];
  compiled: readonly CompiledRules[];
  hashes: IdentityHashes;
}

const ELIGIBLE = 0;
const INACTIVE = 1;
const IT_USER = 2;

function find(parent: Int32Array, i: number): number {
  let x = i;
  while (parent[x] !== x) {
    const up = parent[parent[x] as number] as number;
    parent[x] = up;
    x = up;
  }
  return x;
}

function union(parent: Int32Array, a: number, b: number): void {
  const ra = find(parent, a);
  const rb = find(parent, b);
  // The smaller index becomes the root, so a group's root is its first record.
  if (ra < rb) parent[rb] = ra;
  else if (rb < ra) parent[ra] = rb;
}

/** identityHash of each record's email (0 unless valid) and username, in input order. */
export interface IdentityHashes {
  email: Int32Array;
  username: Int32Array;
}

/**
 * Rules 14, 15 and 17: links the given default-tenant records sharing an email or a username (case-insensitive), but
 * only across different (environment, provider) slots: two accounts of one provider never link each other.
 */
function link(
  records: readonly AccountRecord[],
  members: Int32Array,
  hashes: IdentityHashes,
  slotOf: Int32Array,
  parent: Int32Array,
) {
  linkBy(members, hashes.email, slotOf, parent, (i) => emailIdentity((records[i] as AccountRecord).email));
  linkBy(members, hashes.username, slotOf, parent, (i) => (records[i] as AccountRecord).username);
}

/**
 * Links through one field. The holders of a value are all one group when they sit in at least two slots (each is
 * linked to every holder in another slot, and those connect the holders of its own slot), and are not linked at all
 * when they sit in one slot; so each holder is joined to the value's first holder if and only if the value spans slots.
 */
function linkBy(
  members: Int32Array,
  hash: Int32Array,
  slotOf: Int32Array,
  parent: Int32Array,
  readValue: (i: number) => string | null | undefined,
) {
  const index = new IdentityIndex(members.length, readValue);
  const firstHolder = new Int32Array(members.length);
  const spansSlots = new Uint8Array(parent.length);
  for (let k = 0; k < members.length; k++) {
    const i = members[k] as number;
    const first = index.add(i, hash[i] as number);
    firstHolder[k] = first;
    if (first !== -1 && slotOf[first] !== slotOf[i]) spansSlots[first] = 1;
  }
  for (let k = 0; k < members.length; k++) {
    const first = firstHolder[k] as number;
    if (first !== -1 && spansSlots[first] === 1) union(parent, first, members[k] as number);
  }
}

interface ScopeTotals extends BucketCounts {
  /** Linked groups with more than one member: root -> member indices, in input order. */
  multi: Map<number, number[]>;
}

/**
 * Counts the people in one scope (a set of records already linked in `parent`).
 * `slotOf` tells apart the (environment, provider) slots of rule 15.
 */
function countScope(
  members: Int32Array,
  parent: Int32Array,
  status: Uint8Array,
  bits: Uint8Array,
  slotOf: Int32Array,
): ScopeTotals {
  const roots = new Int32Array(members.length);
  const size = new Int32Array(parent.length);
  for (let k = 0; k < members.length; k++) {
    const root = find(parent, members[k] as number);
    roots[k] = root;
    size[root] = (size[root] as number) + 1;
  }
  const multi = new Map<number, number[]>();
  let internal = 0;
  let external = 0;
  for (let k = 0; k < members.length; k++) {
    const i = members[k] as number;
    const root = roots[k] as number;
    if (size[root] === 1) {
      if (status[i] !== ELIGIBLE) continue;
      if ((bits[i] as number) & INTERNAL) internal++;
      else external++;
      continue;
    }
    let list = multi.get(root);
    if (list === undefined) {
      list = [];
      multi.set(root, list);
    }
    list.push(i);
  }
  for (const list of multi.values()) {
    const people = groupPeople(list, status, bits, slotOf);
    internal += people.internal;
    external += people.external;
  }
  return { internal, external, multi };
}

function groupPeople(list: readonly number[], status: Uint8Array, bits: Uint8Array, slotOf: Int32Array) {
  const perSlot = new Map<number, number>();
  let people = 0;
  let internalAccounts = 0;
  let counted = 0;
  for (const i of list) {
    if (status[i] !== ELIGIBLE) continue;
    counted++;
    if ((bits[i] as number) & INTERNAL) internalAccounts++;
    const slot = slotOf[i] as number;
    const n = (perSlot.get(slot) ?? 0) + 1;
    perSlot.set(slot, n);
    if (n > people) people = n;
  }
  const internal = Math.min(people, internalAccounts);
  return { people, internal, external: people - internal, counted, internalAccounts, sameSlot: people > 1 };
}

/** Counts licensed end users: rules 1 to 4 and 14 to 19. Every environment a record names must be declared. */
export function countLicences(records: readonly AccountRecord[], environments: readonly EnvironmentRules[]) {
  return countLicencesDetailed(records, environments).result;
}

export function countLicencesDetailed(
  records: readonly AccountRecord[],
  environments: readonly EnvironmentRules[],
): CountDetail {
  const n = records.length;
  const envIndexByName = new Map<string, number>();
  environments.forEach((env, index) => {
    envIndexByName.set(env.name, index);
  });
  const compiled = environments.map((env) => compileRules(env.name, env.internalDomains));

  // Slots: one per (environment, provider), for rule 15 and the raw per-provider figures (rule 19).
  const slotIndex = environments.map(() => new Map<string, number>());
  const slotNames: { env: number; provider: string }[] = [];
  const environmentIndex = new Int32Array(n);
  const slotOf = new Int32Array(n);
  const status = new Uint8Array(n);
  const bits = new Uint8Array(n);
  const defaultTenant = new Uint8Array(n);
  // Hashed while each record is at hand, so linking reads strings only to confirm a match.
  const hashes: IdentityHashes = { email: new Int32Array(n), username: new Int32Array(n) };
  const perEnvMembers: number[][] = environments.map(() => []);
  const productionLinked: number[] = [];
  const productionAll: number[] = [];
  const notCounted = { inactive: 0, nonProduction: 0, itUsers: 0 };
  const raw = { internal: 0, external: 0 };

  for (let i = 0; i < n; i++) {
    const record = records[i] as AccountRecord;
    const env = envIndexByName.get(record.environment);
    if (env === undefined) throw new Error(`environment "${record.environment}" has no rules declared`);
    environmentIndex[i] = env;
    const slots = slotIndex[env] as Map<string, number>;
    let slot = slots.get(record.provider);
    if (slot === undefined) {
      slot = slotNames.length;
      slots.set(record.provider, slot);
      slotNames.push({ env, provider: record.provider });
    }
    slotOf[i] = slot;
    bits[i] = classifyBits(compiled[env] as CompiledRules, record.username, record.email);
    status[i] = !record.active ? INACTIVE : record.itUser ? IT_USER : ELIGIBLE;
    const isDefault = !record.tenant || record.tenant.trim() === '';
    defaultTenant[i] = isDefault ? 1 : 0;
    // A placeholder such as "n/a" in the Email field identifies nobody, so only valid emails link (Decision D1).
    hashes.email[i] = (bits[i] as number) & EMAIL_FIELD_VALID ? identityHash(emailIdentity(record.email)) : 0;
    hashes.username[i] = identityHash(record.username);
    (perEnvMembers[env] as number[]).push(i);
    const production = (environments[env] as EnvironmentRules).production;
    if (production) {
      productionAll.push(i);
      if (isDefault) productionLinked.push(i);
      if (status[i] === INACTIVE) notCounted.inactive++;
      else if (status[i] === IT_USER) notCounted.itUsers++;
      else if ((bits[i] as number) & INTERNAL) raw.internal++;
      else raw.external++;
    } else {
      notCounted.nonProduction++;
    }
  }

  // Installation-wide merge across production environments (rules 14, 16, 17).
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  link(records, Int32Array.from(productionLinked), hashes, slotOf, parent);
  const production = countScope(Int32Array.from(productionAll), parent, status, bits, slotOf);

  // Each environment still shows its own deduplicated count (rule 17), merged within itself only (rule 14).
  const envParent = new Int32Array(n);
  for (let i = 0; i < n; i++) envParent[i] = i;
  const perEnv: ScopeTotals[] = [];
  // A production record alone in the installation-wide merge is alone in its environment too, so only linked ones
  // need linking again.
  const linkedInProduction = new Uint8Array(n);
  for (const list of production.multi.values()) for (const i of list) linkedInProduction[i] = 1;
  environments.forEach((env, e) => {
    const all = Int32Array.from(perEnvMembers[e] as number[]);
    const linkable = env.production
      ? all.filter((i) => linkedInProduction[i] === 1)
      : all.filter((i) => defaultTenant[i] === 1);
    link(records, linkable, hashes, slotOf, envParent);
    perEnv.push(countScope(all, envParent, status, bits, slotOf));
  });

  // Raw per-provider figures (rule 19): counted accounts per (environment, provider), in first-seen order.
  const slotCounts = slotNames.map(() => ({ internal: 0, external: 0 }));
  for (let i = 0; i < n; i++) {
    if (status[i] !== ELIGIBLE) continue;
    const counts = slotCounts[slotOf[i] as number] as BucketCounts;
    if ((bits[i] as number) & INTERNAL) counts.internal++;
    else counts.external++;
  }
  const environmentCounts: EnvironmentCount[] = environments.map((env, e) => ({
    name: env.name,
    production: env.production,
    internal: (perEnv[e] as ScopeTotals).internal,
    external: (perEnv[e] as ScopeTotals).external,
    providers: [],
  }));
  slotNames.forEach((slot, s) => {
    const counts = slotCounts[s] as BucketCounts;
    (environmentCounts[slot.env] as EnvironmentCount).providers.push({ name: slot.provider, ...counts });
  });

  const member = (i: number): GroupMember => {
    const record = records[i] as AccountRecord;
    const env = environments[environmentIndex[i] as number] as EnvironmentRules;
    const counted = env.production && status[i] === ELIGIBLE;
    return {
      ref: record.ref,
      environment: record.environment,
      provider: record.provider,
      username: record.username ?? '',
      email: record.email ?? '',
      classification: (bits[i] as number) & INTERNAL ? 'internal' : 'external',
      counted,
      ...(counted
        ? {}
        : {
            notCountedReason: !env.production
              ? ('non-production' as const)
              : status[i] === INACTIVE
                ? ('inactive' as const)
                : ('it-user' as const),
          }),
    };
  };
  const groups = (scope: string, totals: ScopeTotals): DuplicateGroup[] => {
    const out: DuplicateGroup[] = [];
    for (const list of totals.multi.values()) {
      const people = groupPeople(list, status, bits, slotOf);
      if (people.counted < 2) continue;
      const flags: GroupFlag[] = [];
      if (people.internalAccounts > 0 && people.internalAccounts < people.counted) flags.push('mixed');
      if (people.sameSlot) flags.push('same-provider');
      const envs = new Set(list.map((i) => environmentIndex[i]));
      if (envs.size > 1) flags.push('cross-environment');
      const members = list.map(member);
      out.push({
        scope,
        people: people.people,
        internal: people.internal,
        external: people.external,
        classification: people.internal > 0 ? 'internal' : 'external',
        flags,
        members,
      });
    }
    return out;
  };
  const duplicateGroups = groups('production', production);
  environments.forEach((env, e) => {
    if (!env.production) duplicateGroups.push(...groups(env.name, perEnv[e] as ScopeTotals));
  });

  return {
    result: {
      internal: production.internal,
      external: production.external,
      raw,
      notCounted,
      environments: environmentCounts,
      duplicateGroups,
    },
    bits,
    environmentIndex,
    slotOf,
    environments,
    compiled,
    hashes,
  };
}
