// /certificates/:id: a holder's certificate with everything they can take away: the PDF, the badge with the
// credential baked in, the credential as .jwt and JSON, an "Add to LinkedIn" link, the public verification page.
// Staff see any certificate; a holder sees only theirs, and nothing to download once it is revoked.
import { Hono } from 'hono';
import type { Principal } from '../auth/principal.ts';
import type { Deps } from '../deps.ts';
import { principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { useI18n } from '../i18n/request.ts';
import { Alert, Layout } from '../web/layout.tsx';
import { html, requirePage } from '../web/page-helpers.tsx';
import { badgeImageUrl } from './achievement.ts';
import { certificateFor, certificateStatus, verifyUrl } from './certificates.ts';
import { organisation } from './organisation.ts';
import type { Certificate } from './tables.ts';
import { MARK } from './verify-page.tsx';

/** LinkedIn's "Add to profile" link for a certification, its fields filled in. */
export function linkedInAddUrl(c: Certificate, organisationName: string, url: string): string {
  const issued = new Date(c.issued_at);
  const params = new URLSearchParams({
    startTask: 'CERTIFICATION_NAME',
    name: c.exam_title,
    organizationName: organisationName,
    issueYear: String(issued.getUTCFullYear()),
    issueMonth: String(issued.getUTCMonth() + 1),
    certUrl: url,
    certId: c.id,
  });
  if (c.expires_at) {
    const expires = new Date(c.expires_at);
    params.set('expirationYear', String(expires.getUTCFullYear()));
    params.set('expirationMonth', String(expires.getUTCMonth() + 1));
  }
  return `https://www.linkedin.com/profile/add?${params}`;
}

function HolderPage(props: { deps: Deps; principal: Principal; certificate: Certificate; issuerName: string }) {
  const { deps, principal, certificate: c, issuerName } = props;
  const { t, format } = useI18n();
  const status = certificateStatus(c, deps.clock());
  const api = `/api/v1/certificates/${c.id}`;
  const url = verifyUrl(deps, c.id);
  const blocked = status === 'revoked' && principal.account.role === 'candidate';
  return (
    <Layout title={t('certificates.holder.title')} principal={principal} narrow>
      <section class={`card verdict verdict-${status}`}>
        <div class="verdict-head">
          <span class="verdict-mark" aria-hidden="true">
            {MARK[status]}
          </span>
          <h2 data-status={status}>{t(`certificates.status.${status}`)}</h2>
        </div>
        <div class="certificate-summary">
          <dl>
            <dt>{t('certificates.verify.holder')}</dt>
            <dd>{c.holder_name}</dd>
            <dt>{t('certificates.verify.exam')}</dt>
            <dd>{c.exam_title}</dd>
            <dt>{t('certificates.verify.issuer')}</dt>
            <dd>{issuerName}</dd>
            <dt>{t('certificates.verify.issued')}</dt>
            <dd>{format.date(c.issued_at)}</dd>
            <dt>{t('certificates.verify.validUntil')}</dt>
            <dd>{c.expires_at ? format.date(c.expires_at) : t('certificates.verify.noExpiry')}</dd>
          </dl>
          <img
            src={badgeImageUrl(deps, c.exam_id)}
            alt={t('certificates.verify.badgeAlt', { title: c.exam_title })}
            class="badge-image"
            width={120}
            height={120}
          />
        </div>
      </section>
      {blocked ? (
        <Alert kind="error">
          {t('certificates.holder.revoked', { date: format.date(c.revoked_at ?? ''), reason: c.revoked_reason ?? '' })}
        </Alert>
      ) : (
        <section class="card" aria-labelledby="downloads">
          <h2 id="downloads">{t('certificates.holder.downloads')}</h2>
          <ul class="downloads">
            <li>
              <a href={`${api}/pdf`}>{t('certificates.holder.pdf')}</a>
            </li>
            <li>
              <a href={`${api}/badge.png`}>{t('certificates.holder.png')}</a>
            </li>
            <li>
              <a href={`${api}/credential`}>{t('certificates.holder.jwt')}</a>
            </li>
            <li>
              <a href={`${api}/credential.json`}>{t('certificates.holder.json')}</a>
            </li>
          </ul>
          {status !== 'revoked' && (
            <p>
              <a class="button" href={linkedInAddUrl(c, issuerName, url)} rel="noopener noreferrer" target="_blank">
                {t('certificates.holder.linkedin')}
              </a>
            </p>
          )}
        </section>
      )}
      <p>
        <a href={`/verify/${c.id}`}>{t('certificates.holder.verifyPage')}</a>
      </p>
      <p class="hint">{t('certificates.holder.share')}</p>
    </Layout>
  );
}

export const holderPages = (deps: Deps) =>
  new Hono<AppEnv>().get('/:id', requirePage('signedIn'), async (c) => {
    const principal = principalOf(c);
    const [certificate, issuer] = await Promise.all([
      certificateFor(deps, principal.account, c.req.param('id')),
      organisation(deps),
    ]);
    c.header('cache-control', 'private, no-store');
    return html(c, <HolderPage deps={deps} principal={principal} certificate={certificate} issuerName={issuer.name} />);
  });
