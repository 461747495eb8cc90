// Why the rulebook decided what it did, in the reader's language: a classification's reason from its facts; a hygiene
// finding (explained in English by the rulebook) from its code, naming the environment or the number of accounts.
import type { ClassificationReason } from '../../../shared/licensing/classify.ts';
import type { HygieneFinding } from '../../../shared/licensing/hygiene.ts';
import { type I18n, isMessageKey, localise } from '../../i18n/messages.ts';
import { reasonSentence } from '../rulebook-words.ts';

/** Rules 5 to 13: why an account is internal or external. */
export const classificationReason = (i18n: I18n, entry: { reason: ClassificationReason }): string =>
  reasonSentence(i18n, entry.reason);

/** Rules 28 to 32: a hygiene finding. */
export function findingText(i18n: I18n, finding: HygieneFinding): string {
  const key = `licensing.hygiene.${finding.code}`;
  if (!isMessageKey(key)) return finding.message;
  const values = { environment: finding.environment ?? '', count: finding.accounts.length };
  return localise({ key, values, english: finding.message }, i18n);
}
