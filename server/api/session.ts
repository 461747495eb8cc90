import { Hono } from 'hono';
import { sendVerificationMail, signIn, toAccountView } from '../accounts/accounts.ts';
import { actorOf, clearSessionCookie, endCurrentSession, guard, principalOf, setSessionCookie } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { validate } from '../http/validation.ts';
import { API_ROUTES as R } from './routes.ts';

export const sessionApi = new Hono<AppEnv>()
  .post('/session', guard(R.signIn.access), validate('json', R.signIn.body), async (c) => {
    const { account, sessionToken } = await signIn(c.get('deps'), actorOf(c), c.req.valid('json'));
    await endCurrentSession(c);
    setSessionCookie(c, sessionToken, account.role);
    return c.json({ account: toAccountView(account) }, 200);
  })
  .delete('/session', guard(R.signOut.access), async (c) => {
    await endCurrentSession(c);
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .get('/me', guard(R.me.access), (c) => c.json({ account: toAccountView(principalOf(c).account) }, 200))
  .post('/me/email-verification', guard(R.resendVerification.access), async (c) => {
    await sendVerificationMail(c.get('deps'), principalOf(c).account);
    return c.json({ status: 'sent_if_unverified' }, 202);
  });
