// Personal access tokens: a staff member's own (admins see everyone's), created with the secret shown once.

import { Hono } from 'hono';
import type { AccessTokenView } from '../../auth/access-tokens.ts';
import type { Principal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { validationFailed } from '../../http/errors.ts';
import { calendarDay, startOfDay } from '../../i18n/calendar.ts';
import { i18nOf, useI18n } from '../../i18n/request.ts';
import { DataTable } from '../../web/data-table.tsx';
import { redirectWithFlash } from '../../web/flash.ts';
import { checked, formValues, submitForm } from '../../web/forms.ts';
import { Field, Form, Layout, Rich } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import { createTokenBody } from '../api/schemas.ts';
import { createAccessToken, revokeAccessToken, visibleTokens } from '../tokens.ts';

function TokensPage(props: { principal: Principal; tokens: AccessTokenView[] }) {
  const { principal, tokens } = props;
  const { t, format } = useI18n();
  const when = (iso: string | null) => (iso ? format.dateTime(iso) : t('web.never'));
  return (
    <Layout title={t('accounts.tokens.title')} principal={principal}>
      <p>
        <Rich k="accounts.tokens.intro" tags={{ code: (chunks) => <code>{chunks}</code> }} />
      </p>
      <Form id="token-new" action="/portal/tokens" class="card">
        <h2>{t('accounts.tokens.new')}</h2>
        <Field name="name" label={t('accounts.tokens.name')} hint={t('accounts.tokens.nameHint')} />
        <Field
          name="scope"
          label={t('accounts.tokens.scope')}
          options={[
            { value: 'read', label: t('accounts.tokens.scopeRead') },
            ...(principal.account.role === 'admin' ? [{ value: 'admin', label: t('accounts.tokens.scopeAdmin') }] : []),
          ]}
        />
        <Field
          name="expiresOn"
          type="date"
          label={t('portalUx.tokens.expiresOn')}
          hint={t('portalUx.tokens.expiresOnHint', { zone: format.timeZone })}
          required={false}
        />
        <button type="submit">{t('accounts.tokens.create')}</button>
      </Form>
      <DataTable
        caption={t('accounts.tokens.caption')}
        captionHidden
        rows={tokens}
        columns={[
          { header: t('accounts.tokens.name'), cell: (token) => token.name },
          { header: t('accounts.tokens.owner'), cell: (token) => token.owner.email },
          { header: t('accounts.tokens.scope'), cell: (token) => token.scope },
          { header: t('accounts.tokens.createdAt'), cell: (token) => when(token.createdAt) },
          { header: t('accounts.tokens.lastUsed'), cell: (token) => when(token.lastUsedAt) },
          { header: t('accounts.tokens.expires'), cell: (token) => when(token.expiresAt) },
          {
            header: t('accounts.tokens.status'),
            cell: (token) => (
              <>
                {token.revokedAt ? (
                  t('accounts.tokens.revoked', { at: format.dateTime(token.revokedAt) })
                ) : (
                  <form method="post" action={`/portal/tokens/${token.id}/revoke`} class="inline-form">
                    <button type="submit" class="danger">
                      {t('accounts.tokens.revoke')}
                    </button>
                  </form>
                )}
              </>
            ),
          },
        ]}
      />
    </Layout>
  );
}

/**
 * A token chosen to expire after a day works until the end of that day in the reader's time zone; a day already past
 * is refused beside the field.
 */
function expiryOf(day: string | undefined, timeZone: string, now: Date): { expiresAt?: string } {
  if (!day) return {};
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
    throw validationFailed({ expiresOn: 'portalUx.tokens.badDay' });
  }
  if (day < calendarDay(now, timeZone)) throw validationFailed({ expiresOn: 'portalUx.tokens.pastDay' });
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { expiresAt: startOfDay(next, timeZone).toISOString() };
}

export const tokenPages = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/tokens', requirePage('staffSession'), async (c) => {
      const { account } = principalOf(c);
      return html(c, <TokensPage principal={principalOf(c)} tokens={await visibleTokens(deps, account)} />);
    })
    .post('/tokens', requirePage('staffSession'), async (c) => {
      const principal = principalOf(c);
      const values = await formValues(c);
      const { format } = await i18nOf(c);
      const outcome = await submitForm(c, 'token-new', values, () => {
        const { expiresOn, ...fields } = values;
        const input = checked(createTokenBody, { ...fields, ...expiryOf(expiresOn, format.timeZone, deps.clock()) });
        return createAccessToken(deps, { ...actorOf(c), account: principal.account }, input);
      });
      if (!outcome.ok) {
        const tokens = await visibleTokens(deps, principal.account);
        return html(c, <TokensPage principal={principal} tokens={tokens} />, outcome.status);
      }
      const { token, view } = outcome.result;
      // The secret crosses the redirect sealed in the flash and is shown once, on a page no cache keeps.
      return redirectWithFlash(c, '/portal/tokens', {
        key: 'accounts.tokens.created',
        values: { name: view.name },
        secret: token,
      });
    })
    .post('/tokens/:id/revoke', requirePage('staffSession'), async (c) => {
      const principal = principalOf(c);
      await revokeAccessToken(deps, { ...actorOf(c), account: principal.account }, c.req.param('id'));
      return redirectWithFlash(c, '/portal/tokens', { key: 'forms.tokens.revoked' });
    });
