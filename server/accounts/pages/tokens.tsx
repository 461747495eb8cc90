// Personal access tokens: a staff member's own (admins see everyone's), created with the secret shown once.

import { Hono } from 'hono';
import type { AccessTokenView } from '../../auth/access-tokens.ts';
import type { Principal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import type { FieldErrors } from '../../http/errors.ts';
import { useI18n } from '../../i18n/request.ts';
import { DataTable } from '../../web/data-table.tsx';
import { formFailure, readForm } from '../../web/forms.ts';
import { Alert, Field, Layout, Rich } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import { createTokenBody } from '../api/schemas.ts';
import { createAccessToken, revokeAccessToken, visibleTokens } from '../tokens.ts';

function TokensPage(props: {
  principal: Principal;
  tokens: AccessTokenView[];
  created?: { token: string; name: string };
  errors?: FieldErrors;
  message?: string;
}) {
  const { principal, tokens, created, errors = {} } = props;
  const { t, format } = useI18n();
  const when = (iso: string | null) => (iso ? format.dateTime(iso) : t('web.never'));
  return (
    <Layout title={t('accounts.tokens.title')} principal={principal}>
      <p>
        <Rich k="accounts.tokens.intro" tags={{ code: (chunks) => <code>{chunks}</code> }} />
      </p>
      {created && (
        <Alert kind="success">
          <p>{t('accounts.tokens.created', { name: created.name })}</p>
          <p class="secret" id="new-token">
            {created.token}
          </p>
        </Alert>
      )}
      {props.message && <Alert kind="error">{props.message}</Alert>}
      <form method="post" action="/portal/tokens" class="card">
        <h2>{t('accounts.tokens.new')}</h2>
        <Field name="name" label={t('accounts.tokens.name')} hint={t('accounts.tokens.nameHint')} error={errors.name} />
        <label for="scope">{t('accounts.tokens.scope')}</label>
        <select id="scope" name="scope">
          <option value="read">{t('accounts.tokens.scopeRead')}</option>
          {principal.account.role === 'admin' && <option value="admin">{t('accounts.tokens.scopeAdmin')}</option>}
        </select>
        {errors.scope && <p class="field-error">{errors.scope}</p>}
        <Field name="expiresAt" label={t('accounts.tokens.expiresAt')} required={false} error={errors.expiresAt} />
        <button type="submit">{t('accounts.tokens.create')}</button>
      </form>
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

export const tokenPages = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/tokens', requirePage('staffSession'), async (c) => {
      const { account } = principalOf(c);
      return html(c, <TokensPage principal={principalOf(c)} tokens={await visibleTokens(deps, account)} />);
    })
    .post('/tokens', requirePage('staffSession'), async (c) => {
      const principal = principalOf(c);
      const form = await readForm(c, createTokenBody);
      const tokens = () => visibleTokens(deps, principal.account);
      if (!form.ok)
        return html(c, <TokensPage principal={principal} tokens={await tokens()} errors={form.errors} />, 400);
      try {
        const { token, view } = await createAccessToken(deps, { ...actorOf(c), account: principal.account }, form.data);
        // The secret is rendered once into this response and never stored or shown again.
        c.header('Cache-Control', 'no-store');
        return html(
          c,
          <TokensPage principal={principal} tokens={await tokens()} created={{ token, name: view.name }} />,
          201,
        );
      } catch (error) {
        const failure = await formFailure(c, error);
        return html(
          c,
          <TokensPage
            principal={principal}
            tokens={await tokens()}
            errors={failure.fields}
            message={failure.message}
          />,
          failure.status,
        );
      }
    })
    .post('/tokens/:id/revoke', requirePage('staffSession'), async (c) => {
      const principal = principalOf(c);
      await revokeAccessToken(deps, { ...actorOf(c), account: principal.account }, c.req.param('id'));
      return c.redirect('/portal/tokens', 303);
    });
