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
  duplicateGroups: (Omit<DuplicateGroup, 'members'> & { members: (Omit<GroupMember, 'ref'> & { line: number })[] })[];
  warnings: (Omit<HygieneFinding, 'accounts'> & { lines: (string | number)[] })[];
  /** How the list's columns were read (rule 34), and how many anonymous rows were skipped (rule 2). */
  columns: { platform: ColumnMapping['platform']; read: ColumnReading[]; anonymousSkipped: number };
}

/**
 * Writes the report as JSON.stringify would, but array by array in pieces of about a megabyte, each written once the
 * previous one has drained: a million accounts make a report of tens of megabytes, and writing it as one string into
 * a pipe raised the CLI's peak memory by twice that.
 */
export async function writeJsonReport(out: NodeJS.WritableStream, report: CountReport): Promise<void> {
  let piece = '{';
  const flush = async (force: boolean) => {
    if (piece.length < 1 << 20 && !(force && piece !== '')) return;
    const written = out.write(piece);
    piece = '';
    if (!written) await new Promise<void>((resolve) => out.once('drain', resolve));
  };
  for (const [k, [key, value]] of Object.entries(report).entries()) {
    piece += `${k === 0 ? '' : ','}${JSON.stringify(key)}:`;
    if (!Array.isArray(value)) {
      piece += JSON.stringify(value);
      continue;
    }
    piece += '[';
    for (let from = 0; from < value.length; from += 1000) {
      // A thousand items at a time: one call instead of a thousand, the array's brackets cut off.
      piece += `${from === 0 ? '' : ','}${JSON.stringify(value.slice(from, from + 1000)).slice(1, -1)}`;
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
    const who = group.members.map((m) => `line ${m.line} ${m.provider}/${m.environment} ${m.email || m.username}`);
    const flags = group.flags.length > 0 ? ` [${group.flags.join(', ')}]` : '';
    out.push(`  ${group.people} ${group.classification} (${group.scope})${flags}: ${who.join('; ')}`);
  }
  out.push('', `Warnings: ${n(report.warnings.length)}`);
  for (const warning of report.warnings.slice(0, 3 * SHOWN)) {
    const lines =
      warning.lines.length > 0
        ? ` (lines ${warning.lines.slice(0, 5).join(', ')}${warning.lines.length > 5 ? ', ...' : ''})`
        : '';
    out.push(`  rule ${warning.rule}: ${warning.message}${lines}`);
  }
  if (report.warnings.length > 3 * SHOWN)
    out.push(`  ... ${n(report.warnings.length - 3 * SHOWN)} more (--json lists all)`);
  return `${out.join('\n')}\n`;
}
