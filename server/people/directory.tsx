// The directory of everyone the licence covers (own and imported accounts): the users list, its CSV export, and one
// imported account.

import { type Context, Hono } from 'hono';
import type { z } from 'zod';
import type { Principal } from '../auth/principal.ts';
import { principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { notFound } from '../http/errors.ts';
import type { LicensingDeps } from '../licensing/context.ts';
import {
  COUNT_CAP,
  countingOf,
  type DirectoryPage,
  directoryRowById,
  exportDirectory,
  listDirectory,
} from '../licensing/directory.ts';
import { today } from '../licensing/licence.ts';
import { Counting } from '../licensing/pages/licence-panel.tsx';
import { refHref } from '../licensing/pages/links.ts';
import type { EnvironmentView } from '../licensing/records.ts';
import { directoryQuery } from '../licensing/schemas.ts';
import { DataTable } from '../web/data-table.tsx';
import { nf } from '../web/format.ts';
import { Layout } from '../web/layout.tsx';
import { html, requirePage } from '../web/page-helpers.tsx';

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
        <a href={`/portal/users.csv?${new URLSearchParams(kept)}`}>Export this list as CSV</a>
      </p>
      <DataTable
        caption="Accounts"
        captionHidden
        rows={page.items}
        rowProps={(a) => ({ 'data-username': a.username, 'data-email': a.email, 'data-environment': a.environment })}
        columns={[
          {
            header: 'Name',
            rowHeader: true,
            cell: (a) => <a href={refHref(a.ref)}>{a.name || a.username || a.email || '(no name)'}</a>,
          },
          { header: 'Email', cell: (a) => a.email },
          {
            header: 'Role / provider',
            cell: (a) => (a.source === 'own' ? a.role : `${a.provider}${a.tenant ? ` (tenant ${a.tenant})` : ''}`),
          },
          {
            header: 'Status',
            cell: (a) => (a.active ? 'active' : <span class="badge inactive">deactivated</span>),
          },
          {
            header: 'Class',
            cell: (a) => (
              <>
                {a.classification}
                <p class="hint">{a.reason}</p>
              </>
            ),
          },
          { header: 'Last sign-in', cell: (a) => (a.source === 'own' ? (a.lastSignInAt ?? 'never') : '') },
        ]}
      />
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

async function allProviders(deps: LicensingDeps): Promise<string[]> {
  const rows = await deps.db.selectFrom('licence_providers').select('name').distinct().orderBy('name').execute();
  return rows.map((r) => r.name);
}

export const directoryPages = (deps: LicensingDeps) =>
  new Hono<AppEnv>()
    // The staff's home: the users list.
    .get('/', requirePage('staffRead'), (c) => c.redirect('/portal/users', 303))
    .get('/users', requirePage('staffRead'), async (c) => {
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
    .get('/users.csv', requirePage('staffRead'), (c) => {
      const query = parseListQuery(c);
      return c.body(exportDirectory(deps, listFilters(query)), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="seatkeeper-users-${today(deps)}.csv"`,
      });
    })
    .get('/directory/:id', requirePage('staffRead'), async (c) => {
      const entry = await directoryRowById(deps, Number(c.req.param('id')));
      if (!entry) throw notFound('errors.not_found.account');
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
    });
