import { useI18n } from '../../i18n/request.ts';

/** The certificate's three forms: the PDF, the Open Badge, the public verification page. */
export function CertificateLinks({ id }: { id: string }) {
  const { t } = useI18n();
  return (
    <>
      <a href={`/api/v1/certificates/${id}/pdf`}>{t('exams.certificate.pdf')}</a> ·{' '}
      <a href={`/api/v1/certificates/${id}/credential`}>{t('exams.certificate.badge')}</a> ·{' '}
      <a href={`/verify/${id}`}>{t('exams.certificate.verify')}</a>
    </>
  );
}
