// The licence page: live figures against capacity, the history chart, the licence form, organisation domains.

import { type Context, Hono } from 'hono';
import { z } from 'zod';
import {
  EXTERNAL_PACK,
  INTERNAL_PACK,
  LICENCE_CATALOGUE,
  type LicenceType,
  packsNeeded,
} from '../../../shared/licensing/capacity.ts';
import { formatDomainList } from '../../../shared/licensing/domains.ts';
import type { Principal } from '../../auth/principal.ts';
import { actorOf, principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { TIME_ZONES } from '../../i18n/format.ts';
import { type I18n, isMessageKey, localise, type MessageKey } from '../../i18n/messages.ts';
import { i18nOf, useI18n } from '../../i18n/request.ts';
import { DataTable } from '../../web/data-table.tsx';
import { isAdmin } from '../../web/format.ts';
import { attempt, checked, formValues } from '../../web/forms.ts';
import { Alert, Layout } from '../../web/layout.tsx';
import { termText } from '../../web/licence-term.ts';
import { html, requirePage } from '../../web/page-helpers.tsx';
import type { LicensingDeps } from '../context.ts';
import { forecast, type HistoryPoint, readHistory, recordHistory } from '../history.ts';
import { type LeavingFigures, leavingFigures } from '../leaving.ts';
import {
  cancelLicence,
  extendLicence,
  type LicenceSummary,
  licenceSummary,
  readOrganisationDomains,
  saveLicence,
  saveOrganisationDomains,
  today,
} from '../licence.ts';
import { extensionBody, organisationDomainsBody } from '../schemas.ts';
import type { RecountOutcome } from '../state.ts';
import { saveOrganisationTimeZone } from '../time-zone.ts';
import { type LeavingNotice, LeavingPanel, leavingNotice } from './leaving-panel.tsx';

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

/** A breach (rules 21 and 22) in the reader's language; English readers see the rulebook's own sentence. */
export function breachText(i18n: I18n, breach: { code: string; message: string }, summary: LicenceSummary): string {
  const status = summary.status;
  const key = `licensing.breach.${breach.code}`;
  if (!status || !isMessageKey(key)) return breach.message;
  const product = LICENCE_CATALOGUE[status.licence.type];
  const packs = (bucket: (typeof BUCKETS)[number]) =>
    packsNeeded(summary[bucket].used, status[bucket].capacity, bucket === 'internal' ? INTERNAL_PACK : EXTERNAL_PACK);
  const values = {
    type: i18n.t(`licensing.type.${status.licence.type}`),
    internal: summary.internal.used,
    external: summary.external.used,
    internalCapacity: status.internal.capacity,
    externalCapacity: status.external.capacity,
    internalPacks: product.packs ? packs('internal') : 0,
    externalPacks: product.packs ? packs('external') : 0,
    environments: summary.environments.length,
    allowed: product.environments ?? 0,
  };
  return localise({ key, values, english: breach.message }, i18n);
}

interface LicencePageProps {
  principal: Principal;
  summary: LicenceSummary;
  history: HistoryPoint[];
  organisationDomains: string[];
  timeZone: string;
  recount?: RecountOutcome | undefined;
  leaving: LeavingFigures;
  leavingNotice?: LeavingNotice | undefined;
  error?: string | undefined;
  success?: string | undefined;
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
      {props.error && <Alert kind="error">{props.error}</Alert>}
      {props.success && <Alert kind="success">{props.success}</Alert>}
      {summary.breaches.map((b) => (
        <Alert kind="error">{t('licensing.licence.breach', { breach: breachText(i18n, b, summary) })}</Alert>
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
        {props.recount && (
          <Alert kind={props.recount.agrees ? 'success' : 'error'}>
            {t('licensing.licence.recounted', {
              milliseconds: Math.round(props.recount.milliseconds),
              worker: props.recount.via === 'worker' ? 'yes' : 'no',
              internal: props.recount.full.internal,
              external: props.recount.full.external,
            })}{' '}
            {props.recount.agrees
              ? t('licensing.licence.recountAgrees')
              : t('licensing.licence.recountDiffers', { differences: props.recount.differences.join('; ') })}
          </Alert>
        )}
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
      <LeavingPanel principal={principal} figures={props.leaving} notice={props.leavingNotice} />
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
            <form method="post" action="/portal/licence">
              <h3>{t('licensing.licence.set')}</h3>
              <label for="type">{t('licensing.licence.type')}</label>
              <select id="type" name="type">
                {Object.values(LICENCE_CATALOGUE).map((p) => (
                  <option value={p.type} selected={status?.licence.type === p.type}>
                    {t(`licensing.type.${p.type}`)}: {t(`licensing.typeUse.${p.type}`)}
                  </option>
                ))}
              </select>
              <label for="startsOn">{t('licensing.licence.startsOn')}</label>
              <input
                id="startsOn"
                name="startsOn"
                type="date"
                required
                value={status?.licence.startsOn ?? props.todayIso}
              />
              <label for="endsOn">{t('licensing.licence.endsOn')}</label>
              <input id="endsOn" name="endsOn" type="date" value="" />
              <label for="internalPacks">{t('licensing.licence.internalPacks', { size: INTERNAL_PACK })}</label>
              <input id="internalPacks" name="internalPacks" type="number" min="0" value="0" />
              <label for="externalPacks">{t('licensing.licence.externalPacks', { size: EXTERNAL_PACK })}</label>
              <input id="externalPacks" name="externalPacks" type="number" min="0" value="0" />
              <button type="submit">{t('licensing.licence.save')}</button>
            </form>
            {status?.licence.type === 'trial' && (
              <form method="post" action="/portal/licence/extension">
                <h3>{t('licensing.licence.extend')}</h3>
                <label for="newEndsOn">{t('licensing.licence.newEndsOn')}</label>
                <input id="newEndsOn" name="endsOn" type="date" required />
                <button type="submit">{t('licensing.licence.extendSubmit')}</button>
              </form>
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
          <form method="post" action="/portal/licence/organisation-domains">
            <label for="domains">{t('licensing.domains.field')}</label>
            <input id="domains" name="domains" value={formatDomainList(props.organisationDomains)} />
            <button type="submit">{t('licensing.domains.save')}</button>
          </form>
        )}
      </section>
      <section class="card" aria-labelledby="time-zone">
        <h2 id="time-zone">{t('licensing.timeZone.title')}</h2>
        <p>{t('licensing.timeZone.current', { zone: props.timeZone })}</p>
        {admin && (
          <form method="post" action="/portal/licence/time-zone">
            <label for="timeZone">{t('licensing.timeZone.field')}</label>
            <select id="timeZone" name="timeZone">
              {TIME_ZONES.map((zone) => (
                <option value={zone} selected={zone === props.timeZone}>
                  {zone}
                </option>
              ))}
            </select>
            <button type="submit">{t('licensing.timeZone.save')}</button>
          </form>
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

async function renderLicence(
  deps: LicensingDeps,
  c: Context<AppEnv>,
  notes: { recount?: RecountOutcome; error?: string; success?: MessageKey } = {},
  status: 200 | 400 = 200,
) {
  const summary = await licenceSummary(deps);
  await recordHistory(deps);
  const { t } = await i18nOf(c);
  return html(
    c,
    <LicencePage
      principal={principalOf(c)}
      summary={summary}
      history={await readHistory(deps)}
      organisationDomains={await readOrganisationDomains(deps)}
      leaving={await leavingFigures(deps)}
      leavingNotice={leavingNotice(c.req.query('leaving'))}
      timeZone={await deps.organisationTimeZone()}
      todayIso={await today(deps)}
      recount={notes.recount}
      error={notes.error}
      success={notes.success && t(notes.success)}
    />,
    status,
  );
}

/** Runs an admin's change and shows the licence page again, with what happened. */
async function change(deps: LicensingDeps, c: Context<AppEnv>, action: () => Promise<unknown>, success: MessageKey) {
  const outcome = await attempt(c, action);
  return renderLicence(deps, c, outcome.error ? outcome : { success }, outcome.error ? 400 : 200);
}

export const licencePages = (deps: LicensingDeps) =>
  new Hono<AppEnv>()
    .get('/licence', requirePage('staffRead'), (c) => renderLicence(deps, c))
    .post('/licence/recount', requirePage('staffRead'), async (c) =>
      renderLicence(deps, c, { recount: await deps.licensing.recount() }),
    )
    .post('/licence', requirePage('admin'), async (c) => {
      const values = await formValues(c);
      const input = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
      return change(
        deps,
        c,
        () => saveLicence(deps, actorOf(c), checked(licenceForm, input)),
        'licensing.licence.saved',
      );
    })
    .post('/licence/extension', requirePage('admin'), async (c) => {
      const values = await formValues(c);
      return change(
        deps,
        c,
        () => extendLicence(deps, actorOf(c), checked(extensionBody, { endsOn: values.endsOn ?? '' }).endsOn),
        'licensing.licence.extended',
      );
    })
    .post('/licence/cancellation', requirePage('admin'), async (c) =>
      change(deps, c, async () => cancelLicence(deps, actorOf(c), await today(deps)), 'licensing.licence.cancelled'),
    )
    .post('/licence/organisation-domains', requirePage('admin'), async (c) => {
      const values = await formValues(c);
      const domains = () => checked(organisationDomainsBody, { domains: values.domains ?? '' }).domains;
      return change(deps, c, () => saveOrganisationDomains(deps, actorOf(c), domains()), 'licensing.domains.saved');
    })
    .post('/licence/time-zone', requirePage('admin'), async (c) => {
      const values = await formValues(c);
      return change(
        deps,
        c,
        () => saveOrganisationTimeZone(deps, actorOf(c), values.timeZone ?? ''),
        'licensing.timeZone.saved',
      );
    });
