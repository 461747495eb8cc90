// The duplicate groups of the JSON report and their findings of rule 32 (most of a million-account report: 23 of its
// 25 MB) in a form that moves between threads, and the writers of their JSON text from it. The CLI's main thread makes
// the form from the engine's groups and hands a copy to the reading worker, idle by then: the worker writes units of
// the JSON from the front while the main thread makes the other findings, then the main thread writes units from the
// back until the two meet (FormJson, UnitClaims; count-list.ts). Without a worker, the main thread writes every unit.
// The text is exactly what the report's contract says (report.ts): JSON.stringify of each group with its members'
// ref named "line", and of each finding with its accounts named "lines".

import { INTERNAL } from '../../shared/licensing/classify.ts';
import {
  type Accounts,
  type CountDetail,
  type DuplicateGroup,
  type EnvironmentRules,
  fieldAt,
  GROUP_FLAGS,
  type GroupFlag,
  type GroupMember,
  groupOfRows,
  memberFacts,
  refAt,
} from '../../shared/licensing/count.ts';
import { duplicateGroupFinding, groupWho } from '../../shared/licensing/hygiene.ts';
import type { UnitClaims } from './unit-claims.ts';

const CLASSIFICATIONS: readonly string[] = ['internal', 'external'];
const REASONS: readonly (string | undefined)[] = [undefined, 'non-production', 'inactive', 'it-user'];

