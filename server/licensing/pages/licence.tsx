// The licence page: live figures against capacity, the history chart, the licence form, organisation domains.

import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { LICENCE_CATALOGUE, type Licence, type LicenceType } from '../../../shared/licensing/capacity.ts';
import { formatDomainList } from '../../../shared/licensing/domains.ts';
import type { Principal } from '../../auth/principal.ts';
import { actorOf, principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { useI18n } from '../../i18n/request.ts';
import { DataTable } from '../../web/data-table.tsx';
import { isAdmin, nf } from '../../web/format.ts';
import { attempt, checked, formValues } from '../../web/forms.ts';
import { Alert, Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import type { LicensingDeps } from '../context.ts';
import { forecast, type HistoryPoint, readHistory, recordHistory } from '../history.ts';
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
import { extensionBody, organisationDomainsBody } from '../schemas.ts';
import type { RecountOutcome } from '../state.ts';
import { LicenceChangeConfirmation } from './licence-confirm.tsx';

// ---- licence overview ----

const LEVEL_TEXT: Record<string, string> = {
  ok: 'ok',
  notice: 'notice: 80% or more',
  warning: 'warning: 90% or more',
  over: 'over capacity: a compliance breach (nobody is locked out)',
};

/** Totals against capacity, one polyline each, server-rendered (no scripts). */
function HistoryChart({ points }: { points: HistoryPoint[] }) {
  if (points.length === 0) return <p>No history yet: a row is written every day and whenever the figures change.</p>;
  const width = 640;
  const height = 200;
  const max = Math.max(
    1,
    ...points.flatMap((p) => [p.internal, p.external, p.internalCapacity ?? 0, p.externalCapacity ?? 0]),
  );
  const x = (i: number) => (points.length === 1 ? width / 2 : (i / (points.length - 1)) * (width - 40) + 30);
  const y = (v: number) => height - 20 - (v / max) * (height - 40);
  const line = (pick: (p: HistoryPoint) => number | null) =>
    points
      .map((p, i) => ({ v: pick(p), i }))
      .filter((p): p is { v: number; i: number } => p.v !== null)
      .map((p) => `${x(p.i).toFixed(1)},${y(p.v).toFixed(1)}`)
      .join(' ');
  const series = [
    { label: 'internal', pick: (p: HistoryPoint) => p.internal, colour: '#1f5fbf', dash: undefined },
    { label: 'internal capacity', pick: (p: HistoryPoint) => p.internalCapacity, colour: '#1f5fbf', dash: '6 4' },
    { label: 'external', pick: (p: HistoryPoint) => p.external, colour: '#b3261e', dash: undefined },
    { label: 'external capacity', pick: (p: HistoryPoint) => p.externalCapacity, colour: '#b3261e', dash: '6 4' },
  ];
  return (
    <figure>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="img"
        aria-label={`Daily totals from ${points[0]?.day} to ${points[points.length - 1]?.day}, against capacity`}
      >
        <line x1="30" y1={height - 20} x2={width - 10} y2={height - 20} stroke="#d8dce3" />
        <text x="0" y="14" font-size="11" fill="#5b6475">
          {nf(max)}
        </text>
        <text x="0" y={height - 22} font-size="11" fill="#5b6475">
          0
        </text>
        {series.map((s) => (
          <polyline points={line(s.pick)} fill="none" stroke={s.colour} stroke-width="2" stroke-dasharray={s.dash} />
        ))}
        <text x="30" y={height - 4} font-size="11" fill="#5b6475">
          {points[0]?.day}
        </text>
        <text x={width - 80} y={height - 4} font-size="11" fill="#5b6475">
          {points[points.length - 1]?.day}
        </text>
      </svg>
      <figcaption>Solid: internal (blue) and external (red) users counted; dashed: their capacity.</figcaption>
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
  recount?: RecountOutcome | undefined;
  error?: string | undefined;
  success?: string | undefined;
  todayIso: string;
}

function LicencePage(props: LicencePageProps) {
  const { summary, principal } = props;
  const admin = isAdmin(principal);
  const status = summary.status;
  const capacity = status ? { internal: status.internal.capacity, external: status.external.capacity } : null;
  const outlook = forecast(props.history, capacity, props.todayIso);
  const { t } = useI18n();
  return (
    <Layout title="Licence" principal={principal}>
      {props.error && <Alert kind="error">{props.error}</Alert>}
      {props.success && <Alert kind="success">{props.success}</Alert>}
      {summary.breaches.map((b) => (
        <Alert kind="error">Licence breach: {b.message}</Alert>
      ))}
      {status && status.term.state !== 'active' && <Alert kind="error">Licence {status.term.message}</Alert>}
      {(['internal', 'external'] as const).map((bucket) => {
        const level = summary[bucket].level;
        return level === 'notice' || level === 'warning' ? (
          <Alert kind="error">
            {bucket === 'internal' ? 'Internal' : 'External'} users at {summary[bucket].percent}% of capacity:{' '}
            {LEVEL_TEXT[level]}. Plan for more packs or review inactive accounts.
          </Alert>
        ) : null;
      })}
      <section class="card" aria-labelledby="figures">
        <h2 id="figures">Live figures</h2>
        <p class="hint">
          Computed at <time datetime={summary.asOf}>{summary.asOf}</time>. Every change to an account, an import or a
          rule is reflected at once; people with several accounts are counted once (totals are deduplicated).
        </p>
        <DataTable
          caption="Users counted against capacity"
          captionHidden
          rows={[
            { label: 'Internal', bucket: summary.internal },
            { label: 'External', bucket: summary.external },
          ]}
          columns={[
            { header: 'Users', rowHeader: true, cell: (r) => r.label },
            { header: 'Counted', numeric: true, cell: (r) => nf(r.bucket.used) },
            {
              header: 'Capacity',
              numeric: true,
              cell: (r) => (r.bucket.capacity === null ? 'no licence' : nf(r.bucket.capacity)),
            },
            { header: 'Usage', numeric: true, cell: (r) => (r.bucket.percent === null ? '' : `${r.bucket.percent}%`) },
            {
              header: 'Level',
              cell: (r) =>
                r.bucket.level && (
                  <span class={`badge ${r.bucket.level === 'ok' ? '' : 'inactive'}`}>{LEVEL_TEXT[r.bucket.level]}</span>
                ),
            },
          ]}
        />
        <form method="post" action="/portal/licence/recount">
          <button type="submit" class="secondary">
            Recount now from the database
          </button>
        </form>
        {props.recount && (
          <Alert kind={props.recount.agrees ? 'success' : 'error'}>
            Full recount from the database in {Math.round(props.recount.milliseconds)} ms
            {props.recount.via === 'worker' ? ' (in a background thread)' : ''}: internal{' '}
            {nf(props.recount.full.internal)}, external {nf(props.recount.full.external)}.{' '}
            {props.recount.agrees
              ? 'It agrees with the live figures.'
              : `It differs from the live figures: ${props.recount.differences.join('; ')}`}
          </Alert>
        )}
      </section>
      <section class="card" aria-labelledby="per-environment">
        <h2 id="per-environment">Per environment and provider</h2>
        <p class="hint">
          Each environment is deduplicated within itself; providers are raw counts (not deduplicated). Only production
          environments count toward capacity.
        </p>
        <DataTable
          caption="Counts per environment and provider"
          captionHidden
          rows={summary.environments.flatMap((env) => [
            { env, provider: null, internal: env.internal, external: env.external },
            ...env.providers.map((p) => ({ env, provider: p.name, internal: p.internal, external: p.external })),
          ])}
          columns={[
            {
              header: 'Environment',
              cell: (r) =>
                r.provider === null && (
                  <>
                    <a href={`/portal/environments/${r.env.id}`}>{r.env.name}</a>
                    {r.env.production ? '' : ' (non-production, not counted)'}
                  </>
                ),
            },
            { header: 'Provider', cell: (r) => r.provider ?? 'all (deduplicated)' },
            { header: 'Internal', numeric: true, cell: (r) => nf(r.internal) },
            { header: 'External', numeric: true, cell: (r) => nf(r.external) },
          ]}
        />
      </section>
      <section class="card" aria-labelledby="history">
        <h2 id="history">History and forecast</h2>
        <HistoryChart points={props.history} />
        {capacity ? (
          <ul>
            {(['internal', 'external'] as const).map((bucket) => {
              const f = outlook[bucket];
              return (
                <li>
                  {bucket}: {f.perDay.toFixed(1)} new per day over the last 30 days;{' '}
                  {f.runsOutOn ? `capacity runs out on ${f.runsOutOn}` : 'capacity does not run out at this rate'};{' '}
                  {f.packsNeeded12Months === 0
                    ? 'no extra packs needed for the next 12 months'
                    : `${f.packsNeeded12Months} ${bucket} pack${f.packsNeeded12Months === 1 ? '' : 's'} needed for the next 12 months`}
                </li>
              );
            })}
          </ul>
        ) : (
          <p>Set a licence to see when capacity runs out.</p>
        )}
      </section>
      <section class="card" aria-labelledby="licence">
        <h2 id="licence">Licence</h2>
        {status ? (
          <dl>
            <dt>Type</dt>
            <dd>{status.licence.label}</dd>
            <dt>Term</dt>
            <dd>
              {status.licence.startsOn} to {status.licence.endsOn}: {status.term.message}
            </dd>
            <dt>Capacity</dt>
            <dd>
              {nf(status.internal.capacity)} internal, {nf(status.external.capacity)} external
            </dd>
          </dl>
        ) : (
          <p>No licence is configured yet.</p>
        )}
        {admin && (
          <>
            <form method="post" action="/portal/licence">
              <h3>Set the licence</h3>
              <label for="type">Type</label>
              <select id="type" name="type">
                {Object.values(LICENCE_CATALOGUE).map((p) => (
                  <option value={p.type} selected={status?.licence.type === p.type}>
                    {p.label}: {p.use}
                  </option>
                ))}
              </select>
              <label for="startsOn">Starts on</label>
              <input
                id="startsOn"
                name="startsOn"
                type="date"
                required
                value={status?.licence.startsOn ?? props.todayIso}
              />
              <label for="endsOn">Ends on (last valid day; empty: the type's usual term)</label>
              <input id="endsOn" name="endsOn" type="date" value={props.licence?.endsOn ?? ''} />
              <label for="internalPacks">Internal packs of 100 (subscriptions)</label>
              <input
                id="internalPacks"
                name="internalPacks"
                type="number"
                min="0"
                value={String(props.licence?.internalPacks ?? 0)}
              />
              <label for="externalPacks">External packs of 10,000 (subscriptions)</label>
              <input
                id="externalPacks"
                name="externalPacks"
                type="number"
                min="0"
                value={String(props.licence?.externalPacks ?? 0)}
              />
              {props.licence && <p class="hint">{t('licensing.licence.savedValues')}</p>}
              <button type="submit">Save licence</button>
            </form>
            {status?.licence.type === 'trial' && (
              <form method="post" action="/portal/licence/extension">
                <h3>Extend the Trial</h3>
                <label for="newEndsOn">New end date (6 months in total at most)</label>
                <input id="newEndsOn" name="endsOn" type="date" required />
                <button type="submit">Extend</button>
              </form>
            )}
            {status && status.term.state !== 'cancelled' && (
              <form method="post" action="/portal/licence/cancellation">
                <h3>Cancel</h3>
                <p class="hint">From the cancellation day the platform is offline for candidates.</p>
                <button type="submit" class="danger">
                  Cancel the licence today
                </button>
              </form>
            )}
          </>
        )}
      </section>
      <section class="card" aria-labelledby="organisation">
        <h2 id="organisation">Organisation domains</h2>
        <p>
          Declared domains (own, parent, affiliates):{' '}
          {props.organisationDomains.length === 0 ? 'none' : formatDomainList(props.organisationDomains)}. The hygiene
          checks flag any that an environment leaves out of its internal list.
        </p>
        {admin && (
          <form method="post" action="/portal/licence/organisation-domains">
            <label for="domains">Domains, comma-separated</label>
            <input id="domains" name="domains" value={formatDomainList(props.organisationDomains)} />
            <button type="submit">Save domains</button>
          </form>
        )}
      </section>
    </Layout>
  );
}

const licenceForm = z.object({
  type: z.enum(Object.keys(LICENCE_CATALOGUE) as [LicenceType, ...LicenceType[]], { error: 'Choose a licence type.' }),
  startsOn: z.string().min(1, 'Give the start date.'),
  endsOn: z.string().optional(),
  internalPacks: z.coerce.number().int().min(0).max(100_000).default(0),
  externalPacks: z.coerce.number().int().min(0).max(100_000).default(0),
});

async function renderLicence(
  deps: LicensingDeps,
  c: Context<AppEnv>,
  notes: { recount?: RecountOutcome; error?: string; success?: string } = {},
  status: 200 | 400 = 200,
) {
  const summary = await licenceSummary(deps);
  await recordHistory(deps);
  return html(
    c,
    <LicencePage
      principal={principalOf(c)}
      summary={summary}
      history={await readHistory(deps)}
      organisationDomains={await readOrganisationDomains(deps)}
      licence={await readLicence(deps)}
      todayIso={today(deps)}
      {...notes}
    />,
    status,
  );
}

export const licencePages = (deps: LicensingDeps) =>
  new Hono<AppEnv>()
    .get('/licence', requirePage('staffRead'), (c) => renderLicence(deps, c))
    .post('/licence/recount', requirePage('staffRead'), async (c) =>
      renderLicence(deps, c, { recount: await deps.licensing.recount() }),
    )
    .post('/licence', requirePage('admin'), async (c) => {
      const values = await formValues(c);
      const parsed = licenceForm.safeParse(
        Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== '' && k !== 'confirmed')),
      );
      if (!parsed.success)
        return renderLicence(deps, c, { error: parsed.error.issues.map((i) => i.message).join(' ') }, 400);
      // A change that lowers capacity or ends the licence is saved only once confirmed, knowing what it does.
      if (values.confirmed !== '1') {
        const effects = await licenceChangeEffects(deps, parsed.data);
        if (effects.length > 0) {
          return html(
            c,
            <LicenceChangeConfirmation principal={principalOf(c)} input={parsed.data} effects={effects} />,
          );
        }
      }
      const outcome = await attempt(() => saveLicence(deps, actorOf(c), parsed.data));
      return renderLicence(deps, c, outcome.error ? outcome : { success: 'Licence saved.' }, outcome.error ? 400 : 200);
    })
    .post('/licence/extension', requirePage('admin'), async (c) => {
      const values = await formValues(c);
      const outcome = await attempt(() =>
        extendLicence(deps, actorOf(c), checked(extensionBody, { endsOn: values.endsOn ?? '' }).endsOn),
      );
      return renderLicence(
        deps,
        c,
        outcome.error ? outcome : { success: 'Trial extended.' },
        outcome.error ? 400 : 200,
      );
    })
    .post('/licence/cancellation', requirePage('admin'), async (c) => {
      const outcome = await attempt(() => cancelLicence(deps, actorOf(c), today(deps)));
      return renderLicence(
        deps,
        c,
        outcome.error ? outcome : { success: 'Licence cancelled.' },
        outcome.error ? 400 : 200,
      );
    })
    .post('/licence/organisation-domains', requirePage('admin'), async (c) => {
      const values = await formValues(c);
      const outcome = await attempt(() =>
        saveOrganisationDomains(
          deps,
          actorOf(c),
          checked(organisationDomainsBody, { domains: values.domains ?? '' }).domains,
        ),
      );
      return renderLicence(deps, c, outcome.error ? outcome : { success: 'Domains saved.' }, outcome.error ? 400 : 200);
    });
