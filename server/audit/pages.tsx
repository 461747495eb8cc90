// The audit log and the outbox, for staff.

import { Hono } from 'hono';
import type { Deps } from '../deps.ts';
import { actorOf, principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { pageQuery } from '../http/schemas.ts';
import { type I18n, isMessageKey } from '../i18n/messages.ts';
import { i18nOf } from '../i18n/request.ts';
import { DataTable } from '../web/data-table.tsx';
import { Layout } from '../web/layout.tsx';
import { html, requirePage } from '../web/page-helpers.tsx';
import { Pager } from '../web/pager.tsx';
import { MailDelivery, OutboxIntro } from './outbox-mail.tsx';
import { listAuditEvents, listOutbox } from './queries.ts';
import { sendMailAgain } from './send-again.ts';

/** An action as staff read it; one not in the catalog (another area's) shows its code. */
function actionText(t: I18n['t'], action: string): string {
  const key = `audit.action.${action}`;
  return isMessageKey(key) ? t(key) : action;
}

export const auditPages = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/audit', requirePage('staffRead'), async (c) => {
      const paging = pageQuery.safeParse(c.req.query());
      const result = await listAuditEvents(deps.db, paging.success ? paging.data : { page: 1, pageSize: 25 });
      const { t, format } = await i18nOf(c);
      return html(
        c,
        <Layout title={t('audit.title')} principal={principalOf(c)}>
          <DataTable
            caption={t('audit.caption')}
            captionHidden
            rows={result.items}
            columns={[
              {
                header: t('audit.when'),
                cell: (e) => <time datetime={e.at}>{format.dateTime(e.at)}</time>,
              },
              { header: t('audit.who'), cell: (e) => e.actor.email ?? t('audit.anonymous') },
              {
                header: t('audit.what'),
                cell: (e) => (
                  <>
                    {actionText(t, e.action)} <code class="hint">{e.action}</code>
                  </>
                ),
              },
              {
                header: t('audit.account'),
                cell: (e) => (
                  <>{e.targetAccountId ? <a href={`/portal/users/${e.targetAccountId}`}>{e.targetAccountId}</a> : ''}</>
                ),
              },
              {
                header: t('audit.details'),
                cell: (e) => (
                  <>
                    <code>{JSON.stringify(e.details)}</code>
                  </>
                ),
              },
              { header: t('audit.from'), cell: (e) => e.ip },
            ]}
          />
          <Pager page={result.page} pageSize={result.pageSize} total={result.total} query={{}} />
        </Layout>,
      );
    })
    .get('/outbox', requirePage('admin'), async (c) => {
      const paging = pageQuery.safeParse(c.req.query());
      const result = await listOutbox(deps.db, paging.success ? paging.data : { page: 1, pageSize: 25 });
      const { t, format } = await i18nOf(c);
      return html(
        c,
        <Layout title={t('audit.outbox.title')} principal={principalOf(c)}>
          <OutboxIntro smtp={deps.config.smtpUrl !== undefined} />
          {result.items.map((m) => (
            <article class="card">
              <h2>{m.subject}</h2>
              <p>{t('audit.outbox.sent', { to: m.to, at: format.dateTime(m.createdAt) })}</p>
              <MailDelivery mail={m} />
              <pre>{m.body}</pre>
            </article>
          ))}
          <Pager page={result.page} pageSize={result.pageSize} total={result.total} query={{}} />
        </Layout>,
      );
    })
    .post('/outbox/:id/resend', requirePage('admin'), async (c) => {
      await sendMailAgain(deps, actorOf(c), Number(c.req.param('id')));
      return c.redirect('/portal/outbox', 303);
    });
