import { Hono } from 'hono';
import type { ComponentChildren } from 'preact';
import { z } from 'zod';
import { peekOneTimeToken } from '../../auth/one-time-tokens.ts';
import { PASSWORD_MIN_LENGTH } from '../../auth/passwords.ts';
import type { Principal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import {
  actorOf,
  clearSessionCookie,
  deviceCookieOf,
  endCurrentSession,
  setSessionCookie,
  setSignInCookies,
} from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import type { FieldErrors } from '../../http/errors.ts';
import type { MessageKey } from '../../i18n/messages.ts';
import { i18nOf, useI18n } from '../../i18n/request.ts';
import { redirectWithFlash } from '../../web/flash.ts';
import { formFailure, keepFailedForm, readForm, submitForm } from '../../web/forms.ts';
import { Alert, Field, Form, Layout, Rich } from '../../web/layout.tsx';
import { html } from '../../web/page-helpers.tsx';
import { safeReturnPath } from '../../web/return-path.ts';
import {
  emailVerificationBody,
  passwordResetBody,
  passwordResetConfirmBody,
  registrationBody,
  setupBody,
  signInBody,
} from '../api/schemas.ts';
import { confirmPasswordReset, PASSWORD_RESET_MINUTES, requestPasswordReset } from '../password-reset.ts';
import { registerCandidate, verifyEmail } from '../registration.ts';
import { completeSetup, setupLinkRefusal } from '../setup.ts';
import { signIn } from '../sign-in.ts';

export const homeFor = (principal: Principal | null) =>
  !principal ? '/sign-in' : principal.account.role === 'candidate' ? '/my' : '/portal/overview';

interface FormState {
  values?: Record<string, string>;
  errors?: FieldErrors;
  message?: string;
}

/**
 * Email and password. `autocomplete` tells password managers which they are for: signing in to an existing account
 * (`username`, `current-password`) or choosing them for a new one (`email`, `new-password`, with the password hint).
 */
function CredentialFields({ values = {}, errors = {}, newAccount }: FormState & { newAccount: boolean }) {
  const { t } = useI18n();
  return (
    <>
      <Field
        name="email"
        label={t('accounts.field.email')}
        type="email"
        autocomplete={newAccount ? 'email' : 'username'}
        value={values.email}
        error={errors.email}
      />
      <Field
        name="password"
        label={t('accounts.field.password')}
        type="password"
        autocomplete={newAccount ? 'new-password' : 'current-password'}
        hint={newAccount ? t('accounts.field.passwordHint', { minimum: PASSWORD_MIN_LENGTH }) : undefined}
        error={errors.password}
      />
    </>
  );
}

function SignInPage({ values = {}, errors = {}, message, next }: FormState & { next?: string | undefined }) {
  const { t } = useI18n();
  return (
    <Layout title={t('accounts.signIn.title')} narrow>
      {message && <Alert kind="error">{message}</Alert>}
      <form method="post" action="/sign-in" class="card">
        {next && <input type="hidden" name="next" value={next} />}
        <CredentialFields values={values} errors={errors} newAccount={false} />
        <button type="submit">{t('accounts.signIn.submit')}</button>
      </form>
      <p>
        <a href="/forgot-password">{t('accounts.signIn.forgot')}</a> ·{' '}
        <a href="/register">{t('accounts.signIn.register')}</a>
      </p>
    </Layout>
  );
}

/** Name, email and a new password: the fields of registration and of the first admin's setup. */
function NewAccountFields({ nameLabel, values = {}, errors = {} }: FormState & { nameLabel: string }) {
  return (
    <>
      <Field name="name" label={nameLabel} autocomplete="name" value={values.name} error={errors.name} />
      <CredentialFields values={values} errors={errors} newAccount />
    </>
  );
}

function RegisterPage() {
  const { t } = useI18n();
  return (
    <Layout title={t('accounts.register.title')} narrow>
      <Form id="register" action="/register" class="card">
        <NewAccountFields nameLabel={t('accounts.field.fullName')} />
        <button type="submit">{t('accounts.register.submit')}</button>
      </Form>
      <p>
        <Rich k="accounts.register.already" tags={{ a: (chunks) => <a href="/sign-in">{chunks}</a> }} />
      </p>
    </Layout>
  );
}

function TokenForm(props: { action: string; token: string; button: string; children?: ComponentChildren }) {
  return (
    <form method="post" action={props.action} class="card">
      <input type="hidden" name="token" value={props.token} />
      {props.children}
      <button type="submit">{props.button}</button>
    </form>
  );
}

function SetPasswordPage({ token }: { token: string }) {
  const { t } = useI18n();
  return (
    <Layout title={t('accounts.reset.title')} narrow>
      <Form id="reset-password" action="/reset-password" class="card">
        <input type="hidden" name="token" value={token} />
        <Field
          name="password"
          label={t('accounts.field.newPassword')}
          type="password"
          autocomplete="new-password"
          hint={t('accounts.field.passwordHint', { minimum: PASSWORD_MIN_LENGTH })}
        />
        <button type="submit">{t('accounts.reset.submit')}</button>
      </Form>
    </Layout>
  );
}

function SetupPage({ token }: { token: string }) {
  const { t } = useI18n();
  return (
    <Layout title={t('accounts.setup.title')} narrow>
      <p>{t('accounts.setup.intro')}</p>
      <Form id="setup" action="/setup" class="card">
        <input type="hidden" name="token" value={token} />
        <NewAccountFields nameLabel={t('accounts.field.yourName')} />
        <button type="submit">{t('accounts.setup.submit')}</button>
      </Form>
    </Layout>
  );
}

/** A setup link that cannot create the admin: why, and what to do instead. */
function SetupRefused({ code, message }: { code: string; message: string }) {
  const { t } = useI18n();
  return (
    <Layout title={t('accounts.setup.title')} narrow>
      <Alert kind="error">{message}</Alert>
      {code === 'setup_complete' && (
        <p>
          <a href="/sign-in">{t('accounts.signIn.submit')}</a>
        </p>
      )}
    </Layout>
  );
}

function LinkProblem({ title }: { title: MessageKey }) {
  const { t } = useI18n();
  return (
    <Layout title={t(title)} narrow>
      <Alert kind="error">{t('accounts.link.problem')}</Alert>
      <p>
        <a href="/forgot-password">{t('accounts.link.askNew')}</a> ·{' '}
        <a href="/sign-in">{t('accounts.signIn.submit')}</a>
      </p>
    </Layout>
  );
}

/** A short page after a form: its title, the message, and where to go next. */
function Done({
  title,
  children,
  principal,
}: {
  title: MessageKey;
  children: ComponentChildren;
  principal?: Principal | null;
}) {
  const { t } = useI18n();
  return (
    <Layout title={t(title)} principal={principal} narrow>
      {children}
    </Layout>
  );
}

function ForgotPasswordPage() {
  const { t } = useI18n();
  return (
    <Layout title={t('accounts.forgot.title')} narrow>
      <Form id="forgot-password" action="/forgot-password" class="card">
        <Field name="email" label={t('accounts.field.email')} type="email" autocomplete="email" />
        <button type="submit">{t('accounts.forgot.submit')}</button>
      </Form>
    </Layout>
  );
}

/** The sign-in form also says which page to go back to. */
const signInForm = signInBody.extend({ next: z.string().max(2000).optional() });

export const publicPages = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/', (c) => c.redirect(homeFor(c.get('principal')), 303))
    .get('/sign-in', async (c) => {
      const next = safeReturnPath(c.req.query('next'));
      const principal = c.get('principal');
      return principal ? c.redirect(next ?? homeFor(principal), 303) : html(c, <SignInPage next={next} />);
    })
    .post('/sign-in', async (c) => {
      const form = await readForm(c, signInForm);
      // The page that asked for sign-in, when it is on this site (never another origin: no open redirect).
      const next = safeReturnPath(form.values.next);
      if (!form.ok) return html(c, <SignInPage values={form.values} errors={form.errors} next={next} />, 400);
      try {
        const { next: _next, ...credentials } = form.data;
        const signedIn = await signIn(deps, actorOf(c), credentials, deviceCookieOf(c));
        await endCurrentSession(c);
        setSignInCookies(c, signedIn);
        return c.redirect(next ?? (signedIn.account.role === 'candidate' ? '/my' : '/portal/overview'), 303);
      } catch (error) {
        const failure = await formFailure(c, error);
        // Rule 26a: a closed account says so in the person's language.
        const message =
          failure.code === 'account_closed' ? (await i18nOf(c)).t('accounts.leave.signIn.closed') : failure.message;
        return html(
          c,
          <SignInPage values={{ email: form.data.email }} message={message} next={next} />,
          failure.status,
        );
      }
    })
    .post('/sign-out', async (c) => {
      await endCurrentSession(c);
      clearSessionCookie(c);
      return redirectWithFlash(c, '/sign-in', { key: 'forms2.signedOut' });
    })
    .get('/register', (c) => html(c, <RegisterPage />))
    .post('/register', async (c) => {
      const form = await readForm(c, registrationBody);
      if (!form.ok) {
        keepFailedForm(c, 'register', form.values, form.errors);
        return html(c, <RegisterPage />, 400);
      }
      const { data } = form;
      const registered = await submitForm(c, 'register', form.values, () => registerCandidate(deps, actorOf(c), data));
      if (!registered.ok) return html(c, <RegisterPage />, registered.status);
      // The same answer whether or not the address already has an account (no enumeration).
      return redirectWithFlash(c, '/sign-in', { key: 'forms2.register.sent', values: { email: data.email } });
    })
    // The emailed link only shows a button: GET never changes state, and mail scanners that prefetch links do no harm.
    .get('/verify-email', async (c) => {
      const token = c.req.query('token') ?? '';
      const { t } = await i18nOf(c);
      return html(
        c,
        <Done title="accounts.verify.title">
          <TokenForm action="/verify-email" token={token} button={t('accounts.verify.submit')} />
        </Done>,
      );
    })
    .post('/verify-email', async (c) => {
      const form = await readForm(c, emailVerificationBody);
      if (!form.ok) return html(c, <LinkProblem title="accounts.verify.failedTitle" />, 400);
      try {
        await verifyEmail(deps, actorOf(c), form.data.token);
      } catch (error) {
        const failure = await formFailure(c, error);
        return html(c, <LinkProblem title="accounts.verify.failedTitle" />, failure.status === 429 ? 429 : 400);
      }
      return redirectWithFlash(c, homeFor(c.get('principal')), { key: 'accounts.verify.done' });
    })
    .get('/forgot-password', (c) => html(c, <ForgotPasswordPage />))
    .post('/forgot-password', async (c) => {
      const form = await readForm(c, passwordResetBody);
      if (!form.ok) {
        keepFailedForm(c, 'forgot-password', form.values, form.errors);
        return html(c, <ForgotPasswordPage />, 400);
      }
      const { email } = form.data;
      const sent = await submitForm(c, 'forgot-password', form.values, () =>
        requestPasswordReset(deps, actorOf(c), email),
      );
      if (!sent.ok) return html(c, <ForgotPasswordPage />, sent.status);
      // The same answer whether or not the address has an account (no enumeration).
      return redirectWithFlash(c, '/forgot-password', {
        key: 'accounts.forgot.sent',
        values: { email, minutes: PASSWORD_RESET_MINUTES },
      });
    })
    .get('/reset-password', async (c) => {
      const token = c.req.query('token') ?? '';
      const valid = await peekOneTimeToken(deps.db, token, ['password_reset', 'invitation'], deps.clock());
      if (!valid) return html(c, <LinkProblem title="accounts.reset.title" />, 400);
      return html(c, <SetPasswordPage token={token} />);
    })
    .post('/reset-password', async (c) => {
      const form = await readForm(c, passwordResetConfirmBody);
      if (!form.ok) {
        keepFailedForm(c, 'reset-password', form.values, form.errors);
        return html(c, <SetPasswordPage token={form.values.token ?? ''} />, 400);
      }
      let tokensRevoked: number;
      try {
        ({ tokensRevoked } = await confirmPasswordReset(deps, actorOf(c), form.data.token, form.data.password));
      } catch (error) {
        const failure = await formFailure(c, error);
        return html(c, <LinkProblem title="accounts.reset.failedTitle" />, failure.status);
      }
      clearSessionCookie(c);
      return redirectWithFlash(
        c,
        '/sign-in',
        tokensRevoked > 0
          ? { key: 'forms2.reset.doneTokensRevoked', values: { count: tokensRevoked } }
          : { key: 'forms2.reset.done' },
      );
    })
    .get('/setup', async (c) => {
      const token = c.req.query('token') ?? '';
      const { db, clock } = deps;
      const refusal = await setupLinkRefusal(db, token, clock());
      if (refusal) {
        const failure = await formFailure(c, refusal);
        return html(c, <SetupRefused code={failure.code} message={failure.message} />, failure.status);
      }
      return html(c, <SetupPage token={token} />);
    })
    .post('/setup', async (c) => {
      const form = await readForm(c, setupBody);
      if (!form.ok) {
        keepFailedForm(c, 'setup', form.values, form.errors);
        return html(c, <SetupPage token={form.values.token ?? ''} />, 400);
      }
      let name: string;
      try {
        const { account, sessionToken } = await completeSetup(deps, actorOf(c), form.data);
        setSessionCookie(c, sessionToken, account.role);
        name = account.name;
      } catch (error) {
        const failure = await formFailure(c, error);
        // A refused link gets no form back: no other name, email or password would make it work.
        if (failure.code === 'setup_complete' || failure.code === 'invalid_token') {
          return html(c, <SetupRefused code={failure.code} message={failure.message} />, failure.status);
        }
        keepFailedForm(c, 'setup', form.values, failure.fields, failure.message);
        return html(c, <SetupPage token={form.data.token} />, failure.status);
      }
      // Sealed with the session this answer sets: the admin's first page greets them.
      return redirectWithFlash(c, '/portal/overview', { key: 'forms2.setup.done', values: { name } });
    });
