import type { Deps } from '../../deps.ts';
import {
  actorOf,
  clearSessionCookie,
  deviceCookieOf,
  endCurrentSession,
  principalOf,
  setSignInCookies,
} from '../../http/auth.ts';
import { apiRoute, createApi, jsonAnswer, jsonBody, noContent } from '../../http/routes.ts';
import { statusResponse } from '../../http/schemas.ts';
import { localeOf } from '../../i18n/request.ts';
import { toAccountView } from '../accounts.ts';
import { sendVerificationMail } from '../registration.ts';
import { signIn } from '../sign-in.ts';
import { accountResponse, signInBody } from './schemas.ts';

const tag = 'Session';

export const signInRoute = apiRoute({
  operationId: 'signIn',
  method: 'post',
  path: '/session',
  tag,
  access: 'public',
  summary: 'Sign in with email and password; sets the session cookie',
  request: { body: jsonBody(signInBody) },
  responses: { 200: jsonAnswer(accountResponse, 'Signed in.') },
  errors: [429],
});

export const signOutRoute = apiRoute({
  operationId: 'signOut',
  method: 'delete',
  path: '/session',
  tag,
  access: 'public',
  summary: 'Sign out: ends the current session (idempotent)',
  responses: { 204: { description: 'Signed out.' } },
});

export const meRoute = apiRoute({
  operationId: 'me',
  method: 'get',
  path: '/me',
  tag,
  access: 'signedIn',
  summary: 'The signed-in account (or the token owner)',
  responses: { 200: jsonAnswer(accountResponse, 'The current account.') },
});

export const resendVerificationRoute = apiRoute({
  operationId: 'resendVerification',
  method: 'post',
  path: '/me/email-verification',
  tag,
  access: 'signedIn',
  summary: 'Send a new email verification link',
  responses: { 202: jsonAnswer(statusResponse, 'A new link was sent if the address is not verified yet.') },
});

export const sessionApi = (deps: Deps) =>
  createApi()
    .openapi(signInRoute, async (c) => {
      const signedIn = await signIn(deps, actorOf(c), c.req.valid('json'), deviceCookieOf(c));
      await endCurrentSession(c);
      setSignInCookies(c, signedIn);
      return c.json({ account: toAccountView(signedIn.account) }, 200);
    })
    .openapi(signOutRoute, async (c) => {
      await endCurrentSession(c);
      clearSessionCookie(c);
      return noContent(c);
    })
    .openapi(meRoute, (c) => c.json({ account: toAccountView(principalOf(c).account) }, 200))
    .openapi(resendVerificationRoute, async (c) => {
      await sendVerificationMail(deps, principalOf(c).account, localeOf(c));
      return c.json({ status: 'sent_if_unverified' }, 202);
    });
