// The audit log and the outbox, for staff.

import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { actorOf, principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { pageQuery } from '../http/schemas.ts';
import { startOfDay } from '../i18n/calendar.ts';
import { type I18n, isMessageKey } from '../i18n/messages.ts';
import { i18nOf, timeZoneOf, useI18n } from '../i18n/request.ts';
import { csvCell, csvDownload, UTF8_BOM } from '../web/csv.ts';
import { DataTable } from '../web/data-table.tsx';
import { redirectWithFlash } from '../web/flash.ts';
import { Layout } from '../web/layout.tsx';
import { html, requirePage } from '../web/page-helpers.tsx';
import { Pager } from '../web/pager.tsx';
import { MailBody, MailDelivery, OutboxIntro } from './outbox-mail.tsx';
import { listOutbox } from './queries.ts';
import { sendMailAgain } from './send-again.ts';
import { AuditSentence, sentenceText } from './sentence.tsx';
import { AUDIT_ACTIONS, auditTrail, everyAuditEvent, type TrailFilters } from './trail.ts';

/** An action as staff read it; one not in the catalog (another area's) shows its code. */
export function actionText(t: I18n['t'], action: string): string {
  const key = `audit.action.${action}`;
  return isMessageKey(key) ? t(key) : action;
}

const AUDIT_CSV_HEADER = 'at,actor_name,actor_email,action,event,target_name,target_email,details,ip';

/** Facts of an event as `key: value` pairs, not JSON. */
const detailsText = (details: Record<string, unknown>) =>
  Object.entries(details)
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(', ');

const trailForm = z.object({
  who: z.string().trim().max(200).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});

/** The filters from the address; a part that does not parse is left out (a list, not a form to correct). */
async function trailQuery(c: Context<AppEnv>) {
  const raw = c.req.query();
  const query: Record<string, string> = {};
  for (const name of ['who', 'action', 'from', 'to'] as const) {
    const parsed = trailForm.shape[name].safeParse(raw[name] || undefined);
    if (parsed.success && parsed.data) query[name] = parsed.data;
  }
  const zone = await timeZoneOf(c);
  const filters: TrailFilters = {
    who: query.who,
    action: query.action,
    from: query.from ? startOfDay(query.from, zone) : undefined,
    until: query.to ? startOfDay(nextDay(query.to), zone) : undefined,
  };
  return { query, filters };
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

function TrailFilterForm({ query }: { query: Record<string, string> }) {
  const { t } = useI18n();
  return (
    <form method="get" action="/portal/audit" class="card filters" aria-label={t('audit.filter.label')}>
      <div>
        <label for="who">{t('audit.filter.who')}</label>
        <input id="who" name="who" type="search" value={query.who ?? ''} />
      </div>
      <div>
        <label for="action">{t('audit.filter.what')}</label>
        <select id="action" name="action">
          <option value="">{t('audit.filter.anything')}</option>
          {AUDIT_ACTIONS.map((action) => (
            <option value={action} selected={query.action === action}>
              {actionText(t, action)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="from">{t('audit.filter.from')}</label>
        <input id="from" name="from" type="date" value={query.from ?? ''} />
      </div>
      <div>
        <label for="to">{t('audit.filter.to')}</label>
        <input id="to" name="to" type="date" value={query.to ?? ''} />
      </div>
      <button type="submit">{t('audit.filter.submit')}</button>
    </form>
  );
}

export const auditPages = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/audit', requirePage('staffRead'), async (c) => {
      const paging = pageQuery.safeParse(c.req.query());
      const { page, pageSize } = paging.success ? paging.data : { page: 1, pageSize: 25 };
      const { query, filters } = await trailQuery(c);
      const result = await auditTrail(deps.db, filters, page, pageSize);
      const { t, format } = await i18nOf(c);
      return html(
        c,
        <Layout title={t('audit.title')} principal={principalOf(c)}>
          <TrailFilterForm query={query} />
          <p>
            {t('audit.filter.matching', { count: result.total })}{' '}
            <a href={`/portal/audit.csv?${new URLSearchParams(query)}`}>{t('audit.export')}</a>
          </p>
          <DataTable
            caption={t('audit.caption')}
            captionHidden
            rows={result.items}
            columns={[
              {
                header: t('audit.event'),
                rowHeader: true,
                // The time under the sentence: a column of its own wraps to five lines on a phone.
                cell: (e) => (
                  <>
                    <AuditSentence event={e} />
                    <br />
                    <time datetime={e.at} class="hint">
                      {format.dateTime(e.at)}
                    </time>
                  </>
                ),
              },
              {
                header: t('audit.details'),
                cell: (e) => (
                  <>{Object.keys(e.details).length > 0 && <code class="hint">{detailsText(e.details)}</code>}</>
                ),
              },
              { header: t('audit.from'), cell: (e) => e.ip },
            ]}
          />
          <Pager page={result.page} pageSize={result.pageSize} total={result.total} query={query} />
        </Layout>,
      );
    })
    .get('/audit.csv', requirePage('staffRead'), async (c) => {
      const { filters } = await trailQuery(c);
      const { t } = await i18nOf(c);
      const encoder = new TextEncoder();
      const pages = everyAuditEvent(deps.db, filters);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode(`${UTF8_BOM}${AUDIT_CSV_HEADER}\n`));
        },
        async pull(controller) {
          const next = await pages.next();
          if (next.done) {
            controller.close();
            return;
          }
          const lines = next.value.map((e) =>
            [
              e.at,
              e.actor.name ?? '',
              e.actor.email ?? '',
              e.action,
              sentenceText(t, e),
              e.target?.name ?? '',
              e.target?.email ?? '',
              JSON.stringify(e.details),
              e.ip,
            ]
              .map(csvCell)
              .join(','),
          );
          controller.enqueue(encoder.encode(`${lines.join('\n')}\n`));
        },
      });
      return c.body(body, 200, csvDownload(`seatkeeper-audit-${new Date().toISOString().slice(0, 10)}.csv`));
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
              <MailBody body={m.body} />
            </article>
          ))}
          <Pager page={result.page} pageSize={result.pageSize} total={result.total} query={{}} />
        </Layout>,
      );
    })
    .post('/outbox/:id/resend', requirePage('admin'), async (c) => {
      try {
        await sendMailAgain(deps, actorOf(c), Number(c.req.param('id')));
      } catch (error) {
        // Sent meanwhile or never failed (an old tab, a second click): the outbox says so instead of an error page.
        if (!(error instanceof ApiError) || error.code !== 'mail_not_failed') throw error;
        return redirectWithFlash(c, '/portal/outbox', { key: 'forms2.outbox.notFailed', refused: true });
      }
      return redirectWithFlash(c, '/portal/outbox', { key: 'forms.outbox.sentAgain' });
    });
