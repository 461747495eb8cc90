// Why the rulebook decided what it did, in the reader's language. The rulebook (shared/licensing/) explains itself in
// English; English readers see its own sentence, others a sentence from the catalogs built from the same decision
// (the classification's flags, the finding's code), naming the domain or the number of accounts involved.
import type { ClassificationFlag } from '../../../shared/licensing/classify.ts';
import { emailDomain } from '../../../shared/licensing/email.ts';
import type { HygieneFinding } from '../../../shared/licensing/hygiene.ts';
import { type I18n, isMessageKey, localise } from '../../i18n/messages.ts';

/** Rules 5 to 13: why an account is internal or external. */
export function classificationReason(
  i18n: I18n,
  entry: {
    classification: 'internal' | 'external';
    reason: string;
    flags: readonly ClassificationFlag[];
    email: string;
    username: string;
    environment: string;
  },
): string {
  const domain = emailDomain(entry.email) ?? emailDomain(entry.username) ?? '';
  const flag = (['rules-not-configured', 'no-email', 'conflict', 'subdomain-of-listed'] as const).find((f) =>
    entry.flags.includes(f),
  );
  const key = flag ? `licensing.reason.${flag}` : `licensing.reason.${entry.classification}`;
  if (!isMessageKey(key)) return entry.reason;
  return localise({ key, values: { domain, environment: entry.environment }, english: entry.reason }, i18n);
}

/** Rules 28 to 32: a hygiene finding. */
export function findingText(i18n: I18n, finding: HygieneFinding): string {
  const key = `licensing.hygiene.${finding.code}`;
  if (!isMessageKey(key)) return finding.message;
  const values = { environment: finding.environment ?? '', count: finding.accounts.length };
  return localise({ key, values, english: finding.message }, i18n);
}
