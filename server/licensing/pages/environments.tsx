// Environments: their rules (internal domains, production), providers, CSV imports and an import's progress.

import { type Context, Hono } from 'hono';
import { formatDomainList } from '../../../shared/licensing/domains.ts';
import type { Principal } from '../../auth/principal.ts';
import { newId } from '../../auth/secrets.ts';
import { actorOf, principalOf } from '../../http/auth.ts';
import { largeBody } from '../../http/body-limit.ts';
import type { AppEnv } from '../../http/env.ts';
import { notFound } from '../../http/errors.ts';
import { DataTable } from '../../web/data-table.tsx';
import { isAdmin, nf } from '../../web/format.ts';
import { attempt, checked, formValues } from '../../web/forms.ts';
import { Alert, Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import type { LicensingDeps } from '../context.ts';
import { addProvider, createEnvironment, listProviders, updateEnvironment } from '../environments.ts';
import {
  IMPORT_BODY_LIMIT_BYTES,
  ImportProblems,
  parseAccountsCsv,
  recordRejectedImport,
  replaceProviderUsers,
  runningImports,
} from '../import.ts';
import type { EnvironmentView } from '../records.ts';
import { createEnvironmentBody, providerForm, updateEnvironmentBody } from '../schemas.ts';

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
        { header: 'Providers', cell: (i) => i.provider },
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
  if (!env) throw notFound('errors.not_found.environment');
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
      const outcome = await attempt(c, async () => {
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
      const outcome = await attempt(c, () =>
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
      const outcome = await attempt(c, () =>
        addProvider(deps, actorOf(c), id, checked(providerForm, { provider: values.provider ?? '' }).provider),
      );
      return renderEnvironment(
        deps,
        c,
        id,
        outcome.error ? outcome : { success: 'Provider added.' },
        outcome.error ? 400 : 200,
      );
    })
    .post('/environments/:id/import', requirePage('admin'), largeBody(IMPORT_BODY_LIMIT_BYTES), async (c) => {
      const id = c.req.param('id');
      await deps.licensing.current();
      const env = deps.licensing.environmentById(id);
      if (!env) throw notFound('errors.not_found.environment');
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
    })
    .get('/imports/:id', requirePage('staffRead'), async (c) => {
      const id = c.req.param('id');
      // Running here: from memory (on SQLite its transaction holds the only connection). Running on another instance
      // (PostgreSQL): from its row, which that instance keeps current.
      const local = runningImports.get(id);
      const row = local
        ? undefined
        : await deps.db.selectFrom('licence_imports').selectAll().where('id', '=', id).executeTakeFirst();
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
      if (!row) throw notFound('errors.not_found.import');
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
    });
