// The licence page: live figures against capacity, the history chart, the licence form, organisation domains.

import { type Context, Hono } from 'hono';
import { z } from 'zod';
import {
  EXTERNAL_PACK,
  INTERNAL_PACK,
  LICENCE_CATALOGUE,
  type Licence,
  type LicenceType,
} from '../../../shared/licensing/capacity.ts';
import { formatDomainList } from '../../../shared/licensing/domains.ts';
import type { Principal } from '../../auth/principal.ts';
import { actorOf, principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { TIME_ZONES } from '../../i18n/format.ts';
import { i18nOf, useI18n } from '../../i18n/request.ts';
import { Confirmation, isConfirmed } from '../../web/confirmation.tsx';
import { DataTable } from '../../web/data-table.tsx';
import { type Flash, redirectWithFlash } from '../../web/flash.ts';
import { isAdmin } from '../../web/format.ts';
import { checked, type FailedStatus, formValues, submitForm } from '../../web/forms.ts';
import { Alert, Field, Form, Layout } from '../../web/layout.tsx';
import { termText } from '../../web/licence-term.ts';
import { html, requirePage } from '../../web/page-helpers.tsx';
import type { LicensingDeps } from '../context.ts';
import { forecast, type HistoryPoint, readHistory, recordHistory } from '../history.ts';
import { type LeavingFigures, leavingFigures, saveErasureDays } from '../leaving.ts';
import {
  cancelLicence,
  extendLicence,
  type LicenceSummary,
  licenceChangeEffects,
  licenceSummary,
  readLicence,
  readOrganisationDomains,
  saveLicence,
  saveOrganisationDomains,
  today,
} from '../licence.ts';
import { breachSentence } from '../rulebook-words.ts';
import { extensionBody, organisationDomainsBody } from '../schemas.ts';
import { saveOrganisationTimeZone } from '../time-zone.ts';
import { erasureDaysOf, LeavingPanel } from './leaving-panel.tsx';
import { LicenceChangeConfirmation } from './licence-confirm.tsx';

// ---- licence overview ----

const BUCKETS = ['internal', 'external'] as const;

/**
 * One bucket's total against its capacity, server-rendered (no scripts), on its own scale: internal users are often a
 * few dozen beside thousands of external ones, and on one axis they read as a flat line.
 */
function BucketChart({ points, bucket }: { points: HistoryPoint[]; bucket: (typeof BUCKETS)[number] }) {
  const { t, format } = useI18n();
  const width = 640;
  const height = 160;
  const used = (p: HistoryPoint) => p[bucket];
  const capacity = (p: HistoryPoint) => (bucket === 'internal' ? p.internalCapacity : p.externalCapacity);
  const max = Math.max(1, ...points.flatMap((p) => [used(p), capacity(p) ?? 0]));
  const x = (i: number) => (points.length === 1 ? width / 2 : (i / (points.length - 1)) * (width - 60) + 50);
  const y = (v: number) => height - 20 - (v / max) * (height - 40);
  const line = (pick: (p: HistoryPoint) => number | null) =>
    points
      .map((p, i) => ({ v: pick(p), i }))
      .filter((p): p is { v: number; i: number } => p.v !== null)
      .map((p) => `${x(p.i).toFixed(1)},${y(p.v).toFixed(1)}`)
      .join(' ');
  const colour = bucket === 'internal' ? '#1f5fbf' : '#b3261e';
  const first = points[0]?.day ?? '';
  const last = points[points.length - 1]?.day ?? '';
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      role="img"
      data-bucket={bucket}
      data-scale={max}
      aria-label={t('licensing.history.bucketChartLabel', {
        bucket,
        from: format.day(first),
        to: format.day(last),
        max: format.number(max),
      })}
    >
      <text x="0" y="12" font-size="12" font-weight="bold" fill={colour}>
        {t(`licensing.bucket.${bucket}`)}
      </text>
      <line x1="50" y1={height - 20} x2={width - 10} y2={height - 20} stroke="#d8dce3" />
      <text x="44" y="24" font-size="11" fill="#5b6475" text-anchor="end">
        {format.number(max)}
      </text>
      <text x="44" y={height - 22} font-size="11" fill="#5b6475" text-anchor="end">
        0
      </text>
      <polyline points={line(used)} fill="none" stroke={colour} stroke-width="2" />
      <polyline points={line(capacity)} fill="none" stroke={colour} stroke-width="2" stroke-dasharray="6 4" />
      {/* Today's figure as a dot: with one day of history a line has nothing to join. */}
      {points.length > 0 && (
        <circle cx={x(points.length - 1)} cy={y(used(points[points.length - 1] as HistoryPoint))} r="4" fill={colour} />
      )}
      <text x="50" y={height - 4} font-size="11" fill="#5b6475">
        {format.day(first)}
      </text>
      <text x={width - 10} y={height - 4} font-size="11" fill="#5b6475" text-anchor="end">
        {format.day(last)}
      </text>
    </svg>
  );
}

