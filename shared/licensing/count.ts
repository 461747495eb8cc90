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
import { AccountColumns } from './account-columns.ts';
import {
  bitsOfClasses,
  type Classification,
  type CompiledRules,
  classifyBits,
  compileRules,
  domainClassOf,
  EMAIL_FIELD_VALID,
  INTERNAL,
  LAST_IDENTITY,
} from './classify.ts';
import { emailIdentity } from './email.ts';
import { confirmNumbers, identityHash, NOT_ASCII, numberByIdentity, sameKey } from './identity-index.ts';
import { type ValueFacts, valueFacts } from './value-facts.ts';

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

/** Accounts as objects, or as columns (the audit CLI reads a list into columns: AccountColumns). */
export type Accounts = readonly AccountRecord[] | AccountColumns;

/** The account at `i` as an object (made on request from columns). */
export function accountAt(accounts: Accounts, i: number): AccountRecord {
  return accounts instanceof AccountColumns ? accounts.record(i) : (accounts[i] as AccountRecord);
}

/** Whether the account at `i` is Seatkeeper's own staff (rule 30), without making an object for columns. */
export function staffAt(accounts: Accounts, i: number): boolean {
  return accounts instanceof AccountColumns ? accounts.staff(i) : (accounts[i] as AccountRecord).staff === true;
}

/** The caller's reference of the account at `i` (a line number for columns). */
export function refAt(accounts: Accounts, i: number): string | number {
  return accounts instanceof AccountColumns ? accounts.line(i) : (accounts[i] as AccountRecord).ref;
}

