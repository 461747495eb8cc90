// The count and hygiene checks of a list read by readAccountCsv. When a worker read part of the list, it numbers the
// whole list's identities by hash (read-part.ts) while this thread prepares the count, and the count confirms those
// numbers against the values instead of numbering them itself: the same result as counting on one thread
// (test/cli/read-in-parts.test.ts), a sixth less of the counting's time on a million accounts.
import { type EnvironmentRules, prepareCount } from '../../shared/licensing/count.ts';
import { hygieneFindings } from '../../shared/licensing/hygiene.ts';
import type { AccountCsv } from './account-csv.ts';

export async function countAccountCsv(
  csv: AccountCsv,
  environments: readonly EnvironmentRules[],
  organisationDomains: readonly string[],
) {
  const prepared = prepareCount(csv.accounts, environments, csv.facts);
  const detail = prepared.finish(prepared.identities(await csv.identities));
  return { detail, findings: hygieneFindings(csv.accounts, detail, organisationDomains) };
}
