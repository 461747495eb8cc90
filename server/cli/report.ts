// The audit report: its JSON shape (the CLI contract) and the table a person reads.
import type { BucketCounts, DuplicateGroup, EnvironmentCount, GroupMember } from '../../shared/licensing/count.ts';
import type { HygieneFinding } from '../../shared/licensing/hygiene.ts';
import type { ColumnMapping, ColumnReading } from '../../shared/licensing/user-list-columns.ts';

export interface CountReport {
  input: string;
  accounts: number;
  internal: number;
  external: number;
  raw: BucketCounts;
  notCounted: { inactive: number; nonProduction: number; itUsers: number };
  environments: EnvironmentCount[];
  /** As the engine gives them; the JSON names each member's ref "line" (JSON_ITEMS). */
  duplicateGroups: DuplicateGroup[];
  /** As the hygiene checks give them; the JSON names their accounts "lines". */
  warnings: HygieneFinding[];
  /** How the list's columns were read (rule 34), and how many anonymous rows were skipped (rule 2). */
  columns: { platform: ColumnMapping['platform']; read: ColumnReading[]; anonymousSkipped: number };
}

/** JSON text of values that repeat row after row (environment and provider names), made once each. */
class QuotedNames {
  readonly #known = new Map<string, string>();

  of(name: string): string {
    let quoted = this.#known.get(name);
    if (quoted === undefined) {
      quoted = JSON.stringify(name);
      if (this.#known.size < 10_000) this.#known.set(name, quoted);
    }
    return quoted;
  }
}

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
function quoted(text: string): string {
  return escapes(text) ? JSON.stringify(text) : `"${text}"`;
}

/** Whether a reference is a line number: its JSON is its digits. */
const isLineNumber = (ref: string | number): ref is number => typeof ref === 'number' && Number.isSafeInteger(ref);

/** JSON of a reference: a line number as itself. */
function refJson(ref: string | number): string {
  return isLineNumber(ref) ? String(ref) : JSON.stringify(ref);
}

/** A group as the JSON contract writes it: each member's ref as its line. */
function groupJson(group: DuplicateGroup, names: QuotedNames): string {
  let text = `{"scope":${names.of(group.scope)},"people":${group.people},"internal":${group.internal},"external":${group.external},"classification":"${group.classification}","flags":${JSON.stringify(group.flags)},"members":[`;
  group.members.forEach((member: GroupMember, k) => {
    const reason = member.notCountedReason === undefined ? '' : `,"notCountedReason":"${member.notCountedReason}"`;
    text += `${k === 0 ? '' : ','}{"line":${refJson(member.ref)},"environment":${names.of(member.environment)},"provider":${names.of(member.provider)},"username":${quoted(member.username)},"email":${quoted(member.email)},"classification":"${member.classification}","counted":${member.counted}${reason}}`;
  });
  return `${text}]}`;
}

/** A finding as the JSON contract writes it: its accounts as lines. */
function warningJson(finding: HygieneFinding, names: QuotedNames): string {
  const environment = finding.environment === undefined ? '' : `"environment":${names.of(finding.environment)},`;
  const lines = finding.accounts.every(isLineNumber)
    ? `[${finding.accounts.join(',')}]`
    : JSON.stringify(finding.accounts);
  return `{"rule":${finding.rule},"code":"${finding.code}",${environment}"message":${quoted(finding.message)},"lines":${lines}}`;
}

/** How the items of the report's long arrays are written (the others go through JSON.stringify). */
const JSON_ITEMS: Partial<Record<keyof CountReport, (item: never, names: QuotedNames) => string>> = {
  duplicateGroups: groupJson,
  warnings: warningJson,
};

/**
 * Writes the report as JSON, array by array in pieces of about a megabyte, each written once the previous one has
 * drained: a million accounts make a report of tens of megabytes, and writing it as one string into a pipe raised
 * the CLI's peak memory by twice that. The groups and warnings are written item by item from the engine's objects
 * (a third of the time of copying them into the contract's shape and stringifying the copies, when measured).
 */
export async function writeJsonReport(out: NodeJS.WritableStream, report: CountReport): Promise<void> {
  let piece = '{';
  const flush = async (force: boolean) => {
    if (piece.length < 1 << 20 && !(force && piece !== '')) return;
    const written = out.write(piece);
    piece = '';
    if (!written) await new Promise<void>((resolve) => out.once('drain', resolve));
  };
  const names = new QuotedNames();
  for (const [k, [key, value]] of Object.entries(report).entries()) {
    piece += `${k === 0 ? '' : ','}${JSON.stringify(key)}:`;
    if (!Array.isArray(value)) {
      piece += JSON.stringify(value);
      continue;
    }
    const item = JSON_ITEMS[key as keyof CountReport];
    piece += '[';
    for (let from = 0; from < value.length; from += 1000) {
      const some = value.slice(from, from + 1000);
      // A thousand items at a time: one call instead of a thousand, the array's brackets cut off.
      const text = item ? some.map((one) => item(one as never, names)).join(',') : JSON.stringify(some).slice(1, -1);
      piece += `${from === 0 ? '' : ','}${text}`;
      await flush(false);
    }
    piece += ']';
  }
  piece += '}\n';
  await flush(true);
}

const number = new Intl.NumberFormat('en-GB');
const n = (value: number) => number.format(value);

function table(rows: string[][], rightAligned: ReadonlySet<number>): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          rightAligned.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const SHOWN = 10;

export function formatCountReport(report: CountReport): string {
  const out: string[] = [];
  out.push(`Licence count for ${report.input}: ${n(report.accounts)} accounts`, '');
  out.push(
    table(
      [
        ['', 'Internal', 'External'],
        ['People (deduplicated)', n(report.internal), n(report.external)],
        ['Accounts (raw)', n(report.raw.internal), n(report.raw.external)],
      ],
      new Set([1, 2]),
    ),
  );
  const { inactive, nonProduction, itUsers } = report.notCounted;
  out.push(
    '',
    `Not counted: ${n(inactive)} inactive, ${n(itUsers)} IT users, ${n(nonProduction)} in non-production environments`,
    '',
  );
  const rows: string[][] = [['Environment / provider', 'Production', 'Internal', 'External']];
  for (const env of report.environments) {
    rows.push([env.name, env.production ? 'yes' : 'no', n(env.internal), n(env.external)]);
    for (const provider of env.providers) {
      rows.push([`  ${provider.name} (raw)`, '', n(provider.internal), n(provider.external)]);
    }
  }
  out.push(table(rows, new Set([2, 3])), '');
  const groups = report.duplicateGroups;
  out.push(
    `Duplicate groups: ${n(groups.length)}${groups.length > SHOWN ? ` (first ${SHOWN}; --json lists all)` : ''}`,
  );
  for (const group of groups.slice(0, SHOWN)) {
    const who = group.members.map((m) => `line ${m.ref} ${m.provider}/${m.environment} ${m.email || m.username}`);
    const flags = group.flags.length > 0 ? ` [${group.flags.join(', ')}]` : '';
    out.push(`  ${group.people} ${group.classification} (${group.scope})${flags}: ${who.join('; ')}`);
  }
  out.push('', `Warnings: ${n(report.warnings.length)}`);
  for (const warning of report.warnings.slice(0, 3 * SHOWN)) {
    const lines =
      warning.accounts.length > 0
        ? ` (lines ${warning.accounts.slice(0, 5).join(', ')}${warning.accounts.length > 5 ? ', ...' : ''})`
        : '';
    out.push(`  rule ${warning.rule}: ${warning.message}${lines}`);
  }
  if (report.warnings.length > 3 * SHOWN)
    out.push(`  ... ${n(report.warnings.length - 3 * SHOWN)} more (--json lists all)`);
  return `${out.join('\n')}\n`;
}
