import type { Deps } from '../../deps.ts';
import { actorOf, setSessionCookie } from '../../http/auth.ts';
import { apiRoute, createApi, jsonAnswer, jsonBody } from '../../http/routes.ts';
import { statusResponse } from '../../http/schemas.ts';
import { toAccountView } from '../accounts.ts';
import { confirmPasswordReset, requestPasswordReset } from '../password-reset.ts';
import { registerCandidate, verifyEmail } from '../registration.ts';
import { completeSetup } from '../setup.ts';
import {
  accountResponse,
  emailVerificationBody,
  passwordChangedResponse,
  passwordResetBody,
  passwordResetConfirmBody,
  registrationBody,
  setupBody,
} from './schemas.ts';

const tag = 'Registration';

export const registerRoute = apiRoute({
  operationId: 'register',
  method: 'post',
  path: '/registrations',
  tag,
  access: 'public',
  summary: 'Candidate self-registration; always answers 202 so addresses cannot be probed',
  request: { body: jsonBody(registrationBody) },
  responses: { 202: jsonAnswer(statusResponse, 'Check your mailbox.') },
  errors: [429],
});

export const verifyEmailRoute = apiRoute({
  operationId: 'verifyEmail',
  method: 'post',
  path: '/email-verifications',
  tag,
  access: 'public',
  summary: 'Confirm an email address with the emailed token',
  request: { body: jsonBody(emailVerificationBody) },
  responses: { 200: jsonAnswer(statusResponse, 'Verified.') },
  errors: [429],
});

export const requestPasswordResetRoute = apiRoute({
  operationId: 'requestPasswordReset',
  method: 'post',
  path: '/password-resets',
  tag,
  access: 'public',
  summary: 'Email a password reset link (same answer whether or not the address exists)',
  request: { body: jsonBody(passwordResetBody) },
  responses: { 202: jsonAnswer(statusResponse, 'If the address has an account, a link was sent.') },
  errors: [429],
});

export const confirmPasswordResetRoute = apiRoute({
  operationId: 'confirmPasswordReset',
  method: 'post',
  path: '/password-resets/confirm',
  tag,
  access: 'public',
  summary: 'Set a new password with a reset or invitation token; ends all sessions and revokes all access tokens',
  request: { body: jsonBody(passwordResetConfirmBody) },
  responses: {
    200: jsonAnswer(passwordChangedResponse, 'Password changed; every session ended and every access token revoked.'),
  },
  errors: [429],
});

export const setupRoute = apiRoute({
  operationId: 'setup',
  method: 'post',
  path: '/setup',
  tag,
  access: 'public',
  summary: 'Create the first admin with the one-time setup token printed at first start',
  request: { body: jsonBody(setupBody) },
  responses: { 201: jsonAnswer(accountResponse, 'First admin created and signed in.') },
  errors: [409, 429],
});

export const registrationApi = (deps: Deps) =>
  createApi()
    .openapi(registerRoute, async (c) => {
      await registerCandidate(deps, actorOf(c), c.req.valid('json'));
      return c.json({ status: 'verification_sent' }, 202);
    })
    .openapi(verifyEmailRoute, async (c) => {
      await verifyEmail(deps, actorOf(c), c.req.valid('json').token);
      return c.json({ status: 'verified' }, 200);
    })
    .openapi(requestPasswordResetRoute, async (c) => {
      await requestPasswordReset(deps, actorOf(c), c.req.valid('json').email);
      return c.json({ status: 'sent_if_account_exists' }, 202);
    })
    .openapi(confirmPasswordResetRoute, async (c) => {
      const { token, password } = c.req.valid('json');
      const { sessionsEnded, tokensRevoked } = await confirmPasswordReset(deps, actorOf(c), token, password);
      return c.json({ status: 'password_changed' as const, sessionsEnded, tokensRevoked }, 200);
    })
    .openapi(setupRoute, async (c) => {
      const { account, sessionToken } = await completeSetup(deps, actorOf(c), c.req.valid('json'));
      setSessionCookie(c, sessionToken, account.role);
      return c.json({ account: toAccountView(account) }, 201);
    });
