// The count and hygiene checks of a list read by readAccountCsv. When a worker read part of the list, it numbers the
// whole list's identities by hash (read-part.ts) while this thread prepares the count and makes the checks that need
// the classification alone; the count then confirms those numbers against the values instead of numbering them
// itself: the same result as counting on one thread (test/cli/read-in-parts.test.ts). Then, when the JSON report is
// to be written, the worker writes the duplicate groups' JSON while this thread makes the findings of rule 32.
import { type EnvironmentRules, prepareCount } from '../../shared/licensing/count.ts';
import { classificationFindings, groupFindings } from '../../shared/licensing/hygiene.ts';
import type { AccountCsv } from './account-csv.ts';
import { groupsForJson } from './group-json.ts';

export interface CountListOptions {
  /**
   * The JSON report is to be written: its duplicate groups' JSON is made by the reading worker meanwhile, when there
   * is one (`groupsJson`; writeJsonReport makes it otherwise).
   */
  groupsJson?: boolean;
}

export async function countAccountCsv(
  csv: AccountCsv,
  environments: readonly EnvironmentRules[],
  organisationDomains: readonly string[],
  options: CountListOptions = {},
) {
  let groupsJson: Promise<Uint8Array | null> | null = null;
  try {
    const prepared = prepareCount(csv.accounts, environments, csv.facts);
    // Rules 5 and 28 to 31 need the classification alone: checked while the worker may still be numbering.
    const classified = classificationFindings(csv.accounts, prepared, organisationDomains);
    const detail = prepared.finish(prepared.identities(await csv.identities));
    if (options.groupsJson && csv.worker !== null) {
      groupsJson = csv.worker.writeGroups(groupsForJson(detail.result.duplicateGroups));
    }
    return { detail, findings: [...classified, ...groupFindings(csv.accounts, detail)], groupsJson };
  } finally {
    if (groupsJson === null) csv.worker?.release();
  }
}
