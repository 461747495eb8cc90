import { type ComponentChildren, createContext, type VNode } from 'preact';
import { useContext } from 'preact/hooks';
import { renderToString } from 'preact-render-to-string';
import type { Principal } from '../auth/principal.ts';
import { LOCALE_NAMES, LOCALES } from '../i18n/locales.ts';
import { type MessageKey, type MessageValues, richParts } from '../i18n/messages.ts';
import { useI18n } from '../i18n/request.ts';

/** The address of the page being shown (`html()` provides it), for the language switch to come back to. */
export const PagePathContext = createContext('/');

export interface LayoutProps {
  title: string;
  principal?: Principal | null;
  narrow?: boolean;
  /** Reloads the page after this many seconds (progress pages; CSP forbids inline scripts). */
  refreshSeconds?: number;
  children: ComponentChildren;
}

const isStaff = (p: Principal | null | undefined) => p?.account.role === 'admin' || p?.account.role === 'support';

function Navigation({ principal }: { principal: Principal | null | undefined }) {
  const { t } = useI18n();
  if (!principal) {
    return (
      <nav aria-label={t('layout.nav.main')}>
        <ul>
          <li>
            <a href="/sign-in">{t('layout.nav.signIn')}</a>
          </li>
          <li>
            <a href="/register">{t('layout.nav.register')}</a>
          </li>
        </ul>
      </nav>
    );
  }
  const admin = principal.account.role === 'admin';
  return (
    <nav aria-label={t('layout.nav.main')}>
      <ul>
        {isStaff(principal) ? (
          <>
            <li>
              <a href="/portal/users">{t('layout.nav.users')}</a>
            </li>
            {admin && (
              <li>
                <a href="/portal/new-account">{t('layout.nav.newAccount')}</a>
              </li>
            )}
            <li>
              <a href="/portal/licence">{t('layout.nav.licence')}</a>
            </li>
            <li>
              <a href="/portal/environments">{t('layout.nav.environments')}</a>
            </li>
            <li>
              <a href="/portal/hygiene">{t('layout.nav.hygiene')}</a>
            </li>
            <li>
              <a href="/portal/retention">{t('layout.nav.retention')}</a>
            </li>
            <li>
              <a href="/portal/tokens">{t('layout.nav.tokens')}</a>
            </li>
            <li>
              <a href="/portal/extension">{t('layout.nav.extension')}</a>
            </li>
            <li>
              <a href="/portal/audit">{t('layout.nav.audit')}</a>
            </li>
            <li>
              <a href="/portal/exams">{t('layout.nav.exams')}</a>
            </li>
            <li>
              <a href="/portal/certificates">{t('layout.nav.certificates')}</a>
            </li>
            {admin && (
              <li>
                <a href="/portal/outbox">{t('layout.nav.outbox')}</a>
              </li>
            )}
          </>
        ) : (
          <li>
            <a href="/my">{t('layout.nav.myCertifications')}</a>
          </li>
        )}
        {!isStaff(principal) && (
          <>
            <li>
              <a href="/exams">{t('layout.nav.exams')}</a>
            </li>
            <li>
              <a href="/history">{t('layout.nav.history')}</a>
            </li>
          </>
        )}
        {isStaff(principal) && (
          <li>
            <a href="/api/docs">{t('layout.nav.api')}</a>
          </li>
        )}
      </ul>
    </nav>
  );
}

/** Script-free: one button per language; the choice is kept in a cookie, and on the account when signed in. */
function LanguageSwitch() {
  const { locale, t } = useI18n();
  const back = useContext(PagePathContext);
  return (
    <form method="post" action="/language" class="language-switch" aria-label={t('layout.language')}>
      <input type="hidden" name="back" value={back} />
      {LOCALES.map((option) => (
        <button
          type="submit"
          name="lang"
          value={option}
          lang={option}
          class="link"
          aria-pressed={option === locale ? 'true' : 'false'}
        >
          {LOCALE_NAMES[option]}
        </button>
      ))}
    </form>
  );
}

export function Layout({ title, principal, narrow, refreshSeconds, children }: LayoutProps) {
  const { locale, t, format } = useI18n();
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Seatkeeper`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        {refreshSeconds !== undefined && <meta http-equiv="refresh" content={String(refreshSeconds)} />}
      </head>
      <body>
        <a class="skip-link" href="#content">
          {t('layout.skip')}
        </a>
        <header class="site-header">
          <div class="bar">
            <a class="brand" href="/">
              Seatkeeper
            </a>
            <Navigation principal={principal} />
            <LanguageSwitch />
            {principal && (
              <form method="post" action="/sign-out">
                <span class="visually-hidden">{t('layout.signedInAs')} </span>
                <span>{principal.account.email} </span>
                <button type="submit" class="secondary">
                  {t('layout.signOut')}
                </button>
              </form>
            )}
          </div>
        </header>
        <main id="content" class={narrow ? 'narrow' : undefined}>
          <h1>{title}</h1>
          {children}
        </main>
        <footer class="site-footer">
          <p>
            {t('layout.timeZone', { zone: format.timeZone })}
            {principal && (
              <>
                {' · '}
                <a href="/settings">{t('layout.settings')}</a>
              </>
            )}
          </p>
        </footer>
      </body>
    </html>
  );
}

export const renderPage = (page: VNode) => `<!doctype html>${renderToString(page)}`;

/** A catalog message with markup (`<code>…</code>`): each tag becomes the element `tags` makes of its contents. */
export function Rich({
  k,
  values = {},
  tags,
}: {
  k: MessageKey;
  values?: Record<string, string | number>;
  tags: Record<string, (chunks: ComponentChildren) => VNode>;
}) {
  const { locale } = useI18n();
  const wrapped = Object.fromEntries(
    Object.entries(tags).map(([name, make]) => [name, (chunks: ComponentChildren[]) => make(chunks)]),
  );
  return <>{richParts<ComponentChildren>(locale, k, { ...values, ...wrapped })}</>;
}

/** A catalog message in the reader's language, where a component has no `t` of its own at hand. */
export function T({ k, values }: { k: MessageKey; values?: MessageValues }) {
  return <>{useI18n().t(k, values)}</>;
}

export function Alert({ kind, children }: { kind: 'error' | 'success'; children: ComponentChildren }) {
  return (
    <div class={`alert ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export interface FieldProps {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'search' | 'datetime-local' | 'number';
  value?: string | undefined;
  error?: string | undefined;
  hint?: string;
  autocomplete?: string;
  required?: boolean;
}

/** A labelled input whose error message is tied to it for screen readers. */
export function Field({ name, label, type = 'text', value, error, hint, autocomplete, required = true }: FieldProps) {
  const described = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ');
  return (
    <div>
      <label for={name}>{label}</label>
      <input
        id={name}
        name={name}
        // Preact 11 types inputs per `type`; the union here is a set of plain text-like types.
        type={type as 'text'}
        value={type === 'password' ? undefined : value}
        autocomplete={autocomplete}
        required={required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described || undefined}
      />
      {hint && (
        <p class="hint" id={`${name}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${name}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
