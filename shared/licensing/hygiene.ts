// Hygiene checks: rulebook rules 28 to 32 (and rule 5's unconfigured environments).

import { AccountColumns } from './account-columns.ts';
import { type CompiledRules, INTERNAL, listedParent, NO_EMAIL, SUBDOMAIN_OF_LISTED } from './classify.ts';
import {
  type Accounts,
  accountAt,
  type CountDetail,
  type DuplicateGroup,
  ELIGIBLE,
  type EnvironmentRules,
  fieldAt,
  type Groups,
  refAt,
  staffAt,
} from './count.ts';
import { normalizeDomainEntry } from './domains.ts';
import { emailDomain } from './email.ts';

export type HygieneCode =
  | 'rules-not-configured'
  | 'organisation-domain-missing'
  | 'external-on-subdomain'
  | 'staff-external'
  | 'no-valid-email'
  | 'duplicate-group'
  | 'same-provider-duplicate'
  | 'tenant-lookalike';

export interface HygieneFinding {
  /** The rulebook rule behind the finding. */
  rule: number;
  code: HygieneCode;
  environment?: string;
  message: string;
  /** References of the accounts involved (empty for environment-level findings). */
  accounts: (string | number)[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Runs every hygiene check over an already counted set of records (countLicencesDetailed), so nothing is
 * classified twice. `organisationDomains` are the domains the organisation declared as its own, its parent's
 * and its affiliates' (rule 28).
 */
export function hygieneFindings(
  records: Accounts,
  detail: CountDetail,
  organisationDomains: readonly string[] = [],
): HygieneFinding[] {
  return [...classificationFindings(records, detail, organisationDomains), ...groupFindings(records, detail)];
}

/** What the checks of rules 5 and 28 to 31 read: the records' classification, before any identity is numbered. */
export type ClassifiedRecords = Pick<CountDetail, 'environments' | 'bits' | 'environmentIndex' | 'compiled' | 'status'>;

/**
 * The findings of rules 5 and 28 to 31, hygieneFindings' first ones: they need the classification alone, so the CLI
 * makes them while another thread numbers the identities (count-list.ts).
 */
export function classificationFindings(
  records: Accounts,
  classified: ClassifiedRecords,
  organisationDomains: readonly string[] = [],
): HygieneFinding[] {
  const findings: HygieneFinding[] = [];
  const { environments, bits, environmentIndex, compiled, status } = classified;
  const declared = [...new Set(organisationDomains.map(normalizeDomainEntry).filter((d) => d !== ''))];

  environments.forEach((env: EnvironmentRules) => {
    if (env.internalDomains.length === 0) {
      findings.push({
        rule: 5,
        code: 'rules-not-configured',
        environment: env.name,
        message: `no internal domains configured for ${env.name}: everyone is counted as internal`,
        accounts: [],
      });
      return;
    }
    // Rule 28: leaving an own domain out makes staff look external, which is a licence violation.
    const listed = new Set(env.internalDomains);
    for (const domain of declared) {
      if (!listed.has(domain)) {
        findings.push({
          rule: 28,
          code: 'organisation-domain-missing',
          environment: env.name,
          message: `${domain} is an organisation domain but is not in ${env.name}'s internal list: its staff are counted as external`,
          accounts: [],
        });
      }
    }
  });

  // Rules 29 to 31, gathered per environment so one finding lists all the accounts it concerns.
  const bySubdomain = new Map<string, (string | number)[]>();
  const noEmail = new Map<number, (string | number)[]>();
  const staffExternal = new Map<number, (string | number)[]>();
  const add = <K>(map: Map<K, (string | number)[]>, key: K, ref: string | number) => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [ref]);
    else list.push(ref);
  };
  const configured = environments.map((env) => env.internalDomains.length > 0);
  // Columns know whether any account is staff (most lists have no role column): then only the bits are looked at.
  const anyStaff = records instanceof AccountColumns ? records.anyStaff : true;
  for (let i = 0; i < records.length; i++) {
    const b = bits[i] as number;
    if ((b & (SUBDOMAIN_OF_LISTED | NO_EMAIL)) === 0 && (!anyStaff || b & INTERNAL)) continue;
    if (status[i] !== ELIGIBLE) continue;
    const e = environmentIndex[i] as number;
    if (!configured[e]) continue;
    if (b & SUBDOMAIN_OF_LISTED) {
      // The field whose domain sits under a listed one, which may be the username's.
      const listedDomains = (compiled[e] as CompiledRules).domains;
      const fromEmail = emailDomain(fieldAt(records, i, 'email'));
      const domain =
        fromEmail !== null && listedParent(listedDomains, fromEmail) !== null
          ? fromEmail
          : (emailDomain(fieldAt(records, i, 'username')) as string);
      add(bySubdomain, `${e}\u0000${domain}`, refAt(records, i));
    }
    if (b & NO_EMAIL) add(noEmail, e, refAt(records, i));
    if (!(b & INTERNAL) && staffAt(records, i)) {
      add(staffExternal, e, refAt(records, i));
    }
  }
  for (const [key, accounts] of bySubdomain) {
    const [e, domain] = key.split('\u0000') as [string, string];
    const env = environments[Number(e)] as EnvironmentRules;
    const parent = listedParent((compiled[Number(e)] as CompiledRules).domains, domain);
    findings.push({
      rule: 29,
      code: 'external-on-subdomain',
      environment: env.name,
      message: `${plural(accounts.length, 'external user')} on ${domain}, a subdomain of listed ${parent}: list ${domain} if it is the organisation's`,
      accounts,
    });
  }
  for (const [e, accounts] of staffExternal) {
    const env = environments[e] as EnvironmentRules;
    findings.push({
      rule: 30,
      code: 'staff-external',
      environment: env.name,
      message: `${plural(accounts.length, 'staff account')} classified external in ${env.name}: list the staff's email domain or correct their email`,
      accounts,
    });
  }
  for (const [e, accounts] of noEmail) {
    const env = environments[e] as EnvironmentRules;
    findings.push({
      rule: 31,
      code: 'no-valid-email',
      environment: env.name,
      message: `${plural(accounts.length, 'account')} in ${env.name} without a valid email, counted as internal (the expensive bucket): add their email`,
      accounts,
    });
  }

