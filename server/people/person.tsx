import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { type AccountView, findAccount, toAccountView } from '../accounts/accounts.ts';
import { createAccountByAdmin, setAccountActive, updateAccount } from '../accounts/administration.ts';
import { createUserBody, nameField, roleField } from '../accounts/api/schemas.ts';
import { liftSignInLock, type SignInLock, signInLock, signOutEverywhere } from '../accounts/sign-in-protection.ts';
import { resendConfirmation, sendResetLink } from '../accounts/staff-help.ts';
import { PASSWORD_MIN_LENGTH } from '../auth/passwords.ts';
import type { Principal } from '../auth/principal.ts';
import { ROLES } from '../auth/tables.ts';
import { actorOf, principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { type FieldErrors, notFound } from '../http/errors.ts';
import { i18nOf, useI18n } from '../i18n/request.ts';
import { AccountLicencePanel, type AccountLicenceView, accountLicenceView } from '../licensing/pages/licence-panel.tsx';
import { Confirmation, isConfirmed } from '../web/confirmation.tsx';
import { redirectWithFlash } from '../web/flash.ts';
import { formFailure, formValues, readForm } from '../web/forms.ts';
import { Alert, Field, Layout } from '../web/layout.tsx';
import { html, requirePage } from '../web/page-helpers.tsx';
import type { PeopleDeps } from './context.ts';
import { eraseAccount } from './erasure.ts';
import { ErasedPersonPage, LeavingCard, type LeavingView, leavingView } from './leaving-card.tsx';
import { type PersonStory, personStory } from './person-story.ts';
import { AttemptsCard, CertificatesCard, HelpCard, MailCard } from './person-story.tsx';
import { SignInProtectionPanel } from './sign-in-protection.tsx';

function RoleSelect({ value, id = 'role' }: { value?: string | undefined; id?: string }) {
  const { t } = useI18n();
  return (
    <select id={id} name="role">
      {ROLES.map((role) => (
        <option value={role} selected={role === value}>
          {t(`accounts.role.${role}`)}
        </option>
      ))}
    </select>
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
  const { t } = useI18n();
  return (
    <Layout title={t('people.new.title')} principal={principal} narrow>
      {message && <Alert kind="error">{message}</Alert>}
      <form method="post" action="/portal/new-account" class="card">
        <Field name="name" label={t('accounts.field.fullName')} value={values.name} error={errors.name} />
        <Field name="email" label={t('accounts.field.email')} type="email" value={values.email} error={errors.email} />
        <label for="role">{t('people.role')}</label>
        <RoleSelect value={values.role ?? 'support'} />
        {errors.role && <p class="field-error">{errors.role}</p>}
        <Field
          name="password"
          label={t('people.new.password')}
          type="password"
          autocomplete="new-password"
          required={false}
          hint={t('people.new.passwordHint', { minimum: PASSWORD_MIN_LENGTH })}
          error={errors.password}
        />
        <button type="submit">{t('people.new.submit')}</button>
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
  lock,
  leaving,
  story,
}: {
  principal: Principal;
  account: AccountView;
  message?: string | undefined;
  success?: string | undefined;
  licence?: AccountLicenceView | undefined;
  lock: SignInLock;
  leaving: LeavingView;
  story: PersonStory;
}) {
  const { t, format } = useI18n();
  if (leaving.erasedAt) {
    return (
      <ErasedPersonPage principal={principal} account={account} leaving={leaving} message={message} success={success} />
    );
  }
  const admin = principal.account.role === 'admin' && principal.kind === 'session';
  const self = principal.account.id === account.id;
  return (
    <Layout title={account.name} principal={principal}>
      {message && <Alert kind="error">{message}</Alert>}
      {success && <Alert kind="success">{success}</Alert>}
      <section class="card" aria-labelledby="details">
        <h2 id="details">{t('people.person.details')}</h2>
        <dl>
          <dt>{t('people.email')}</dt>
          <dd>{account.email}</dd>
          <dt>{t('people.role')}</dt>
          <dd>{t(`accounts.role.${account.role}`)}</dd>
          <dt>{t('people.users.status')}</dt>
          <dd>
            {account.active
              ? t('people.status.active')
              : account.deactivatedAt
                ? t('people.person.deactivatedAt', { at: format.dateTime(account.deactivatedAt) })
                : t('people.status.inactive')}
          </dd>
          <dt>{t('people.person.emailConfirmed')}</dt>
          <dd>{account.emailVerifiedAt ? format.dateTime(account.emailVerifiedAt) : t('people.person.notYet')}</dd>
          <dt>{t('people.created')}</dt>
          <dd>{format.dateTime(account.createdAt)}</dd>
          <dt>{t('people.lastSignIn')}</dt>
          <dd>{account.lastSignInAt ? format.dateTime(account.lastSignInAt) : t('web.never')}</dd>
        </dl>
      </section>
      {licence && <AccountLicencePanel view={licence} />}
      <HelpCard account={account} principal={principal} />
      <AttemptsCard story={story} />
      <CertificatesCard story={story} />
      <MailCard story={story} principal={principal} />
      <LeavingCard principal={principal} accountId={account.id} view={leaving} />
      {admin && (
        <section class="card" aria-labelledby="change">
          <h2 id="change">{t('people.person.change')}</h2>
          <form method="post" action={`/portal/users/${account.id}`}>
            <label for="name">{t('people.name')}</label>
            <input id="name" name="name" value={account.name} required />
            <label for="role">{t('people.role')}</label>
            <RoleSelect value={account.role} />
            <button type="submit" disabled={self}>
              {t('people.person.save')}
            </button>
            {self && <p class="hint">{t('people.person.ownRole')}</p>}
          </form>
          {!self && !(leaving.closed && !account.active) && (
            <form method="post" action={`/portal/users/${account.id}/${account.active ? 'deactivate' : 'activate'}`}>
              <button type="submit" class={account.active ? 'danger' : undefined}>
                {account.active ? t('people.person.deactivate') : t('people.person.reactivate')}
              </button>
            </form>
          )}
        </section>
      )}
      <SignInProtectionPanel account={account} lock={lock} canAct={admin} />
      <p>
        <a href="/portal/users">{t('people.person.back')}</a>
      </p>
    </Layout>
  );
}

const updateForm = z.object({ name: nameField, role: roleField.optional() });

async function renderUser(
  deps: PeopleDeps,
  c: Parameters<typeof principalOf>[0],
  id: string,
  notes: { message?: string; success?: string } = {},
) {
  const account = await findAccount(deps.db, id);
  if (!account) throw notFound('errors.not_found.account');
  const lock = await signInLock(deps, account.email);
  const leaving = await leavingView(deps, id);
  // Rule 26a: an erased account is in no count and no link; its licence facts would only say so.
  const licence = leaving.erasedAt ? undefined : await accountLicenceView(deps, id);
  const story = await personStory(deps.db, id, account.email);
  const done = c.req.query('done');
  const { t } = await i18nOf(c);
  if (!notes.success && (done === 'confirmation' || done === 'reset')) {
    notes.success = t(done === 'confirmation' ? 'people.story.confirmationSent' : 'people.story.resetLinkSent');
  }
  return (
    <UserDetailPage
      principal={principalOf(c)}
      account={toAccountView(account)}
      licence={licence}
      lock={lock}
      leaving={leaving}
      story={story}
      {...notes}
    />
  );
}

/** The second step of deactivating: what ends at once, counted now. */
async function DeactivationConfirmation(deps: PeopleDeps, c: Context<AppEnv>, id: string) {
  const account = await findAccount(deps.db, id);
  if (!account) throw notFound('errors.not_found.account');
  const count = async (table: 'sessions' | 'access_tokens') => {
    let query = deps.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', id);
    if (table === 'access_tokens') query = query.where('revoked_at', 'is', null);
    return Number((await query.executeTakeFirstOrThrow()).n);
  };
  const { t } = await i18nOf(c);
  const who = account.name || account.email;
  return html(
    c,
    <Confirmation
      principal={principalOf(c)}
      title={t('portalUx.deactivate.title', { who })}
      consequences={[
        t('portalUx.deactivate.signIn', { who, email: account.email }),
        t('portalUx.deactivate.sessions', { count: await count('sessions') }),
        t('portalUx.deactivate.tokens', { count: await count('access_tokens') }),
        t('portalUx.deactivate.seat'),
      ]}
      action={`/portal/users/${id}/deactivate`}
      confirmLabel={t('people.person.deactivate')}
      back={`/portal/users/${id}`}
    />,
  );
}

async function changeActive(deps: PeopleDeps, c: Context<AppEnv>, active: boolean) {
  const id = c.req.param('id') ?? '';
  if (!active && !isConfirmed(await formValues(c))) return DeactivationConfirmation(deps, c, id);
  try {
    await setAccountActive(deps, actorOf(c), id, active);
    return c.redirect(`/portal/users/${id}`, 303);
  } catch (error) {
    const failure = await formFailure(c, error);
    return html(c, await renderUser(deps, c, id, { message: failure.message }), failure.status);
  }
}

async function helpPerson(
  deps: PeopleDeps,
  c: Context<AppEnv>,
  action: typeof sendResetLink,
  done: 'confirmation' | 'reset',
) {
  const id = c.req.param('id') ?? '';
  try {
    await action(deps, actorOf(c), id);
    return c.redirect(`/portal/users/${id}?done=${done}`, 303);
  } catch (error) {
    const failure = await formFailure(c, error);
    return html(c, await renderUser(deps, c, id, { message: failure.message }), failure.status);
  }
}

export const personPages = (deps: PeopleDeps) =>
  new Hono<AppEnv>()
    .get('/new-account', requirePage('admin'), (c) => html(c, <NewAccountPage principal={principalOf(c)} />))
    .post('/new-account', requirePage('admin'), async (c) => {
      const form = await readForm(c, createUserBody);
      if (!form.ok)
        return html(c, <NewAccountPage principal={principalOf(c)} values={form.values} errors={form.errors} />, 400);
      try {
        const account = await createAccountByAdmin(deps, actorOf(c), form.data);
        return c.redirect(`/portal/users/${account.id}`, 303);
      } catch (error) {
        const failure = await formFailure(c, error);
        const { password: _omit, ...values } = form.data;
        return html(
          c,
          <NewAccountPage
            principal={principalOf(c)}
            values={values}
            errors={failure.fields}
            message={failure.message}
          />,
          failure.status,
        );
      }
    })
    .get('/users/:id', requirePage('staffRead'), async (c) => html(c, await renderUser(deps, c, c.req.param('id'))))
    .post('/users/:id', requirePage('admin'), async (c) => {
      const id = c.req.param('id');
      const form = await readForm(c, updateForm);
      if (!form.ok)
        return html(c, await renderUser(deps, c, id, { message: Object.values(form.errors).join(' ') }), 400);
      try {
        await updateAccount(deps, actorOf(c), id, form.data);
        // A rename emits no account change; the licence directory's searchable name follows here.
        await deps.licensing.refreshOwnAccount(id);
        return redirectWithFlash(c, `/portal/users/${id}`, { key: 'people.person.saved' });
      } catch (error) {
        const failure = await formFailure(c, error);
        return html(c, await renderUser(deps, c, id, { message: failure.message }), failure.status);
      }
    })
    .post('/users/:id/sign-out-everywhere', requirePage('admin'), async (c) => {
      const id = c.req.param('id');
      const ended = await signOutEverywhere(deps, actorOf(c), id);
      const success = (await i18nOf(c)).t('signInProtection.signedOut', { ...ended });
      return html(c, await renderUser(deps, c, id, { success }));
    })
    .post('/users/:id/sign-in-lock/lift', requirePage('admin'), async (c) => {
      const id = c.req.param('id');
      await liftSignInLock(deps, actorOf(c), id);
      return html(c, await renderUser(deps, c, id, { success: (await i18nOf(c)).t('signInProtection.lifted') }));
    })
    .post('/users/:id/erasure', requirePage('admin'), async (c) => {
      const id = c.req.param('id');
      const { t } = await i18nOf(c);
      if ((await c.req.parseBody()).confirm !== 'erase') {
        return html(c, await renderUser(deps, c, id, { message: t('people.leave.eraseUnconfirmed') }), 400);
      }
      try {
        await eraseAccount(deps, actorOf(c), id);
      } catch (error) {
        const failure = await formFailure(c, error);
        return html(c, await renderUser(deps, c, id, { message: failure.message }), failure.status);
      }
      return html(c, await renderUser(deps, c, id, { success: t('people.leave.erasedNow') }));
    })
    .post('/users/:id/resend-confirmation', requirePage('staffSession'), (c) =>
      helpPerson(deps, c, resendConfirmation, 'confirmation'),
    )
    .post('/users/:id/send-reset-link', requirePage('staffSession'), (c) => helpPerson(deps, c, sendResetLink, 'reset'))
    .post('/users/:id/activate', requirePage('admin'), (c) => changeActive(deps, c, true))
    .post('/users/:id/deactivate', requirePage('admin'), (c) => changeActive(deps, c, false));
