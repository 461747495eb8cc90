// The audit report: its JSON shape (the CLI contract) and the table a person reads.
import type { BucketCounts, DuplicateGroup, EnvironmentCount } from '../../shared/licensing/count.ts';
import type { HygieneFinding } from '../../shared/licensing/hygiene.ts';
import type { ColumnMapping, ColumnReading } from '../../shared/licensing/user-list-columns.ts';
import { FormJson, groupsForJson, isLineNumber, type JsonPiece, quoted, type ReportJson } from './group-json.ts';

export interface CountReport {
  input: string;
  accounts: number;
  internal: number;
  external: number;
  raw: BucketCounts;
  notCounted: { inactive: number; nonProduction: number; itUsers: number };
  environments: EnvironmentCount[];
  /** As the engine gives them; the JSON names each member's ref "line" (group-json.ts). */
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

/** A finding as the JSON contract writes it: its accounts as lines. */
function warningJson(finding: HygieneFinding, names: QuotedNames): string {
  const environment = finding.environment === undefined ? '' : `"environment":${names.of(finding.environment)},`;
  const lines = finding.accounts.every(isLineNumber)
    ? `[${finding.accounts.join(',')}]`
    : JSON.stringify(finding.accounts);
  return `{"rule":${finding.rule},"code":"${finding.code}",${environment}"message":${quoted(finding.message)},"lines":${lines}}`;
}

/** Items of the report's long arrays written in one piece of text (the others go through JSON.stringify). */
const ITEMS_AT_A_TIME = 100;

/** Findings' JSON items, comma-separated, in pieces of ITEMS_AT_A_TIME. */
export function warningsJson(findings: readonly HygieneFinding[]): string[] {
  const names = new QuotedNames();
  const pieces: string[] = [];
  for (let from = 0; from < findings.length; from += ITEMS_AT_A_TIME) {
    pieces.push(
      findings
        .slice(from, from + ITEMS_AT_A_TIME)
        .map((one) => warningJson(one, names))
        .join(','),
    );
  }
  return pieces;
}

/**
 * Writes the report as JSON, in pieces of about 64 KB, each written once the previous one has drained: a million
 * accounts make a report of tens of megabytes, and writing it as one string into a pipe raised the CLI's peak memory by
 * twice that (pieces of a megabyte were each a fresh allocation, tens of megabytes of memory touched). The duplicate
 * groups and warnings are `json`, their JSON as the count wrote it (count-list.ts, partly in another thread), or
 * written here from the report's objects when it is not given: the warnings item by item (a third of the time of
 * copying them into the contract's shape and stringifying the copies, when measured), the groups through the form
 * another thread would use (group-json.ts).
 */
export async function writeJsonReport(
  out: NodeJS.WritableStream,
  report: CountReport,
  json: ReportJson | null = null,
): Promise<void> {
  let piece = '{';
  const write = async (chunk: string | Uint8Array) => {
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
  };
  const flush = async (force: boolean) => {
    if (piece.length < 1 << 16 && !(force && piece !== '')) return;
    const text = piece;
    piece = '';
    await write(text);
  };
  const items = async (pieces: readonly JsonPiece[]) => {
    piece += '[';
    for (const [k, some] of pieces.entries()) {
      if (k > 0) piece += ',';
      if (typeof some === 'string') {
        piece += some;
        await flush(false);
        continue;
      }
      await flush(true);
      for (let from = 0; from < some.length; from += 1 << 16) await write(some.subarray(from, from + (1 << 16)));
    }
    piece += ']';
  };
  for (const [k, [key, value]] of Object.entries(report).entries()) {
    piece += `${k === 0 ? '' : ','}${JSON.stringify(key)}:`;
    if (key === 'duplicateGroups') {
      await items(json?.duplicateGroups ?? new FormJson(groupsForJson(value as DuplicateGroup[])).groupsJson());
    } else if (key === 'warnings') {
      await items(json?.warnings ?? warningsJson(value as HygieneFinding[]));
    } else piece += JSON.stringify(value);
  }
  piece += '}\n';
  await flush(true);
}

// Made when first needed: made at the top level, it was most of the time of loading the CLI's bundle (25-39 ms
// against 11-15 ms without), in each thread that loads it, and --json never uses it.
let number: Intl.NumberFormat | null = null;
const n = (value: number) => {
  number ??= new Intl.NumberFormat('en-GB');
  return number.format(value);
};

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
