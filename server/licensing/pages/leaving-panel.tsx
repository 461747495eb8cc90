// On the licence page: people who left (rule 26a), month by month (closed by the person, seats freed, erased), and
// the organisation's erasure policy for closed accounts.
import { Hono } from 'hono';
import { z } from 'zod';
import type { Principal } from '../../auth/principal.ts';
import { actorOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { useI18n } from '../../i18n/request.ts';
import { DataTable } from '../../web/data-table.tsx';
import { attempt } from '../../web/forms.ts';
import { requirePage } from '../../web/page-helpers.tsx';
import type { LicensingDeps } from '../context.ts';
import { type LeavingFigures, MAX_ERASURE_DAYS, saveErasureDays } from '../leaving.ts';

/** What the licence page says after the erasure policy form (a code in the query, never text). */
export type LeavingNotice = 'saved' | 'invalid';

export const leavingNotice = (value: string | undefined): LeavingNotice | undefined =>
  value === 'saved' || value === 'invalid' ? value : undefined;

export function LeavingPanel({
  principal,
  figures,
  notice,
}: {
  principal: Principal;
  figures: LeavingFigures;
  notice?: LeavingNotice | undefined;
}) {
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
      {notice === 'saved' && <p role="status">{t('licensing.leaving.saved')}</p>}
      {notice === 'invalid' && (
        <p class="field-error" role="alert">
          {t('licensing.leaving.invalid', { max: MAX_ERASURE_DAYS })}
        </p>
      )}
      <p>{t('licensing.leaving.policyNow', { days: figures.erasureDays })}</p>
      {admin && (
        <form method="post" action="/portal/licence/erasure-policy">
          <label for="erasureDays">{t('licensing.leaving.days')}</label>
          <input
            id="erasureDays"
            name="days"
            type="number"
            min="0"
            max={String(MAX_ERASURE_DAYS)}
            required
            value={String(figures.erasureDays)}
          />
          <button type="submit">{t('licensing.leaving.save')}</button>
        </form>
      )}
    </section>
  );
}

const policyForm = z.object({ days: z.coerce.number().int().min(0).max(MAX_ERASURE_DAYS) });

/** The erasure policy form posts here and goes back to the licence page with a notice code. */
export const leavingPages = (deps: LicensingDeps) =>
  new Hono<AppEnv>().post('/licence/erasure-policy', requirePage('admin'), async (c) => {
    const parsed = policyForm.safeParse(await c.req.parseBody());
    const outcome = parsed.success ? await attempt(c, () => saveErasureDays(deps, actorOf(c), parsed.data.days)) : null;
    const notice: LeavingNotice = outcome && !outcome.error ? 'saved' : 'invalid';
    return c.redirect(`/portal/licence?leaving=${notice}#leaving-panel`, 303);
  });
