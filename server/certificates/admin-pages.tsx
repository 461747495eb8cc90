// /portal/certificates: staff search certificates; administrators revoke them with a reason or re-issue them after a
// name correction. The page shows outcomes by message code (?message=...), never text taken from the address.
import { type Context, Hono } from 'hono';
import type { Principal } from '../auth/principal.ts';
import type { Deps } from '../deps.ts';
import { principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError, notFound } from '../http/errors.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { i18nOf, useI18n } from '../i18n/request.ts';
import { Confirmation, isConfirmed } from '../web/confirmation.tsx';
import { DataTable } from '../web/data-table.tsx';
import { redirectWithFlash } from '../web/flash.ts';
import { Alert, Layout } from '../web/layout.tsx';
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

/** The outcomes the page can report, by the code in its address. */
const MESSAGES = {
  'reason-invalid': { kind: 'error', key: 'certificates.admin.message.reasonInvalid' },
  'revoked-cannot-reissue': { kind: 'error', key: 'certificates.admin.message.revokedCannotReissue' },
  revoked: { kind: 'success', key: 'certificates.admin.message.revoked' },
  reissued: { kind: 'success', key: 'certificates.admin.message.reissued' },
} as const satisfies Record<string, { kind: 'error' | 'success'; key: MessageKey }>;
type MessageCode = keyof typeof MESSAGES;

const isMessageCode = (code: string | undefined): code is MessageCode => code !== undefined && code in MESSAGES;
const back = (code: MessageCode) => `/portal/certificates?message=${code}`;

function CertificateList(props: {
  deps: Deps;
  principal: Principal;
  items: Certificate[];
  q: string | undefined;
  message: MessageCode | undefined;
  issuerName: string;
}) {
  const { deps, principal, items, q, message, issuerName } = props;
  const { t, format } = useI18n();
  const admin = principal.account.role === 'admin';
  const shown = message ? MESSAGES[message] : undefined;
  return (
    <Layout title={t('certificates.admin.title')} principal={principal}>
      {shown && <Alert kind={shown.kind}>{t(shown.key)}</Alert>}
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
                  <form method="post" action={`/portal/certificates/${cert.id}/revoke`}>
                    <label for={`reason-${cert.id}`}>{t('certificates.admin.reason')}</label>
                    <input id={`reason-${cert.id}`} name="reason" type="text" required minlength={3} maxlength={500} />
                    <button type="submit" class="secondary">
                      {t('certificates.admin.revoke')}
                    </button>
                  </form>
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

/** /portal/certificates */
export const certificateAdminPages = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/', requirePage('staffRead'), async (c) => {
      const q = c.req.query('q')?.trim().slice(0, 200) || undefined;
      const code = c.req.query('message');
      const [items, issuer] = await Promise.all([listCertificates(deps, { q }), organisation(deps)]);
      return html(
        c,
        <CertificateList
          deps={deps}
          principal={principalOf(c)}
          items={items}
          q={q}
          message={isMessageCode(code) ? code : undefined}
          issuerName={issuer.name}
        />,
      );
    })
    .post('/:id/revoke', requirePage('admin'), async (c) => {
      const body = await c.req.parseBody();
      const reason = String(body.reason ?? '').trim();
      if (reason.length < 3 || reason.length > 500) return c.redirect(back('reason-invalid'), 303);
      if (!isConfirmed(body as Record<string, string>)) return revocationConfirmation(deps, c, reason);
      await revokeCertificate(deps, c.req.param('id'), reason);
      return redirectWithFlash(c, '/portal/certificates', { key: 'certificates.admin.message.revoked' });
    })
    .post('/:id/reissue', requirePage('admin'), async (c) => {
      try {
        await reissueCertificate(deps, c.req.param('id'));
      } catch (error) {
        if (error instanceof ApiError && error.code === 'certificate_revoked')
          return c.redirect(back('revoked-cannot-reissue'), 303);
        throw error;
      }
      return c.redirect(back('reissued'), 303);
    });
