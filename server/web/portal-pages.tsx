import { type Context, Hono } from 'hono';
import { z } from 'zod';
import {
  type AccountView,
  createAccountByAdmin,
  findAccount,
  sendVerificationMail,
  setAccountActive,
  toAccountView,
  updateAccount,
} from '../accounts/accounts.ts';
import { createTokenBody, createUserBody, nameField, pageQuery, roleField } from '../api/schemas.ts';
import { listAuditEvents, listOutbox } from '../audit/queries.ts';
import type { AccessTokenView } from '../auth/access-tokens.ts';
import { PASSWORD_MIN_LENGTH } from '../auth/passwords.ts';
import type { Principal } from '../auth/principal.ts';
import { createAccessToken, revokeAccessToken, visibleTokens } from '../auth/token-management.ts';
import { ROLES } from '../db/schema.ts';
import { actorOf, principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { type FieldErrors, notFound } from '../http/errors.ts';
import { Alert, Field, Layout } from './layout.tsx';
import { AccountLicencePanel, type AccountLicenceView, accountLicenceView } from './licensing-pages.tsx';
import { formFailure, html, readForm, requirePage } from './page-helpers.ts';

const RoleSelect = ({ value, id = 'role' }: { value?: string | undefined; id?: string }) => (
  <select id={id} name="role">
    {ROLES.map((role) => (
      <option value={role} selected={role === value}>
        {role}
      </option>
    ))}
  </select>
);

function Pager({
  page,
  pageSize,
  total,
  query,
}: {
  page: number;
  pageSize: number;
  total: number;
  query: Record<string, string>;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const href = (p: number) => `?${new URLSearchParams({ ...query, page: String(p), pageSize: String(pageSize) })}`;
  return (
    <nav class="pager" aria-label="Pages">
      {page > 1 && (
        <a href={href(page - 1)} rel="prev">
          Previous
        </a>
      )}
      <span>
        Page {page} of {pages} ({total} in total)
      </span>
      {page < pages && (
        <a href={href(page + 1)} rel="next">
          Next
        </a>
      )}
    </nav>
  );
}

function NewAccountPage({
  principal,
  values = {},
  errors = {},
  message,
}: {
  principal: Principal;
  values?: Record<string, string>;
  errors?: FieldErrors;
  message?: string;
}) {
  return (
    <Layout title="New account" principal={principal} narrow>
      {message && <Alert kind="error">{message}</Alert>}
      <form method="post" action="/portal/users/new" class="card">
        <Field name="name" label="Full name" value={values.name} error={errors.name} />
        <Field name="email" label="Email address" type="email" value={values.email} error={errors.email} />
        <label for="role">Role</label>
        <RoleSelect value={values.role ?? 'support'} />
        {errors.role && <p class="field-error">{errors.role}</p>}
        <Field
          name="password"
          label="Initial password (optional)"
          type="password"
          autocomplete="new-password"
          required={false}
          hint={`Leave empty to email an invitation link instead. At least ${PASSWORD_MIN_LENGTH} characters.`}
          error={errors.password}
        />
        <button type="submit">Create account</button>
      </form>
    </Layout>
  );
}

function UserDetailPage({
  principal,
  account,
  message,
  success,
  licence,
}: {
  principal: Principal;
  account: AccountView;
  message?: string | undefined;
  success?: string | undefined;
  licence?: AccountLicenceView | undefined;
}) {
  const admin = principal.account.role === 'admin' && principal.kind === 'session';
  const self = principal.account.id === account.id;
  return (
    <Layout title={account.name} principal={principal}>
      {message && <Alert kind="error">{message}</Alert>}
      {success && <Alert kind="success">{success}</Alert>}
      <section class="card" aria-labelledby="details">
        <h2 id="details">Details</h2>
        <dl>
          <dt>Email</dt>
          <dd>{account.email}</dd>
          <dt>Role</dt>
          <dd>{account.role}</dd>
          <dt>Status</dt>
          <dd>{account.active ? 'active' : `deactivated ${account.deactivatedAt ?? ''}`}</dd>
          <dt>Email confirmed</dt>
          <dd>{account.emailVerifiedAt ?? 'not yet'}</dd>
          <dt>Created</dt>
          <dd>{account.createdAt}</dd>
          <dt>Last sign-in</dt>
          <dd>{account.lastSignInAt ?? 'never'}</dd>
        </dl>
      </section>
      {licence && <AccountLicencePanel view={licence} />}
      {admin && (
        <section class="card" aria-labelledby="change">
          <h2 id="change">Change</h2>
          <form method="post" action={`/portal/users/${account.id}`}>
            <label for="name">Name</label>
            <input id="name" name="name" value={account.name} required />
            <label for="role">Role</label>
            <RoleSelect value={account.role} />
            <button type="submit" disabled={self}>
              Save changes
            </button>
            {self && <p class="hint">You cannot change your own role.</p>}
          </form>
          {!self && (
            <form method="post" action={`/portal/users/${account.id}/${account.active ? 'deactivate' : 'activate'}`}>
              <button type="submit" class={account.active ? 'danger' : undefined}>
                {account.active ? 'Deactivate account (ends its sessions now)' : 'Reactivate account'}
              </button>
            </form>
          )}
        </section>
      )}
      <p>
        <a href="/portal/users">Back to users</a>
      </p>
    </Layout>
  );
}

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
      <table>
        <caption class="visually-hidden">Tokens</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Owner</th>
            <th scope="col">Scope</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Expires</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr>
              <td>{t.name}</td>
              <td>{t.owner.email}</td>
              <td>{t.scope}</td>
              <td>{t.createdAt}</td>
              <td>{t.lastUsedAt ?? 'never'}</td>
              <td>{t.expiresAt ?? 'never'}</td>
              <td>
                {t.revokedAt ? (
                  `revoked ${t.revokedAt}`
                ) : (
                  <form method="post" action={`/portal/tokens/${t.id}/revoke`} class="inline-form">
                    <button type="submit" class="danger">
                      Revoke
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}

const updateForm = z.object({ name: nameField, role: roleField.optional() });

async function renderUser(
  c: Parameters<typeof principalOf>[0],
  id: string,
  notes: { message?: string; success?: string } = {},
) {
  const account = await findAccount(c.get('deps').db, id);
  if (!account) throw notFound('The account');
  const licence = await accountLicenceView(c.get('deps'), id);
  return <UserDetailPage principal={principalOf(c)} account={toAccountView(account)} licence={licence} {...notes} />;
}

async function changeActive(c: Context<AppEnv>, active: boolean) {
  const id = c.req.param('id') ?? '';
  try {
    await setAccountActive(c.get('deps'), actorOf(c), id, active);
    return c.redirect(`/portal/users/${id}`, 303);
  } catch (error) {
    const failure = formFailure(c, error);
    return html(c, await renderUser(c, id, { message: failure.message }), failure.status);
  }
}

export const portalPages = new Hono<AppEnv>()
  .get('/', requirePage('staffRead'), (c) => c.redirect('/portal/users', 303))
  .get('/users/new', requirePage('admin'), (c) => html(c, <NewAccountPage principal={principalOf(c)} />))
  .post('/users/new', requirePage('admin'), async (c) => {
    const form = await readForm(c, createUserBody);
    if (!form.ok)
      return html(c, <NewAccountPage principal={principalOf(c)} values={form.values} errors={form.errors} />, 400);
    try {
      const account = await createAccountByAdmin(c.get('deps'), actorOf(c), form.data);
      return c.redirect(`/portal/users/${account.id}`, 303);
    } catch (error) {
      const failure = formFailure(c, error);
      const { password: _omit, ...values } = form.data;
      return html(
        c,
        <NewAccountPage principal={principalOf(c)} values={values} errors={failure.fields} message={failure.message} />,
        failure.status,
      );
    }
  })
  .get('/users/:id', requirePage('staffRead'), async (c) => html(c, await renderUser(c, c.req.param('id'))))
  .post('/users/:id', requirePage('admin'), async (c) => {
    const id = c.req.param('id');
    const form = await readForm(c, updateForm);
    if (!form.ok) return html(c, await renderUser(c, id, { message: Object.values(form.errors).join(' ') }), 400);
    try {
      await updateAccount(c.get('deps'), actorOf(c), id, form.data);
      // A rename emits no account change; the licence directory's searchable name follows here.
      await c.get('deps').licensing.refreshOwnAccount(id);
      return html(c, await renderUser(c, id, { success: 'Saved.' }));
    } catch (error) {
      const failure = formFailure(c, error);
      return html(c, await renderUser(c, id, { message: failure.message }), failure.status);
    }
  })
  .post('/users/:id/activate', requirePage('admin'), (c) => changeActive(c, true))
  .post('/users/:id/deactivate', requirePage('admin'), (c) => changeActive(c, false))
  .get('/tokens', requirePage('staffSession'), async (c) => {
    const { account } = principalOf(c);
    return html(c, <TokensPage principal={principalOf(c)} tokens={await visibleTokens(c.get('deps'), account)} />);
  })
  .post('/tokens', requirePage('staffSession'), async (c) => {
    const principal = principalOf(c);
    const form = await readForm(c, createTokenBody);
    const tokens = () => visibleTokens(c.get('deps'), principal.account);
    if (!form.ok)
      return html(c, <TokensPage principal={principal} tokens={await tokens()} errors={form.errors} />, 400);
    try {
      const { token, view } = await createAccessToken(
        c.get('deps'),
        { ...actorOf(c), account: principal.account },
        form.data,
      );
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
        <TokensPage principal={principal} tokens={await tokens()} errors={failure.fields} message={failure.message} />,
        failure.status,
      );
    }
  })
  .post('/tokens/:id/revoke', requirePage('staffSession'), async (c) => {
    const principal = principalOf(c);
    await revokeAccessToken(c.get('deps'), { ...actorOf(c), account: principal.account }, c.req.param('id'));
    return c.redirect('/portal/tokens', 303);
  })
  .get('/audit', requirePage('staffRead'), async (c) => {
    const paging = pageQuery.safeParse(c.req.query());
    const result = await listAuditEvents(c.get('deps').db, paging.success ? paging.data : { page: 1, pageSize: 25 });
    return html(
      c,
      <Layout title="Audit log" principal={principalOf(c)}>
        <table>
          <caption class="visually-hidden">Audit events, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When (UTC)</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Account</th>
              <th scope="col">Details</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            {result.items.map((e) => (
              <tr>
                <td>{e.at}</td>
                <td>{e.actor.email ?? 'anonymous'}</td>
                <td>{e.action}</td>
                <td>
                  {e.targetAccountId ? <a href={`/portal/users/${e.targetAccountId}`}>{e.targetAccountId}</a> : ''}
                </td>
                <td>
                  <code>{JSON.stringify(e.details)}</code>
                </td>
                <td>{e.ip}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <Pager page={result.page} pageSize={result.pageSize} total={result.total} query={{}} />
      </Layout>,
    );
  })
  .get('/outbox', requirePage('admin'), async (c) => {
    const paging = pageQuery.safeParse(c.req.query());
    const result = await listOutbox(c.get('deps').db, paging.success ? paging.data : { page: 1, pageSize: 25 });
    return html(
      c,
      <Layout title="Outbox" principal={principalOf(c)}>
        <p>Mail is kept here because no SMTP server is configured (SMTP_URL).</p>
        {result.items.map((m) => (
          <article class="card">
            <h2>{m.subject}</h2>
            <p>
              To {m.to} at {m.createdAt}
            </p>
            <pre>{m.body}</pre>
          </article>
        ))}
        <Pager page={result.page} pageSize={result.pageSize} total={result.total} query={{}} />
      </Layout>,
    );
  });

export const candidatePages = new Hono<AppEnv>()
  .get('/', requirePage('signedIn'), async (c) => {
    const principal = principalOf(c);
    const { account } = principal;
    // Rule 23: once the licence is cancelled the platform is offline for candidates.
    const term = await c.get('deps').licenceTerm();
    if (term?.state === 'cancelled' && account.role === 'candidate') {
      return html(
        c,
        <Layout title="Offline" principal={principal}>
          <Alert kind="error">Seatkeeper is offline: the organisation's licence was {term.message}.</Alert>
        </Layout>,
      );
    }
    return html(
      c,
      <Layout title="My certifications" principal={principal}>
        {!account.email_verified_at && (
          <section class="card" aria-labelledby="verify">
            <h2 id="verify">Confirm your email address</h2>
            <p>You need a confirmed email address before you can sit an exam. Check your mailbox for the link.</p>
            <form method="post" action="/my/email-verification">
              <button type="submit" class="secondary">
                Send a new link
              </button>
            </form>
          </section>
        )}
        <section class="card" aria-labelledby="exams">
          <h2 id="exams">Exams and certificates</h2>
          <p>You have no exams or certificates yet. Exams you can book will appear here.</p>
        </section>
      </Layout>,
    );
  })
  .post('/email-verification', requirePage('signedIn'), async (c) => {
    await sendVerificationMail(c.get('deps'), principalOf(c).account);
    return html(
      c,
      <Layout title="Check your email" principal={principalOf(c)} narrow>
        <Alert kind="success">If your address is not confirmed yet, we sent a new link to it.</Alert>
        <p>
          <a href="/my">Back</a>
        </p>
      </Layout>,
    );
  });
