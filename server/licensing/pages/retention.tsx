// Retention (rule 25): the dry run, and applying the policy now.

import { Hono } from 'hono';
import { actorOf, principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { i18nOf } from '../../i18n/request.ts';
import { DataTable } from '../../web/data-table.tsx';
import { redirectWithFlash } from '../../web/flash.ts';
import { isAdmin } from '../../web/format.ts';
import { Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import type { LicensingDeps } from '../context.ts';
import { applyRetention, retentionDryRun } from '../retention.ts';

export const retentionPages = (deps: LicensingDeps) =>
  new Hono<AppEnv>()
    .get('/retention', requirePage('staffRead'), async (c) => {
      const dry = await retentionDryRun(deps);
      const env = deps.licensing.ownEnvironment();
      const { t, format } = await i18nOf(c);
      const when = (iso: string | null) => (iso ? format.dateTime(iso) : t('web.never'));
      return html(
        c,
        <Layout title={t('licensing.retention.title')} principal={principalOf(c)}>
          <p>
            {t('licensing.retention.policy', {
              environment: env.name,
              retentionDays: env.retentionDays ?? -1,
              unverifiedDays: env.unverifiedDays ?? -1,
            })}{' '}
            <a href={`/portal/environments/${env.id}`}>{t('licensing.retention.change')}</a>
          </p>
          <section class="card" aria-labelledby="dry-run">
            <h2 id="dry-run">{t('licensing.retention.dryRun', { count: dry.candidates.length })}</h2>
            <p>
              {t('licensing.retention.totals', {
                internalBefore: dry.before.internal,
                externalBefore: dry.before.external,
                internalAfter: dry.after.internal,
                externalAfter: dry.after.external,
              })}
            </p>
            <DataTable
              caption={t('licensing.retention.caption')}
              captionHidden
              rows={dry.candidates.slice(0, 500)}
              columns={[
                {
                  header: t('people.email'),
                  cell: (a) => (
                    <>
                      <a href={`/portal/users/${a.id}`}>{a.email}</a>
                    </>
                  ),
                },
                { header: t('people.name'), cell: (a) => a.name },
                { header: t('people.lastSignIn'), cell: (a) => when(a.lastSignInAt) },
                { header: t('people.created'), cell: (a) => when(a.createdAt) },
                { header: t('licensing.retention.why'), cell: (a) => t(`licensing.retention.reason.${a.reason}`) },
              ]}
            />
            {dry.candidates.length > 500 && (
              <p>{t('licensing.retention.more', { count: dry.candidates.length - 500 })}</p>
            )}
            {isAdmin(principalOf(c)) && dry.candidates.length > 0 && (
              <form method="post" action="/portal/retention/apply">
                <button type="submit" class="danger">
                  {t('licensing.retention.apply', { count: dry.candidates.length })}
                </button>
              </form>
            )}
          </section>
        </Layout>,
      );
    })
    .post('/retention/apply', requirePage('admin'), async (c) => {
      const applied = await applyRetention(deps, actorOf(c));
      return redirectWithFlash(c, '/portal/retention', {
        key: 'licensing.retention.applied',
        values: { count: applied.length },
      });
    });
