import { Hono } from 'hono';
import type { Deps } from '../deps.ts';
import { principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { DataTable } from '../web/data-table.tsx';
import { Alert, Layout } from '../web/layout.tsx';
import { html, requirePage } from '../web/page-helpers.tsx';
import { throttleVerification } from './api.ts';
import {
  certificateStatus,
  findCertificate,
  listCertificates,
  reissueCertificate,
  revokeCertificate,
} from './certificates.ts';

// The public verification page (no sign-in, no cookie, no account: verifiers never count toward the licence) and the
// admin's certificate list with search, revoke and re-issue.

const day = (iso: string) => iso.slice(0, 10);

const STATUS_TEXT = {
  valid: 'Valid',
  expired: 'Expired',
  revoked: 'Revoked',
} as const;

export const verificationPages = (deps: Deps) =>
  new Hono<AppEnv>().get('/:id', async (c) => {
    await throttleVerification(deps, c.get('clientIp'));
    const certificate = await findCertificate(deps, c.req.param('id'));
    c.header('cache-control', 'no-store');
    if (!certificate) {
      return html(
        c,
        <Layout title="Certificate not found" narrow>
          <Alert kind="error">
            No certificate has this id. Check the address against the certificate (the QR code links here directly).
          </Alert>
        </Layout>,
        404,
      );
    }
    const status = certificateStatus(certificate, deps.clock());
    return html(
      c,
      <Layout title="Certificate verification" narrow>
        <section class="card" aria-labelledby="status">
          <h2 id="status" data-status={status}>
            {STATUS_TEXT[status]}
          </h2>
          {status === 'valid' && <p>This certificate was issued by Seatkeeper and is valid.</p>}
          {status === 'expired' && (
            <p>This certificate was genuine but expired on {day(certificate.expires_at ?? '')}.</p>
          )}
          {status === 'revoked' && (
            <p>
              This certificate was revoked on {day(certificate.revoked_at ?? '')}. Reason: {certificate.revoked_reason}
              {certificate.replaced_by && (
                <>
                  {' '}
                  It was replaced by{' '}
                  <a href={`/verify/${certificate.replaced_by}`}>certificate {certificate.replaced_by}</a>.
                </>
              )}
            </p>
          )}
          <dl>
            <dt>Holder</dt>
            <dd>{certificate.holder_name}</dd>
            <dt>Exam</dt>
            <dd>{certificate.exam_title}</dd>
            <dt>Issued</dt>
            <dd>{day(certificate.issued_at)}</dd>
            <dt>Valid until</dt>
            <dd>{certificate.expires_at ? day(certificate.expires_at) : 'No expiry'}</dd>
            <dt>Certificate id</dt>
            <dd>
              <code>{certificate.id}</code>
            </dd>
          </dl>
          <p class="hint">
            Digital credential holders can also check the signed Open Badge against the keys at{' '}
            <a href="/.well-known/jwks.json">/.well-known/jwks.json</a>.
          </p>
        </section>
      </Layout>,
    );
  });

/** /portal/certificates */
export const certificateAdminPages = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/', requirePage('staffRead'), async (c) => {
      const principal = principalOf(c);
      const q = c.req.query('q')?.trim().slice(0, 200) || undefined;
      const items = await listCertificates(deps, { q });
      const admin = principal.account.role === 'admin';
      const message = c.req.query('error');
      return html(
        c,
        <Layout title="Certificates" principal={principal}>
          {message && <Alert kind="error">{message}</Alert>}
          <form method="get" action="/portal/certificates">
            <label for="q">Search by name, exam or certificate id</label>
            <input id="q" name="q" type="search" value={q ?? ''} />
            <button type="submit">Search</button>
          </form>
          <DataTable
            caption="Certificates"
            captionHidden
            rows={items}
            columns={[
              { header: 'Holder', rowHeader: true, cell: (cert) => cert.holder_name },
              { header: 'Exam', cell: (cert) => cert.exam_title },
              { header: 'Issued', cell: (cert) => day(cert.issued_at) },
              {
                header: 'Status',
                cell: (cert) => (
                  <>
                    <a href={`/verify/${cert.id}`}>{STATUS_TEXT[certificateStatus(cert, deps.clock())]}</a>
                    {cert.revoked_reason ? `: ${cert.revoked_reason}` : ''}
                  </>
                ),
              },
              admin && {
                header: 'Change',
                cell: (cert) =>
                  !cert.revoked_at && (
                    <>
                      <form method="post" action={`/portal/certificates/${cert.id}/revoke`}>
                        <label for={`reason-${cert.id}`}>Reason</label>
                        <input id={`reason-${cert.id}`} name="reason" type="text" required minlength={3} />
                        <button type="submit" class="secondary">
                          Revoke
                        </button>
                      </form>
                      <form method="post" action={`/portal/certificates/${cert.id}/reissue`}>
                        <button type="submit" class="secondary">
                          Re-issue with the current account name
                        </button>
                      </form>
                    </>
                  ),
              },
            ]}
          />
        </Layout>,
      );
    })
    .post('/:id/revoke', requirePage('admin'), async (c) => {
      const body = await c.req.parseBody();
      const reason = String(body.reason ?? '').trim();
      if (reason.length < 3 || reason.length > 500)
        return c.redirect(
          `/portal/certificates?error=${encodeURIComponent('Give a reason (3 to 500 characters).')}`,
          303,
        );
      await revokeCertificate(deps, c.req.param('id'), reason);
      return c.redirect('/portal/certificates', 303);
    })
    .post('/:id/reissue', requirePage('admin'), async (c) => {
      try {
        await reissueCertificate(deps, c.req.param('id'));
      } catch (error) {
        if (!(error instanceof ApiError) || error.status === 404) throw error;
        return c.redirect(`/portal/certificates?error=${encodeURIComponent(error.message)}`, 303);
      }
      return c.redirect('/portal/certificates', 303);
    });
