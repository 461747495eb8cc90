// The audit log and the outbox, for staff.

import { Hono } from 'hono';
import type { Deps } from '../deps.ts';
import { actorOf, principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { pageQuery } from '../http/schemas.ts';
import { DataTable } from '../web/data-table.tsx';
import { Layout } from '../web/layout.tsx';
import { html, requirePage } from '../web/page-helpers.tsx';
import { Pager } from '../web/pager.tsx';
import { MailDelivery, OutboxIntro } from './outbox-mail.tsx';
import { listAuditEvents, listOutbox } from './queries.ts';
import { sendMailAgain } from './send-again.ts';

export const auditPages = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/audit', requirePage('staffRead'), async (c) => {
      const paging = pageQuery.safeParse(c.req.query());
      const result = await listAuditEvents(deps.db, paging.success ? paging.data : { page: 1, pageSize: 25 });
      return html(
        c,
        <Layout title="Audit log" principal={principalOf(c)}>
          <DataTable
            caption="Audit events, newest first"
            captionHidden
            rows={result.items}
            columns={[
              { header: 'When (UTC)', cell: (e) => e.at },
              { header: 'Who', cell: (e) => e.actor.email ?? 'anonymous' },
              { header: 'What', cell: (e) => e.action },
              {
                header: 'Account',
                cell: (e) => (
                  <>{e.targetAccountId ? <a href={`/portal/users/${e.targetAccountId}`}>{e.targetAccountId}</a> : ''}</>
                ),
              },
              {
                header: 'Details',
                cell: (e) => (
                  <>
                    <code>{JSON.stringify(e.details)}</code>
                  </>
                ),
              },
              { header: 'From', cell: (e) => e.ip },
            ]}
          />
          <Pager page={result.page} pageSize={result.pageSize} total={result.total} query={{}} />
        </Layout>,
      );
    })
    .get('/outbox', requirePage('admin'), async (c) => {
      const paging = pageQuery.safeParse(c.req.query());
      const result = await listOutbox(deps.db, paging.success ? paging.data : { page: 1, pageSize: 25 });
      return html(
        c,
        <Layout title="Outbox" principal={principalOf(c)}>
          <OutboxIntro smtp={deps.config.smtpUrl !== undefined} />
          {result.items.map((m) => (
            <article class="card">
              <h2>{m.subject}</h2>
              <p>
                To {m.to} at {m.createdAt}
              </p>
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