  return findings;
}

/** The findings of rule 32, hygieneFindings' last ones: merged groups, same-provider duplicates and look-alikes. */
export function groupFindings(records: Accounts, detail: CountDetail): HygieneFinding[] {
  return [...duplicateGroupFindings(detail.result.duplicateGroups), ...sharedValueFindings(records, detail)];
}

/** What a duplicate group's finding says (rule 32), from the group's figures and its first member's identity. */
export function duplicateGroupFinding(
  members: number,
  who: string,
  people: number,
  classification: string,
  flags: readonly string[],
): { code: HygieneCode; message: string } {
  if (flags.includes('same-provider')) {
    return {
      code: 'same-provider-duplicate',
      message: `${plural(members, 'account')} matching ${who} include several in one provider, counted as ${people} people: merge or deactivate the extra accounts`,
    };
  }
  return {
    code: 'duplicate-group',
    message: `${plural(members, 'account')} matching ${who} are counted as one ${classification} person${flags.includes('mixed') ? ' (mixed internal and external accounts)' : ''}`,
  };
}

/** Who a duplicate group's finding names: its first member's email, else username. */
export const groupWho = (email: string | undefined, username: string | undefined): string =>
  email || username || 'one person';

/** One finding per merged group, in the groups' order (groupFindings' first ones). */
export function duplicateGroupFindings(groups: readonly DuplicateGroup[]): HygieneFinding[] {
  return groups.map((group) => {
    const first = group.members[0];
    const who = groupWho(first?.email, first?.username);
    const { code, message } = duplicateGroupFinding(
      group.members.length,
      who,
      group.people,
      group.classification,
      group.flags,
    );
    return { rule: 32, code, environment: group.scope, message, accounts: group.members.map((m) => m.ref) };
  });
}

/**
 * Same-provider duplicates and look-alikes in non-default tenants: groupFindings' last ones, found from the accounts'
 * shared identities rather than from the groups.
 */
export function sharedValueFindings(records: Accounts, detail: CountDetail): HygieneFinding[] {
  // Each field's shared identities, found once for both checks below.
  const { identities } = detail;
  const counts = new Int32Array(identities.size);
  const shared = {
    email: sharedIdentities(identities.email, counts, identities.holders),
    username: sharedIdentities(identities.username, counts, identities.holders),
  };
  return [...sameProviderDuplicates(records, detail, shared), ...tenantLookalikes(records, detail, shared)];
}

/** The holders of each identity number held more than once, per field (sharedIdentities over every record). */
type SharedByField = Record<'email' | 'username', Groups>;

/**
 * For each identity number held more than once, its holders in input order (identity numbers are only given to values
 * held more than once: count.ts). `counts` (one per identity number) is left zeroed;
 * `rows` are the records holding a number in either field (Identities.holders), in input order.
 */
function sharedIdentities(ids: Int32Array, counts: Int32Array, rows: Int32Array): Groups {
  for (let k = 0; k < rows.length; k++) {
    const id = ids[rows[k] as number] as number;
    if (id !== 0) counts[id] = (counts[id] as number) + 1;
  }
  // Each shared number's place, from its first holder on: its holder count becomes -(its place + 1).
  let count = 0;
  let items = 0;
  const sizes: number[] = [];
  for (let k = 0; k < rows.length; k++) {
    const id = ids[rows[k] as number] as number;
    const held = counts[id] as number;
    if (id === 0 || held < 2) continue;
    sizes.push(held);
    items += held;
    counts[id] = -++count;
  }
  const starts = new Int32Array(count + 1);
  for (let g = 0; g < count; g++) starts[g + 1] = (starts[g] as number) + (sizes[g] as number);
  const fill = starts.slice(0, count);
  const held = new Int32Array(items);
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k] as number;
    const id = ids[i] as number;
    const place = -(counts[id] as number) - 1;
    if (id === 0 || place < 0) continue;
    held[fill[place] as number] = i;
    fill[place] = (fill[place] as number) + 1;
  }
  counts.fill(0);
  return { count, starts, items: held };
}