/** Both buckets' history, one chart each. */
export function HistoryChart({ points }: { points: HistoryPoint[] }) {
  const { t } = useI18n();
  if (points.length === 0) return <p>{t('licensing.history.none')}</p>;
  return (
    <figure>
      {BUCKETS.map((bucket) => (
        <BucketChart points={points} bucket={bucket} />
      ))}
      <figcaption>{t('licensing.history.ownScale')}</figcaption>
    </figure>
  );
}

interface LicencePageProps {
  principal: Principal;
  summary: LicenceSummary;
  /** As saved, so the form shows it (saving it again must not lose packs or the end date). */
  licence: Licence | null;
  history: HistoryPoint[];
  organisationDomains: string[];
  timeZone: string;
  leaving: LeavingFigures;
  todayIso: string;
}

function LicencePage(props: LicencePageProps) {
  const i18n = useI18n();
  const { t, format } = i18n;
  const { summary, principal } = props;
  const admin = isAdmin(principal);
  const status = summary.status;
  const capacity = status ? { internal: status.internal.capacity, external: status.external.capacity } : null;
  const outlook = forecast(props.history, capacity, props.todayIso);
  const bucketName = (bucket: (typeof BUCKETS)[number]) => t(`licensing.bucket.${bucket}`);
  return (
    <Layout title={t('licensing.licence.title')} principal={principal}>
      {summary.breaches.map((b) => (
        <Alert kind="error">{t('licensing.licence.breach', { breach: breachSentence(i18n, b) })}</Alert>
      ))}
      {status && status.term.state !== 'active' && (
        <Alert kind="error">{t('licensing.licence.termAlert', { term: termText(i18n, status.term) })}</Alert>
      )}
      {BUCKETS.map((bucket) => {
        const { level, percent } = summary[bucket];
        return level === 'notice' || level === 'warning' ? (
          <Alert kind="error">
            {t('licensing.licence.levelAlert', {
              bucket,
              percent: format.percent((percent ?? 0) / 100),
              level: t(`licensing.level.${level}`),
            })}
          </Alert>
        ) : null;
      })}
      <section class="card" aria-labelledby="figures">
        <h2 id="figures">{t('licensing.licence.figures')}</h2>
        <p class="hint">
          {t('licensing.licence.asOf', { at: format.dateTime(summary.asOf) })} {t('licensing.licence.figuresHint')}
        </p>
        <DataTable
          caption={t('licensing.licence.figuresCaption')}
          captionHidden
          rows={BUCKETS.map((bucket) => ({ bucket, counted: summary[bucket] }))}
          columns={[
            { header: t('licensing.licence.users'), rowHeader: true, cell: (r) => bucketName(r.bucket) },
            { header: t('licensing.licence.counted'), numeric: true, cell: (r) => format.number(r.counted.used) },
            {
              header: t('licensing.licence.capacity'),
              numeric: true,
              cell: (r) =>
                r.counted.capacity === null ? t('licensing.licence.noLicence') : format.number(r.counted.capacity),
            },
            {
              header: t('licensing.licence.usage'),
              numeric: true,
              cell: (r) => (r.counted.percent === null ? '' : format.percent(r.counted.percent / 100)),
            },
            {
              header: t('licensing.licence.level'),
              cell: (r) =>
                r.counted.level && (
                  <span class={`badge ${r.counted.level === 'ok' ? '' : 'inactive'}`}>
                    {t(`licensing.level.${r.counted.level}`)}
                  </span>
                ),
            },
          ]}
        />
        <form method="post" action="/portal/licence/recount">
          <button type="submit" class="secondary">
            {t('licensing.licence.recount')}
          </button>
        </form>
      </section>
      <section class="card" aria-labelledby="per-environment">
        <h2 id="per-environment">{t('licensing.licence.perEnvironment')}</h2>
        <p class="hint">{t('licensing.licence.perEnvironmentHint')}</p>
        <DataTable
          caption={t('licensing.licence.perEnvironmentCaption')}
          captionHidden
          rows={summary.environments.flatMap((env) => [
            { env, provider: null, internal: env.internal, external: env.external },
            ...env.providers.map((p) => ({ env, provider: p.name, internal: p.internal, external: p.external })),
          ])}
          columns={[
            {
              header: t('licensing.environment'),
              cell: (r) =>
                r.provider === null && (
                  <>
                    <a href={`/portal/environments/${r.env.id}`}>{r.env.name}</a>
                    {r.env.production ? '' : ` ${t('licensing.licence.notCounted')}`}
                  </>
                ),
            },
            { header: t('licensing.provider'), cell: (r) => r.provider ?? t('licensing.licence.allProviders') },
            { header: bucketName('internal'), numeric: true, cell: (r) => format.number(r.internal) },
            { header: bucketName('external'), numeric: true, cell: (r) => format.number(r.external) },
          ]}
        />
      </section>
      <section class="card" aria-labelledby="history">
        <h2 id="history">{t('licensing.history.title')}</h2>
        <HistoryChart points={props.history} />
        {capacity ? (
          <ul>
            {BUCKETS.map((bucket) => {
              const f = outlook[bucket];
              return (
                <li>
                  {t('licensing.history.forecast', {
                    bucket,
                    perDay: format.number(Math.round(f.perDay * 10) / 10),
                    runsOut: f.runsOutOn ? format.day(f.runsOutOn) : 'never',
                    packs: f.packsNeeded12Months,
                  })}
                </li>
              );
            })}
          </ul>
        ) : (
          <p>{t('licensing.history.noLicence')}</p>
        )}
      </section>
      <LeavingPanel principal={principal} figures={props.leaving} />
      <section class="card" aria-labelledby="licence">
        <h2 id="licence">{t('licensing.licence.title')}</h2>
        {status ? (
          <dl>
            <dt>{t('licensing.licence.type')}</dt>
            <dd>{t(`licensing.type.${status.licence.type}`)}</dd>
            <dt>{t('licensing.licence.term')}</dt>
            <dd>
              {t('licensing.licence.termRange', {
                from: format.day(status.licence.startsOn),
                to: format.day(status.licence.endsOn),
                term: termText(i18n, status.term),
              })}
            </dd>
            <dt>{t('licensing.licence.capacity')}</dt>
            <dd>
              {t('licensing.licence.capacityValue', {
                internal: status.internal.capacity,
                external: status.external.capacity,
              })}
            </dd>
          </dl>
        ) : (
          <p>{t('licensing.licence.none')}</p>
        )}
        {admin && (
          <>
            <Form id="licence-form" action="/portal/licence">
              <h3>{t('licensing.licence.set')}</h3>
              <Field
                name="type"
                label={t('licensing.licence.type')}
                value={status?.licence.type}
                options={Object.values(LICENCE_CATALOGUE).map((p) => ({
                  value: p.type,
                  label: `${t(`licensing.type.${p.type}`)}: ${t(`licensing.typeUse.${p.type}`)}`,
                }))}
              />
              <Field
                name="startsOn"
                type="date"
                label={t('licensing.licence.startsOn')}
                value={status?.licence.startsOn ?? props.todayIso}
              />
              <Field
                name="endsOn"
                type="date"
                label={t('licensing.licence.endsOn')}
                value={props.licence?.endsOn ?? ''}
                required={false}
              />
              <Field
                name="internalPacks"
                type="number"
                min={0}
                label={t('licensing.licence.internalPacks', { size: INTERNAL_PACK })}
                value={String(props.licence?.internalPacks ?? 0)}
                required={false}
              />
              <Field
                name="externalPacks"
                type="number"
                min={0}
                label={t('licensing.licence.externalPacks', { size: EXTERNAL_PACK })}
                value={String(props.licence?.externalPacks ?? 0)}
                required={false}
              />
              {props.licence && <p class="hint">{t('licensing.licence.savedValues')}</p>}
              <button type="submit">{t('licensing.licence.save')}</button>
            </Form>
            {status?.licence.type === 'trial' && (
              <Form id="licence-extension" action="/portal/licence/extension">
                <h3>{t('licensing.licence.extend')}</h3>
                <Field id="newEndsOn" name="endsOn" type="date" label={t('licensing.licence.newEndsOn')} />
                <button type="submit">{t('licensing.licence.extendSubmit')}</button>
              </Form>
            )}
            {status && status.term.state !== 'cancelled' && (
              <form method="post" action="/portal/licence/cancellation">
                <h3>{t('licensing.licence.cancel')}</h3>
                <p class="hint">{t('licensing.licence.cancelHint')}</p>
                <button type="submit" class="danger">
                  {t('licensing.licence.cancelSubmit')}
                </button>
              </form>
            )}
          </>
        )}
      </section>
      <section class="card" aria-labelledby="organisation">
        <h2 id="organisation">{t('licensing.domains.title')}</h2>
        <p>
          {t('licensing.domains.declared', {
            domains:
              props.organisationDomains.length === 0 ? t('web.none') : formatDomainList(props.organisationDomains),
          })}
        </p>
        {admin && (
          <Form id="organisation-domains" action="/portal/licence/organisation-domains">
            <Field
              name="domains"
              label={t('licensing.domains.field')}
              value={formatDomainList(props.organisationDomains)}
              required={false}
            />
            <button type="submit">{t('licensing.domains.save')}</button>
          </Form>
        )}
      </section>
      <section class="card" aria-labelledby="time-zone">
        <h2 id="time-zone">{t('licensing.timeZone.title')}</h2>
        <p>{t('licensing.timeZone.current', { zone: props.timeZone })}</p>
        {admin && (
          <Form id="time-zone-form" action="/portal/licence/time-zone">
            <Field
              name="timeZone"
              label={t('licensing.timeZone.field')}
              value={props.timeZone}
              options={TIME_ZONES.map((zone) => ({ value: zone, label: zone }))}
            />
            <button type="submit">{t('licensing.timeZone.save')}</button>
          </Form>
        )}
      </section>
    </Layout>
  );
}

