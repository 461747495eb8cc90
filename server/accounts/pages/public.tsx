import { Hono } from 'hono';
import type { ComponentChildren } from 'preact';
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
import { i18nOf } from '../../i18n/request.ts';
import { formFailure, readForm } from '../../web/forms.ts';
import { Alert, Field, Layout } from '../../web/layout.tsx';
import { html } from '../../web/page-helpers.tsx';
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

const PASSWORD_HINT = `At least ${PASSWORD_MIN_LENGTH} characters. A long phrase is easy to remember and hard to guess.`;

export const homeFor = (principal: Principal | null) =>
  !principal ? '/sign-in' : principal.account.role === 'candidate' ? '/my' : '/portal/users';

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
  return (
    <>
      <Field
        name="email"
        label="Email address"
        type="email"
        autocomplete={newAccount ? 'email' : 'username'}
        value={values.email}
        error={errors.email}
      />
      <Field
        name="password"
        label="Password"
        type="password"
        autocomplete={newAccount ? 'new-password' : 'current-password'}
        hint={newAccount ? PASSWORD_HINT : undefined}
        error={errors.password}
      />
    </>
  );
}

function SignInPage({ values = {}, errors = {}, message }: FormState) {
  return (
    <Layout title="Sign in" narrow>
      {message && <Alert kind="error">{message}</Alert>}
      <form method="post" action="/sign-in" class="card">
        <CredentialFields values={values} errors={errors} newAccount={false} />
        <button type="submit">Sign in</button>
      </form>
      <p>
        <a href="/forgot-password">Forgot your password?</a> · <a href="/register">Register as a candidate</a>
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

function RegisterPage({ values = {}, errors = {}, message }: FormState) {
  return (
    <Layout title="Register as a candidate" narrow>
      {message && <Alert kind="error">{message}</Alert>}
      <form method="post" action="/register" class="card">
        <NewAccountFields nameLabel="Full name" values={values} errors={errors} />
        <button type="submit">Register</button>
      </form>
      <p>
        Already registered? <a href="/sign-in">Sign in</a>
      </p>
    </Layout>
  );
}

function TokenForm(props: {
  action: string;
  title: string;
  token: string;
  button: string;
  children?: ComponentChildren;
}) {
  return (
    <form method="post" action={props.action} class="card">
      <input type="hidden" name="token" value={props.token} />
      {props.children}
      <button type="submit">{props.button}</button>
    </form>
  );
}

function SetPasswordPage({ token, errors = {}, message }: FormState & { token: string }) {
  return (
    <Layout title="Choose a new password" narrow>
      {message && <Alert kind="error">{message}</Alert>}
      <TokenForm action="/reset-password" title="Choose a new password" token={token} button="Save password">
        <Field
          name="password"
          label="New password"
          type="password"
          autocomplete="new-password"
          hint={PASSWORD_HINT}
          error={errors.password}
        />
      </TokenForm>
    </Layout>
  );
}

function SetupPage({ token, values = {}, errors = {}, message }: FormState & { token: string }) {
  return (
    <Layout title="Set up Seatkeeper" narrow>
      <p>Create the first administrator account. This link works once.</p>
      {message && <Alert kind="error">{message}</Alert>}
      <TokenForm action="/setup" title="Set up" token={token} button="Create administrator">
        <NewAccountFields nameLabel="Your name" values={values} errors={errors} />
      </TokenForm>
    </Layout>
  );
}

/** A setup link that cannot create the admin: why, and what to do instead. */
const SetupRefused = ({ code, message }: { code: string; message: string }) => (
  <Layout title="Set up Seatkeeper" narrow>
    <Alert kind="error">{message}</Alert>
    {code === 'setup_complete' && (
      <p>
        <a href="/sign-in">Sign in</a>
      </p>
    )}
  </Layout>
);

const LinkProblem = ({ title }: { title: string }) => (
  <Layout title={title} narrow>
    <Alert kind="error">This link is invalid, expired or already used.</Alert>
    <p>
      <a href="/forgot-password">Ask for a new password link</a> or <a href="/sign-in">sign in</a>.
    </p>
  </Layout>
);

export const publicPages = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/', (c) => c.redirect(homeFor(c.get('principal')), 303))
    .get('/sign-in', (c) =>
      c.get('principal') ? c.redirect(homeFor(c.get('principal')), 303) : html(c, <SignInPage />),
    )
    .post('/sign-in', async (c) => {
      const form = await readForm(c, signInBody);
      if (!form.ok) return html(c, <SignInPage values={form.values} errors={form.errors} />, 400);
      try {
        const signedIn = await signIn(deps, actorOf(c), form.data, deviceCookieOf(c));
        await endCurrentSession(c);
        setSignInCookies(c, signedIn);
        return c.redirect(signedIn.account.role === 'candidate' ? '/my' : '/portal/users', 303);
      } catch (error) {
        const failure = formFailure(c, error);
        // Rule 26a: a closed account says so in the person's language.
        const message =
          failure.code === 'account_closed' ? i18nOf(c).t('accounts.leave.signIn.closed') : failure.message;
        return html(c, <SignInPage values={{ email: form.data.email }} message={message} />, failure.status);
      }
    })
    .post('/sign-out', async (c) => {
      await endCurrentSession(c);
      clearSessionCookie(c);
      return c.redirect('/sign-in', 303);
    })
    .get('/register', (c) => html(c, <RegisterPage />))
    .post('/register', async (c) => {
      const form = await readForm(c, registrationBody);
      if (!form.ok) return html(c, <RegisterPage values={form.values} errors={form.errors} />, 400);
      try {
        await registerCandidate(deps, actorOf(c), form.data);
      } catch (error) {
        const failure = formFailure(c, error);
        const { password: _omit, ...values } = form.data;
        return html(
          c,
          <RegisterPage values={values} errors={failure.fields} message={failure.message} />,
          failure.status,
        );
      }
      return html(
        c,
        <Layout title="Check your email" narrow>
          <Alert kind="success">We sent a confirmation link to {form.data.email}.</Alert>
          <p>Open it to confirm your address; you need a confirmed address before you can sit an exam.</p>
          <p>
            <a href="/sign-in">Sign in</a>
          </p>
        </Layout>,
      );
    })
    // The emailed link only shows a button: GET never changes state, and mail scanners that prefetch links do no harm.
    .get('/verify-email', (c) => {
      const token = c.req.query('token') ?? '';
      return html(
        c,
        <Layout title="Confirm your email address" narrow>
          <TokenForm action="/verify-email" title="Confirm" token={token} button="Confirm my email address" />
        </Layout>,
      );
    })
    .post('/verify-email', async (c) => {
      const form = await readForm(c, emailVerificationBody);
      if (!form.ok) return html(c, <LinkProblem title="Email not confirmed" />, 400);
      try {
        await verifyEmail(deps, actorOf(c), form.data.token);
      } catch (error) {
        const failure = formFailure(c, error);
        return html(c, <LinkProblem title="Email not confirmed" />, failure.status === 429 ? 429 : 400);
      }
      return html(
        c,
        <Layout title="Email address confirmed" principal={c.get('principal')} narrow>
          <Alert kind="success">Thank you, your email address is confirmed.</Alert>
          <p>
            <a href={homeFor(c.get('principal'))}>Continue</a>
          </p>
        </Layout>,
      );
    })
    .get('/forgot-password', (c) =>
      html(
        c,
        <Layout title="Forgot your password?" narrow>
          <form method="post" action="/forgot-password" class="card">
            <Field name="email" label="Email address" type="email" autocomplete="email" />
            <button type="submit">Email me a reset link</button>
          </form>
        </Layout>,
      ),
    )
    .post('/forgot-password', async (c) => {
      const form = await readForm(c, passwordResetBody);
      if (!form.ok) {
        return html(
          c,
          <Layout title="Forgot your password?" narrow>
            <form method="post" action="/forgot-password" class="card">
              <Field
                name="email"
                label="Email address"
                type="email"
                value={form.values.email}
                error={form.errors.email}
              />
              <button type="submit">Email me a reset link</button>
            </form>
          </Layout>,
          400,
        );
      }
      try {
        await requestPasswordReset(deps, actorOf(c), form.data.email);
      } catch (error) {
        const failure = formFailure(c, error);
        return html(
          c,
          <Layout title="Forgot your password?" narrow>
            <Alert kind="error">{failure.message}</Alert>
          </Layout>,
          failure.status,
        );
      }
      return html(
        c,
        <Layout title="Check your email" narrow>
          <Alert kind="success">
            If {form.data.email} belongs to an account, we sent it a link to choose a new password. The link works once
            and expires in {PASSWORD_RESET_MINUTES} minutes.
          </Alert>
        </Layout>,
      );
    })
    .get('/reset-password', async (c) => {
      const token = c.req.query('token') ?? '';
      const valid = await peekOneTimeToken(deps.db, token, ['password_reset', 'invitation'], deps.clock());
      if (!valid) return html(c, <LinkProblem title="Choose a new password" />, 400);
      return html(c, <SetPasswordPage token={token} />);
    })
    .post('/reset-password', async (c) => {
      const form = await readForm(c, passwordResetConfirmBody);
      if (!form.ok) {
        return html(c, <SetPasswordPage token={form.values.token ?? ''} errors={form.errors} />, 400);
      }
      let tokensRevoked: number;
      try {
        ({ tokensRevoked } = await confirmPasswordReset(deps, actorOf(c), form.data.token, form.data.password));
      } catch (error) {
        const failure = formFailure(c, error);
        return html(c, <LinkProblem title="Password not changed" />, failure.status);
      }
      clearSessionCookie(c);
      return html(
        c,
        <Layout title="Password saved" narrow>
          <Alert kind="success">Your new password is saved. Every earlier sign-in has ended.</Alert>
          {tokensRevoked > 0 && <p>{i18nOf(c).t('signInProtection.reset.tokensRevoked', { count: tokensRevoked })}</p>}
          <p>
            <a href="/sign-in">Sign in</a>
          </p>
        </Layout>,
      );
    })
    .get('/setup', async (c) => {
      const token = c.req.query('token') ?? '';
      const { db, clock } = deps;
      const refusal = await setupLinkRefusal(db, token, clock());
      if (refusal) {
        const failure = formFailure(c, refusal);
        return html(c, <SetupRefused code={failure.code} message={failure.message} />, failure.status);
      }
      return html(c, <SetupPage token={token} />);
    })
    .post('/setup', async (c) => {
      const form = await readForm(c, setupBody);
      if (!form.ok)
        return html(c, <SetupPage token={form.values.token ?? ''} values={form.values} errors={form.errors} />, 400);
      try {
        const { account, sessionToken } = await completeSetup(deps, actorOf(c), form.data);
        setSessionCookie(c, sessionToken, account.role);
      } catch (error) {
        const failure = formFailure(c, error);
        // A refused link gets no form back: no other name, email or password would make it work.
        if (failure.code === 'setup_complete' || failure.code === 'invalid_token') {
          return html(c, <SetupRefused code={failure.code} message={failure.message} />, failure.status);
        }
        const { password: _omit, ...values } = form.data;
        return html(
          c,
          <SetupPage token={form.data.token} values={values} errors={failure.fields} message={failure.message} />,
          failure.status,
        );
      }
      return c.redirect('/portal/users', 303);
    });
