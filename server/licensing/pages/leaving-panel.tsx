// On the licence page: people who left (rule 26a), month by month (closed by the person, seats freed, erased), and
// the organisation's erasure policy for closed accounts.
import { z } from 'zod';
import type { Principal } from '../../auth/principal.ts';
import { validationFailed } from '../../http/errors.ts';
import { message } from '../../i18n/messages.ts';
import { useI18n } from '../../i18n/request.ts';
import { DataTable } from '../../web/data-table.tsx';
import { Field, Form } from '../../web/layout.tsx';
import { type LeavingFigures, MAX_ERASURE_DAYS } from '../leaving.ts';

export function LeavingPanel({ principal, figures }: { principal: Principal; figures: LeavingFigures }) {
  const { t, format } = useI18n();
  const [month] = figures.months;
  const admin = principal.account.role === 'admin';
  return (
    <section class="card" aria-labelledby="leaving" id="leaving-panel">
      <h2 id="leaving">{t('licensing.leaving.title')}</h2>
      <p class="hint">{t('licensing.leaving.rule')}</p>
      {month && (
        <p>
          <strong>
            {t('licensing.leaving.thisMonth', { closed: month.closed, freed: month.seatsFreed, erased: month.erased })}
          </strong>{' '}
          {t('licensing.leaving.awaiting', { awaiting: figures.awaitingErasure })}
        </p>
      )}
      <DataTable
        caption={t('licensing.leaving.history')}
        rows={figures.months.filter((m, i) => i === 0 || m.closed + m.erased > 0)}
        columns={[
          {
            header: t('licensing.leaving.month'),
            rowHeader: true,
            cell: (m) => format.month(`${m.month}-01T00:00:00Z`),
          },
          { header: t('licensing.leaving.closed'), numeric: true, cell: (m) => format.number(m.closed) },
          { header: t('licensing.leaving.freed'), numeric: true, cell: (m) => format.number(m.seatsFreed) },
          { header: t('licensing.leaving.erased'), numeric: true, cell: (m) => format.number(m.erased) },
        ]}
      />
      <p>
        <a href="/portal/users?status=closed">{t('licensing.leaving.showClosed')}</a> ·{' '}
        <a href="/portal/users?status=erased">{t('licensing.leaving.showErased')}</a>
      </p>
      <h3>{t('licensing.leaving.policy')}</h3>
      <p>{t('licensing.leaving.policyNow', { days: figures.erasureDays })}</p>
      {admin && (
        <Form id="erasure-policy" action="/portal/licence/erasure-policy">
          <Field
            id="erasureDays"
            name="days"
            type="number"
            min={0}
            max={MAX_ERASURE_DAYS}
            label={t('licensing.leaving.days')}
            value={String(figures.erasureDays)}
          />
          <button type="submit">{t('licensing.leaving.save')}</button>
        </Form>
      )}
    </section>
  );
}

const policyForm = z.object({ days: z.coerce.number().int().min(0).max(MAX_ERASURE_DAYS) });

/** The erasure policy form's days, or a refusal that says the range (shown beside the field). */
export function erasureDaysOf(values: Record<string, string>): number {
  const parsed = policyForm.safeParse(values);
  if (!parsed.success)
    throw validationFailed({ days: message('licensing.leaving.invalid', { max: MAX_ERASURE_DAYS }) });
  return parsed.data.days;
}
