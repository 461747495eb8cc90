// Environments: their rules (internal domains, production), providers, CSV imports and an import's progress.

import { type Context, Hono } from 'hono';
import { formatDomainList } from '../../../shared/licensing/domains.ts';
import type { Principal } from '../../auth/principal.ts';
import { actorOf, principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { notFound } from '../../http/errors.ts';
import { DataTable } from '../../web/data-table.tsx';
import { isAdmin, nf } from '../../web/format.ts';
import { attempt, checked, formValues } from '../../web/forms.ts';
import { Alert, Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import type { LicensingDeps } from '../context.ts';
import { addProvider, createEnvironment, listProviders, updateEnvironment } from '../environments.ts';
import type { EnvironmentView } from '../records.ts';
import { createEnvironmentBody, providerForm, updateEnvironmentBody } from '../schemas.ts';
import { ImportForm } from './imports.tsx';

// ---- environments ----

function EnvironmentsPage(props: {
  principal: Principal;
  environments: EnvironmentView[];
  error?: string | undefined;
}) {
  return (
    <Layout title="Environments" principal={props.principal}>
      {props.error && <Alert kind="error">{props.error}</Alert>}
      <DataTable
        caption="Environments"
        captionHidden
        rows={props.environments}
        columns={[
          {
            header: 'Name',
            cell: (env) => (
              <>
                <a href={`/portal/environments/${env.id}`}>{env.name}</a>
                {env.own ? " (Seatkeeper's own accounts)" : ''}
              </>
            ),
          },
          { header: 'Production', cell: (env) => (env.production ? 'yes' : 'no') },
          {
            header: 'Internal domains',
            cell: (env) =>
              env.internalDomains.length === 0 ? 'none: everyone is internal' : formatDomainList(env.internalDomains),
          },
        ]}
      />
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
          <ImportForm env={env} providers={props.providers} />
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
    <DataTable
      caption="Recent imports"
      captionHidden
      rows={imports}
      columns={[
        {
          header: 'Started',
          cell: (i) => (
            <>
              <a href={`/portal/imports/${i.id}`}>{i.started_at}</a>
            </>
          ),
        },
        { header: 'Providers', cell: (i) => i.provider.split('\n').join(', ') },
        { header: 'Status', cell: (i) => i.status },
        { header: 'Rows', cell: (i) => nf(i.rows) },
        { header: 'By', cell: (i) => i.actor_email ?? '' },
      ]}
    />
  );
}

const optionalDays = (value: string | undefined) => (value === undefined || value === '' ? null : Number(value));

async function renderEnvironment(
  deps: LicensingDeps,
  c: Context<AppEnv>,
  id: string,
  notes: { error?: string; success?: string } = {},
  status: 200 | 400 = 200,
) {
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

export const environmentPages = (deps: LicensingDeps) =>
  new Hono<AppEnv>()
    .get('/environments', requirePage('staffRead'), async (c) => {
      const { licensing } = deps;
      await licensing.current();
      return html(c, <EnvironmentsPage principal={principalOf(c)} environments={licensing.environments} />);
    })
    .post('/environments', requirePage('admin'), async (c) => {
      const values = await formValues(c);
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
    .get('/environments/:id', requirePage('staffRead'), (c) => renderEnvironment(deps, c, c.req.param('id')))
    .post('/environments/:id', requirePage('admin'), async (c) => {
      const id = c.req.param('id');
      const values = await formValues(c);
      const env = deps.licensing.environmentById(id);
      const outcome = await attempt(() =>
        updateEnvironment(
          deps,
          actorOf(c),
          id,
          checked(updateEnvironmentBody, {
            name: values.name ?? '',
            ...(env?.own ? {} : { production: values.production !== 'false' }),
            internalDomains: values.internalDomains ?? '',
            ...(env?.own
              ? {
                  retentionDays: optionalDays(values.retentionDays),
                  unverifiedDays: optionalDays(values.unverifiedDays),
                }
              : {}),
          }),
        ),
      );
      return renderEnvironment(
        deps,
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
        addProvider(deps, actorOf(c), id, checked(providerForm, { provider: values.provider ?? '' }).provider),
      );
      return renderEnvironment(
        deps,
        c,
        id,
        outcome.error ? outcome : { success: 'Provider added.' },
        outcome.error ? 400 : 200,
      );
    });
