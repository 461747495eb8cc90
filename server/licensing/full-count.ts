// The work that needs every account at once: the recount (rule 24), the hygiene checks (rules 28-32) and the
// retention dry run. Pure functions of the records, so the same code runs in the recount worker (production, where
// a million accounts would otherwise hold the request thread for seconds) and in-process (in-memory databases).
import {
  type AccountRecord,
  type CountResult,
  countLicences,
  countLicencesDetailed,
  type EnvironmentRules,
} from '../../shared/licensing/count.ts';
import { type HygieneCode, type HygieneFinding, hygieneFindings } from '../../shared/licensing/hygiene.ts';

export type FullCount = Omit<CountResult, 'duplicateGroups'>;

/** Hygiene findings shown per kind, and accounts named per finding: enough to act on, small enough to send. */
export const FINDINGS_PER_KIND = 50;
export const ACCOUNTS_PER_FINDING = 25;

export type FullCountTask =
  | { kind: 'count' }
  | { kind: 'retention'; leavingRefs: string[] }
  | { kind: 'hygiene'; organisationDomains: string[] };

export interface HygieneReport {
  accounts: number;
  findings: HygieneFinding[];
  /** Findings beyond FINDINGS_PER_KIND of their kind, not sent. */
  hidden: number;
  /** Every finding counted by kind, the sent and the hidden. */
  counts: Partial<Record<HygieneCode, number>>;
  /** "email (environment, provider)" for every account a shown finding names. */
  labels: [string | number, string][];
}

export type FullCountAnswer =
  | { kind: 'count'; full: FullCount }
  | { kind: 'retention'; after: { internal: number; external: number } }
  | { kind: 'hygiene'; report: HygieneReport };

export function runFullCountTask(
  records: AccountRecord[],
  environments: EnvironmentRules[],
  task: FullCountTask,
): FullCountAnswer {
  switch (task.kind) {
    case 'count': {
      const { duplicateGroups: _groups, ...full } = countLicences(records, environments);
      return { kind: 'count', full };
    }
    case 'retention': {
      const leaving = new Set(task.leavingRefs);
      const after = countLicences(
        records.map((r) => (leaving.has(String(r.ref)) ? { ...r, active: false } : r)),
        environments,
      );
      return { kind: 'retention', after: { internal: after.internal, external: after.external } };
    }
    case 'hygiene':
      return { kind: 'hygiene', report: hygieneReport(records, environments, task.organisationDomains) };
  }
}

function hygieneReport(
  records: AccountRecord[],
  environments: EnvironmentRules[],
  organisationDomains: string[],
): HygieneReport {
  const all = hygieneFindings(records, countLicencesDetailed(records, environments), organisationDomains);
  // Large installations can have thousands of duplicate groups: the first of each kind are what to fix first.
  const perKind = new Map<string, number>();
  const findings = all.filter((f) => {
    const n = (perKind.get(f.code) ?? 0) + 1;
    perKind.set(f.code, n);
    return n <= FINDINGS_PER_KIND;
  });
  const needed = new Set(findings.flatMap((f) => f.accounts.slice(0, ACCOUNTS_PER_FINDING)));
  const labels: [string | number, string][] = [];
  for (const r of records) {
    if (needed.has(r.ref))
      labels.push([r.ref, `${r.email || r.username || String(r.ref)} (${r.environment}, ${r.provider})`]);
  }
  const counts = Object.fromEntries(perKind) as HygieneReport['counts'];
  return { accounts: records.length, findings, hidden: all.length - findings.length, counts, labels };
}
