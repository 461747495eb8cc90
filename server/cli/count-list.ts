// The count and hygiene checks of a list read by readAccountCsv. When a worker read part of the list, it numbers the
// whole list's identities by hash (read-part.ts) while this thread prepares the count and makes the checks that need
// the classification alone; the count then confirms those numbers against the values instead of numbering them
// itself: the same result as counting on one thread (test/cli/read-in-parts.test.ts). Then, when the JSON report is
// to be written, the worker writes the duplicate groups' JSON and their findings' from the front while this thread
// makes the other findings of rule 32, then writes what is left from the back (group-json.ts).
import { type EnvironmentRules, prepareCount } from '../../shared/licensing/count.ts';
import {
  classificationFindings,
  groupFindings,
  type HygieneFinding,
  sharedValueFindings,
} from '../../shared/licensing/hygiene.ts';
import type { AccountCsv } from './account-csv.ts';
import { FormJson, groupRowsForJson, type ReportJson } from './group-json.ts';
import { warningsJson } from './report.ts';
import { UnitClaims } from './unit-claims.ts';

export interface CountListOptions {
  /**
   * The JSON report is to be written: the duplicate groups and the findings of rule 32 they make are then written as
   * JSON here (with the reading worker, when there is one) rather than made as objects.
   */
  json?: boolean;
}

export interface CountedList {
  /** With `json`, its result's duplicateGroups is empty: the groups are in `json` (and detail.groupRows). */
  detail: ReturnType<ReturnType<typeof prepareCount>['finish']>;
  /** The hygiene findings made as objects: all of them, or with `json` those that are not a duplicate group's. */
  findings: HygieneFinding[];
  /** With `json`, the report's duplicate groups and warnings as JSON (writeJsonReport); else null. */
  json: ReportJson | null;
  /** With `json`, whether the reading worker wrote part of that JSON. */
  jsonThreads: 1 | 2;
}

export async function countAccountCsv(
  csv: AccountCsv,
  environments: readonly EnvironmentRules[],
  organisationDomains: readonly string[],
  options: CountListOptions = {},
): Promise<CountedList> {
  const worker = csv.worker;
  let released = false;
  try {
    const prepared = prepareCount(csv.accounts, environments, csv.facts);
    // Rules 5 and 28 to 31 need the classification alone: checked while the worker may still be numbering.
    const classified = classificationFindings(csv.accounts, prepared, organisationDomains);
    // With json, the groups are written from the count's numbers, never made as objects (group-json.ts).
    const identities = prepared.identities(await csv.identities);
    const detail = prepared.finish(identities, { groupObjects: !options.json });
    if (!options.json) {
      return { detail, findings: [...classified, ...groupFindings(csv.accounts, detail)], json: null, jsonThreads: 1 };
    }
    const writer = new FormJson(groupRowsForJson(detail, csv.accounts));
    const claims = UnitClaims.of(writer.units);
    released = worker !== null;
    const theirs = worker === null ? Promise.resolve(null) : worker.writeJson(writer.form, claims);
    const shared = sharedValueFindings(csv.accounts, detail);
    const before = warningsJson(classified);
    const after = warningsJson(shared);
    const mine = writer.fromBack(claims);
    const written = await theirs;
    return {
      detail,
      findings: [...classified, ...shared],
      json: writer.assemble(written, mine, before, after),
      jsonThreads: written === null ? 1 : 2,
    };
  } finally {
    if (!released) worker?.release();
  }
}
