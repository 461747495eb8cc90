// Personal access tokens: a staff member's own (admins see everyone's), created with the secret shown once.

import { Hono } from 'hono';
import type { AccessTokenView } from '../../auth/access-tokens.ts';
import type { Principal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import type { FieldErrors } from '../../http/errors.ts';
import { DataTable } from '../../web/data-table.tsx';
import { formFailure, readForm } from '../../web/forms.ts';
import { Alert, Field, Layout } from '../../web/layout.tsx';
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
  return (
    <Layout title="Access tokens" principal={principal}>
      <p>
        Personal access tokens let the browser extension and scripts call the API as you, limited to the token's scope.
        Send them as <code>Authorization: Bearer …</code>.
      </p>
      {created && (
        <Alert kind="success">
          <p>Token “{created.name}” created. Copy it now: it is shown only this once.</p>
          <p class="secret" id="new-token">
            {created.token}
          </p>
        </Alert>
      )}
      {props.message && <Alert kind="error">{props.message}</Alert>}
      <form method="post" action="/portal/tokens" class="card">
        <h2>New token</h2>
        <Field name="name" label="Name" hint="What it is for, e.g. “Browser extension”." error={errors.name} />
        <label for="scope">Scope</label>
        <select id="scope" name="scope">
          <option value="read">read: lookups and licence figures</option>
          {principal.account.role === 'admin' && <option value="admin">admin: lookups and changes</option>}
        </select>
        {errors.scope && <p class="field-error">{errors.scope}</p>}
        <Field
          name="expiresAt"
          label="Expires at (optional, UTC, e.g. 2027-01-31T00:00:00Z)"
          required={false}
          error={errors.expiresAt}
        />
        <button type="submit">Create token</button>
      </form>
      <DataTable
        caption="Tokens"
        captionHidden
        rows={tokens}
        columns={[
          { header: 'Name', cell: (t) => t.name },
          { header: 'Owner', cell: (t) => t.owner.email },
          { header: 'Scope', cell: (t) => t.scope },
          { header: 'Created', cell: (t) => t.createdAt },
          { header: 'Last used', cell: (t) => t.lastUsedAt ?? 'never' },
          { header: 'Expires', cell: (t) => t.expiresAt ?? 'never' },
          {
            header: 'Status',
            cell: (t) => (
              <>
                {t.revokedAt ? (
                  `revoked ${t.revokedAt}`
                ) : (
                  <form method="post" action={`/portal/tokens/${t.id}/revoke`} class="inline-form">
                    <button type="submit" class="danger">
                      Revoke
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
        const failure = formFailure(c, error);
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
