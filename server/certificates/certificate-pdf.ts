// A certificate's PDF as its reader gets it: the text in their language, dates in their format, the organisation's
// name and logo, "Expired on ..." or the REVOKED stamp; drawn on a worker thread (render-pool.ts).
import type { Deps } from '../deps.ts';
import type { I18n } from '../i18n/request.ts';
import { certificateStatus, verifyUrl } from './certificates.ts';
import { cleanDisplayText } from './names.ts';
import { organisation } from './organisation.ts';
import type { CertificateDocument } from './pdf.ts';
import { renderInPool } from './render-pool.ts';
import type { Certificate } from './tables.ts';

export async function certificateDocument(deps: Deps, c: Certificate, i18n: I18n): Promise<CertificateDocument> {
  const { t, format, locale } = i18n;
  const issuer = await organisation(deps);
  const status = certificateStatus(c, deps.clock());
  const url = verifyUrl(deps, c.id);
  const issued = format.date(c.issued_at);
  return {
    language: locale,
    title: t('certificates.pdf.title', { id: c.id }),
    heading: t('certificates.pdf.heading'),
    organisationName: issuer.name,
    logo: issuer.logo ? { bytes: issuer.logo.bytes, type: issuer.logo.type === 'image/png' ? 'png' : 'jpeg' } : null,
    certifies: t('certificates.pdf.certifies'),
    holderName: cleanDisplayText(c.holder_name),
    passed: t('certificates.pdf.passed'),
    examTitle: cleanDisplayText(c.exam_title),
    validity: c.expires_at
      ? t('certificates.pdf.validity', { issued, until: format.date(c.expires_at) })
      : t('certificates.pdf.validityNoExpiry', { issued }),
    expiredNotice:
      status === 'expired' && c.expires_at ? t('certificates.pdf.expired', { date: format.date(c.expires_at) }) : null,
    revokedStamp: status === 'revoked' ? t('certificates.pdf.revokedStamp') : null,
    verifyLine: t('certificates.pdf.verify', { url }),
    idLine: t('certificates.pdf.id', { id: c.id }),
    verifyUrl: url,
    qrAlt: t('certificates.pdf.qr'),
    issuedAt: c.issued_at,
  };
}

/** The certificate's PDF in the reader's language (same certificate, status and language: same bytes). */
export async function certificatePdf(deps: Deps, c: Certificate, i18n: I18n): Promise<Uint8Array> {
  return renderInPool(await certificateDocument(deps, c, i18n));
}