const licenceForm = z.object({
  type: z.enum(Object.keys(LICENCE_CATALOGUE) as [LicenceType, ...LicenceType[]], { error: 'fields.licenceType' }),
  startsOn: z.string({ error: 'fields.startsOn' }).min(1, 'fields.startsOn'),
  endsOn: z.string().optional(),
  internalPacks: z.coerce.number().int().min(0).max(100_000).default(0),
  externalPacks: z.coerce.number().int().min(0).max(100_000).default(0),
});

async function renderLicence(deps: LicensingDeps, c: Context<AppEnv>, status: FailedStatus | 200 = 200) {
  const summary = await licenceSummary(deps);
  await recordHistory(deps);
  return html(
    c,
    <LicencePage
      principal={principalOf(c)}
      summary={summary}
      history={await readHistory(deps)}
      organisationDomains={await readOrganisationDomains(deps)}
      leaving={await leavingFigures(deps)}
      timeZone={await deps.organisationTimeZone()}
      licence={await readLicence(deps)}
      todayIso={await today(deps)}
    />,
    status,
  );
}

/**
 * Runs an admin's form: on success back to the licence page saying what was done (a reload repeats nothing); on a
 * failure the page again with what was typed.
 */
async function change(
  deps: LicensingDeps,
  c: Context<AppEnv>,
  form: string,
  values: Record<string, string>,
  action: () => Promise<unknown>,
  done: Flash,
) {
  const outcome = await submitForm(c, form, values, action);
  return outcome.ok ? redirectWithFlash(c, LICENCE_PAGE, done) : renderLicence(deps, c, outcome.status);
}