/** One field of the account at `i` ('' when it has none), without making the whole row of columns. */
export function fieldAt(accounts: Accounts, i: number, field: 'provider' | 'email' | 'username'): string {
  if (!(accounts instanceof AccountColumns)) return (accounts[i] as AccountRecord)[field] ?? '';
  if (field === 'provider') return accounts.providers.names[accounts.providerId(i)] as string;
  return field === 'email' ? accounts.email(i) : accounts.username(i);
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

/** A group's flags as bits (GroupRows.flags): bit k for GROUP_FLAGS[k], in DuplicateGroup.flags' order. */
export const GROUP_FLAGS: readonly GroupFlag[] = ['mixed', 'same-provider', 'cross-environment'];

/**
 * The duplicate groups as numbers, in CountResult.duplicateGroups' order: what its objects are made from, for a report
 * that writes them without making tens of thousands of objects (the CLI's JSON report of a million-account list).
 */
export interface GroupRows {
  count: number;
  /** Per group: -1 for the installation-wide merge (scope 'production'), else its environment's index. */
  scope: Int32Array;
  people: Int32Array;
  internal: Int32Array;
  /** Per group: GROUP_FLAGS as bits. */
  flags: Uint8Array;
  /** The members of group g are records[starts[g]] to records[starts[g + 1] - 1], by index, in input order. */
  starts: Int32Array;
  records: Int32Array;
  /** The provider of each (environment, provider) slot (CountDetail.slotOf). */
  slotProviders: readonly string[];
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
  /** 1 where the record is in its provider's default tenant (rule 16). */
  defaultTenant: Uint8Array;
  /** The records in another tenant than their provider's default one, in input order (few in any list). */
  otherTenants: Int32Array;
  /** ELIGIBLE (0) where the account is active and no IT user; not counted otherwise (rules 1 and 3). */
  status: Uint8Array;
  environments: readonly EnvironmentRules[];
  compiled: readonly CompiledRules[];
  /** Each record's email (valid ones only) and username as dense numbers: equal numbers, the same identity (rule 14). */
  identities: Identities;
  /** The duplicate groups as numbers (result.duplicateGroups is empty when the count was finished without objects). */
  groupRows: GroupRows;
}

/** What finishing a count makes besides the figures. */
export interface FinishOptions {
  /** false: result.duplicateGroups is left empty, and the groups are only in groupRows. */
  groupObjects?: boolean;
}

export const ELIGIBLE = 0;
const INACTIVE = 1;
const IT_USER = 2;

/** Rules 1 and 3: an inactive account and an IT user's are not counted. */
function statusOf(active: boolean, itUser: boolean | undefined): number {
  return !active ? INACTIVE : itUser ? IT_USER : ELIGIBLE;
}

/**
 * The root of i's set. parent[x] is 0 for a root, else the index of x's parent plus one: a fresh (zeroed) array is
 * every element alone, with no pass to fill it.
 */
function find(parent: Int32Array, i: number): number {
  let x = i;
  for (;;) {
    const up = parent[x] as number;
    if (up === 0) return x;
    const upUp = parent[up - 1] as number;
    if (upUp === 0) return up - 1;
    // Path halving: x now points at its grandparent.
    parent[x] = upUp;
    x = upUp - 1;
  }
}

function union(parent: Int32Array, a: number, b: number): void {
  const ra = find(parent, a);
  const rb = find(parent, b);
  // The smaller index becomes the root, so a group's root is its first record.
  if (ra < rb) parent[rb] = ra + 1;
  else if (rb < ra) parent[ra] = rb + 1;
}

/**
 * Each record's identities as numbers from 1, equal when rule 14 matches the values (case-insensitive, spaces ignored,
 * an email's Unicode domain as punycode); 0 for a blank username or an Email field without a valid email (D1), and
 * for a value no other record holds (it links nothing; see numberByIdentity).
 * Numbered once for all scopes, so linking and the hygiene checks compare integers, not strings.
 */
export interface Identities {
  email: Int32Array;
  username: Int32Array;
  /** One more than the largest number given. */
  size: number;
  /**
   * The records holding a number in either field, in input order: few in any list (numbers are given to shared values
   * alone), so what looks at numbered records passes over these, not over every record. A record whose number a
   * confirmation took away (a hash shared by different values) may remain here with 0.
   */
  holders: Int32Array;
}

/** The records holding a number in either field, in input order (Identities.holders). */
function holdersOf(email: Int32Array, username: Int32Array): Int32Array {
  let count = 0;
  for (let i = 0; i < email.length; i++) if ((email[i] as number) !== 0 || (username[i] as number) !== 0) count++;
  const holders = new Int32Array(count);
  count = 0;
  for (let i = 0; i < email.length; i++)
    if ((email[i] as number) !== 0 || (username[i] as number) !== 0) holders[count++] = i;
  return holders;
}

/** The identity hashes classifyBits left for each record (LAST_IDENTITY), kept while classifying. */
interface RecordHashes {
  email: Int32Array;
  username: Int32Array;
}

function numberIdentities(
  accounts: Accounts,
  bits: Uint8Array,
  facts: ValueFacts | null,
  recordHashes: RecordHashes,
  byHash: Identities | null,
): Identities {
  if (accounts instanceof AccountColumns) return numberColumnIdentities(accounts, facts as ValueFacts, byHash);
  const records = accounts as readonly AccountRecord[];
  const n = records.length;
  const email = new Int32Array(n);
  const username = new Int32Array(n);
  const hashes = recordHashes.email;
  // A placeholder such as "n/a" in the Email field identifies nobody, so only valid emails link (Decision D1).
  for (let i = 0; i < n; i++) {
    if (((bits[i] as number) & EMAIL_FIELD_VALID) === 0) hashes[i] = 0;
    // Only an email with a Unicode domain (rare) needs its punycode form first (rule 10a).
    else if (hashes[i] === NOT_ASCII) hashes[i] = identityHash(emailIdentity((records[i] as AccountRecord).email));
  }
  const emailOf = (i: number) => emailIdentity((records[i] as AccountRecord).email) as string;
  let next = numberByIdentity(hashes, (a, b) => sameKey(emailOf(a), emailOf(b)), email, 1);
  const usernameHashes = recordHashes.username;
  for (let i = 0; i < n; i++) {
    // A username beyond ASCII is folded the way sameKey compares it.
    if (usernameHashes[i] === NOT_ASCII) usernameHashes[i] = identityHash((records[i] as AccountRecord).username);
  }
  const usernameOf = (i: number) => (records[i] as AccountRecord).username as string;
  next = numberByIdentity(usernameHashes, (a, b) => sameKey(usernameOf(a), usernameOf(b)), username, next);
  return { email, username, size: next, holders: holdersOf(email, username) };
}

/**
 * The same for columns, from the hashes of their value facts: strings made only to confirm a hash match. `byHash`,
 * when given, holds numbers another thread gave by hash alone (numberByIdentity without values): they are confirmed
 * against the values instead of numbering again.
 */
function numberColumnIdentities(columns: AccountColumns, facts: ValueFacts, byHash: Identities | null): Identities {
  const n = columns.length;
  // Values are compared where they stand; only one holding a non-ASCII character is made a string (rule 10a's
  // punycode, toLowerCase). The facts' arrays may hold room for more rows than there are.
  const sameEmail = (a: number, b: number) =>
    columns.sameAsciiValue(true, a, b) ?? sameKey(emailIdentity(columns.email(a)), emailIdentity(columns.email(b)));
  const sameUsername = (a: number, b: number) =>
    columns.sameAsciiValue(false, a, b) ?? sameKey(columns.username(a), columns.username(b));
  const emailHash = facts.emailHash.subarray(0, n);
  const usernameHash = facts.usernameHash.subarray(0, n);
  if (byHash !== null && byHash.email.length === n && byHash.username.length === n) {
    let next = confirmNumbers(emailHash, sameEmail, byHash.email, byHash.size, byHash.holders);
    next = confirmNumbers(usernameHash, sameUsername, byHash.username, next, byHash.holders);
    return { email: byHash.email, username: byHash.username, size: next, holders: byHash.holders };
  }
  const email = new Int32Array(n);
  const username = new Int32Array(n);
  let next = numberByIdentity(emailHash, sameEmail, email, 1);
  next = numberByIdentity(usernameHash, sameUsername, username, next);
  return { email, username, size: next, holders: holdersOf(email, username) };
}

/**
 * Numbers the identities of rows by their hashes alone (value-facts.ts), as numberColumnIdentities would with the
 * values: for a thread that has the hashes but not the values. The counting thread confirms them (`byHash` above).
 */
export function numberByHash(emailHash: Int32Array, usernameHash: Int32Array): Identities {
  const email = new Int32Array(emailHash.length);
  const username = new Int32Array(usernameHash.length);
  let next = numberByIdentity(emailHash, null, email, 1);
  next = numberByIdentity(usernameHash, null, username, next);
  return { email, username, size: next, holders: holdersOf(email, username) };
}

/** Scratch space for linking, indexed by identity number, reset after each use. */
class LinkScratch {
  readonly firstHolder: Int32Array;
  readonly spansSlots: Uint8Array;

  constructor(size: number) {
    this.firstHolder = new Int32Array(size).fill(-1);
    this.spansSlots = new Uint8Array(size);
  }
}

/** The facts linking and counting read of each holder of an identity number, by its place in Identities.holders. */
interface Held {
  email: Int32Array;
  username: Int32Array;
  slot: Int32Array;
  status: Uint8Array;
  bits: Uint8Array;
}

function gathered(
  holders: Int32Array,
  identities: Identities,
  slotOf: Int32Array,
  status: Uint8Array,
  bits: Uint8Array,
): Held {
  const n = holders.length;
  const held: Held = {
    email: new Int32Array(n),
    username: new Int32Array(n),
    slot: new Int32Array(n),
    status: new Uint8Array(n),
    bits: new Uint8Array(n),
  };
  for (let h = 0; h < n; h++) {
    const i = holders[h] as number;
    held.email[h] = identities.email[i] as number;
    held.username[h] = identities.username[i] as number;
    held.slot[h] = slotOf[i] as number;
    held.status[h] = status[i] as number;
    held.bits[h] = bits[i] as number;
  }
  return held;
}

/**
 * Records linked into sets (rules 14 to 17), each by its place among the holders of an identity number (Held):
 * `parent` per place; `rows`, the places a link joined to another, in the order they were (a scope's are the ones its
 * linking added), each once (`joined` marks them). Counting looks at these alone: every other record (most of a list:
 * people with one account) is a person by itself.
 */
interface Links {
  parent: Int32Array;
  joined: Uint8Array;
  rows: number[];
}

function unlinked(n: number): Links {
  return { parent: new Int32Array(n), joined: new Uint8Array(n), rows: [] };
}

/**
 * Rules 14, 15 and 17: links the given default-tenant records sharing an email or a username, but only across
 * different (environment, provider) slots: two accounts of one provider never link each other.
 */
function link(
  members: Int32Array,
  identities: Pick<Identities, 'email' | 'username'>,
  slotOf: Int32Array,
  links: Links,
  scratch: LinkScratch,
) {
  linkBy(members, identities.email, slotOf, links, scratch);
  linkBy(members, identities.username, slotOf, links, scratch);
}

/**
 * Links through one field. The holders of a value are all one group when they sit in at least two slots (each is
 * linked to every holder in another slot, and those connect the holders of its own slot), and are not linked at all
 * when they sit in one slot; so each holder is joined to the value's first holder if and only if the value spans slots.
 */
function linkBy(members: Int32Array, ids: Int32Array, slotOf: Int32Array, links: Links, scratch: LinkScratch) {
  const { firstHolder, spansSlots } = scratch;
  const { parent, joined, rows } = links;
  for (let k = 0; k < members.length; k++) {
    const i = members[k] as number;
    const id = ids[i] as number;
    if (id === 0) continue;
    const first = firstHolder[id] as number;
    if (first === -1) firstHolder[id] = i;
    else if (slotOf[first] !== slotOf[i]) spansSlots[id] = 1;
  }
  for (let k = 0; k < members.length; k++) {
    const i = members[k] as number;
    const id = ids[i] as number;
    if (id === 0) continue;
    const first = firstHolder[id] as number;
    if (spansSlots[id] === 1 && first !== i) {
      union(parent, first, i);
      if (joined[first] === 0) {
        joined[first] = 1;
        rows.push(first);
      }
      if (joined[i] === 0) {
        joined[i] = 1;
        rows.push(i);
      }
    }
  }
  for (let k = 0; k < members.length; k++) {
    const id = ids[members[k] as number] as number;
    firstHolder[id] = -1;
    spansSlots[id] = 0;
  }
}

/**
 * Groups of records, in the order of their first members: group g's members are items[starts[g], starts[g + 1]), in
 * input order. Offsets into one array rather than a list per group (for linked groups, and the hygiene checks' shared
 * identities).
 */
export interface Groups {
  count: number;
  starts: Int32Array;
  items: Int32Array;
}

interface ScopeTotals extends BucketCounts {
  /** The linked sets, their members by place among the holders of an identity number (Links). */
  multi: Groups;
  /** Each group's figures (groupPeople), by group number. */
  people: Int32Array;
  internalPeople: Int32Array;
  counted: Int32Array;
  internalAccounts: Int32Array;
}

/**
 * Counts the people in one scope: its eligible records' buckets (`eligible`), of which `linked` (its records a link
 * joined to another, in input order, by their places in `links`, `status`, `bits` and `slotOf`) are sets of two or
 * more, looked at here; every other record is a person alone. `slotOf` tells apart the (environment, provider) slots
 * of rule 15.
 */
function countScope(
  eligible: BucketCounts,
  linked: Int32Array,
  links: Links,
  status: Uint8Array,
  bits: Uint8Array,
  slotOf: Int32Array,
  scratch: ScopeScratch,
): ScopeTotals {
  // Shared by the scopes and left zeroed: fresh arrays per scope cost more in memory touched than in work.
  const { roots, size, groupOf, rootOfGroup } = scratch;
  const { parent } = links;
  // The joined records are counted below, by their sets.
  let internal = eligible.internal;
  let external = eligible.external;
  const items = linked.length;
  for (let k = 0; k < items; k++) {
    const i = linked[k] as number;
    if (status[i] !== ELIGIBLE) continue;
    if ((bits[i] as number) & INTERNAL) internal--;
    else external--;
  }
  for (let k = 0; k < items; k++) {
    const root = find(parent, linked[k] as number);
    roots[k] = root;
    size[root] = (size[root] as number) + 1;
  }
  let count = 0;
  for (let k = 0; k < items; k++) {
    const root = roots[k] as number;
    if (groupOf[root] === 0) {
      rootOfGroup[count] = root;
      // Numbered from 1 here, so 0 means none and the array is left zeroed as found.
      groupOf[root] = ++count;
    }
  }
  const multi: Groups = { count, starts: new Int32Array(count + 1), items: new Int32Array(items) };
  for (let g = 0; g < count; g++) {
    multi.starts[g + 1] = (multi.starts[g] as number) + (size[rootOfGroup[g] as number] as number);
  }
  const fill = multi.starts.slice(0, count);
  for (let k = 0; k < items; k++) {
    const g = (groupOf[roots[k] as number] as number) - 1;
    multi.items[fill[g] as number] = linked[k] as number;
    fill[g] = (fill[g] as number) + 1;
  }
  const figures = {
    people: new Int32Array(count),
    internalPeople: new Int32Array(count),
    counted: new Int32Array(count),
    internalAccounts: new Int32Array(count),
  };
  for (let g = 0; g < count; g++) {
    const people = groupPeople(multi, g, status, bits, slotOf, scratch.perSlot);
    internal += people.internal;
    external += people.external;
    figures.people[g] = people.people;
    figures.internalPeople[g] = people.internal;
    figures.counted[g] = people.counted;
    figures.internalAccounts[g] = people.internalAccounts;
  }
  for (let k = 0; k < items; k++) {
    size[roots[k] as number] = 0;
    groupOf[roots[k] as number] = 0;
  }
  return { internal, external, multi, ...figures };
}

/**
 * Room for countScope, each left zeroed after use where it is read before it is written: a root per linked member;
 * per place (of a record: Links), its group's size, and its group's number (from 1) when it is a root; per group, its
 * root; per slot, a group's counted accounts in it (groupPeople).
 */
interface ScopeScratch {
  roots: Int32Array;
  size: Int32Array;
  groupOf: Int32Array;
  rootOfGroup: Int32Array;
  perSlot: Int32Array;
}

function scopeScratch(records: number, slots: number): ScopeScratch {
  return {
    roots: new Int32Array(records),
    size: new Int32Array(records),
    groupOf: new Int32Array(records),
    rootOfGroup: new Int32Array(records),
    perSlot: new Int32Array(slots),
  };
}

/** Group g's people (rule 15's floor: the most counted accounts in one slot) and buckets (rule 18). */
function groupPeople(
  groups: Groups,
  g: number,
  status: Uint8Array,
  bits: Uint8Array,
  slotOf: Int32Array,
  perSlot: Int32Array,
) {
  const { items } = groups;
  const from = groups.starts[g] as number;
  const to = groups.starts[g + 1] as number;
  let people = 0;
  let internalAccounts = 0;
  let counted = 0;
  for (let k = from; k < to; k++) {
    const i = items[k] as number;
    if (status[i] !== ELIGIBLE) continue;
    counted++;
    if ((bits[i] as number) & INTERNAL) internalAccounts++;
    const slot = slotOf[i] as number;
    const n = (perSlot[slot] as number) + 1;
    perSlot[slot] = n;
    if (n > people) people = n;
  }
  for (let k = from; k < to; k++) perSlot[slotOf[items[k] as number] as number] = 0;
  const internal = Math.min(people, internalAccounts);
  return { people, internal, external: people - internal, counted, internalAccounts };
}

/** Counts licensed end users: rules 1 to 4 and 14 to 19. Every environment a record names must be declared. */
export function countLicences(accounts: Accounts, environments: readonly EnvironmentRules[]) {
  return countLicencesDetailed(accounts, environments).result;
}

function environmentOf(envIndexByName: ReadonlyMap<string, number>, name: string): number {
  const found = envIndexByName.get(name);
  if (found === undefined) throw new Error(`environment "${name}" has no rules declared`);
  return found;
}

function isDefaultTenant(tenant: string | null | undefined): boolean {
  return !tenant || tenant.trim() === '';
}

interface Facts {
  environmentIndex: Int32Array;
  slotOf: Int32Array;
  bits: Uint8Array;
  status: Uint8Array;
  defaultTenant: Uint8Array;
}

/**
 * The per-record facts of columns: names looked up once per distinct name, and each row classified from the classes
 * of its domains (value-facts.ts), worked out once per environment and domain.
 */
function columnFacts(
  columns: AccountColumns,
  envIndexByName: ReadonlyMap<string, number>,
  compiled: readonly CompiledRules[],
  slotOfName: (env: number, provider: string) => number,
  values: ValueFacts,
  facts: Facts,
): void {
  const { environmentIndex, slotOf, bits, status, defaultTenant } = facts;
  const { emailDomain, usernameDomain, domains } = values;
  const envOfId = columns.environments.names.map((name) => environmentOf(envIndexByName, name));
  const defaultOfId = columns.tenants.names.map((tenant) => (isDefaultTenant(tenant) ? 1 : 0));
  const providers = columns.providers.names;
  // (environment, provider) to slot, numbered as rows first meet them, as for objects.
  const slotOfPair = new Int32Array(envOfId.length * providers.length).fill(-1);
  // Each domain's class under each environment's rules, -1 until first needed.
  const classes = compiled.map(() => new Int8Array(domains.length).fill(-1));
  const classOf = (env: number, domain: number): number => {
    if (domain === -1) return 0;
    const known = (classes[env] as Int8Array)[domain] as number;
    if (known !== -1) return known;
    const found = domainClassOf(compiled[env] as CompiledRules, domains[domain] as string);
    (classes[env] as Int8Array)[domain] = found;
    return found;
  };
  // A row's bits follow from its environment and its two fields' classes (3 bits each): worked out once per
  // combination, then looked up.
  const bitsOf = new Uint8Array(compiled.length * 64);
  compiled.forEach((rules, env) => {
    for (let email = 0; email < 8; email++) {
      for (let username = 0; username < 8; username++) {
        bitsOf[env * 64 + email * 8 + username] = bitsOfClasses(rules, email, username);
      }
    }
  });
  for (let i = 0; i < columns.length; i++) {
    const envId = columns.environmentId(i);
    const env = envOfId[envId] as number;
    environmentIndex[i] = env;
    const pair = envId * providers.length + columns.providerId(i);
    let slot = slotOfPair[pair] as number;
    if (slot === -1) {
      slot = slotOfName(env, providers[columns.providerId(i)] as string);
      slotOfPair[pair] = slot;
    }
    slotOf[i] = slot;
    bits[i] = bitsOf[
      env * 64 + classOf(env, emailDomain[i] as number) * 8 + classOf(env, usernameDomain[i] as number)
    ] as number;
    status[i] = statusOf(columns.active(i), columns.itUser(i));
    defaultTenant[i] = defaultOfId[columns.tenantId(i)] as number;
  }
}

/**
 * The count with its per-record facts. Columns' value facts (value-facts.ts) are worked out here unless `values`
 * gives them for every row (the CLI works them out while reading).
 */
export function countLicencesDetailed(
  accounts: Accounts,
  environments: readonly EnvironmentRules[],
  values: ValueFacts | null = null,
): CountDetail {
  const prepared = prepareCount(accounts, environments, values);
  return prepared.finish(prepared.identities(null));
}

/**
 * A count up to where it needs the accounts' identities, with the per-record facts worked out so far; `identities`
 * numbers them and `finish` does the rest.
 */
export interface PreparedCount {
  readonly environments: readonly EnvironmentRules[];
  readonly compiled: readonly CompiledRules[];
  readonly bits: Uint8Array;
  readonly environmentIndex: Int32Array;
  readonly slotOf: Int32Array;
  readonly status: Uint8Array;
  readonly defaultTenant: Uint8Array;
  /**
   * The records' identities. `byHash`: columns' identities numbered by hash alone by another thread while this one
   * prepared (numberByHash), confirmed here against the values; null to number them here.
   */
  identities(byHash: Identities | null): Identities;
  finish(identities: Identities, options?: FinishOptions): CountDetail;
}

/** countLicencesDetailed in two steps, so the identities can be numbered by another thread in between (the CLI). */
export function prepareCount(
  accounts: Accounts,
  environments: readonly EnvironmentRules[],
  values: ValueFacts | null = null,
): PreparedCount {
  const n = accounts.length;
  const columnValues =
    accounts instanceof AccountColumns ? (values !== null && values.rows === n ? values : valueFacts(accounts)) : null;
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
  // Records only: columns have their hashes in their value facts.
  const recordHashes: RecordHashes =
    columnValues === null
      ? { email: new Int32Array(n), username: new Int32Array(n) }
      : { email: new Int32Array(0), username: new Int32Array(0) };

  const slotOfName = (env: number, provider: string) => {
    const slots = slotIndex[env] as Map<string, number>;
    let found = slots.get(provider);
    if (found === undefined) {
      found = slotNames.length;
      slots.set(provider, found);
      slotNames.push({ env, provider });
    }
    return found;
  };
  if (accounts instanceof AccountColumns) {
    columnFacts(accounts, envIndexByName, compiled, slotOfName, columnValues as ValueFacts, {
      environmentIndex,
      slotOf,
      bits,
      status,
      defaultTenant,
    });
  } else {
    // Lists repeat a few environments and providers row after row: the last ones found are tried first.
    let lastEnvironment: string | undefined;
    let lastEnv = -1;
    let lastProvider: string | undefined;
    let lastSlot = -1;
    for (let i = 0; i < n; i++) {
      const record = accounts[i] as AccountRecord;
      let env = lastEnv;
      if (record.environment !== lastEnvironment) {
        env = environmentOf(envIndexByName, record.environment);
        lastEnvironment = record.environment;
        lastEnv = env;
        lastProvider = undefined;
      }
      environmentIndex[i] = env;
      if (record.provider !== lastProvider) {
        lastSlot = slotOfName(env, record.provider);
        lastProvider = record.provider;
      }
      slotOf[i] = lastSlot;
      bits[i] = classifyBits(compiled[env] as CompiledRules, record.username, record.email);
      recordHashes.email[i] = LAST_IDENTITY.email;
      recordHashes.username[i] = LAST_IDENTITY.username;
      status[i] = statusOf(record.active, record.itUser);
      defaultTenant[i] = isDefaultTenant(record.tenant) ? 1 : 0;
    }
  }
  // Each slot's records by state: eligible internal, eligible external, inactive, IT user (one count a row). An
  // environment's are the sums of its slots'; the eligible ones are the raw per-provider figures (rule 19).
  const bySlotState = new Int32Array(slotNames.length * 4);
  const otherTenantRows: number[] = [];
  for (let i = 0; i < n; i++) {
    if (defaultTenant[i] === 0) otherTenantRows.push(i);
    const state = status[i] as number;
    const bucket = state === ELIGIBLE ? ((bits[i] as number) & INTERNAL ? 0 : 1) : state === INACTIVE ? 2 : 3;
    const at = (slotOf[i] as number) * 4 + bucket;
    bySlotState[at] = (bySlotState[at] as number) + 1;
  }
  const byState = new Int32Array(environments.length * 4);
  slotNames.forEach((slot, s) => {
    for (let bucket = 0; bucket < 4; bucket++) {
      const at = slot.env * 4 + bucket;
      byState[at] = (byState[at] as number) + (bySlotState[s * 4 + bucket] as number);
    }
  });
  const otherTenants = Int32Array.from(otherTenantRows);
  // Each environment's eligible records by bucket: what its count starts from (countScope).
  const eligibleOfEnv: BucketCounts[] = environments.map((_, e) => ({
    internal: byState[e * 4] as number,
    external: byState[e * 4 + 1] as number,
  }));
  const notCounted = { inactive: 0, nonProduction: 0, itUsers: 0 };
  const raw = { internal: 0, external: 0 };
  environments.forEach((env, e) => {
    const eligible = eligibleOfEnv[e] as BucketCounts;
    if (!env.production) {
      notCounted.nonProduction +=
        eligible.internal + eligible.external + (byState[e * 4 + 2] as number) + (byState[e * 4 + 3] as number);
      return;
    }
    raw.internal += eligible.internal;
    raw.external += eligible.external;
    notCounted.inactive += byState[e * 4 + 2] as number;
    notCounted.itUsers += byState[e * 4 + 3] as number;
  });
  return {
    environments,
    compiled,
    bits,
    environmentIndex,
    slotOf,
    status,
    defaultTenant,
    identities: (byHash) => numberIdentities(accounts, bits, columnValues, recordHashes, byHash),
    finish: finishCount,
  };

  function finishCount(identities: Identities, options: FinishOptions = {}): CountDetail {
    const scratch = new LinkScratch(identities.size);
    const isProduction = environments.map((env) => env.production);
    // Only default-tenant records holding a shared value can link (numbers are given to shared values alone): most
    // of a list holds none. Linking and counting work on the holders alone, by their place h in the holders' list
    // (in input order, as the records): their facts are gathered once into arrays of their own, a tenth of the
    // records' on a large list, and every later pass reads those instead of the whole list's at scattered places.
    const { holders } = identities;
    const held = gathered(holders, identities, slotOf, status, bits);
    const productionLinkable: number[] = [];
    const perEnvLinkable: number[][] = environments.map(() => []);
    for (let h = 0; h < holders.length; h++) {
      const i = holders[h] as number;
      if (defaultTenant[i] === 0 || ((held.email[h] as number) === 0 && (held.username[h] as number) === 0)) continue;
      const env = environmentIndex[i] as number;
      if (isProduction[env]) productionLinkable.push(h);
      else (perEnvLinkable[env] as number[]).push(h);
    }
    /** The holders a linking joined, from the `from`-th on, in input order. */
    const joinedSince = (links: Links, from: number) => Int32Array.from(links.rows.slice(from)).sort();

    // Installation-wide merge across production environments (rules 14, 16, 17).
    const links = unlinked(holders.length);
    link(Int32Array.from(productionLinkable), held, held.slot, links, scratch);
    const scratchOfScopes = scopeScratch(holders.length, slotNames.length);
    const production = countScope(
      raw,
      joinedSince(links, 0),
      links,
      held.status,
      held.bits,
      held.slot,
      scratchOfScopes,
    );

    // Each environment still shows its own deduplicated count (rule 17), merged within itself only (rule 14). A
    // production record alone in the installation-wide merge is alone in its environment too. A production group whose
    // members are all in one environment is the same group there (the links that made it are all inside it, and a
    // link to another record of that environment would have joined that record to it here too): its figures count
    // as they are. Only the members of groups across environments are linked again.
    const sameGroup = new Int32Array(environments.length * 2);
    const { starts, items } = production.multi;
    for (let g = 0; g < production.multi.count; g++) {
      const from = starts[g] as number;
      const to = starts[g + 1] as number;
      if (!spansEnvironments(production.multi, g, holders, environmentIndex)) {
        const env = environmentIndex[holders[items[from] as number] as number] as number;
        // What the group changes in its environment's count: its people in place of its eligible accounts.
        const internalPeople = production.internalPeople[g] as number;
        const internalAccounts = production.internalAccounts[g] as number;
        const externalPeople = (production.people[g] as number) - internalPeople;
        const externalAccounts = (production.counted[g] as number) - internalAccounts;
        sameGroup[env * 2] = (sameGroup[env * 2] as number) + internalPeople - internalAccounts;
        sameGroup[env * 2 + 1] = (sameGroup[env * 2 + 1] as number) + externalPeople - externalAccounts;
        continue;
      }
      for (let k = from; k < to; k++) {
        const h = items[k] as number;
        (perEnvLinkable[environmentIndex[holders[h] as number] as number] as number[]).push(h);
      }
    }
    const envLinks = unlinked(holders.length);
    const perEnv: ScopeTotals[] = [];
    environments.forEach((_, e) => {
      const from = envLinks.rows.length;
      link(Int32Array.from(perEnvLinkable[e] as number[]).sort(), held, held.slot, envLinks, scratch);
      const joined = joinedSince(envLinks, from);
      const totals = countScope(
        eligibleOfEnv[e] as BucketCounts,
        joined,
        envLinks,
        held.status,
        held.bits,
        held.slot,
        scratchOfScopes,
      );
      totals.internal += sameGroup[e * 2] as number;
      totals.external += sameGroup[e * 2 + 1] as number;
      perEnv.push(totals);
    });

    // Raw per-provider figures (rule 19): counted accounts per (environment, provider), in first-seen order.
    const slotCounts = slotNames.map((_, s) => ({
      internal: bySlotState[s * 4] as number,
      external: bySlotState[s * 4 + 1] as number,
    }));
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

    const groupRows = rowsOfGroups(
      [production, ...perEnv],
      [-1, ...environments.map((env, e) => (env.production ? -2 : e))],
      holders,
      environmentIndex,
      slotNames.map((slot) => slot.provider),
    );
    const duplicateGroups =
      options.groupObjects === false
        ? []
        : groupObjects(groupRows, accounts, environments, environmentIndex, status, bits, slotOf);

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
      defaultTenant,
      otherTenants,
      status,
      environments,
      compiled,
      identities,
      groupRows,
    };
  }
}

