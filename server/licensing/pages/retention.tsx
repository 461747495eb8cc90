// Retention (rule 25): the dry run, and applying the policy now.

import { Hono } from 'hono';
import { actorOf, principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { DataTable } from '../../web/data-table.tsx';
import { isAdmin, nf } from '../../web/format.ts';
import { Alert, Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import type { LicensingDeps } from '../context.ts';
import { applyRetention, retentionDryRun } from '../retention.ts';

export const retentionPages = (deps: LicensingDeps) =>
  new Hono<AppEnv>()
    .get('/retention', requirePage('staffRead'), async (c) => {
      const dry = await retentionDryRun(deps);
      const env = deps.licensing.ownEnvironment();
      const notice = c.req.query('applied');
      return html(
        c,
        <Layout title="Retention" principal={principalOf(c)}>
          {notice !== undefined && (
            <Alert kind="success">Deactivated {notice} accounts; each has an audit entry.</Alert>
          )}
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
            <DataTable
              caption="Accounts the policy would deactivate"
              captionHidden
              rows={dry.candidates.slice(0, 500)}
              columns={[
                {
                  header: 'Email',
                  cell: (a) => (
                    <>
                      <a href={`/portal/users/${a.id}`}>{a.email}</a>
                    </>
                  ),
                },
                { header: 'Name', cell: (a) => a.name },
                { header: 'Last sign-in', cell: (a) => a.lastSignInAt ?? 'never' },
                { header: 'Created', cell: (a) => a.createdAt },
                {
                  header: 'Why',
                  cell: (a) => (a.reason === 'retention' ? 'no recent sign-in' : 'email never verified'),
                },
              ]}
            />
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
      const applied = await applyRetention(deps, actorOf(c));
      return c.redirect(`/portal/retention?applied=${applied.length}`, 303);
    });