const LICENCE_PAGE = '/portal/licence';

/** The second step of cancelling: who loses access today, from the live figures. */
async function CancellationConfirmation(deps: LicensingDeps, c: Context<AppEnv>) {
  const { t, format } = await i18nOf(c);
  const candidates = await deps.db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'candidate')
    .where('active', '=', 1)
    .executeTakeFirstOrThrow();
  const inProgress = (await deps.accountsWithExamInProgress()).size;
  await deps.licensing.current();
  const counted = deps.licensing.live.totals();
  return html(
    c,
    <Confirmation
      principal={principalOf(c)}
      title={t('portalUx.cancel.title')}
      consequences={[
        t('portalUx.cancel.candidates', { count: Number(candidates.n), day: format.day(await today(deps)) }),
        t('portalUx.cancel.inProgress', { count: inProgress }),
        t('portalUx.cancel.counted', { internal: counted.internal, external: counted.external }),
      ]}
      action="/portal/licence/cancellation"
      confirmLabel={t('licensing.licence.cancelSubmit')}
      back={LICENCE_PAGE}
    />,
  );
}

export const licencePages = (deps: LicensingDeps) =>
  new Hono<AppEnv>()
    .get('/licence', requirePage('staffRead'), (c) => renderLicence(deps, c))
    .post('/licence/recount', requirePage('staffRead'), async (c) => {
      const recount = await deps.licensing.recount();
      return redirectWithFlash(c, LICENCE_PAGE, {
        key: 'portalUx.flash.recounted',
        values: {
          milliseconds: Math.round(recount.milliseconds),
          worker: recount.via === 'worker' ? 'yes' : 'no',
          internal: recount.full.internal,
          external: recount.full.external,
          agrees: recount.agrees ? 'yes' : 'no',
          differences: recount.differences.join('; '),
        },
      });
    })
    .post('/licence', requirePage('admin'), async (c) => {
      const values = await formValues(c);
      const input = Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== '' && k !== 'confirmed'));
      // A change that lowers capacity or ends the licence is saved only once confirmed, knowing what it does.
      const parsed = licenceForm.safeParse(input);
      if (parsed.success && values.confirmed !== '1') {
        const effects = await licenceChangeEffects(deps, parsed.data);
        if (effects.length > 0) {
          return html(
            c,
            <LicenceChangeConfirmation principal={principalOf(c)} input={parsed.data} effects={effects} />,
          );
        }
      }
      return change(deps, c, 'licence-form', values, () => saveLicence(deps, actorOf(c), checked(licenceForm, input)), {
        key: 'licensing.licence.saved',
      });
    })
    .post('/licence/extension', requirePage('admin'), async (c) => {
      const values = await formValues(c);
      return change(
        deps,
        c,
        'licence-extension',
        values,
        () => extendLicence(deps, actorOf(c), checked(extensionBody, { endsOn: values.endsOn ?? '' }).endsOn),
        { key: 'licensing.licence.extended' },
      );
    })
    .post('/licence/cancellation', requirePage('admin'), async (c) => {
      const values = await formValues(c);
      if (!isConfirmed(values)) return CancellationConfirmation(deps, c);
      return change(
        deps,
        c,
        'licence-cancellation',
        values,
        async () => cancelLicence(deps, actorOf(c), await today(deps)),
        {
          key: 'licensing.licence.cancelled',
        },
      );
    })
    .post('/licence/organisation-domains', requirePage('admin'), async (c) => {
      const values = await formValues(c);
      const domains = () => checked(organisationDomainsBody, { domains: values.domains ?? '' }).domains;
      return change(
        deps,
        c,
        'organisation-domains',
        values,
        () => saveOrganisationDomains(deps, actorOf(c), domains()),
        { key: 'licensing.domains.saved' },
      );
    })
    .post('/licence/erasure-policy', requirePage('admin'), async (c) => {
      const values = await formValues(c);
      return change(deps, c, 'erasure-policy', values, () => saveErasureDays(deps, actorOf(c), erasureDaysOf(values)), {
        key: 'licensing.leaving.saved',
      });
    })
    .post('/licence/time-zone', requirePage('admin'), async (c) => {
      const values = await formValues(c);
      return change(
        deps,
        c,
        'time-zone-form',
        values,
        () => saveOrganisationTimeZone(deps, actorOf(c), values.timeZone ?? ''),
        { key: 'licensing.timeZone.saved' },
      );
    });