/** Whether linked set g (its members by place among `holders`) has members in more than one environment. */
function spansEnvironments(groups: Groups, g: number, holders: Int32Array, environmentIndex: Int32Array): boolean {
  const { starts, items } = groups;
  const env = environmentIndex[holders[items[starts[g] as number] as number] as number];
  for (let k = (starts[g] as number) + 1; k < (starts[g + 1] as number); k++) {
    if (environmentIndex[holders[items[k] as number] as number] !== env) return true;
  }
  return false;
}

/**
 * The groups of the scopes' linked sets that count two or more accounts, in the scopes' order; a scope numbered -2 is
 * skipped (a production environment's own merge: its groups are the installation-wide ones).
 */
function rowsOfGroups(
  scopes: readonly ScopeTotals[],
  scopeNumbers: readonly number[],
  holders: Int32Array,
  environmentIndex: Int32Array,
  slotProviders: readonly string[],
): GroupRows {
  const scope: number[] = [];
  const people: number[] = [];
  const internal: number[] = [];
  const flags: number[] = [];
  const starts: number[] = [0];
  const records: number[] = [];
  scopes.forEach((totals, t) => {
    const number = scopeNumbers[t] as number;
    if (number === -2) return;
    const { starts: from, items } = totals.multi;
    for (let g = 0; g < totals.multi.count; g++) {
      const counted = totals.counted[g] as number;
      if (counted < 2) continue;
      const groupPeople = totals.people[g] as number;
      const internalAccounts = totals.internalAccounts[g] as number;
      let bits = 0;
      if (internalAccounts > 0 && internalAccounts < counted) bits |= 1;
      // Rule 15's floor: more than one person means several counted accounts in one slot.
      if (groupPeople > 1) bits |= 2;
      if (spansEnvironments(totals.multi, g, holders, environmentIndex)) bits |= 4;
      for (let k = from[g] as number; k < (from[g + 1] as number); k++)
        records.push(holders[items[k] as number] as number);
      scope.push(number);
      people.push(groupPeople);
      internal.push(totals.internalPeople[g] as number);
      flags.push(bits);
      starts.push(records.length);
    }
  });
  return {
    count: scope.length,
    scope: Int32Array.from(scope),
    people: Int32Array.from(people),
    internal: Int32Array.from(internal),
    flags: Uint8Array.from(flags),
    starts: Int32Array.from(starts),
    records: Int32Array.from(records),
    slotProviders,
  };
}

