// The licence portal's pages: figures, licence, environments and imports, the users list, retention and hygiene.
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { LICENCE_CATALOGUE, type LicenceType, licenceCapacity } from '../../shared/licensing/capacity.ts';
import { formatDomainList } from '../../shared/licensing/domains.ts';
import type { Principal } from '../auth/principal.ts';
import { newId } from '../auth/secrets.ts';
import type { Deps } from '../deps.ts';
import { actorOf, principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError, fieldErrorsFrom, notFound, validationFailed } from '../http/errors.ts';
import {
  COUNT_CAP,
  countingOf,
  type DirectoryEntry,
  type DirectoryPage,
  directoryRowById,
  directoryRowOfAccount,
  exportDirectory,
  listDirectory,
} from '../licensing/directory.ts';
import { addProvider, createEnvironment, listProviders, updateEnvironment } from '../licensing/environments.ts';
import { ACCOUNTS_PER_FINDING } from '../licensing/full-count.ts';
import { forecast, type HistoryPoint, readHistory, recordHistory } from '../licensing/history.ts';
import {
  IMPORT_BODY_LIMIT_BYTES,
  ImportProblems,
  parseAccountsCsv,
  recordRejectedImport,
  replaceProviderUsers,
  runningImports,
} from '../licensing/import.ts';
import {
  cancelLicence,
  extendLicence,
  type LicenceSummary,
  licenceSummary,
  readLicence,
  readOrganisationDomains,
  saveLicence,
  saveOrganisationDomains,
  today,
} from '../licensing/licence.ts';
import { deactivationReason } from '../licensing/reactivation.ts';
import { applyRetention, retentionDryRun } from '../licensing/retention.ts';
import {
  createEnvironmentBody,
  directoryQuery,
  extensionBody,
  organisationDomainsBody,
  providerForm,
  updateEnvironmentBody,
} from '../licensing/schemas.ts';
import type { EnvironmentView, RecountOutcome } from '../licensing/state.ts';
import { Alert, Layout } from './layout.tsx';
import { html, requirePage } from './page-helpers.ts';

const isAdmin = (p: Principal) => p.account.role === 'admin';
const nf = (n: number) => n.toLocaleString('en-GB');

/** Runs an admin form action; an expected failure is shown on the page it came from. */
async function attempt(action: () => Promise<unknown>): Promise<{ error?: string }> {
  try {
    await action();
    return {};
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const fields = error.fields ? Object.values(error.fields).join(' ') : '';
    return { error: fields || error.message };
  }
}

async function formValues(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') values[key] = value.trim();
  return values;
}

const refHref = (ref: string | number) => {
  const text = String(ref);
  if (text.startsWith('seatkeeper:')) return `/portal/users/${text.slice('seatkeeper:'.length)}`;
  if (text.startsWith('import:')) return `/portal/directory/${text.slice('import:'.length)}`;
  return '#';
};

// ---- licence overview ----

const LEVEL_TEXT: Record<string, string> = {
  ok: 'ok',
  notice: 'notice: 80% or more',
  warning: 'warning: 90% or more',
  over: 'over capacity: a compliance breach (nobody is locked out)',
};

function Bucket({ label, bucket }: { label: string; bucket: LicenceSummary['internal'] }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{nf(bucket.used)}</td>
      <td>{bucket.capacity === null ? 'no licence' : nf(bucket.capacity)}</td>
      <td>{bucket.percent === null ? '' : `${bucket.percent}%`}</td>
      <td>
        {bucket.level ? (
          <span class={`badge ${bucket.level === 'ok' ? '' : 'inactive'}`}>{LEVEL_TEXT[bucket.level]}</span>
        ) : (
          ''
        )}
      </td>
    </tr>
  );
}

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
        <table>
          <thead>
            <tr>
              <th scope="col">Users</th>
              <th scope="col">Counted</th>
              <th scope="col">Capacity</th>
              <th scope="col">Usage</th>
              <th scope="col">Level</th>
            </tr>
          </thead>
          <tbody>
            <Bucket label="Internal" bucket={summary.internal} />
            <Bucket label="External" bucket={summary.external} />
          </tbody>
        </table>
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
        <table>
          <thead>
            <tr>
              <th scope="col">Environment</th>
              <th scope="col">Provider</th>
              <th scope="col">Internal</th>
              <th scope="col">External</th>
            </tr>
          </thead>
          <tbody>
            {summary.environments.flatMap((env) => [
              <tr>
                <th scope="row">
                  <a href={`/portal/environments/${env.id}`}>{env.name}</a>
                  {env.production ? '' : ' (non-production, not counted)'}
                </th>
                <td>all (deduplicated)</td>
                <td>{nf(env.internal)}</td>
                <td>{nf(env.external)}</td>
              </tr>,
              ...env.providers.map((p) => (
                <tr>
                  <td />
                  <td>{p.name}</td>
                  <td>{nf(p.internal)}</td>
                  <td>{nf(p.external)}</td>
                </tr>
              )),
            ])}
          </tbody>
        </table>
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
              <input id="endsOn" name="endsOn" type="date" value="" />
              <label for="internalPacks">Internal packs of 100 (subscriptions)</label>
              <input id="internalPacks" name="internalPacks" type="number" min="0" value="0" />
              <label for="externalPacks">External packs of 10,000 (subscriptions)</label>
              <input id="externalPacks" name="externalPacks" type="number" min="0" value="0" />
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

