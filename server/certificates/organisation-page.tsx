// /portal/organisation (administrators): the organisation that certificates and credentials name as their issuer
// (name, web site, contact email, logo), and the keys credentials are signed with, where a new key is scheduled.
import { Hono } from 'hono';
import type { Principal } from '../auth/principal.ts';
import type { Deps } from '../deps.ts';
import { principalOf } from '../http/auth.ts';
import { largeBody } from '../http/body-limit.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { useI18n } from '../i18n/request.ts';
import { DataTable } from '../web/data-table.tsx';
import { redirectWithFlash } from '../web/flash.ts';
import { Field, Layout } from '../web/layout.tsx';
import { html, requirePage } from '../web/page-helpers.tsx';
import { LOGO_MAX_BYTES, type Organisation, organisation, organisationBody, saveOrganisation } from './organisation.ts';
import { type SigningKey, scheduleKeyRotation, signingKey, signingKeys } from './signing-key.ts';

/** What a failed field shows, in the reader's language. */
const FIELD_MESSAGES: Record<string, MessageKey> = {
  name: 'certificates.organisation.error.name',
  url: 'certificates.organisation.error.url',
  email: 'certificates.organisation.error.email',
  logo_not_an_image: 'certificates.organisation.error.logoType',
  logo_too_large: 'certificates.organisation.error.logoSize',
  activeFrom: 'certificates.keys.error.past',
};

interface FormState {
  values: { name?: string; url?: string; email?: string; activeFrom?: string };
  /** Field name (or error code for the logo) -> message key. */
  errors: Record<string, MessageKey>;
}

function OrganisationPage(props: {
  principal: Principal;
  issuer: Organisation;
  keys: SigningKey[];
  current: SigningKey;
  form: FormState;
}) {
  const { principal, issuer, keys, current, form } = props;
  const { t, format } = useI18n();
  const error = (field: string) => (form.errors[field] ? t(form.errors[field] as MessageKey) : undefined);
  const logoError = form.errors.logo ? t(form.errors.logo) : undefined;
  return (
    <Layout title={t('certificates.organisation.title')} principal={principal}>
      <p>{t('certificates.organisation.intro')}</p>
      <form method="post" action="/portal/organisation" enctype="multipart/form-data" class="card">
        <Field
          name="name"
          label={t('certificates.organisation.name')}
          value={form.values.name ?? issuer.name}
          error={error('name')}
        />
        <Field
          name="url"
          label={t('certificates.organisation.url')}
          value={form.values.url ?? issuer.url ?? ''}
          error={error('url')}
          required={false}
        />
        <Field
          name="email"
          type="email"
          label={t('certificates.organisation.email')}
          value={form.values.email ?? issuer.email ?? ''}
          error={error('email')}
          required={false}
        />
        {issuer.logo && (
          <div>
            <p class="field-label">{t('certificates.organisation.currentLogo')}</p>
            <img src="/issuer/logo" alt={issuer.name} class="issuer-logo" />
            <label class="checkbox">
              <input type="checkbox" name="removeLogo" value="1" /> {t('certificates.organisation.removeLogo')}
            </label>
          </div>
        )}
        <label for="logo">{t('certificates.organisation.logo')}</label>
        <input
          id="logo"
          name="logo"
          type="file"
          accept="image/png,image/jpeg"
          aria-invalid={logoError ? 'true' : undefined}
          aria-describedby={logoError ? 'logo-error' : undefined}
        />
        {logoError && (
          <p class="field-error" id="logo-error">
            {logoError}
          </p>
        )}
        <button type="submit">{t('certificates.organisation.save')}</button>
      </form>
      <h2 id="keys">{t('certificates.keys.heading')}</h2>
      <p>{t('certificates.keys.intro')}</p>
      <DataTable
        caption={t('certificates.keys.heading')}
        captionHidden
        rows={keys}
        columns={[
          {
            header: t('certificates.keys.key'),
            rowHeader: true,
            cell: (key) => (
              <>
                <a href={key.kid}>
                  <code>{key.thumbprint.slice(0, 16)}…</code>
                </a>
                {key.kid === current.kid && <span class="badge">{t('certificates.keys.current')}</span>}
              </>
            ),
          },
          { header: t('certificates.keys.algorithm'), cell: (key) => key.alg },
          {
            header: t('certificates.keys.from'),
            cell: (key) => (key.activeFrom === new Date(0).toISOString() ? '—' : format.dateTime(key.activeFrom)),
          },
        ]}
      />
      <form method="post" action="/portal/organisation/keys" class="card">
        <Field
          name="activeFrom"
          type="datetime-local"
          label={t('certificates.keys.newFrom')}
          value={form.values.activeFrom}
          error={error('activeFrom')}
          required={false}
        />
        <button type="submit" class="secondary">
          {t('certificates.keys.add')}
        </button>
      </form>
    </Layout>
  );
}