/** A record's facts as a group member, as DuplicateGroup's members give them (and group-json.ts writes them). */
export function memberFacts(
  environment: EnvironmentRules,
  status: number,
  bits: number,
): { classification: Classification; counted: boolean; notCountedReason?: NotCountedReason } {
  const classification: Classification = bits & INTERNAL ? 'internal' : 'external';
  const counted = environment.production && status === ELIGIBLE;
  if (counted) return { classification, counted };
  const notCountedReason = !environment.production ? 'non-production' : status === INACTIVE ? 'inactive' : 'it-user';
  return { classification, counted, notCountedReason };
}

/** The groups of `rows` as objects (CountResult.duplicateGroups). */
function groupObjects(
  rows: GroupRows,
  accounts: Accounts,
  environments: readonly EnvironmentRules[],
  environmentIndex: Int32Array,
  status: Uint8Array,
  bits: Uint8Array,
  slotOf: Int32Array,
): DuplicateGroup[] {
  const groups: DuplicateGroup[] = [];
  for (let g = 0; g < rows.count; g++) {
    const members: GroupMember[] = [];
    for (let k = rows.starts[g] as number; k < (rows.starts[g + 1] as number); k++) {
      const i = rows.records[k] as number;
      const env = environments[environmentIndex[i] as number] as EnvironmentRules;
      members.push({
        ref: refAt(accounts, i),
        environment: env.name,
        provider: rows.slotProviders[slotOf[i] as number] as string,
        username: fieldAt(accounts, i, 'username'),
        email: fieldAt(accounts, i, 'email'),
        ...memberFacts(env, status[i] as number, bits[i] as number),
      });
    }
    groups.push({ ...groupOfRows(rows, g, environments), members });
  }
  return groups;
}

/** Group g of `rows` as a DuplicateGroup gives it, but for its members. */
export function groupOfRows(
  rows: GroupRows,
  g: number,
  environments: readonly EnvironmentRules[],
): Omit<DuplicateGroup, 'members'> {
  const scope = rows.scope[g] as number;
  const people = rows.people[g] as number;
  const internal = rows.internal[g] as number;
  return {
    scope: scope === -1 ? 'production' : (environments[scope] as EnvironmentRules).name,
    people,
    internal,
    external: people - internal,
    classification: internal > 0 ? 'internal' : 'external',
    flags: GROUP_FLAGS.filter((_, bit) => ((rows.flags[g] as number) & (1 << bit)) !== 0),
  };
}
