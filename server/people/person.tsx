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
import { notFound, validationFailed } from '../http/errors.ts';
import { i18nOf, useI18n } from '../i18n/request.ts';
import { AccountLicencePanel, type AccountLicenceView, accountLicenceView } from '../licensing/pages/licence-panel.tsx';
import { Confirmation, isConfirmed } from '../web/confirmation.tsx';
import { type Flash, redirectWithFlash } from '../web/flash.ts';
import {
  checked,
  type FailedStatus,
  formValues,
  keepFailedForm,
  keptForm,
  readForm,
  submitForm,
} from '../web/forms.ts';
import { Alert, Field, Form, Layout } from '../web/layout.tsx';
import { html, requirePage } from '../web/page-helpers.tsx';
import type { PeopleDeps } from './context.ts';
import { eraseAccount } from './erasure.ts';
import { ErasedPersonPage, LeavingCard, type LeavingView, leavingView } from './leaving-card.tsx';
import { type PersonStory, personStory } from './person-story.ts';
import { AttemptsCard, CertificatesCard, HelpCard, MailCard } from './person-story.tsx';
import { SignInProtectionPanel } from './sign-in-protection.tsx';

function NewAccountPage({ principal }: { principal: Principal }) {
  const { t } = useI18n();
  const roles = ROLES.map((role) => ({ value: role, label: t(`accounts.role.${role}`) }));
  return (
    <Layout title={t('people.new.title')} principal={principal} narrow>
      <Form id="new-account" action="/portal/new-account" class="card">
        <Field name="name" label={t('accounts.field.fullName')} />
        <Field name="email" label={t('accounts.field.email')} type="email" />
        <Field name="role" label={t('people.role')} options={roles} value="support" />
        <Field
          name="password"
          label={t('people.new.password')}
          type="password"
          autocomplete="new-password"
          required={false}
          hint={t('people.new.passwordHint', { minimum: PASSWORD_MIN_LENGTH })}
        />
        <button type="submit">{t('people.new.submit')}</button>
      </Form>
    </Layout>
  );
}

