// /my/close: a candidate closes their own account (rule 26a), after reading in plain words what happens.
import { type Context, Hono } from 'hono';
import type { Principal } from '../../auth/principal.ts';
import { actorOf, clearDeviceCookie, clearSessionCookie, principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { ApiError } from '../../http/errors.ts';
import type { I18n, Translate } from '../../i18n/messages.ts';
import { i18nOf, useI18n } from '../../i18n/request.ts';
import { type Flash, redirectWithFlash } from '../../web/flash.ts';
import { formFailure, readForm } from '../../web/forms.ts';
import { Alert, Field, Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import { closureBody } from '../api/closure.ts';
import { type ClosedAccount, closeOwnAccount, erasureDate } from '../closing.ts';
import type { AccountsDeps } from '../context.ts';

/** Where a person downloads their data (server/people/api.ts serves both). */
export const DATA_DOWNLOADS = { json: '/api/v1/me/personal-data', zip: '/api/v1/me/personal-data.zip' } as const;

export function DataDownloadLinks() {
  const { t } = useI18n();
  return (
    <ul class="downloads">
      <li>
        <a href={DATA_DOWNLOADS.json} download>
          {t('accounts.leave.data.json')}
        </a>
      </li>
      <li>
        <a href={DATA_DOWNLOADS.zip} download>
          {t('accounts.leave.data.zip')}
        </a>
      </li>
    </ul>
  );
}

/** On /my: the person's data to download, and the way to close the account (candidates). */
export function YourDataCard({ principal }: { principal: Principal }) {
  const { t } = useI18n();
  return (
    <section class="card" aria-labelledby="your-data">
      <h2 id="your-data">{t('accounts.leave.my.title')}</h2>
      <p>{t('accounts.leave.my.download')}</p>
      <DataDownloadLinks />
      {principal.account.role === 'candidate' && (
        <p>
          <a href="/my/close">{t('accounts.leave.my.close')}</a>
        </p>
      )}
    </section>
  );
}

interface ClosePageProps {
  principal: Principal;
  erasureDays: number;
  /** The erasure day if the account were closed today. */
  erasureOn: string;
  error?: string;
}

function ClosePage({ principal, erasureDays, erasureOn, error }: ClosePageProps) {
  const { t, format } = useI18n();
  const { account } = principal;
  if (account.role !== 'candidate') {
    return (
      <Layout title={t('accounts.leave.close.title')} principal={principal} narrow>
        <Alert kind="error">{t('accounts.leave.close.staff')}</Alert>
      </Layout>
    );
  }
  return (
    <Layout title={t('accounts.leave.close.title')} principal={principal} narrow>
      <section class="card" aria-labelledby="what-happens">
        <h2 id="what-happens">{t('accounts.leave.close.whatHappens')}</h2>
        <ul>
          <li>{t('accounts.leave.close.noSignIn')}</li>
          <li>{t('accounts.leave.close.certificates')}</li>
          <li>{t('accounts.leave.close.results')}</li>
          <li>{t('accounts.leave.close.attempt')}</li>
          <li>
            {t('accounts.leave.close.erasure', {
              days: erasureDays,
              date: format.date(`${erasureOn}T00:00:00Z`),
            })}
          </li>
          <li>{t('accounts.leave.close.mail', { email: account.email })}</li>
        </ul>
        <p>{t('accounts.leave.close.downloadFirst')}</p>
        <DataDownloadLinks />
      </section>
      {error && <Alert kind="error">{error}</Alert>}
      <form method="post" action="/my/close" class="card" aria-labelledby="confirm">
        <h2 id="confirm">{t('accounts.leave.close.confirm')}</h2>
        <Field
          name="password"
          label={t('accounts.leave.close.password')}
          type="password"
          autocomplete="current-password"
          hint={t('accounts.leave.close.passwordHint')}
          error={error}
        />
        <button type="submit" class="danger">
          {t('accounts.leave.close.button')}
        </button>
      </form>
      <p>
        <a href="/my">{t('accounts.leave.close.keep')}</a>
      </p>
    </Layout>
  );
}

/** After the redirect: what was done comes in the flash (shown once); a reload shows the title and the way on. */
function ClosedPage() {
  const { t } = useI18n();
  return (
    <Layout title={t('accounts.leave.closed.title')} narrow>
      <p>
        <a href="/sign-in">{t('accounts.leave.closed.start')}</a>
      </p>
    </Layout>
  );
}

/** The flash of a closing, its dates written in the reader's language now (the session and its settings are gone). */
function closedFlash(closed: ClosedAccount, format: I18n['format']): Flash {
  return {
    key: 'forms2.closed.done',
    values: {
      at: format.dateTime(closed.closedAt),
      attempts: closed.attemptsFinalised,
      date: format.date(`${closed.erasureOn}T00:00:00Z`),
    },
  };
}

/** The message a failed closing shows, in the person's language. */
function failureMessage(t: Translate, error: unknown): string {
  if (!(error instanceof ApiError)) throw error;
  if (error.code === 'validation_failed') return t('accounts.leave.close.wrongPassword');
  if (error.code === 'rate_limited') {
    return t('accounts.leave.close.tooMany', { seconds: Number(error.headers?.['Retry-After'] ?? 60) });
  }
  if (error.code === 'staff_account') return t('accounts.leave.close.staff');
  return t('accounts.leave.close.notPossible');
}

/** Where a closing lands (mounted under /my). */
const CLOSED_PAGE = '/my/closed';

export const closurePages = (deps: AccountsDeps) => {
  const render = async (c: Context<AppEnv>, error?: string) => {
    const erasureDays = await deps.closedAccountErasureDays();
    const erasureOn = erasureDate(deps.clock().toISOString(), erasureDays);
    return <ClosePage principal={principalOf(c)} erasureDays={erasureDays} erasureOn={erasureOn} error={error} />;
  };
  return (
    new Hono<AppEnv>()
      .get('/close', requirePage('signedIn'), async (c) => html(c, await render(c)))
      // Public: the browser that closed the account is no longer signed in.
      .get('/closed', (c) => html(c, <ClosedPage />))
      .post('/close', requirePage('signedIn'), async (c) => {
        const i18n = await i18nOf(c);
        const form = await readForm(c, closureBody);
        if (!form.ok) return html(c, await render(c, i18n.t('accounts.leave.close.passwordMissing')), 400);
        try {
          const actor = { ...actorOf(c), account: principalOf(c).account };
          const closed = await closeOwnAccount(deps, actor, form.data.password, i18n);
          clearSessionCookie(c);
          clearDeviceCookie(c);
          return redirectWithFlash(c, CLOSED_PAGE, closedFlash(closed, i18n.format));
        } catch (error) {
          const message = failureMessage(i18n.t, error);
          return html(c, await render(c, message), (await formFailure(c, error)).status);
        }
      })
  );
};
