// Choosing the language (the switch on every page) and, signed in, one's own language and time zone.
import { type Context, Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import type { Principal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { TIME_ZONES } from '../../i18n/format.ts';
import { isLocale, LOCALE_NAMES, LOCALES, type Locale } from '../../i18n/locales.ts';
import { LANGUAGE_COOKIE, useI18n } from '../../i18n/request.ts';
import { redirectWithFlash } from '../../web/flash.ts';
import { keepFailedForm, readForm } from '../../web/forms.ts';
import { Field, Form, Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import { preferencesBody, savePreferences, setLanguage } from '../preferences.ts';

const YEAR_SECONDS = 365 * 24 * 3600;

/** The visitor's choice, remembered in this browser (signed out, it is the only place it can be kept). */
function rememberLanguage(c: Context<AppEnv>, locale: Locale): void {
  setCookie(c, LANGUAGE_COOKIE, locale, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: c.get('deps').config.secure,
    maxAge: YEAR_SECONDS,
  });
}

/** Only a path on this site: `//evil.example` and `/\evil.example` would leave it. */
const sameSitePath = (back: string | undefined) =>
  back && /^\/(?![/\\])/.test(back) && !/[\r\n]/.test(back) ? back : '/';

function SettingsPage({ principal, organisationZone }: { principal: Principal; organisationZone: string }) {
  const { t, locale } = useI18n();
  const languages = LOCALES.map((option) => ({ value: option, label: LOCALE_NAMES[option] }));
  const zones = [
    { value: '', label: t('accounts.settings.organisationZone', { zone: organisationZone }) },
    ...TIME_ZONES.map((zone) => ({ value: zone, label: zone })),
  ];
  return (
    <Layout title={t('accounts.settings.title')} principal={principal} narrow>
      <Form id="settings" action="/settings" class="card">
        <Field name="locale" label={t('accounts.settings.language')} options={languages} value={locale} />
        <Field
          name="timeZone"
          label={t('accounts.settings.timeZone')}
          options={zones}
          value={principal.account.time_zone ?? ''}
          required={false}
          hint={t('accounts.settings.timeZoneHint')}
        />
        <button type="submit">{t('accounts.settings.submit')}</button>
      </Form>
    </Layout>
  );
}

export const settingsPages = (deps: Deps) =>
  new Hono<AppEnv>()
    .post('/language', async (c) => {
      const body = await c.req.parseBody();
      const back = sameSitePath(typeof body.back === 'string' ? body.back : undefined);
      const chosen = body.lang;
      if (!isLocale(chosen)) return c.redirect(back, 303);
      rememberLanguage(c, chosen);
      const principal = c.get('principal');
      if (principal?.kind === 'session') await setLanguage(deps, principal.account, chosen);
      // Said in the chosen language by the page it goes back to (plain without a session: nothing in it is secret).
      return redirectWithFlash(c, back, { key: 'forms2.language.changed' });
    })
    .get('/settings', requirePage('signedIn'), async (c) =>
      html(c, <SettingsPage principal={principalOf(c)} organisationZone={await deps.organisationTimeZone()} />),
    )
    .post('/settings', requirePage('signedIn'), async (c) => {
      const principal = principalOf(c);
      const form = await readForm(c, preferencesBody);
      if (!form.ok) {
        keepFailedForm(c, 'settings', form.values, form.errors);
        const zone = await deps.organisationTimeZone();
        return html(c, <SettingsPage principal={principal} organisationZone={zone} />, 400);
      }
      await savePreferences(deps, principal.account, form.data);
      rememberLanguage(c, form.data.locale);
      return redirectWithFlash(c, '/settings', { key: 'accounts.settings.saved' });
    });
