// The duplicate groups of the JSON report (its longest part: about two thirds of a million-account report) in a form
// that moves between threads, and the writer of their JSON text from it. The CLI's main thread makes the form from
// the engine's groups and hands it to the reading worker, idle by then, which writes the text while the main thread
// makes the hygiene findings (count-list.ts); without a worker, the main thread writes it from the same form. The
// text is exactly what the report's contract says (report.ts): JSON.stringify of each group with its members' ref
// named "line".
import type { DuplicateGroup, GroupMember } from '../../shared/licensing/count.ts';

const CLASSIFICATIONS: readonly string[] = ['internal', 'external'];
const REASONS: readonly (string | undefined)[] = [undefined, 'non-production', 'inactive', 'it-user'];
const FLAGS: readonly string[] = ['mixed', 'same-provider', 'cross-environment'];

/**
 * Whether JSON.stringify escapes something in a string: a quote, a backslash, a control character or a surrogate (it
 * escapes lone ones; a pair is left to it too).
 */
function escapes(text: string): boolean {
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}

/** JSON.stringify of a string, without its call for the many that need no escaping (a million-account report). */
export function quoted(text: string): string {
  return escapes(text) ? JSON.stringify(text) : `"${text}"`;
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

/** The groups in the form GroupsForJson; their order and their members' are kept. */
export function groupsForJson(groups: readonly DuplicateGroup[]): GroupsForJson {
  const snippets: string[] = [];
  const numbers = new Map<string, number>();
  const snippet = (json: string): number => {
    let number = numbers.get(json);
    if (number === undefined) {
      number = snippets.length;
      snippets.push(json);
      numbers.set(json, number);
    }
    return number;
  };
  // Names repeat member after member: each one's JSON is made once, found by the name itself.
  const named = new Map<string, number>();
  const nameSnippet = (name: string): number => {
    let number = named.get(name);
    if (number === undefined) {
      number = snippet(JSON.stringify(name));
      named.set(name, number);
    }
    return number;
  };
  // A member's last keys take a few forms: each is found by a small number, made from the engine's fixed words.
  const endings = new Int32Array(2 * 2 * REASONS.length).fill(-1);
  const endingSnippet = (member: GroupMember): number => {
    const classification = CLASSIFICATIONS.indexOf(member.classification);
    const reason = REASONS.indexOf(member.notCountedReason);
    const key = (classification * 2 + (member.counted ? 1 : 0)) * REASONS.length + reason;
    if (classification !== -1 && reason !== -1 && (endings[key] as number) !== -1) return endings[key] as number;
    const why =
      member.notCountedReason === undefined ? '' : `,"notCountedReason":${JSON.stringify(member.notCountedReason)}`;
    const number = snippet(
      `,"classification":${JSON.stringify(member.classification)},"counted":${member.counted}${why}}`,
    );
    if (classification !== -1 && reason !== -1) endings[key] = number;
    return number;
  };
  let members = 0;
  for (const group of groups) members += group.members.length;
  const form: GroupsForJson = {
    snippets,
    scope: new Int32Array(groups.length),
    classification: new Int32Array(groups.length),
    flags: new Int32Array(groups.length),
    people: new Int32Array(groups.length),
    internal: new Int32Array(groups.length),
    external: new Int32Array(groups.length),
    firstMember: new Int32Array(groups.length + 1),
    ref: new Int32Array(members),
    environment: new Int32Array(members),
    provider: new Int32Array(members),
    ending: new Int32Array(members),
    text: '',
    ends: new Int32Array(members * 2),
  };
  // A group's flags are a few of the engine's, in its order: each set is found by a small number too.
  const flagSets = new Int32Array(1 << FLAGS.length).fill(-1);
  const flagsSnippet = (flags: readonly string[]): number => {
    let key = 0;
    let last = -1;
    for (const flag of flags) {
      const bit = FLAGS.indexOf(flag);
      // An unknown flag, or one out of the engine's order, is looked up by its JSON.
      if (bit <= last) return snippet(JSON.stringify(flags));
      key |= 1 << bit;
      last = bit;
    }
    if ((flagSets[key] as number) === -1) flagSets[key] = snippet(JSON.stringify(flags));
    return flagSets[key] as number;
  };
  const texts: string[] = [];
  let end = 0;
  let m = 0;
  groups.forEach((group, g) => {
    form.scope[g] = nameSnippet(group.scope);
    form.classification[g] = nameSnippet(group.classification);
    form.flags[g] = flagsSnippet(group.flags);
    form.people[g] = group.people;
    form.internal[g] = group.internal;
    form.external[g] = group.external;
    form.firstMember[g] = m;
    for (const member of group.members) {
      const { ref } = member;
      form.ref[m] = isLineNumber(ref) && ref >= 0 && ref <= 0x7fffffff ? ref : -1 - snippet(JSON.stringify(ref));
      form.environment[m] = nameSnippet(member.environment);
      form.provider[m] = nameSnippet(member.provider);
      form.ending[m] = endingSnippet(member);
      texts.push(member.username, member.email);
      end += member.username.length;
      form.ends[2 * m] = end;
      end += member.email.length;
      form.ends[2 * m + 1] = end;
      m++;
    }
  });
  form.firstMember[groups.length] = m;
  form.text = texts.join('');
  return form;
}

/** The buffers of a GroupsForJson, to be moved to another thread rather than copied. */
export function groupsForJsonBuffers(form: GroupsForJson): ArrayBuffer[] {
  const arrays = [form.scope, form.classification, form.flags, form.people, form.internal, form.external];
  arrays.push(form.firstMember, form.ref, form.environment, form.provider, form.ending, form.ends);
  return arrays.map((array) => array.buffer as ArrayBuffer);
}

/** Groups written at a time: their text is made as one string, then encoded into the bytes. */
const GROUPS_AT_A_TIME = 100;

/** The JSON of groups [from, to), comma-separated, without the array's brackets. */
function groupsText(form: GroupsForJson, from: number, to: number): string {
  const { snippets, text, ends } = form;
  const parts: string[] = [];
  for (let g = from; g < to; g++) {
    let json = `{"scope":${snippets[form.scope[g] as number]},"people":${form.people[g]},"internal":${form.internal[g]},"external":${form.external[g]},"classification":${snippets[form.classification[g] as number]},"flags":${snippets[form.flags[g] as number]},"members":[`;
    const last = form.firstMember[g + 1] as number;
    for (let m = form.firstMember[g] as number; m < last; m++) {
      const ref = form.ref[m] as number;
      const line = ref >= 0 ? String(ref) : (snippets[-1 - ref] as string);
      const username = text.slice(m === 0 ? 0 : (ends[2 * m - 1] as number), ends[2 * m] as number);
      const email = text.slice(ends[2 * m] as number, ends[2 * m + 1] as number);
      json += `${m === form.firstMember[g] ? '' : ','}{"line":${line},"environment":${snippets[form.environment[m] as number]},"provider":${snippets[form.provider[m] as number]},"username":${quoted(username)},"email":${quoted(email)}${snippets[form.ending[m] as number]}`;
    }
    parts.push(`${json}]}`);
  }
  return parts.join(',');
}

/**
 * The groups' JSON as UTF-8: the items of the report's "duplicateGroups" array, comma-separated, without its brackets.
 * One buffer of its own (grown as needed), so it can be moved to another thread.
 */
export function groupsJsonBytes(form: GroupsForJson): Uint8Array {
  const count = form.scope.length;
  // About 230 bytes a member is usual; the buffer doubles when a list writes longer values.
  let bytes = Buffer.allocUnsafeSlow(Math.max(1 << 16, (form.ref.length + count) * 240));
  let length = 0;
  for (let from = 0; from < count; from += GROUPS_AT_A_TIME) {
    const text = `${from === 0 ? '' : ','}${groupsText(form, from, Math.min(count, from + GROUPS_AT_A_TIME))}`;
    const most = text.length * 3;
    if (length + most > bytes.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(bytes.length * 2, length + most));
      bytes.copy(grown, 0, 0, length);
      bytes = grown;
    }
    length += bytes.write(text, length, 'utf8');
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, length);
}
