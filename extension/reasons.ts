// The classification and its reason in the browser's language (rule 13): the engine gives the facts, the catalog
// the words.
import {
  type AccountIdentity,
  type Classification,
  type ClassificationFlag,
  type ClassificationReason,
  type ClassificationResult,
  type CompiledRules,
  classifyUser,
} from '../shared/licensing/index.ts';
import { type MessageKey, t } from './i18n.ts';

/** A reason in the catalog's words. */
export function reasonText(reason: ClassificationReason): string {
  switch (reason.code) {
    case 'rules-not-configured':
      return t('reasonRulesNotConfigured', reason.environment);
    case 'no-email':
      return t('reasonNoEmail');
    case 'listed':
      return t(reason.field === 'email' ? 'reasonEmailListed' : 'reasonUsernameListed', reason.domain);
    case 'listed-conflict':
      return t(
        reason.field === 'email' ? 'reasonEmailListedUsernameNot' : 'reasonUsernameListedEmailNot',
        reason.domain,
        reason.otherDomain,
      );
    case 'subdomain-not-listed':
      return t('reasonSubdomainNotListed', reason.domain, reason.parent);
    case 'not-listed':
      return t(reason.field === 'email' ? 'reasonEmailNotListed' : 'reasonUsernameNotListed', reason.domain);
  }
}

/** classifyUser, with the reason worded in the browser's language. */
export const classifyHere = (rules: CompiledRules, account: AccountIdentity): ClassificationResult =>
  classifyUser(rules, account, reasonText);

const CLASS_NAMES: Record<Classification, MessageKey> = { internal: 'classInternal', external: 'classExternal' };
const COUNTED: Record<Classification, MessageKey> = { internal: 'countedInternal', external: 'countedExternal' };

/** "Internal" / "社内ユーザー". */
export const classificationName = (classification: Classification) => t(CLASS_NAMES[classification]);

/** "counted as internal" / "社内ユーザーとして集計". */
export const countedAs = (classification: Classification) => t(COUNTED[classification]);

const FLAG_NOTES: Record<ClassificationFlag, MessageKey> = {
  'no-email': 'flagNoEmail',
  conflict: 'flagConflict',
  'subdomain-of-listed': 'flagSubdomain',
  'rules-not-configured': 'flagRulesNotConfigured',
};

/** What a flag mark's tooltip says the admin can do (rules 7, 12, 8, 5). */
export const flagNote = (flag: ClassificationFlag) => t(FLAG_NOTES[flag]);
