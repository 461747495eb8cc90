// The licence's term as a person reads it (rule 23): the accounts, exams and licensing pages all say it.
import type { Term } from '../../shared/licensing/capacity.ts';
import type { I18n } from '../i18n/messages.ts';

export function termText({ t, format }: I18n, term: Pick<Term, 'state' | 'endsOn' | 'daysLeft'>): string {
  const endsOn = format.day(term.endsOn);
  switch (term.state) {
    case 'cancelled':
      return t('web.term.cancelled');
    case 'expired':
      return t('web.term.expired', { endsOn });
    case 'ending-soon':
      return t('web.term.endingSoon', { endsOn, days: term.daysLeft });
    case 'active':
      return t('web.term.active', { endsOn });
  }
}