/**
 * What JSON.stringify escapes in a string: a quote, a backslash, a control character or a surrogate (it escapes lone
 * ones; a pair is left to it too). A regular expression, compiled to machine code on its first use: the report's
 * writers run once per process, and a loop over the characters ran mostly before it was optimised (twice as slow).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes.
const ESCAPED = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** JSON.stringify of a string, without its call for the many that need no escaping (a million-account report). */
export function quoted(text: string): string {
  return ESCAPED.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** Whether a reference is a line number: its JSON is its digits. */
export const isLineNumber = (ref: string | number): ref is number =>
  typeof ref === 'number' && Number.isSafeInteger(ref);

/**
 * Duplicate groups as typed arrays, one string and a few JSON texts: a structured clone of the groups themselves
 * (tens of thousands of objects) cost more than writing their JSON.
 */
export interface GroupsForJson {
  /** JSON texts that repeat (names, classifications, flag lists, members' last keys), by number. */
  snippets: string[];
  /** Per group: the snippets of its scope, classification and flags; its figures; where its members start. */
  scope: Int32Array;
  classification: Int32Array;
  flags: Int32Array;
  people: Int32Array;
  internal: Int32Array;
  external: Int32Array;
  firstMember: Int32Array;
  /** Per member: its line, or -1 - the snippet of a reference that is not a line number. */
  ref: Int32Array;
  /** Per member: the snippets of its environment, its provider and its last keys (classification, counted, why not). */
  environment: Int32Array;
  provider: Int32Array;
  ending: Int32Array;
  /** The members' usernames and emails one after another, and where each ends (two per member). */
  text: string;
  ends: Int32Array;
}

/**
 * Makes a GroupsForJson group by group and member by member, into arrays made for the given counts, numbering the
 * JSON texts that repeat.
 */
class FormBuilder {
  readonly form: GroupsForJson;
  readonly #numbers = new Map<string, number>();
  /** Names repeat member after member: each one's JSON is made once, found by the name itself. */
  readonly #named = new Map<string, number>();
  /** A member's last keys take a few forms: each is found by a small number, made from the engine's fixed words. */
  readonly #endings = new Int32Array(2 * 2 * REASONS.length).fill(-1);
  /** A group's flags are a few of the engine's, in its order: each set is found by a small number too. */
  readonly #flagSets = new Int32Array(1 << GROUP_FLAGS.length).fill(-1);
  readonly #texts: string[] = [];
  #groups = 0;
  #members = 0;
  #end = 0;

  constructor(groups: number, members: number) {
    this.form = {
      snippets: [],
      scope: new Int32Array(groups),
      classification: new Int32Array(groups),
      flags: new Int32Array(groups),
      people: new Int32Array(groups),
      internal: new Int32Array(groups),
      external: new Int32Array(groups),
      firstMember: new Int32Array(groups + 1),
      ref: new Int32Array(members),
      environment: new Int32Array(members),
      provider: new Int32Array(members),
      ending: new Int32Array(members),
      text: '',
      ends: new Int32Array(members * 2),
    };
  }

  #snippet(json: string): number {
    let number = this.#numbers.get(json);
    if (number === undefined) {
      number = this.form.snippets.length;
      this.form.snippets.push(json);
      this.#numbers.set(json, number);
    }
    return number;
  }

  /** The snippet of a name's JSON. */
  name(name: string): number {
    let number = this.#named.get(name);
    if (number === undefined) {
      number = this.#snippet(JSON.stringify(name));
      this.#named.set(name, number);
    }
    return number;
  }

  #flags(flags: readonly string[]): number {
    let key = 0;
    let last = -1;
    for (const flag of flags) {
      const bit = GROUP_FLAGS.indexOf(flag as GroupFlag);
      // An unknown flag, or one out of the engine's order, is looked up by its JSON.
      if (bit <= last) return this.#snippet(JSON.stringify(flags));
      key |= 1 << bit;
      last = bit;
    }
    if ((this.#flagSets[key] as number) === -1) this.#flagSets[key] = this.#snippet(JSON.stringify(flags));
    return this.#flagSets[key] as number;
  }

  /** The snippet of a member's last keys: a GroupMember's facts (memberFacts). */
  ending(facts: Pick<GroupMember, 'classification' | 'counted' | 'notCountedReason'>): number {
    const { classification, counted, notCountedReason: reason } = facts;
    const kind = CLASSIFICATIONS.indexOf(classification);
    const why = REASONS.indexOf(reason);
    const key = (kind * 2 + (counted ? 1 : 0)) * REASONS.length + why;
    if (kind !== -1 && why !== -1 && (this.#endings[key] as number) !== -1) return this.#endings[key] as number;
    const more = reason === undefined ? '' : `,"notCountedReason":${JSON.stringify(reason)}`;
    const number = this.#snippet(`,"classification":${JSON.stringify(classification)},"counted":${counted}${more}}`);
    if (kind !== -1 && why !== -1) this.#endings[key] = number;
    return number;
  }

  group(group: Omit<DuplicateGroup, 'members'>): void {
    const { form } = this;
    const g = this.#groups++;
    form.scope[g] = this.name(group.scope);
    form.classification[g] = this.name(group.classification);
    form.flags[g] = this.#flags(group.flags);
    form.people[g] = group.people;
    form.internal[g] = group.internal;
    form.external[g] = group.external;
    form.firstMember[g] = this.#members;
  }

  /**
   * A member of the last group: its reference, the snippets of its environment's and provider's names (`name`) and
   * of its last keys (`ending`), and its username and email. Callers take the snippets in that order, so that the
   * forms made from objects and from numbers number them alike.
   */
  member(
    line: string | number,
    environment: number,
    provider: number,
    ending: number,
    username: string,
    email: string,
  ): void {
    const { form } = this;
    const m = this.#members++;
    form.ref[m] =
      isLineNumber(line) && line >= 0 && line <= 0x7fffffff ? line : -1 - this.#snippet(JSON.stringify(line));
    form.environment[m] = environment;
    form.provider[m] = provider;
    form.ending[m] = ending;
    this.#texts.push(username, email);
    this.#end += username.length;
    form.ends[2 * m] = this.#end;
    this.#end += email.length;
    form.ends[2 * m + 1] = this.#end;
  }

  done(): GroupsForJson {
    this.form.firstMember[this.#groups] = this.#members;
    this.form.text = this.#texts.join('');
    return this.form;
  }
}

/** The groups in the form GroupsForJson; their order and their members' are kept. */
export function groupsForJson(groups: readonly DuplicateGroup[]): GroupsForJson {
  let members = 0;
  for (const group of groups) members += group.members.length;
  const builder = new FormBuilder(groups.length, members);
  for (const group of groups) {
    builder.group(group);
    for (const member of group.members) {
      builder.member(
        member.ref,
        builder.name(member.environment),
        builder.name(member.provider),
        builder.ending(member),
        member.username,
        member.email,
      );
    }
  }
  return builder.done();
}

/**
 * The form of a count's groups made from its GroupRows, without the groups' objects (a count finished with
 * `groupObjects: false`): the same form as groupsForJson of result.duplicateGroups. Names and endings are looked up
 * by environment and slot number, not by text.
 */
export function groupRowsForJson(detail: CountDetail, accounts: Accounts): GroupsForJson {
  const { groupRows: rows, environments, environmentIndex, slotOf, status, bits } = detail;
  const builder = new FormBuilder(rows.count, rows.records.length);
  const environmentSnippets = new Int32Array(environments.length).fill(-1);
  const providerSnippets = new Int32Array(rows.slotProviders.length).fill(-1);
  // A member's last keys follow from its environment, status and class: found once per combination met.
  const endings = new Int32Array(environments.length * 256 * 2).fill(-1);
  for (let g = 0; g < rows.count; g++) {
    builder.group(groupOfRows(rows, g, environments));
    for (let k = rows.starts[g] as number; k < (rows.starts[g + 1] as number); k++) {
      const i = rows.records[k] as number;
      const env = environmentIndex[i] as number;
      const slot = slotOf[i] as number;
      const line = refAt(accounts, i);
      if ((environmentSnippets[env] as number) === -1) {
        environmentSnippets[env] = builder.name((environments[env] as EnvironmentRules).name);
      }
      if ((providerSnippets[slot] as number) === -1) {
        providerSnippets[slot] = builder.name(rows.slotProviders[slot] as string);
      }
      const key = ((env << 8) | (status[i] as number)) * 2 + ((bits[i] as number) & INTERNAL ? 1 : 0);
      if ((endings[key] as number) === -1) {
        endings[key] = builder.ending(
          memberFacts(environments[env] as EnvironmentRules, status[i] as number, bits[i] as number),
        );
      }
      builder.member(
        line,
        environmentSnippets[env] as number,
        providerSnippets[slot] as number,
        endings[key] as number,
        fieldAt(accounts, i, 'username'),
        fieldAt(accounts, i, 'email'),
      );
    }
  }
  return builder.done();
}

/** Groups in a unit of JSON work (FormJson): their text is made as one string. */
const GROUPS_AT_A_TIME = 100;

/** A member's username and email in the form's text. */
function usernameOf(form: GroupsForJson, m: number): string {
  return form.text.slice(m === 0 ? 0 : (form.ends[2 * m - 1] as number), form.ends[2 * m] as number);
}

function emailOf(form: GroupsForJson, m: number): string {
  return form.text.slice(form.ends[2 * m] as number, form.ends[2 * m + 1] as number);
}

/** A member's reference as JSON: its line's digits, or the snippet of a reference that is not a line number. */
function refJson(form: GroupsForJson, m: number): string {
  const ref = form.ref[m] as number;
  return ref >= 0 ? String(ref) : (form.snippets[-1 - ref] as string);
}

/** The JSON of groups [from, to), comma-separated, without the array's brackets. */
function groupsText(form: GroupsForJson, from: number, to: number): string {
  const { snippets } = form;
  const parts: string[] = [];
  for (let g = from; g < to; g++) {
    let json = `{"scope":${snippets[form.scope[g] as number]},"people":${form.people[g]},"internal":${form.internal[g]},"external":${form.external[g]},"classification":${snippets[form.classification[g] as number]},"flags":${snippets[form.flags[g] as number]},"members":[`;
    const last = form.firstMember[g + 1] as number;
    for (let m = form.firstMember[g] as number; m < last; m++) {
      json += `${m === form.firstMember[g] ? '' : ','}{"line":${refJson(form, m)},"environment":${snippets[form.environment[m] as number]},"provider":${snippets[form.provider[m] as number]},"username":${quoted(usernameOf(form, m))},"email":${quoted(emailOf(form, m))}${snippets[form.ending[m] as number]}`;
    }
    parts.push(`${json}]}`);
  }
  return parts.join(',');
}

/** A piece of the report's JSON: text, or UTF-8 bytes another thread wrote. */
export type JsonPiece = string | Uint8Array;

/** The items of the report's two long arrays as JSON, in pieces to be joined by commas (no brackets). */
export interface ReportJson {
  duplicateGroups: JsonPiece[];
  warnings: JsonPiece[];
}

/** The JSON of groups [from, to)'s findings of rule 32 (duplicateGroupFindings' shape), comma-separated. */
function findingsText(form: GroupsForJson, words: (string | readonly string[])[], from: number, to: number): string {
  const { snippets } = form;
  // A classification's word and a flag set's flags, parsed once from their JSON.
  const word = (snippet: number): string | readonly string[] => {
    let known = words[snippet];
    if (known === undefined) {
      known = JSON.parse(snippets[snippet] as string) as string | string[];
      words[snippet] = known;
    }
    return known;
  };
  const parts: string[] = [];
  for (let g = from; g < to; g++) {
    const first = form.firstMember[g] as number;
    const last = form.firstMember[g + 1] as number;
    const { code, message } = duplicateGroupFinding(
      last - first,
      last > first ? groupWho(emailOf(form, first), usernameOf(form, first)) : groupWho(undefined, undefined),
      form.people[g] as number,
      word(form.classification[g] as number) as string,
      word(form.flags[g] as number) as readonly string[],
    );
    let lines = '';
    for (let m = first; m < last; m++) lines += `${m === first ? '' : ','}${refJson(form, m)}`;
    parts.push(
      `{"rule":32,"code":"${code}","environment":${snippets[form.scope[g] as number]},"message":${quoted(message)},"lines":[${lines}]}`,
    );
  }
  return parts.join(',');
}

/** Units a million-account report makes: a few hundred; at most 0xffff fit in UnitClaims' word. */
const MOST_GROUP_UNITS = 30_000;

/**
 * The JSON a form's groups make, in units two threads share: the groups' JSON in batches, then their findings' JSON in
 * batches (units [0, groupUnits) and [groupUnits, 2 * groupUnits)). One thread takes units from the front, the other
 * from the back, until they meet (UnitClaims), so neither waits for the other at the end whichever is busier first.
 */
export class FormJson {
  readonly batch: number;
  readonly groupUnits: number;
  readonly units: number;
  readonly #words: (string | readonly string[])[] = [];

  constructor(readonly form: GroupsForJson) {
    const groups = form.scope.length;
    this.batch = Math.max(GROUPS_AT_A_TIME, Math.ceil(groups / MOST_GROUP_UNITS));
    this.groupUnits = Math.ceil(groups / this.batch);
    this.units = 2 * this.groupUnits;
  }

  /** The comma-separated JSON items of unit u. */
  unit(u: number): string {
    const groups = this.form.scope.length;
    const findings = u >= this.groupUnits;
    const from = (findings ? u - this.groupUnits : u) * this.batch;
    const to = Math.min(groups, from + this.batch);
    return findings ? findingsText(this.form, this.#words, from, to) : groupsText(this.form, from, to);
  }

  /**
   * Takes units from the front while there are any, and writes them as UTF-8 into one buffer of its own (so that it
   * can be moved to another thread): the groups' then the findings', each section's items comma-separated.
   */
  fromFront(claims: UnitClaims): UnitsWritten {
    // About 230 bytes a member and 200 a finding is usual; the buffer doubles when a list writes longer values.
    let bytes = Buffer.allocUnsafeSlow(Math.max(1 << 16, this.form.ref.length * 240 + this.form.scope.length * 220));
    let length = 0;
    let units = 0;
    let findingsAt = -1;
    for (let u = claims.fromFront(); u !== -1; u = claims.fromFront()) {
      if (u !== units) throw new Error(`unit ${u} taken out of turn (expected ${units})`);
      const first = u === 0 || u === this.groupUnits;
      if (u === this.groupUnits) findingsAt = length;
      const text = `${first ? '' : ','}${this.unit(u)}`;
      const most = text.length * 3;
      if (length + most > bytes.length) {
        const grown = Buffer.allocUnsafeSlow(Math.max(bytes.length * 2, length + most));
        bytes.copy(grown, 0, 0, length);
        bytes = grown;
      }
      length += bytes.write(text, length, 'utf8');
      units++;
    }
    return {
      bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, length),
      units,
      findingsAt: findingsAt === -1 ? length : findingsAt,
    };
  }

  /** The groups' JSON alone, a piece per unit (for a report whose findings are written from objects). */
  groupsJson(): string[] {
    return Array.from({ length: this.groupUnits }, (_, u) => this.unit(u));
  }

  /** Takes units from the back while there are any; their JSON by unit. */
  fromBack(claims: UnitClaims): Map<number, string> {
    const mine = new Map<number, string>();
    for (let u = claims.fromBack(); u !== -1; u = claims.fromBack()) mine.set(u, this.unit(u));
    return mine;
  }

  /**
   * The report's two arrays from the units each thread wrote: `theirs` from the front (null when that thread failed
   * or there was none: the units it did not write are written here), `mine` from the back; the warnings' pieces are
   * `before`, the groups' findings, then `after` (hygiene's order: rules 5 and 28 to 31, then rule 32's).
   */
  assemble(
    theirs: UnitsWritten | null,
    mine: Map<number, string>,
    before: JsonPiece[],
    after: JsonPiece[],
  ): ReportJson {
    const written = theirs?.units ?? 0;
    const duplicateGroups: JsonPiece[] = [];
    const findings: JsonPiece[] = [];
    if (theirs !== null) {
      const { bytes, findingsAt } = theirs;
      if (findingsAt > 0) duplicateGroups.push(bytes.subarray(0, findingsAt));
      if (findingsAt < bytes.length) findings.push(bytes.subarray(findingsAt));
    }
    for (let u = written; u < this.units; u++) {
      (u < this.groupUnits ? duplicateGroups : findings).push(mine.get(u) ?? this.unit(u));
    }
    return { duplicateGroups, warnings: [...before, ...findings, ...after] };
  }
}

/** What a thread wrote of a FormJson's units from the front: units [0, units), the findings' from findingsAt on. */
export interface UnitsWritten {
  bytes: Uint8Array;
  units: number;
  findingsAt: number;
}