function UserDetailPage({
  principal,
  account,
  message,
  licence,
  lock,
  leaving,
  story,
}: {
  principal: Principal;
  account: AccountView;
  /** Why a button's action was refused (a form with fields says so itself). */
  message?: string | undefined;
  licence?: AccountLicenceView | undefined;
  lock: SignInLock;
  leaving: LeavingView;
  story: PersonStory;
}) {
  const { t, format } = useI18n();
  if (leaving.erasedAt) {
    return <ErasedPersonPage principal={principal} account={account} leaving={leaving} message={message} />;
  }
  const admin = principal.account.role === 'admin' && principal.kind === 'session';
  const self = principal.account.id === account.id;
  const roles = ROLES.map((role) => ({ value: role, label: t(`accounts.role.${role}`) }));
  return (
    <Layout title={account.name} principal={principal}>
      {message && <Alert kind="error">{message}</Alert>}
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
          <Form id="person-change" action={`/portal/users/${account.id}`}>
            <Field name="name" label={t('people.name')} value={account.name} />
            <Field name="role" label={t('people.role')} options={roles} value={account.role} />
            <button type="submit" disabled={self}>
              {t('people.person.save')}
            </button>
            {self && <p class="hint">{t('people.person.ownRole')}</p>}
          </Form>
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

/** The page's forms with fields, which show their own failure; a button's failure is said at the top of the page. */
const FORMS_WITH_FIELDS = new Set(['person-change', 'person-erasure']);

/** A person's page; after a refused action, why (`submitForm` kept it), by the form or at the top. */
async function renderUser(deps: PeopleDeps, c: Context<AppEnv>, id: string, status: FailedStatus | 200 = 200) {
  const account = await findAccount(deps.db, id);
  if (!account) throw notFound('errors.not_found.account');
  const lock = await signInLock(deps, account.email);
  const leaving = await leavingView(deps, id);
  // Rule 26a: an erased account is in no count and no link; its licence facts would only say so.
  const licence = leaving.erasedAt ? undefined : await accountLicenceView(deps, id);
  const story = await personStory(deps.db, id, account.email);
  const kept = keptForm(c);
  return html(
    c,
    <UserDetailPage
      principal={principalOf(c)}
      account={toAccountView(account)}
      message={kept && (!FORMS_WITH_FIELDS.has(kept.form) || leaving.erasedAt) ? kept.message : undefined}
      licence={licence}
      lock={lock}
      leaving={leaving}
      story={story}
    />,
    status,
  );
}

/**
 * An action on a person's page (POST/redirect/GET): done, back to their page with what was done; refused, their page
 * again with the message at the form that asked.
 */
async function personAction(
  deps: PeopleDeps,
  c: Context<AppEnv>,
  form: string,
  values: Record<string, string>,
  action: (id: string) => Promise<Flash>,
) {
  const id = c.req.param('id') ?? '';
  const outcome = await submitForm(c, form, values, () => action(id));
  return outcome.ok
    ? redirectWithFlash(c, `/portal/users/${id}`, outcome.result)
    : renderUser(deps, c, id, outcome.status);
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
  const values = await formValues(c);
  if (!active && !isConfirmed(values)) return DeactivationConfirmation(deps, c, c.req.param('id') ?? '');
  return personAction(deps, c, 'person-active', values, async (id) => {
    const account = await setAccountActive(deps, actorOf(c), id, active);
    const key = active ? 'forms.person.activated' : 'forms.person.deactivated';
    return { key, values: { who: account.name || account.email } };
  });
}

export const personPages = (deps: PeopleDeps) =>
  new Hono<AppEnv>()
    .get('/new-account', requirePage('admin'), (c) => html(c, <NewAccountPage principal={principalOf(c)} />))
    .post('/new-account', requirePage('admin'), async (c) => {
      // Read untrimmed: a chosen password is kept exactly as typed.
      const form = await readForm(c, createUserBody);
      if (!form.ok) {
        keepFailedForm(c, 'new-account', form.values, form.errors);
        return html(c, <NewAccountPage principal={principalOf(c)} />, 400);
      }
      const outcome = await submitForm(c, 'new-account', form.values, () =>
        createAccountByAdmin(deps, actorOf(c), form.data),
      );
      if (!outcome.ok) return html(c, <NewAccountPage principal={principalOf(c)} />, outcome.status);
      const account = outcome.result;
      return redirectWithFlash(c, `/portal/users/${account.id}`, {
        key: 'forms.person.created',
        values: { who: account.name || account.email },
      });
    })
    .get('/users/:id', requirePage('staffRead'), (c) => renderUser(deps, c, c.req.param('id')))
    .post('/users/:id', requirePage('admin'), async (c) => {
      const values = await formValues(c);
      return personAction(deps, c, 'person-change', values, async (id) => {
        const input = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ''));
        await updateAccount(deps, actorOf(c), id, checked(updateForm, input));
        // A rename emits no account change; the licence directory's searchable name follows here.
        await deps.licensing.refreshOwnAccount(id);
        return { key: 'people.person.saved' };
      });
    })
    .post('/users/:id/sign-out-everywhere', requirePage('admin'), (c) =>
      personAction(deps, c, 'person-sign-out', {}, async (id) => ({
        key: 'signInProtection.signedOut',
        values: { ...(await signOutEverywhere(deps, actorOf(c), id)) },
      })),
    )
    .post('/users/:id/sign-in-lock/lift', requirePage('admin'), (c) =>
      personAction(deps, c, 'person-lift', {}, async (id) => {
        await liftSignInLock(deps, actorOf(c), id);
        return { key: 'signInProtection.lifted' };
      }),
    )
    .post('/users/:id/erasure', requirePage('admin'), async (c) => {
      const values = await formValues(c);
      return personAction(deps, c, 'person-erasure', values, async (id) => {
        if (values.confirm !== 'erase') throw validationFailed({ confirm: 'people.leave.eraseUnconfirmed' });
        await eraseAccount(deps, actorOf(c), id);
        return { key: 'people.leave.erasedNow' };
      });
    })
    .post('/users/:id/resend-confirmation', requirePage('staffSession'), (c) =>
      personAction(deps, c, 'person-confirmation', {}, async (id) => {
        await resendConfirmation(deps, actorOf(c), id);
        return { key: 'people.story.confirmationSent' };
      }),
    )
    .post('/users/:id/send-reset-link', requirePage('staffSession'), (c) =>
      personAction(deps, c, 'person-reset-link', {}, async (id) => {
        await sendResetLink(deps, actorOf(c), id);
        return { key: 'people.story.resetLinkSent' };
      }),
    )
    .post('/users/:id/activate', requirePage('admin'), (c) => changeActive(deps, c, true))
    .post('/users/:id/deactivate', requirePage('admin'), (c) => changeActive(deps, c, false));