/**
 * Rule 15 keeps two accounts of one provider apart even when they share an email or a username, so they never form a
 * group; rule 32 still lists them. One finding per shared value and (environment, provider); accounts that share both
 * their email and their username are listed once. Such a finding never repeats a group finding: the accounts of a
 * merged group are linked through another provider's account, which the group lists too.
 */
function sameProviderDuplicates(records: Accounts, detail: CountDetail, sharedBy: SharedByField): HygieneFinding[] {
  const { slotOf, environments, environmentIndex, defaultTenant, status } = detail;
  // The rows of each finding made, as a signature: in input order, whichever field they share.
  const reported = new Set<string>();
  const findings: HygieneFinding[] = [];
  const report = (same: readonly number[], field: 'email' | 'username') => {
    let counted = 0;
    for (const i of same) if (status[i] === ELIGIBLE) counted++;
    if (counted < 2) return;
    const signature = same.join(',');
    if (reported.has(signature)) return;
    reported.add(signature);
    const first = same[0] as number;
    const env = environments[environmentIndex[first] as number] as EnvironmentRules;
    findings.push({
      rule: 32,
      code: 'same-provider-duplicate',
      environment: env.name,
      message: `${plural(same.length, 'account')} in ${fieldAt(records, first, 'provider')} (${env.name}) share the ${field} ${fieldAt(records, first, field).trim()} and count as ${counted} people (rule 15: accounts of one provider are never one person): merge or deactivate the extra accounts`,
      accounts: same.map((i) => refAt(records, i)),
    });
  };
  // A value's holders in the default tenant (the others are never one person with anyone: rule 16).
  const inDefault: number[] = [];
  for (const field of ['email', 'username'] as const) {
    const { count, starts, items } = sharedBy[field];
    for (let g = 0; g < count; g++) {
      inDefault.length = 0;
      for (let k = starts[g] as number; k < (starts[g + 1] as number); k++) {
        const i = items[k] as number;
        if (defaultTenant[i] === 1) inDefault.push(i);
      }
      if (inDefault.length < 2) continue;
      // Mostly two holders: in two slots there is nothing to report, in one they are the finding; no map either way.
      if (inDefault.length === 2) {
        if (slotOf[inDefault[0] as number] === slotOf[inDefault[1] as number]) report(inDefault, field);
        continue;
      }
      const bySlot = new Map<number, number[]>();
      for (const i of inDefault) {
        const slot = slotOf[i] as number;
        const same = bySlot.get(slot);
        if (same === undefined) bySlot.set(slot, [i]);
        else same.push(i);
      }
      for (const same of bySlot.values()) if (same.length > 1) report(same, field);
    }
  }
  return findings;
}

/** Rule 16 keeps non-default tenants apart; an identical account elsewhere is worth a look (rule 32). */
function tenantLookalikes(records: Accounts, detail: CountDetail, sharedBy: SharedByField): HygieneFinding[] {
  const { identities, environmentIndex } = detail;
  // Identities held by a non-default-tenant account (few): only their holders are compared.
  if (detail.otherTenants.length === 0) return [];
  const heldInTenant = new Uint8Array(identities.size);
  for (const i of detail.otherTenants) {
    heldInTenant[identities.email[i] as number] = 1;
    heldInTenant[identities.username[i] as number] = 1;
  }
  heldInTenant[0] = 0;
  const alike = new Map<number, Set<number>>();
  for (const field of ['email', 'username'] as const) {
    const ids = identities[field];
    const shared = sharedBy[field];
    for (let g = 0; g < shared.count; g++) {
      const from = shared.starts[g] as number;
      if (heldInTenant[ids[shared.items[from] as number] as number] !== 1) continue;
      const holders = shared.items.subarray(from, shared.starts[g + 1]);
      for (const t of holders) {
        if (detail.defaultTenant[t] === 1) continue;
        for (const i of holders) {
          if (i === t || environmentIndex[i] !== environmentIndex[t]) continue;
          const set = alike.get(t) ?? new Set<number>();
          set.add(i);
          alike.set(t, set);
        }
      }
    }
  }
  const findings: HygieneFinding[] = [];
  const reported = new Set<string>();
  for (const [t, others] of alike) {
    const indices = [t, ...others].sort((a, b) => a - b);
    const signature = indices.join(',');
    if (reported.has(signature)) continue;
    reported.add(signature);
    const record = accountAt(records, t);
    const env = detail.environments[detail.environmentIndex[t] as number] as EnvironmentRules;
    findings.push({
      rule: 32,
      code: 'tenant-lookalike',
      environment: env.name,
      message: `${plural(indices.length, 'account')} look like ${record.email || record.username}, at least one in tenant ${record.tenant?.trim()}, so each counts separately: check whether they are one person`,
      accounts: indices.map((i) => refAt(records, i)),
    });
  }
  return findings;
}
