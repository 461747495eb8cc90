// Environments: their rules (internal domains, production), providers, CSV imports and an import's progress.

import { type Context, Hono } from 'hono';
import { formatDomainList } from '../../../shared/licensing/domains.ts';
import type { Principal } from '../../auth/principal.ts';
import { actorOf, principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { notFound } from '../../http/errors.ts';
import { type I18n, isMessageKey } from '../../i18n/messages.ts';
import { useI18n } from '../../i18n/request.ts';
import { DataTable } from '../../web/data-table.tsx';
import { redirectWithFlash } from '../../web/flash.ts';
import { isAdmin } from '../../web/format.ts';
import { checked, type FailedStatus, formValues, submitForm } from '../../web/forms.ts';
import { Field, Form, Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import type { LicensingDeps } from '../context.ts';
import { addProvider, createEnvironment, listProviders, updateEnvironment } from '../environments.ts';
import type { EnvironmentView } from '../records.ts';
import { createEnvironmentBody, providerForm, updateEnvironmentBody } from '../schemas.ts';
import { ImportForm } from './imports.tsx';

// ---- environments ----

function ProductionSelect({ value, disabled }: { value: boolean; disabled?: boolean }) {
  const { t } = useI18n();
  return (
    <Field
      name="production"
      label={t('licensing.environments.production')}
      value={String(value)}
      disabled={disabled}
      options={[
        { value: 'true', label: t('licensing.environments.productionYes') },
        { value: 'false', label: t('licensing.environments.productionNo') },
      ]}
    />
  );
}

const domainsText = (t: I18n['t'], domains: string[]) =>
  domains.length === 0 ? t('licensing.environments.noDomains') : formatDomainList(domains);

function EnvironmentsPage(props: { principal: Principal; environments: EnvironmentView[] }) {
  const { t } = useI18n();
  return (
    <Layout title={t('licensing.environments.title')} principal={props.principal}>
      <DataTable
        caption={t('licensing.environments.title')}
        captionHidden
        rows={props.environments}
        columns={[
          {
            header: t('licensing.environments.name'),
            cell: (env) => (
              <>
                <a href={`/portal/environments/${env.id}`}>{env.name}</a>
                {env.own ? ` ${t('licensing.environments.own')}` : ''}
              </>
            ),
          },
          {
            header: t('licensing.environments.production'),
            cell: (env) => (env.production ? t('web.yes') : t('web.no')),
          },
          { header: t('licensing.environments.domains'), cell: (env) => domainsText(t, env.internalDomains) },
        ]}
      />
      {isAdmin(props.principal) && (
        <Form id="environment-new" action="/portal/environments" class="card">
          <h2>{t('licensing.environments.add')}</h2>
          <Field name="name" label={t('licensing.environments.name')} />
          <ProductionSelect value />
          <Field
            name="internalDomains"
            label={t('licensing.environments.domainsField')}
            hint={t('licensing.environments.domainsHint')}
            required={false}
          />
          <button type="submit">{t('licensing.environments.addSubmit')}</button>
        </Form>
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
}) {
  const { t } = useI18n();
  const { env } = props;
  const admin = isAdmin(props.principal);
  return (
    <Layout title={env.name} principal={props.principal}>
      <section class="card" aria-labelledby="rules">
        <h2 id="rules">{t('licensing.environments.rules')}</h2>
        {admin ? (
          <Form id="environment-rules" action={`/portal/environments/${env.id}`}>
            <Field name="name" label={t('licensing.environments.name')} value={env.name} />
            <ProductionSelect value={env.production} disabled={env.own} />
            <Field
              name="internalDomains"
              label={t('licensing.environments.domainsField')}
              value={formatDomainList(env.internalDomains)}
              hint={t('licensing.environments.domainsHint')}
              required={false}
            />
            {env.own && (
              <>
                <Field
                  name="retentionDays"
                  type="number"
                  min={1}
                  label={t('licensing.environments.retentionDays')}
                  value={env.retentionDays === null ? '' : String(env.retentionDays)}
                  required={false}
                />
                <Field
                  name="unverifiedDays"
                  type="number"
                  min={1}
                  label={t('licensing.environments.unverifiedDays')}
                  value={env.unverifiedDays === null ? '' : String(env.unverifiedDays)}
                  required={false}
                />
              </>
            )}
            <button type="submit">{t('licensing.environments.save')}</button>
          </Form>
        ) : (
          <dl>
            <dt>{t('licensing.environments.production')}</dt>
            <dd>{env.production ? t('web.yes') : t('web.no')}</dd>
            <dt>{t('licensing.environments.domains')}</dt>
            <dd>{domainsText(t, env.internalDomains)}</dd>
          </dl>
        )}
      </section>
      <section class="card" aria-labelledby="providers">
        <h2 id="providers">{t('licensing.environments.providers')}</h2>
        <ul>
          {props.providers.map((p) => (
            <li>
              <a href={`/portal/users?${new URLSearchParams({ environment: env.id, provider: p })}`}>{p}</a>
            </li>
          ))}
        </ul>
        {admin && (
          <Form id="provider-new" action={`/portal/environments/${env.id}/providers`}>
            <Field name="provider" label={t('licensing.environments.addProvider')} />
            <button type="submit" class="secondary">
              {t('licensing.environments.addProviderSubmit')}
            </button>
          </Form>
        )}
      </section>
      {admin && (
        <section class="card" aria-labelledby="import">
          <ImportForm env={env} providers={props.providers} />
        </section>
      )}
      <section class="card" aria-labelledby="imports">
        <h2 id="imports">{t('licensing.import.recent')}</h2>
        <ImportTable imports={props.imports} />
      </section>
    </Layout>
  );
}

function ImportTable({ imports }: { imports: ImportRow[] }) {
  const { t, format } = useI18n();
  if (imports.length === 0) return <p>{t('licensing.import.noneYet')}</p>;
  return (
    <DataTable
      caption={t('licensing.import.recent')}
      captionHidden
      rows={imports}
      columns={[
        {
          header: t('licensing.import.started'),
          cell: (i) => (
            <>
              <a href={`/portal/imports/${i.id}`}>{format.dateTime(i.started_at)}</a>
            </>
          ),
        },
        { header: t('licensing.import.providers'), cell: (i) => i.provider.split('\n').join(', ') },
        { header: t('licensing.import.status'), cell: (i) => importStatus(t, i.status) },
        { header: t('licensing.import.rowCount'), numeric: true, cell: (i) => format.number(i.rows) },
        { header: t('licensing.import.by'), cell: (i) => i.actor_email ?? '' },
      ]}
    />
  );
}

const importStatus = (t: I18n['t'], status: string) => {
  const key = `licensing.import.state.${status}`;
  return isMessageKey(key) ? t(key) : status;
};

const optionalDays = (value: string | undefined) => (value === undefined || value === '' ? null : Number(value));

async function renderEnvironment(
  deps: LicensingDeps,
  c: Context<AppEnv>,
  id: string,
  status: FailedStatus | 200 = 200,
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
      const outcome = await submitForm(c, 'environment-new', values, () =>
        createEnvironment(
          deps,
          actorOf(c),
          checked(createEnvironmentBody, {
            name: values.name ?? '',
            production: values.production !== 'false',
            internalDomains: values.internalDomains ?? '',
          }),
        ),
      );
      if (!outcome.ok) {
        const page = <EnvironmentsPage principal={principalOf(c)} environments={deps.licensing.environments} />;
        return html(c, page, outcome.status);
      }
      return redirectWithFlash(c, `/portal/environments/${outcome.result.id}`, {
        key: 'portalUx.flash.environmentAdded',
        values: { name: outcome.result.name },
      });
    })
    .get('/environments/:id', requirePage('staffRead'), (c) => renderEnvironment(deps, c, c.req.param('id')))
    .post('/environments/:id', requirePage('admin'), async (c) => {
      const id = c.req.param('id');
      const values = await formValues(c);
      const env = deps.licensing.environmentById(id);
      const outcome = await submitForm(c, 'environment-rules', values, () =>
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
      return outcome.ok
        ? redirectWithFlash(c, `/portal/environments/${id}`, { key: 'licensing.environments.saved' })
        : renderEnvironment(deps, c, id, outcome.status);
    })
    .post('/environments/:id/providers', requirePage('admin'), async (c) => {
      const id = c.req.param('id');
      const values = await formValues(c);
      const outcome = await submitForm(c, 'provider-new', values, () =>
        addProvider(deps, actorOf(c), id, checked(providerForm, { provider: values.provider ?? '' }).provider),
      );
      return outcome.ok
        ? redirectWithFlash(c, `/portal/environments/${id}`, { key: 'licensing.environments.providerAdded' })
        : renderEnvironment(deps, c, id, outcome.status);
    });