async function renderLicence(
  c: Context<AppEnv>,
  notes: { recount?: RecountOutcome; error?: string; success?: string } = {},
  status: 200 | 400 = 200,
) {
  const deps = c.get('deps');
  const summary = await licenceSummary(deps);
  await recordHistory(deps);
  return html(
    c,
    <LicencePage
      principal={principalOf(c)}
      summary={summary}
      history={await readHistory(deps)}
      organisationDomains={await readOrganisationDomains(deps)}
      todayIso={today(deps)}
      {...notes}
    />,
    status,
  );
}

const licenceForm = z.object({
  type: z.enum(Object.keys(LICENCE_CATALOGUE) as [LicenceType, ...LicenceType[]], { error: 'Choose a licence type.' }),
  startsOn: z.string().min(1, 'Give the start date.'),
  endsOn: z.string().optional(),
  internalPacks: z.coerce.number().int().min(0).max(100_000).default(0),
  externalPacks: z.coerce.number().int().min(0).max(100_000).default(0),
});

// ---- environments ----

function EnvironmentsPage(props: {
  principal: Principal;
  environments: EnvironmentView[];
  error?: string | undefined;
}) {
  return (
    <Layout title="Environments" principal={props.principal}>
      {props.error && <Alert kind="error">{props.error}</Alert>}
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Production</th>
            <th scope="col">Internal domains</th>
          </tr>
        </thead>
        <tbody>
          {props.environments.map((env) => (
            <tr>
              <td>
                <a href={`/portal/environments/${env.id}`}>{env.name}</a>
                {env.own ? " (Seatkeeper's own accounts)" : ''}
              </td>
              <td>{env.production ? 'yes' : 'no'}</td>
              <td>
                {env.internalDomains.length === 0
                  ? 'none: everyone is internal'
                  : formatDomainList(env.internalDomains)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {isAdmin(props.principal) && (
        <form method="post" action="/portal/environments" class="card">
          <h2>Add an environment</h2>
          <label for="name">Name</label>
          <input id="name" name="name" required />
          <label for="production">Production</label>
          <select id="production" name="production">
            <option value="true">yes: counts toward capacity</option>
            <option value="false">no: shown for information</option>
          </select>
          <label for="internalDomains">Internal domains, comma-separated</label>
          <input id="internalDomains" name="internalDomains" />
          <button type="submit">Add environment</button>
        </form>
      )}
    </Layout>
  );
}

interface ImportRow {
  id: string;
  provider: string;
  status: string;
  rows: number;
  processed: number;
  errors: string;
  started_at: string;
  finished_at: string | null;
  actor_email: string | null;
}

function EnvironmentPage(props: {
  principal: Principal;
  env: EnvironmentView;
  providers: string[];
  imports: ImportRow[];
  error?: string | undefined;
  success?: string | undefined;
}) {
  const { env } = props;
  const admin = isAdmin(props.principal);
  return (
    <Layout title={env.name} principal={props.principal}>
      {props.error && <Alert kind="error">{props.error}</Alert>}
      {props.success && <Alert kind="success">{props.success}</Alert>}
      <section class="card" aria-labelledby="rules">
        <h2 id="rules">Rules</h2>
        {admin ? (
          <form method="post" action={`/portal/environments/${env.id}`}>
            <label for="name">Name</label>
            <input id="name" name="name" value={env.name} required />
            <label for="production">Production</label>
            <select id="production" name="production" disabled={env.own}>
              <option value="true" selected={env.production}>
                yes: counts toward capacity
              </option>
              <option value="false" selected={!env.production}>
                no: shown for information
              </option>
            </select>
            <label for="internalDomains">Internal domains, comma-separated</label>
            <input id="internalDomains" name="internalDomains" value={formatDomainList(env.internalDomains)} />
            <p class="hint">
              Empty: everyone is internal. Subdomains are listed one by one (mycompany.com does not cover
              sales.mycompany.com). A bad entry is refused and nothing is saved.
            </p>
            {env.own && (
              <>
                <label for="retentionDays">
                  Retention: deactivate candidates without a sign-in for (days; empty: off)
                </label>
                <input id="retentionDays" name="retentionDays" type="number" min="1" value={env.retentionDays ?? ''} />
                <label for="unverifiedDays">
                  Deactivate candidates who never verified their email after (days; empty: off)
                </label>
                <input
                  id="unverifiedDays"
                  name="unverifiedDays"
                  type="number"
                  min="1"
                  value={env.unverifiedDays ?? ''}
                />
              </>
            )}
            <button type="submit">Save</button>
          </form>
        ) : (
          <dl>
            <dt>Production</dt>
            <dd>{env.production ? 'yes' : 'no'}</dd>
            <dt>Internal domains</dt>
            <dd>
              {env.internalDomains.length === 0 ? 'none: everyone is internal' : formatDomainList(env.internalDomains)}
            </dd>
          </dl>
        )}
      </section>
      <section class="card" aria-labelledby="providers">
        <h2 id="providers">User providers</h2>
        <ul>
          {props.providers.map((p) => (
            <li>
              <a href={`/portal/users?${new URLSearchParams({ environment: env.id, provider: p })}`}>{p}</a>
            </li>
          ))}
        </ul>
        {admin && (
          <form method="post" action={`/portal/environments/${env.id}/providers`}>
            <label for="provider">Add a provider</label>
            <input id="provider" name="provider" required />
            <button type="submit" class="secondary">
              Add provider
            </button>
          </form>
        )}
      </section>
      {admin && (
        <section class="card" aria-labelledby="import">
          <h2 id="import">Import users (CSV)</h2>
          <p class="hint">
            Columns as in the audit CLI: provider, tenant, username, email, active, it_user, role (environment and
            production may be present; they must match this environment). Each provider in the file has all its users
            replaced, in one transaction: a bad row stops the whole import and is reported by line number.
          </p>
          <form method="post" action={`/portal/environments/${env.id}/import`} enctype="multipart/form-data">
            <label for="file">CSV file</label>
            <input id="file" name="file" type="file" accept=".csv,text/csv" required />
            <button type="submit">Import</button>
          </form>
        </section>
      )}
      <section class="card" aria-labelledby="imports">
        <h2 id="imports">Recent imports</h2>
        <ImportTable imports={props.imports} />
      </section>
    </Layout>
  );
}

function ImportTable({ imports }: { imports: ImportRow[] }) {
  if (imports.length === 0) return <p>None yet.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Started</th>
          <th scope="col">Providers</th>
          <th scope="col">Status</th>
          <th scope="col">Rows</th>
          <th scope="col">By</th>
        </tr>
      </thead>
      <tbody>
        {imports.map((i) => (
          <tr>
            <td>
              <a href={`/portal/imports/${i.id}`}>{i.started_at}</a>
            </td>
            <td>{i.provider}</td>
            <td>{i.status}</td>
            <td>{nf(i.rows)}</td>
            <td>{i.actor_email ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

async function renderEnvironment(
  c: Context<AppEnv>,
  id: string,
  notes: { error?: string; success?: string } = {},
  status: 200 | 400 = 200,
) {
  const deps = c.get('deps');
  await deps.licensing.current();
  const env = deps.licensing.environmentById(id);
  if (!env) throw notFound('The environment');
  const imports = await deps.db
    .selectFrom('licence_imports')
    .selectAll()
    .where('environment_id', '=', id)
    .orderBy('started_at', 'desc')
    .limit(10)
    .execute();
  return html(
    c,
    <EnvironmentPage
      principal={principalOf(c)}
      env={env}
      providers={await listProviders(deps.db, id)}
      imports={imports}
      {...notes}
    />,
    status,
  );
}

const optionalDays = (value: string | undefined) => (value === undefined || value === '' ? null : Number(value));

/** zod at the form's edge too: a failure becomes the same field messages as the API's. */
function checked<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationFailed(fieldErrorsFrom(parsed.error));
  return parsed.data;
}

// ---- users list ----

function UsersList(props: {
  principal: Principal;
  page: DirectoryPage;
  query: z.output<typeof directoryQuery>;
  environments: EnvironmentView[];
  providers: string[];
}) {
  const { query, page } = props;
  const kept = Object.fromEntries(
    Object.entries({
      q: query.q,
      sort: query.sort,
      class: query.class,
      status: query.status,
      environment: query.environment,
      provider: query.provider,
    }).filter(([, v]) => v !== undefined && v !== ''),
  ) as Record<string, string>;
  return (
    <Layout title="Users" principal={props.principal}>
      <form method="get" action="/portal/users" class="card filters" aria-label="Search accounts">
        <div>
          <label for="q">Search</label>
          <input id="q" name="q" type="search" value={query.q ?? ''} aria-describedby="q-hint" />
          <p class="hint" id="q-hint">
            Matches the start of the field chosen in “Search in”, ignoring case.
          </p>
        </div>
        <div>
          <label for="sort">Search in (and sort by)</label>
          <select id="sort" name="sort">
            {(['email', 'username', 'name'] as const).map((s) => (
              <option value={s} selected={query.sort === s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="class">Class</label>
          <select id="class" name="class">
            <option value="">any</option>
            <option value="internal" selected={query.class === 'internal'}>
              internal
            </option>
            <option value="external" selected={query.class === 'external'}>
              external
            </option>
          </select>
        </div>
        <div>
          <label for="status">Status</label>
          <select id="status" name="status">
            <option value="">any</option>
            <option value="active" selected={query.status === 'active'}>
              active
            </option>
            <option value="inactive" selected={query.status === 'inactive'}>
              deactivated
            </option>
          </select>
        </div>
        <div>
          <label for="environment">Environment</label>
          <select id="environment" name="environment">
            <option value="">any</option>
            {props.environments.map((e) => (
              <option value={e.id} selected={query.environment === e.id}>
                {e.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="provider">Provider</label>
          <select id="provider" name="provider">
            <option value="">any</option>
            {props.providers.map((p) => (
              <option value={p} selected={query.provider === p}>
                {p}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Filter</button>
      </form>
      <p>
        {page.matchingCapped ? `More than ${nf(COUNT_CAP)}` : nf(page.matching)} matching accounts.{' '}
        <a href={`/portal/users/export.csv?${new URLSearchParams(kept)}`}>Export this list as CSV</a>
      </p>
      <table>
        <caption class="visually-hidden">Accounts</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role / provider</th>
            <th scope="col">Status</th>
            <th scope="col">Class</th>
            <th scope="col">Last sign-in</th>
          </tr>
        </thead>
        <tbody>
          {page.items.map((a) => (
            <tr data-username={a.username} data-email={a.email} data-environment={a.environment}>
              <td>
                <a href={refHref(a.ref)}>{a.name || a.username || a.email || '(no name)'}</a>
              </td>
              <td>{a.email}</td>
              <td>{a.source === 'own' ? a.role : `${a.provider}${a.tenant ? ` (tenant ${a.tenant})` : ''}`}</td>
              <td>{a.active ? 'active' : <span class="badge inactive">deactivated</span>}</td>
              <td>
                {a.classification}
                <p class="hint">{a.reason}</p>
              </td>
              <td>{a.source === 'own' ? (a.lastSignInAt ?? 'never') : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager" aria-label="Pages">
        {query.after && <a href={`/portal/users?${new URLSearchParams(kept)}`}>First page</a>}
        {page.next && (
          <a href={`/portal/users?${new URLSearchParams({ ...kept, after: page.next })}`} rel="next">
            Next
          </a>
        )}
      </nav>
    </Layout>
  );
}

function parseListQuery(c: Context<AppEnv>) {
  const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''));
  const parsed = directoryQuery.safeParse(raw);
  return parsed.success ? parsed.data : directoryQuery.parse({});
}

const listFilters = (query: z.output<typeof directoryQuery>) => ({
  q: query.q,
  sort: query.sort,
  classification: query.class,
  status: query.status,
  environment: query.environment,
  provider: query.provider,
});

async function allProviders(deps: Deps): Promise<string[]> {
  const rows = await deps.db.selectFrom('licence_providers').select('name').distinct().orderBy('name').execute();
  return rows.map((r) => r.name);
}

// ---- account licence panel (own accounts' detail page) ----

export interface AccountLicenceView {
  entry: DirectoryEntry | undefined;
  counting: ReturnType<typeof countingOf>;
  deactivationReason: string | null;
  signIns: { at: string; ip: string; user_agent: string | null }[];
  reactivatedAt: string | null;
}

export async function accountLicenceView(deps: Deps, accountId: string): Promise<AccountLicenceView> {
  const entry = await directoryRowOfAccount(deps, accountId);
  const signIns = await deps.db
    .selectFrom('sign_in_events')
    .select(['at', 'ip', 'user_agent'])
    .where('account_id', '=', accountId)
    .orderBy('at', 'desc')
    .limit(10)
    .execute();
  const reactivated = await deps.db
    .selectFrom('audit_events')
    .select('at')
    .where('target_account_id', '=', accountId)
    .where('action', '=', 'account.activated')
    .where('details', 'like', '%"via":"sign-in"%')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return {
    entry,
    counting: entry ? countingOf(deps, entry.ref) : null,
    deactivationReason: await deactivationReason(deps.db, accountId),
    signIns,
    reactivatedAt: reactivated?.at ?? null,
  };
}

const NOT_COUNTED: Record<string, string> = {
  inactive: 'not counted: deactivated',
  'non-production': 'not counted: non-production environment',
  'it-user': 'not counted: IT user',
};

function Counting({ entry, counting }: { entry: DirectoryEntry; counting: AccountLicenceView['counting'] }) {
  return (
    <>
      <dt>Classification</dt>
      <dd>
        {entry.classification}: {entry.reason}
      </dd>
      <dt>Counted</dt>
      <dd>
        {counting?.counted
          ? `yes, in ${entry.environment}${counting.mergedWith.length > 0 ? ' (merged with the accounts below into one person)' : ''}`
          : (NOT_COUNTED[counting?.notCountedReason ?? ''] ?? 'no')}
      </dd>
      {counting && counting.mergedWith.length > 0 && (
        <>
          <dt>Same person as</dt>
          <dd>
            <ul>
              {counting.mergedWith.map((ref) => (
                <li>
                  <a href={refHref(ref)}>{ref}</a>
                </li>
              ))}
            </ul>
          </dd>
        </>
      )}
    </>
  );
}

export function AccountLicencePanel({ view }: { view: AccountLicenceView }) {
  return (
    <section class="card" aria-labelledby="licence-panel">
      <h2 id="licence-panel">Licence</h2>
      {view.entry ? (
        <dl>
          <Counting entry={view.entry} counting={view.counting} />
          {view.deactivationReason && (
            <>
              <dt>Deactivated by</dt>
              <dd>
                {view.deactivationReason === 'admin'
                  ? 'an administrator (signing in is refused)'
                  : `the ${view.deactivationReason === 'retention' ? 'retention policy' : 'unverified-email policy'} (signing in again reactivates the account)`}
              </dd>
            </>
          )}
          {view.reactivatedAt && (
            <>
              <dt>Reactivated</dt>
              <dd>on sign-in at {view.reactivatedAt}, after the retention policy had deactivated it</dd>
            </>
          )}
        </dl>
      ) : (
        <p>Not in the licence figures yet.</p>
      )}
      <h3>Sign-in history</h3>
      {view.signIns.length === 0 ? (
        <p>Never signed in.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">When (UTC)</th>
              <th scope="col">From</th>
              <th scope="col">Browser</th>
            </tr>
          </thead>
          <tbody>
            {view.signIns.map((s) => (
              <tr>
                <td>{s.at}</td>
                <td>{s.ip}</td>
                <td>{s.user_agent ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

// ---- routes ----

export const licensingPages = new Hono<AppEnv>()
  .get('/licence', requirePage('staffRead'), (c) => renderLicence(c))
  .post('/licence/recount', requirePage('staffRead'), async (c) =>
    renderLicence(c, { recount: await c.get('deps').licensing.recount() }),
  )
  .post('/licence', requirePage('admin'), async (c) => {
    const values = await formValues(c);
    const parsed = licenceForm.safeParse(Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')));
    if (!parsed.success) return renderLicence(c, { error: parsed.error.issues.map((i) => i.message).join(' ') }, 400);
    const outcome = await attempt(() => saveLicence(c.get('deps'), actorOf(c), parsed.data));
    return renderLicence(c, outcome.error ? outcome : { success: 'Licence saved.' }, outcome.error ? 400 : 200);
  })
  .post('/licence/extension', requirePage('admin'), async (c) => {
    const values = await formValues(c);
    const outcome = await attempt(() =>
      extendLicence(c.get('deps'), actorOf(c), checked(extensionBody, { endsOn: values.endsOn ?? '' }).endsOn),
    );
    return renderLicence(c, outcome.error ? outcome : { success: 'Trial extended.' }, outcome.error ? 400 : 200);
  })
  .post('/licence/cancellation', requirePage('admin'), async (c) => {
    const deps = c.get('deps');
    const outcome = await attempt(() => cancelLicence(deps, actorOf(c), today(deps)));
    return renderLicence(c, outcome.error ? outcome : { success: 'Licence cancelled.' }, outcome.error ? 400 : 200);
  })
  .post('/licence/organisation-domains', requirePage('admin'), async (c) => {
    const values = await formValues(c);
    const outcome = await attempt(() =>
      saveOrganisationDomains(
        c.get('deps'),
        actorOf(c),
        checked(organisationDomainsBody, { domains: values.domains ?? '' }).domains,
      ),
    );
    return renderLicence(c, outcome.error ? outcome : { success: 'Domains saved.' }, outcome.error ? 400 : 200);
  })
  .get('/environments', requirePage('staffRead'), async (c) => {
    const { licensing } = c.get('deps');
    await licensing.current();
    return html(c, <EnvironmentsPage principal={principalOf(c)} environments={licensing.environments} />);
  })
  .post('/environments', requirePage('admin'), async (c) => {
    const values = await formValues(c);
    const deps = c.get('deps');
    let created: EnvironmentView | undefined;
    const outcome = await attempt(async () => {
      created = await createEnvironment(
        deps,
        actorOf(c),
        checked(createEnvironmentBody, {
          name: values.name ?? '',
          production: values.production !== 'false',
          internalDomains: values.internalDomains ?? '',
        }),
      );
    });
    if (outcome.error || !created) {
      return html(
        c,
        <EnvironmentsPage
          principal={principalOf(c)}
          environments={deps.licensing.environments}
          error={outcome.error}
        />,
        400,
      );
    }
    return c.redirect(`/portal/environments/${created.id}`, 303);
  })
  .get('/environments/:id', requirePage('staffRead'), (c) => renderEnvironment(c, c.req.param('id')))
  .post('/environments/:id', requirePage('admin'), async (c) => {
    const id = c.req.param('id');
    const values = await formValues(c);
    const env = c.get('deps').licensing.environmentById(id);
    const outcome = await attempt(() =>
      updateEnvironment(
        c.get('deps'),
        actorOf(c),
        id,
        checked(updateEnvironmentBody, {
          name: values.name ?? '',
          ...(env?.own ? {} : { production: values.production !== 'false' }),
          internalDomains: values.internalDomains ?? '',
          ...(env?.own
            ? { retentionDays: optionalDays(values.retentionDays), unverifiedDays: optionalDays(values.unverifiedDays) }
            : {}),
        }),
      ),
    );
    return renderEnvironment(
      c,
      id,
      outcome.error ? outcome : { success: 'Saved; the figures are live at once.' },
      outcome.error ? 400 : 200,
    );
  })
  .post('/environments/:id/providers', requirePage('admin'), async (c) => {
    const id = c.req.param('id');
    const values = await formValues(c);
    const outcome = await attempt(() =>
      addProvider(c.get('deps'), actorOf(c), id, checked(providerForm, { provider: values.provider ?? '' }).provider),
    );
    return renderEnvironment(
      c,
      id,
      outcome.error ? outcome : { success: 'Provider added.' },
      outcome.error ? 400 : 200,
    );
  })
  .post(
    '/environments/:id/import',
    requirePage('admin'),
    bodyLimit({
      maxSize: IMPORT_BODY_LIMIT_BYTES,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', `Upload at most ${IMPORT_BODY_LIMIT_BYTES} bytes.`);
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      const id = c.req.param('id');
      await deps.licensing.current();
      const env = deps.licensing.environmentById(id);
      if (!env) throw notFound('The environment');
      const body = await c.req.parseBody();
      const file = body.file;
      const text = typeof file === 'string' ? file : file ? await file.text() : '';
      const actor = actorOf(c);
      try {
        const byProvider = parseAccountsCsv(text, env);
        const importId = newId();
        // Runs after this response; the progress page refreshes itself until it is done.
        const started = deps.db
          .insertInto('licence_imports')
          .values({
            id: importId,
            environment_id: id,
            provider: [...byProvider.keys()].join(', '),
            status: 'running',
            rows: [...byProvider.values()].reduce((n, l) => n + l.length, 0),
            processed: 0,
            errors: '[]',
            actor_email: actor.account?.email ?? null,
            started_at: deps.clock().toISOString(),
            finished_at: null,
          })
          .execute();
        await started;
        deps.licensing.track(replaceProviderUsers(deps, actor, id, byProvider, importId));
        return c.redirect(`/portal/imports/${importId}`, 303);
      } catch (error) {
        if (error instanceof ImportProblems) {
          const importId = await recordRejectedImport(deps, actor, id, error.problems);
          return c.redirect(`/portal/imports/${importId}`, 303);
        }
        throw error;
      }
    },
  )
  .get('/imports/:id', requirePage('staffRead'), async (c) => {
    const id = c.req.param('id');
    // Running here: from memory (on SQLite its transaction holds the only connection). Running on another instance
    // (PostgreSQL): from its row, which that instance keeps current.
    const local = runningImports.get(id);
    const row = local
      ? undefined
      : await c.get('deps').db.selectFrom('licence_imports').selectAll().where('id', '=', id).executeTakeFirst();
    const running = local ?? (row?.status === 'running' ? { rows: row.rows, processed: row.processed } : undefined);
    if (running) {
      const percent = running.rows === 0 ? 100 : Math.floor((running.processed / running.rows) * 100);
      return html(
        c,
        <Layout title="Import in progress" principal={principalOf(c)} refreshSeconds={1}>
          <p>
            <progress max={running.rows} value={running.processed}>
              {percent}%
            </progress>{' '}
            {nf(running.processed)} of {nf(running.rows)} rows ({percent}%). This page refreshes every second; nothing
            is visible to the figures until the whole import is done.
          </p>
        </Layout>,
      );
    }
    if (!row) throw notFound('The import');
    const errors = JSON.parse(row.errors) as string[];
    return html(
      c,
      <Layout
        title={`Import ${row.status}`}
        principal={principalOf(c)}
        refreshSeconds={row.status === 'running' ? 1 : undefined}
      >
        {row.status === 'done' && (
          <Alert kind="success">
            Imported {nf(row.rows)} users for {row.provider}; their previous users were replaced.
          </Alert>
        )}
        {row.status === 'failed' && (
          <Alert kind="error">
            Nothing was imported. Fix these rows and import the file again:
            <ul>
              {errors.map((e) => (
                <li>{e}</li>
              ))}
            </ul>
          </Alert>
        )}
        <p>
          <a href={`/portal/environments/${row.environment_id}`}>Back to the environment</a>
        </p>
      </Layout>,
    );
  })
  .get('/users', requirePage('staffRead'), async (c) => {
    const deps = c.get('deps');
    const query = parseListQuery(c);
    const page = await listDirectory(deps, { ...listFilters(query), after: query.after, limit: 25 });
    return html(
      c,
      <UsersList
        principal={principalOf(c)}
        page={page}
        query={query}
        environments={deps.licensing.environments}
        providers={await allProviders(deps)}
      />,
    );
  })
  .get('/users/export.csv', requirePage('staffRead'), (c) => {
    const query = parseListQuery(c);
    return c.body(exportDirectory(c.get('deps'), listFilters(query)), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="seatkeeper-users-${today(c.get('deps'))}.csv"`,
    });
  })
  .get('/directory/:id', requirePage('staffRead'), async (c) => {
    const deps = c.get('deps');
    const entry = await directoryRowById(deps, Number(c.req.param('id')));
    if (!entry) throw notFound('The account');
    if (entry.accountId) return c.redirect(`/portal/users/${entry.accountId}`, 303);
    return html(
      c,
      <Layout title={entry.username || entry.email || 'Imported account'} principal={principalOf(c)}>
        <section class="card">
          <dl>
            <dt>Environment</dt>
            <dd>{entry.environment}</dd>
            <dt>Provider</dt>
            <dd>
              {entry.provider}
              {entry.tenant ? ` (tenant ${entry.tenant})` : ' (default tenant)'}
            </dd>
            <dt>Username</dt>
            <dd>{entry.username}</dd>
            <dt>Email</dt>
            <dd>{entry.email}</dd>
            <dt>Status</dt>
            <dd>
              {entry.active ? 'active' : 'deactivated'}
              {entry.itUser ? ', IT user' : ''}
            </dd>
            <Counting entry={entry} counting={countingOf(deps, entry.ref)} />
          </dl>
          <p class="hint">Imported accounts change with the next import of their provider.</p>
        </section>
      </Layout>,
    );
  })
  .get('/retention', requirePage('staffRead'), async (c) => {
    const deps = c.get('deps');
    const dry = await retentionDryRun(deps);
    const env = deps.licensing.ownEnvironment();
    const notice = c.req.query('applied');
    return html(
      c,
      <Layout title="Retention" principal={principalOf(c)}>
        {notice !== undefined && <Alert kind="success">Deactivated {notice} accounts; each has an audit entry.</Alert>}
        <p>
          Policy for {env.name}:{' '}
          {env.retentionDays === null
            ? 'no sign-in limit'
            : `candidates without a sign-in (or, if they never signed in, created) more than ${env.retentionDays} days ago`}
          ;{' '}
          {env.unverifiedDays === null
            ? 'unverified emails are kept'
            : `candidates who never verified their email after ${env.unverifiedDays} days`}
          . Staff and candidates with an exam in progress are exempt; nothing is deleted, and a candidate who signs in
          again is reactivated. It runs daily on its own.{' '}
          <a href={`/portal/environments/${env.id}`}>Change the policy</a>
        </p>
        <section class="card" aria-labelledby="dry-run">
          <h2 id="dry-run">Dry run: {nf(dry.candidates.length)} accounts would be deactivated now</h2>
          <p>
            Totals would go from {nf(dry.before.internal)} internal and {nf(dry.before.external)} external to{' '}
            {nf(dry.after.internal)} internal and {nf(dry.after.external)} external.
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Name</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">Created</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {dry.candidates.slice(0, 500).map((a) => (
                <tr>
                  <td>
                    <a href={`/portal/users/${a.id}`}>{a.email}</a>
                  </td>
                  <td>{a.name}</td>
                  <td>{a.lastSignInAt ?? 'never'}</td>
                  <td>{a.createdAt}</td>
                  <td>{a.reason === 'retention' ? 'no recent sign-in' : 'email never verified'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {dry.candidates.length > 500 && <p>and {nf(dry.candidates.length - 500)} more.</p>}
          {isAdmin(principalOf(c)) && dry.candidates.length > 0 && (
            <form method="post" action="/portal/retention/apply">
              <button type="submit" class="danger">
                Deactivate these {nf(dry.candidates.length)} accounts now
              </button>
            </form>
          )}
        </section>
      </Layout>,
    );
  })
  .post('/retention/apply', requirePage('admin'), async (c) => {
    const applied = await applyRetention(c.get('deps'), actorOf(c));
    return c.redirect(`/portal/retention?applied=${applied.length}`, 303);
  })
  .get('/hygiene', requirePage('staffRead'), async (c) => {
    const deps = c.get('deps');
    await deps.licensing.current();
    // Off the request thread with a database file: a million accounts take seconds to check.
    const { answer } = await deps.licensing.fullCountTask({
      kind: 'hygiene',
      organisationDomains: await readOrganisationDomains(deps),
    });
    const { findings, hidden } = answer.report;
    const labels = new Map(answer.report.labels);
    const licence = await readLicence(deps);
    return html(
      c,
      <Layout title="Hygiene" principal={principalOf(c)}>
        <p>
          Checks of rules 28 to 32 over {nf(answer.report.accounts)} accounts
          {licence ? ` (licence capacity ${nf(licenceCapacity(licence).internal)} internal)` : ''}. Each finding links
          to the accounts involved.
        </p>
        {findings.length === 0 && <Alert kind="success">Nothing to fix.</Alert>}
        {hidden > 0 && <p>{nf(hidden)} more findings of the same kinds are not shown; fix these first.</p>}
        {findings.map((f) => (
          <section class="card">
            <h2>
              Rule {f.rule}: {f.code.replace(/-/g, ' ')}
              {f.environment ? ` (${f.environment})` : ''}
            </h2>
            <p>{f.message}</p>
            {f.accounts.length > 0 && (
              <ul>
                {f.accounts.slice(0, ACCOUNTS_PER_FINDING).map((ref) => (
                  <li>
                    <a href={refHref(ref)}>{labels.get(ref) ?? String(ref)}</a>
                  </li>
                ))}
                {f.accounts.length > ACCOUNTS_PER_FINDING && (
                  <li>and {nf(f.accounts.length - ACCOUNTS_PER_FINDING)} more</li>
                )}
              </ul>
            )}
          </section>
        ))}
      </Layout>,
    );
  });
