import { type ComponentChildren, createContext, type VNode } from 'preact';
import { useContext } from 'preact/hooks';
import { renderToString } from 'preact-render-to-string';
import type { Principal } from '../auth/principal.ts';
import type { FieldErrors } from '../http/errors.ts';
import { LOCALE_NAMES, LOCALES } from '../i18n/locales.ts';
import { type MessageKey, type MessageValues, richParts } from '../i18n/messages.ts';
import { useI18n } from '../i18n/request.ts';
import type { Flash } from './flash.ts';
import type { FormState } from './forms.ts';
import { Navigation, SectionNavigation } from './navigation.tsx';
import { PagePathContext } from './page-path.ts';

export interface LayoutProps {
  title: string;
  principal?: Principal | null;
  narrow?: boolean;
  /** Reloads the page after this many seconds (progress pages; CSP forbids inline scripts). */
  refreshSeconds?: number;
  children: ComponentChildren;
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

/** What the last successful form did (`html()` takes it from the flash cookie), shown once. */
export const FlashContext = createContext<Flash | undefined>(undefined);

function FlashMessage() {
  const flash = useContext(FlashContext);
  const { t } = useI18n();
  if (!flash) return null;
  return (
    <Alert kind={flash.refused ? 'error' : 'success'}>
      <p>{t(flash.key, flash.values)}</p>
      {flash.secret && (
        <p class="secret" id="new-token">
          {flash.secret}
        </p>
      )}
    </Alert>
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
        <SectionNavigation principal={principal} />
        <main id="content" class={narrow ? 'narrow' : undefined}>
          <h1>{title}</h1>
          <FlashMessage />
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

/** The failed form kept for this page (`html()` provides it); a `Form` with the same id shows it again. */
export const KeptFormContext = createContext<FormState | undefined>(undefined);

interface FormScope {
  values: Record<string, string> | undefined;
  errors: FieldErrors;
  /** The first failing field takes the focus; the ones after it do not. */
  focus: { given: boolean };
}

const FormScopeContext = createContext<FormScope>({ values: undefined, errors: {}, focus: { given: true } });

export interface FormProps {
  /** Names the form on its page: what failed is shown again only in the form it came from. */
  id: string;
  action: string;
  enctype?: 'multipart/form-data';
  class?: string;
  children: ComponentChildren;
}

/**
 * A form that, after it failed, shows what was typed, its message above it and each failing field's message beside
 * the field (`aria-invalid`), with the focus on the first failing field.
 */
export function Form({ id, action, enctype, class: className, children }: FormProps) {
  const kept = useContext(KeptFormContext);
  const state = kept?.form === id ? kept : undefined;
  const scope: FormScope = {
    values: state?.values,
    errors: state?.errors ?? {},
    focus: { given: !state || Object.keys(state.errors).length === 0 },
  };
  return (
    <form method="post" action={action} enctype={enctype} class={className} data-form={id}>
      {state?.message && <Alert kind="error">{state.message}</Alert>}
      {state && !state.message && Object.keys(state.errors).length > 0 && (
        <Alert kind="error">
          <T k="portalUx.form.fixFields" values={{ count: Object.keys(state.errors).length }} />
        </Alert>
      )}
      <FormScopeContext.Provider value={scope}>{children}</FormScopeContext.Provider>
    </form>
  );
}

/** A failed form's message for a field drawn by hand (a checkbox), with whether it takes the focus. */
export function useFieldError(name: string): { error: string | undefined; autofocus: boolean } {
  const scope = useContext(FormScopeContext);
  const error = scope.errors[name];
  const autofocus = Boolean(error) && !scope.focus.given;
  if (autofocus) scope.focus.given = true;
  return { error, autofocus };
}

export interface FieldProps {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'search' | 'datetime-local' | 'date' | 'number' | 'url';
  /** The saved value; what the person typed wins over it after the form failed. */
  value?: string | undefined;
  error?: string | undefined;
  hint?: string;
  autocomplete?: string;
  required?: boolean;
  /** When the same name appears twice on a page. */
  id?: string;
  min?: string | number;
  max?: string | number;
  minlength?: number;
  maxlength?: number;
  disabled?: boolean;
  /** A choice among these instead of a text box. */
  options?: readonly { value: string; label: string }[];
}

/** A labelled input whose error message is tied to it for screen readers. */
export function Field(props: FieldProps) {
  const { name, label, type = 'text', hint, autocomplete, required = true, options, disabled } = props;
  const scope = useContext(FormScopeContext);
  const id = props.id ?? name;
  const value = scope.values ? (scope.values[name] ?? '') : props.value;
  const error = props.error ?? scope.errors[name];
  const autofocus = Boolean(error) && !scope.focus.given;
  if (autofocus) scope.focus.given = true;
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const common = {
    id,
    name,
    required,
    disabled,
    autofocus,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': described || undefined,
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {options ? (
        <select {...common}>
          {options.map((option) => (
            <option value={option.value} selected={option.value === value}>
              {option.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...common}
          // Preact 11 types inputs per `type`; the union here is a set of plain text-like types.
          type={type as 'text'}
          value={type === 'password' ? undefined : value}
          autocomplete={autocomplete}
          min={props.min}
          max={props.max}
          minlength={props.minlength}
          maxlength={props.maxlength}
        />
      )}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