async function render(c: Parameters<typeof html>[0], deps: Deps, form: FormState, status: 200 | 400 = 200) {
  const [issuer, keys, current] = await Promise.all([organisation(deps), signingKeys(deps, true), signingKey(deps)]);
  return html(
    c,
    <OrganisationPage principal={principalOf(c)} issuer={issuer} keys={keys} current={current} form={form} />,
    status,
  );
}

const blank = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);

export const organisationPages = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/', requirePage('admin'), (c) => render(c, deps, { values: {}, errors: {} }))
    .post('/', requirePage('admin'), largeBody(LOGO_MAX_BYTES + 64 * 1024), async (c) => {
      const body = await c.req.parseBody();
      const values = { name: String(body.name ?? ''), url: String(body.url ?? ''), email: String(body.email ?? '') };
      const parsed = organisationBody.safeParse({ name: values.name, url: blank(body.url), email: blank(body.email) });
      if (!parsed.success) {
        const errors: Record<string, MessageKey> = {};
        for (const issue of parsed.error.issues) {
          const field = String(issue.path[0]);
          if (FIELD_MESSAGES[field]) errors[field] = FIELD_MESSAGES[field];
        }
        return render(c, deps, { values, errors }, 400);
      }
      const file = body.logo;
      let logo: Uint8Array | null | undefined;
      if (body.removeLogo === '1') logo = null;
      else if (file instanceof File && file.size > 0) logo = new Uint8Array(await file.arrayBuffer());
      try {
        await saveOrganisation(deps, parsed.data, logo);
      } catch (error) {
        if (!(error instanceof ApiError) || !FIELD_MESSAGES[error.code]) throw error;
        return render(c, deps, { values, errors: { logo: FIELD_MESSAGES[error.code] as MessageKey } }, 400);
      }
      return redirectWithFlash(c, '/portal/organisation', { key: 'certificates.organisation.saved' });
    })
    .post('/keys', requirePage('admin'), async (c) => {
      const body = await c.req.parseBody();
      const text = blank(body.activeFrom);
      // datetime-local has no zone: it is read as UTC, the zone every stored time is in.
      const activeFrom = text ? new Date(`${text}Z`) : deps.clock();
      if (Number.isNaN(activeFrom.getTime()))
        return render(
          c,
          deps,
          { values: { activeFrom: text ?? '' }, errors: { activeFrom: 'certificates.keys.error.past' } },
          400,
        );
      try {
        await scheduleKeyRotation(deps, activeFrom);
      } catch (error) {
        if (!(error instanceof ApiError) || error.code !== 'rotation_in_the_past') throw error;
        const values = { activeFrom: text ?? '' };
        return render(c, deps, { values, errors: { activeFrom: 'certificates.keys.error.past' } }, 400);
      }
      return redirectWithFlash(c, '/portal/organisation#keys', { key: 'certificates.keys.added' });
    });
