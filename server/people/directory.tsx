// The directory of everyone the licence covers (own and imported accounts): the users list, its CSV export, and one
// imported account.

import { type Context, Hono } from 'hono';
import type { z } from 'zod';
import type { Principal } from '../auth/principal.ts';
import { principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { notFound } from '../http/errors.ts';
import { type I18n, isMessageKey } from '../i18n/messages.ts';
import { i18nOf, useI18n } from '../i18n/request.ts';
import type { LicensingDeps } from '../licensing/context.ts';
import {
  COUNT_CAP,
  countingOf,
  type DirectoryPage,
  directoryRowById,
  directoryRowsOfRefs,
  EXPORT_HEADER,
  exportDirectory,
  listDirectory,
} from '../licensing/directory.ts';
import { type LeavingFigures, leavingFigures } from '../licensing/leaving.ts';
import { today } from '../licensing/licence.ts';
import { Counting } from '../licensing/pages/licence-panel.tsx';
import { refHref } from '../licensing/pages/links.ts';
import { classificationReason } from '../licensing/pages/reasons.ts';
import type { EnvironmentView } from '../licensing/records.ts';
import { directoryQuery } from '../licensing/schemas.ts';
import { csvDownload, UTF8_BOM } from '../web/csv.ts';
import { DataTable } from '../web/data-table.tsx';
import { Layout } from '../web/layout.tsx';
import { html, requirePage } from '../web/page-helpers.tsx';
import type { PeopleDeps } from './context.ts';
import { ErasedUsersList, LeavingSummary, listErasedAccounts } from './erased-accounts.tsx';
import { ClosedBadge, StatusOptions } from './leaving-card.tsx';

// ---- users list ----

function UsersList(props: {
  principal: Principal;
  page: DirectoryPage;
  leaving: LeavingFigures;
  query: z.output<typeof directoryQuery>;
  environments: EnvironmentView[];
  providers: string[];
}) {
  const i18n = useI18n();
  const { t, format } = i18n;
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
    <Layout title={t('people.users.title')} principal={props.principal}>
      <form method="get" action="/portal/users" class="card filters" aria-label={t('people.users.search')}>
        <div>
          <label for="q">{t('people.users.searchLabel')}</label>
          <input id="q" name="q" type="search" value={query.q ?? ''} aria-describedby="q-hint" />
          <p class="hint" id="q-hint">
            {t('people.users.searchHint')}
          </p>
        </div>
        <div>
          <label for="sort">{t('people.users.sort')}</label>
          <select id="sort" name="sort">
            {(['email', 'username', 'name'] as const).map((s) => (
              <option value={s} selected={query.sort === s}>
                {t(`people.users.field.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="class">{t('people.users.class')}</label>
          <select id="class" name="class">
            <option value="">{t('people.users.any')}</option>
            {(['internal', 'external'] as const).map((c) => (
              <option value={c} selected={query.class === c}>
                {t(`licensing.class.${c}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="status">{t('people.users.status')}</label>
          <select id="status" name="status">
            <option value="">{t('people.users.any')}</option>
            <option value="active" selected={query.status === 'active'}>
              {t('people.status.active')}
            </option>
            <option value="inactive" selected={query.status === 'inactive'}>
              {t('people.status.inactive')}
            </option>
            <StatusOptions selected={query.status} />
          </select>
        </div>
        <div>
          <label for="environment">{t('licensing.environment')}</label>
          <select id="environment" name="environment">
            <option value="">{t('people.users.any')}</option>
            {props.environments.map((e) => (
              <option value={e.id} selected={query.environment === e.id}>
                {e.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="provider">{t('licensing.provider')}</label>
          <select id="provider" name="provider">
            <option value="">{t('people.users.any')}</option>
            {props.providers.map((p) => (
              <option value={p} selected={query.provider === p}>
                {p}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t('people.users.filter')}</button>
      </form>
      <LeavingSummary figures={props.leaving} />
      <p>
        {page.matchingCapped
          ? t('people.users.matchingMore', { count: COUNT_CAP })
          : t('people.users.matching', { count: page.matching })}{' '}
        <a href={`/portal/users.csv?${new URLSearchParams(kept)}`}>{t('people.users.export')}</a>{' '}
        <a href="/portal/lookup">{t('people.lookup.link')}</a>
      </p>
      <DataTable
        caption={t('people.users.caption')}
        captionHidden
        rows={page.items}
        rowProps={(a) => ({ 'data-username': a.username, 'data-email': a.email, 'data-environment': a.environment })}
        columns={[
          {
            header: t('people.name'),
            rowHeader: true,
            cell: (a) => <a href={refHref(a.ref)}>{a.name || a.username || a.email || t('people.users.noName')}</a>,
          },
          { header: t('people.email'), cell: (a) => a.email },
          {
            header: t('people.users.roleOrProvider'),
            cell: (a) =>
              a.source === 'own'
                ? roleName(t, a.role)
                : a.tenant
                  ? t('people.users.providerTenant', { provider: a.provider, tenant: a.tenant })
                  : a.provider,
          },
          {
            header: t('people.users.status'),
            cell: (a) =>
              a.active ? (
                t('people.status.active')
              ) : a.closed ? (
                <ClosedBadge short />
              ) : (
                <span class="badge inactive">{t('people.status.inactive')}</span>
              ),
          },
          {
            header: t('people.users.class'),
            cell: (a) => (
              <>
                {t(`licensing.class.${a.classification}`)}
                <p class="hint">{classificationReason(i18n, a)}</p>
              </>
            ),
          },
          {
            header: t('people.lastSignIn'),
            cell: (a) =>
              a.source === 'own' ? (a.lastSignInAt ? format.dateTime(a.lastSignInAt) : t('web.never')) : '',
          },
        ]}
      />
      <nav class="pager" aria-label={t('web.pager.label')}>
        {query.after && <a href={`/portal/users?${new URLSearchParams(kept)}`}>{t('people.users.firstPage')}</a>}
        {page.next && (
          <a href={`/portal/users?${new URLSearchParams({ ...kept, after: page.next })}`} rel="next">
            {t('web.pager.next')}
          </a>
        )}
      </nav>
    </Layout>
  );
}

/** An own account's role as staff read it. */
export const roleName = (t: I18n['t'], role: string | null) => {
  const key = `accounts.role.${role}`;
  return isMessageKey(key) ? t(key) : (role ?? '');
};

function parseListQuery(c: Context<AppEnv>) {
  const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''));
  const parsed = directoryQuery.safeParse(raw);
  return parsed.success ? parsed.data : directoryQuery.parse({});
}

const listFilters = (query: z.output<typeof directoryQuery>) => ({
  q: query.q,
  sort: query.sort,
  classification: query.class,
  // Erased accounts are not in the directory (rule 26a): their own list (erased-accounts.tsx).
  status: query.status === 'erased' ? undefined : query.status,
  environment: query.environment,
  provider: query.provider,
});

async function allProviders(deps: LicensingDeps): Promise<string[]> {
  const rows = await deps.db.selectFrom('licence_providers').select('name').distinct().orderBy('name').execute();
  return rows.map((r) => r.name);
}

export const directoryPages = (deps: PeopleDeps) =>
  new Hono<AppEnv>()
    .get('/users', requirePage('staffRead'), async (c) => {
      const query = parseListQuery(c);
      const leaving = await leavingFigures(deps);
      if (query.status === 'erased') {
        const erased = await listErasedAccounts(deps, query.after);
        return html(
          c,
          <ErasedUsersList principal={principalOf(c)} page={erased} figures={leaving} after={query.after} />,
        );
      }
      const page = await listDirectory(deps, { ...listFilters(query), after: query.after, limit: 25 });
      return html(
        c,
        <UsersList
          principal={principalOf(c)}
          page={page}
          leaving={leaving}
          query={query}
          environments={deps.licensing.environments}
          providers={await allProviders(deps)}
        />,
      );
    })
    .get('/users.csv', requirePage('staffRead'), async (c) => {
      const query = parseListQuery(c);
      // Erased accounts hold nothing to export (rule 26a): the header alone.
      const body =
        query.status === 'erased' ? `${UTF8_BOM}${EXPORT_HEADER}\n` : exportDirectory(deps, listFilters(query));
      return c.body(body, 200, csvDownload(`seatkeeper-users-${await today(deps)}.csv`));
    })
    .get('/directory/:id', requirePage('staffRead'), async (c) => {
      const entry = await directoryRowById(deps, Number(c.req.param('id')));
      if (!entry) throw notFound('errors.not_found.account');
      if (entry.accountId) return c.redirect(`/portal/users/${entry.accountId}`, 303);
      const { t } = await i18nOf(c);
      const counting = countingOf(deps, entry.ref);
      const linked = await directoryRowsOfRefs(deps, counting?.mergedWith ?? []);
      return html(
        c,
        <Layout title={entry.username || entry.email || t('people.imported.title')} principal={principalOf(c)}>
          <section class="card">
            <dl>
              <dt>{t('licensing.environment')}</dt>
              <dd>{entry.environment}</dd>
              <dt>{t('licensing.provider')}</dt>
              <dd>
                {entry.tenant
                  ? t('people.users.providerTenant', { provider: entry.provider, tenant: entry.tenant })
                  : t('people.imported.defaultTenant', { provider: entry.provider })}
              </dd>
              <dt>{t('people.users.field.username')}</dt>
              <dd>{entry.username}</dd>
              <dt>{t('people.email')}</dt>
              <dd>{entry.email}</dd>
              <dt>{t('people.users.status')}</dt>
              <dd>
                {t(entry.active ? 'people.status.active' : 'people.status.inactive')}
                {entry.itUser ? t('people.imported.itUser') : ''}
              </dd>
              <Counting entry={entry} counting={counting} linked={linked} />
            </dl>
            <p class="hint">{t('people.imported.hint')}</p>
          </section>
        </Layout>,
      );
    });
