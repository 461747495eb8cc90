import { Hono } from 'hono';
import { principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { Alert, Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import type { AccountsDeps } from '../context.ts';
import { sendVerificationMail } from '../registration.ts';
import { YourDataCard } from './closure.tsx';

export const myPages = (deps: AccountsDeps) =>
  new Hono<AppEnv>()
    .get('/', requirePage('signedIn'), async (c) => {
      const principal = principalOf(c);
      const { account } = principal;
      // Rule 23: once the licence is cancelled the platform is offline for candidates.
      const term = await deps.licenceTerm();
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
          <YourDataCard principal={principal} />
        </Layout>,
      );
    })
    .post('/email-verification', requirePage('signedIn'), async (c) => {
      await sendVerificationMail(deps, principalOf(c).account);
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
