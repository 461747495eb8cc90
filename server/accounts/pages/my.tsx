import { Hono } from 'hono';
import { principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { i18nOf, localeOf } from '../../i18n/request.ts';
import { redirectWithFlash } from '../../web/flash.ts';
import { Alert, Layout } from '../../web/layout.tsx';
import { termText } from '../../web/licence-term.ts';
import { html, requirePage } from '../../web/page-helpers.tsx';
import type { AccountsDeps } from '../context.ts';
import { sendVerificationMail } from '../registration.ts';
import { YourDataCard } from './closure.tsx';

export const myPages = (deps: AccountsDeps) =>
  new Hono<AppEnv>()
    .get('/', requirePage('signedIn'), async (c) => {
      const principal = principalOf(c);
      const { account } = principal;
      const i18n = await i18nOf(c);
      const { t } = i18n;
      // Rule 23: once the licence is cancelled the platform is offline for candidates.
      const term = await deps.licenceTerm();
      if (term?.state === 'cancelled' && account.role === 'candidate') {
        return html(
          c,
          <Layout title={t('accounts.my.offlineTitle')} principal={principal}>
            <Alert kind="error">{t('accounts.my.offline', { term: termText(i18n, term) })}</Alert>
          </Layout>,
        );
      }
      const exams = await deps.examsHome(account);
      return html(
        c,
        <Layout title={t('accounts.my.title')} principal={principal}>
          {!account.email_verified_at && (
            <section class="card" aria-labelledby="verify">
              <h2 id="verify">{t('accounts.my.verifyHeading')}</h2>
              <p>{t('accounts.my.verifyText')}</p>
              <form method="post" action="/my/email-verification">
                <button type="submit" class="secondary">
                  {t('accounts.my.verifyResend')}
                </button>
              </form>
            </section>
          )}
          {exams ?? (
            <section class="card" aria-labelledby="exams">
              <h2 id="exams">{t('accounts.my.examsHeading')}</h2>
              <p>
                {t('accounts.my.examsText')} <a href="/exams">{t('accounts.my.examsLink')}</a> ·{' '}
                <a href="/history">{t('accounts.my.historyLink')}</a>
              </p>
            </section>
          )}
          <section class="card" aria-labelledby="settings">
            <h2 id="settings">{t('layout.settings')}</h2>
            <p>
              {t('accounts.my.settingsText', { zone: i18n.format.timeZone })}{' '}
              <a href="/settings">{t('accounts.my.settingsLink')}</a>
            </p>
          </section>
          <YourDataCard principal={principal} />
        </Layout>,
      );
    })
    .post('/email-verification', requirePage('signedIn'), async (c) => {
      await sendVerificationMail(deps, principalOf(c).account, localeOf(c));
      return redirectWithFlash(c, '/my', { key: 'accounts.my.verifySent' });
    });
