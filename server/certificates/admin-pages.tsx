// /portal/certificates: staff search certificates; administrators revoke them with a reason or re-issue them after a
// name correction. Each outcome comes back as a flash after a redirect; a refused reason stays in its field.
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { Principal } from '../auth/principal.ts';
import type { Deps } from '../deps.ts';
import { principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { notFound } from '../http/errors.ts';
import { i18nOf, useI18n } from '../i18n/request.ts';
import { Confirmation, isConfirmed } from '../web/confirmation.tsx';
import { DataTable } from '../web/data-table.tsx';
import { redirectWithFlash } from '../web/flash.ts';
import { checked, type FailedStatus, formValues, keptForm, submitForm } from '../web/forms.ts';
import { Alert, Field, Form, Layout } from '../web/layout.tsx';
import { html, requirePage } from '../web/page-helpers.tsx';
import {
  certificateStatus,
  findCertificate,
  listCertificates,
  reissueCertificate,
  revokeCertificate,
} from './certificates.ts';
import { organisation } from './organisation.ts';
import type { Certificate } from './tables.ts';

/** A reason is said on the public verification page: long enough to mean something, short enough to read. */
const revokeForm = z.object({
  reason: z
    .string()
    .trim()
    .min(3, 'certificates.admin.message.reasonInvalid')
    .max(500, 'certificates.admin.message.reasonInvalid'),
});

function CertificateList(props: {
  deps: Deps;
  principal: Principal;
  items: Certificate[];
  q: string | undefined;
  issuerName: string;
  /** Why re-issuing was refused (a button: no field to put it beside). */
  message?: string | undefined;
}) {
  const { deps, principal, items, q, message, issuerName } = props;
  const { t, format } = useI18n();
  const admin = principal.account.role === 'admin';
  return (
    <Layout title={t('certificates.admin.title')} principal={principal}>
      {message && <Alert kind="error">{message}</Alert>}
      <p>
        {t('certificates.admin.organisation', { name: issuerName })}{' '}
        {admin && <a href="/portal/organisation">{t('certificates.admin.organisationLink')}</a>}
      </p>
      <form method="get" action="/portal/certificates">
        <label for="q">{t('certificates.admin.search')}</label>
        <input id="q" name="q" type="search" value={q ?? ''} />
        <button type="submit">{t('certificates.admin.searchButton')}</button>
      </form>
      <DataTable
        caption={t('certificates.admin.title')}
        captionHidden
        rows={items}
        columns={[
          {
            header: t('certificates.admin.holder'),
            rowHeader: true,
            cell: (cert) => <a href={`/certificates/${cert.id}`}>{cert.holder_name}</a>,
          },
          { header: t('certificates.admin.exam'), cell: (cert) => cert.exam_title },
          { header: t('certificates.admin.issued'), cell: (cert) => format.date(cert.issued_at) },
          {
            header: t('certificates.admin.status'),
            cell: (cert) => {
              const status = certificateStatus(cert, deps.clock());
              return (
                <>
                  <a href={`/verify/${cert.id}`} class={`status-${status}`}>
                    {t(`certificates.status.${status}`)}
                  </a>
                  {cert.revoked_reason ? `: ${cert.revoked_reason}` : ''}
                </>
              );
            },
          },
          admin && {
            header: t('certificates.admin.change'),
            cell: (cert) =>
              !cert.revoked_at && (
                <>
                  <Form id={`revoke-${cert.id}`} action={`/portal/certificates/${cert.id}/revoke`}>
                    <Field
                      name="reason"
                      id={`reason-${cert.id}`}
                      label={t('certificates.admin.reason')}
                      minlength={3}
                      maxlength={500}
                    />
                    <button type="submit" class="secondary">
                      {t('certificates.admin.revoke')}
                    </button>
                  </Form>
                  <form method="post" action={`/portal/certificates/${cert.id}/reissue`}>
                    <button type="submit" class="secondary">
                      {t('certificates.admin.reissue')}
                    </button>
                  </form>
                </>
              ),
          },
        ]}
      />
    </Layout>
  );
}

/** The second step of revoking: whose certificate, and what verifying it says from now on. */
async function revocationConfirmation(deps: Deps, c: Context<AppEnv>, reason: string) {
  const id = c.req.param('id') ?? '';
  const cert = await findCertificate(deps, id);
  if (!cert) throw notFound('errors.not_found');
  const { t, format } = await i18nOf(c);
  return html(
    c,
    <Confirmation
      principal={principalOf(c)}
      title={t('portalUx.revoke.title')}
      consequences={[
        t('portalUx.revoke.holder', {
          holder: cert.holder_name,
          exam: cert.exam_title,
          issued: format.date(cert.issued_at),
          score: format.percent(cert.score_percent / 100),
        }),
        t('portalUx.revoke.credential'),
        t('portalUx.revoke.reason', { reason }),
        t('portalUx.revoke.final'),
      ]}
      action={`/portal/certificates/${id}/revoke`}
      fields={{ reason }}
      confirmLabel={t('certificates.admin.revoke')}
      back="/portal/certificates"
    />,
  );
}

/** The list as a failed form left it: only the certificate the form was about, so its row (and the form) shows. */
async function renderAfterFailure(deps: Deps, c: Context<AppEnv>, id: string, status: FailedStatus, message?: string) {
  const [items, issuer] = await Promise.all([listCertificates(deps, { q: id }), organisation(deps)]);
  const page = (
    <CertificateList
      deps={deps}
      principal={principalOf(c)}
      items={items}
      q={id}
      issuerName={issuer.name}
      message={message}
    />
  );
  return html(c, page, status);
}

/** /portal/certificates */
export const certificateAdminPages = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/', requirePage('staffRead'), async (c) => {
      const q = c.req.query('q')?.trim().slice(0, 200) || undefined;
      const [items, issuer] = await Promise.all([listCertificates(deps, { q }), organisation(deps)]);
      return html(
        c,
        <CertificateList deps={deps} principal={principalOf(c)} items={items} q={q} issuerName={issuer.name} />,
      );
    })
    .post('/:id/revoke', requirePage('admin'), async (c) => {
      const id = c.req.param('id');
      const values = await formValues(c);
      const outcome = await submitForm(c, `revoke-${id}`, values, async () => {
        const { reason } = checked(revokeForm, { reason: values.reason ?? '' });
        if (!isConfirmed(values)) return { confirm: reason };
        await revokeCertificate(deps, id, reason);
        return undefined;
      });
      if (!outcome.ok) return renderAfterFailure(deps, c, id, outcome.status);
      if (outcome.result) return revocationConfirmation(deps, c, outcome.result.confirm);
      return redirectWithFlash(c, '/portal/certificates', { key: 'certificates.admin.message.revoked' });
    })
    .post('/:id/reissue', requirePage('admin'), async (c) => {
      const id = c.req.param('id');
      const outcome = await submitForm(c, `reissue-${id}`, {}, () => reissueCertificate(deps, id));
      if (!outcome.ok) return renderAfterFailure(deps, c, id, outcome.status, keptForm(c)?.message);
      return redirectWithFlash(c, '/portal/certificates', { key: 'certificates.admin.message.reissued' });
    });
