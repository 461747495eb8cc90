import { Hono } from 'hono';
import {
  completeSetup,
  confirmPasswordReset,
  registerCandidate,
  requestPasswordReset,
  toAccountView,
  verifyEmail,
} from '../accounts/accounts.ts';
import { actorOf, guard, setSessionCookie } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { validate } from '../http/validation.ts';
import { API_ROUTES as R } from './routes.ts';

export const registrationApi = new Hono<AppEnv>()
  .post('/registrations', guard(R.register.access), validate('json', R.register.body), async (c) => {
    await registerCandidate(c.get('deps'), actorOf(c), c.req.valid('json'));
    return c.json({ status: 'verification_sent' }, 202);
  })
  .post('/email-verifications', guard(R.verifyEmail.access), validate('json', R.verifyEmail.body), async (c) => {
    await verifyEmail(c.get('deps'), actorOf(c), c.req.valid('json').token);
    return c.json({ status: 'verified' }, 200);
  })
  .post(
    '/password-resets',
    guard(R.requestPasswordReset.access),
    validate('json', R.requestPasswordReset.body),
    async (c) => {
      await requestPasswordReset(c.get('deps'), actorOf(c), c.req.valid('json').email);
      return c.json({ status: 'sent_if_account_exists' }, 202);
    },
  )
  .post(
    '/password-resets/confirm',
    guard(R.confirmPasswordReset.access),
    validate('json', R.confirmPasswordReset.body),
    async (c) => {
      const { token, password } = c.req.valid('json');
      await confirmPasswordReset(c.get('deps'), actorOf(c), token, password);
      return c.json({ status: 'password_changed' }, 200);
    },
  )
  .post('/setup', guard(R.setup.access), validate('json', R.setup.body), async (c) => {
    const { account, sessionToken } = await completeSetup(c.get('deps'), actorOf(c), c.req.valid('json'));
    setSessionCookie(c, sessionToken, account.role);
    return c.json({ account: toAccountView(account) }, 201);
  });
