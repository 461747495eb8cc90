// The rulebook's facts in the reader's words (rules 1, 4, 5 to 13, 21, 22): shared/licensing/ decides and returns a
// code with its values; the server words them through its catalogs for pages and for the API's clients alike.
import type { Breach, BreachCode, BreachValues } from '../../shared/licensing/capacity.ts';
import type { ClassificationReason } from '../../shared/licensing/classify.ts';
import type { NotCountedReason } from '../../shared/licensing/count.ts';
import type { I18n, MessageKey } from '../i18n/messages.ts';

const BREACHES: Record<BreachCode, MessageKey> = {
  'over-capacity-internal': 'licensing.breach.over-capacity-internal',
  'over-capacity-external': 'licensing.breach.over-capacity-external',
  'external-not-allowed': 'licensing.breach.external-not-allowed',
  'too-many-environments': 'licensing.breach.too-many-environments',
};

/** A breach (rules 21, 22) in the reader's language. */
export function breachSentence(i18n: I18n, breach: { code: BreachCode; values: BreachValues }): string {
  const { licence, used, allowed, packs } = breach.values;
  return i18n.t(BREACHES[breach.code], { type: i18n.t(`licensing.type.${licence}`), used, allowed, packs: packs ?? 0 });
}

/** Breaches as the API gives them: the facts, and the sentence in the reader's language. */
export const breachesFor = (i18n: I18n, breaches: readonly Breach[]) =>
  breaches.map((breach) => ({ code: breach.code, message: breachSentence(i18n, breach), values: breach.values }));

/** Why an account is internal or external (rules 5 to 13), in the reader's language. */
export function reasonSentence(i18n: I18n, reason: ClassificationReason): string {
  switch (reason.code) {
    case 'rules-not-configured':
      return i18n.t('rulebook.reason.rules-not-configured', { environment: reason.environment });
    case 'no-email':
      return i18n.t('rulebook.reason.no-email');
    case 'listed':
      return i18n.t('rulebook.reason.listed', { field: reason.field, domain: reason.domain });
    case 'listed-conflict':
      return i18n.t('rulebook.reason.listed-conflict', {
        field: reason.field,
        domain: reason.domain,
        otherDomain: reason.otherDomain,
      });
    case 'subdomain-not-listed':
      return i18n.t('rulebook.reason.subdomain-not-listed', { domain: reason.domain, parent: reason.parent });
    case 'not-listed':
      return i18n.t('rulebook.reason.not-listed', { field: reason.field, domain: reason.domain });
  }
}

const NOT_COUNTED: Record<NotCountedReason, MessageKey> = {
  inactive: 'rulebook.notCounted.inactive',
  'non-production': 'rulebook.notCounted.non-production',
  'it-user': 'rulebook.notCounted.it-user',
};

/** Why an account is not counted (rules 1, 3, 4), in the reader's language. */
export const notCountedSentence = (i18n: I18n, reason: NotCountedReason) => i18n.t(NOT_COUNTED[reason]);
