// The public verification page (no sign-in, no cookie, no account: verifiers never count toward the licence). Valid,
// expired and revoked differ at a glance (colour, mark and word); the page names the issuer, shows the badge and what
// the holder did, and offers a box where anyone can check a credential file in their own browser (assets/verify.js).
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { Deps } from '../deps.ts';
import type { AppEnv } from '../http/env.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { useI18n } from '../i18n/request.ts';
import { Alert, Layout } from '../web/layout.tsx';
import { html } from '../web/page-helpers.tsx';
import { type AchievementFacts, achievementFacts, achievementUrl, badgeImageUrl } from './achievement.ts';
import { throttleVerification } from './api.ts';
import { type CertificateStatus, certificateStatus, findCertificate } from './certificates.ts';
import { Criteria } from './issuer-pages.tsx';
import { type Organisation, organisation } from './organisation.ts';
import type { Certificate } from './tables.ts';

const VERIFY_SCRIPT = readFileSync(new URL('./assets/verify.js', import.meta.url), 'utf8');

/** A mark that is not colour alone: a tick, an exclamation mark, a cross (characters every system font has). */
export const MARK: Record<CertificateStatus, string> = { valid: '✓', expired: '!', revoked: '✕' };

/** The messages the in-browser check shows, handed to the script in the page (it has no catalog of its own). */
const CHECK_MESSAGES = {
  checking: 'certificates.verify.checking',
  valid: 'certificates.verify.checkValid',
  revoked: 'certificates.verify.checkRevoked',
  expired: 'certificates.verify.checkExpired',
  badSignature: 'certificates.verify.checkBadSignature',
  unreadable: 'certificates.verify.checkUnreadable',
  otherIssuer: 'certificates.verify.checkOtherIssuer',
  unsupported: 'certificates.verify.checkUnsupported',
  noBadge: 'certificates.verify.checkNoBadge',
  holder: 'certificates.verify.holder',
  exam: 'certificates.verify.exam',
  issuer: 'certificates.verify.issuer',
} as const satisfies Record<string, MessageKey>;

function Verdict({
  certificate,
  status,
  issuer,
}: {
  certificate: Certificate;
  status: CertificateStatus;
  issuer: string;
}) {
  const { t, format } = useI18n();
  return (
    <section class={`card verdict verdict-${status}`} aria-labelledby="status">
      <div class="verdict-head">
        <span class="verdict-mark" aria-hidden="true">
          {MARK[status]}
        </span>
        <h2 id="status" data-status={status}>
          {t(`certificates.status.${status}`)}
        </h2>
      </div>
      {status === 'valid' && <p>{t('certificates.verify.validBody', { issuer })}</p>}
      {status === 'expired' && (
        <p>{t('certificates.verify.expiredBody', { issuer, date: format.date(certificate.expires_at ?? '') })}</p>
      )}
      {status === 'revoked' && (
        <>
          <p>
            {t('certificates.verify.revokedBody', {
              issuer,
              date: format.date(certificate.revoked_at ?? ''),
              reason: certificate.revoked_reason ?? '',
            })}
          </p>
          {certificate.replaced_by && (
            <p>
              {t('certificates.verify.replacedBy')}{' '}
              <a href={`/verify/${certificate.replaced_by}`}>{certificate.replaced_by}</a>
            </p>
          )}
        </>
      )}
    </section>
  );
}

function Details(props: {
  deps: Deps;
  certificate: Certificate;
  exam: AchievementFacts | undefined;
  issuer: Organisation;
}) {
  const { deps, certificate, exam, issuer } = props;
  const { t, format } = useI18n();
  return (
    <section class="card certificate-details">
      <div class="certificate-summary">
        <dl>
          <dt>{t('certificates.verify.holder')}</dt>
          <dd>{certificate.holder_name}</dd>
          <dt>{t('certificates.verify.exam')}</dt>
          <dd>{certificate.exam_title}</dd>
          <dt>{t('certificates.verify.issuer')}</dt>
          <dd>
            <a href="/issuer">{issuer.name}</a>
          </dd>
          <dt>{t('certificates.verify.issued')}</dt>
          <dd>{format.date(certificate.issued_at)}</dd>
          <dt>{t('certificates.verify.validUntil')}</dt>
          <dd>{certificate.expires_at ? format.date(certificate.expires_at) : t('certificates.verify.noExpiry')}</dd>
          <dt>{t('certificates.verify.id')}</dt>
          <dd>
            <code>{certificate.id}</code>
          </dd>
        </dl>
        <img
          src={badgeImageUrl(deps, certificate.exam_id)}
          alt={t('certificates.verify.badgeAlt', { title: certificate.exam_title })}
          class="badge-image"
          width={140}
          height={140}
        />
      </div>
      {exam && (
        <>
          <h3>{t('certificates.verify.criteria')}</h3>
          <Criteria exam={exam} />
          <p>
            <a href={achievementUrl(deps, exam.id)}>{t('certificates.verify.about')}</a>
          </p>
        </>
      )}
    </section>
  );
}

/** The "check a credential" box: a form the script reads; without the script it says so. */
export function CredentialCheck() {
  const { t, locale } = useI18n();
  // The script fills the placeholders itself: they pass through as "{date}", "{issuer}", "{alg}".
  const placeholders = { date: '{date}', issuer: '{issuer}', alg: '{alg}' };
  const messages = Object.fromEntries(
    Object.entries(CHECK_MESSAGES).map(([name, key]) => [name, t(key, placeholders)]),
  );
  return (
    <section class="card" aria-labelledby="check-heading">
      <h2 id="check-heading">{t('certificates.verify.checkHeading')}</h2>
      <p>{t('certificates.verify.checkIntro')}</p>
      <form id="credential-check" data-locale={locale} data-messages={JSON.stringify(messages)}>
        <label for="credential-jwt">{t('certificates.verify.checkJwt')}</label>
        <textarea id="credential-jwt" name="jwt" rows={4} spellcheck={false} autocomplete="off" />
        <label for="credential-file">{t('certificates.verify.checkFile')}</label>
        <input id="credential-file" name="file" type="file" accept="image/png,.png,.jwt,text/plain" />
        <button type="submit">{t('certificates.verify.checkButton')}</button>
        <noscript>
          <p class="hint">{t('certificates.verify.checkNoScript')}</p>
        </noscript>
      </form>
      <div id="credential-check-result" class="check-result" role="status" aria-live="polite" />
      <script src="/assets/certificates/verify.js" defer />
    </section>
  );
}

function NotFound() {
  const { t } = useI18n();
  return (
    <Layout title={t('certificates.verify.notFoundTitle')} narrow>
      <Alert kind="error">{t('certificates.verify.notFound')}</Alert>
      <CredentialCheck />
    </Layout>
  );
}

function VerificationPage(props: {
  deps: Deps;
  certificate: Certificate;
  exam: AchievementFacts | undefined;
  issuer: Organisation;
}) {
  const { t } = useI18n();
  const status = certificateStatus(props.certificate, props.deps.clock());
  return (
    <Layout title={t('certificates.verify.title')} narrow>
      <Verdict certificate={props.certificate} status={status} issuer={props.issuer.name} />
      <Details {...props} />
      <CredentialCheck />
    </Layout>
  );
}

export const verificationPages = (deps: Deps) =>
  new Hono<AppEnv>().get('/:id', async (c) => {
    await throttleVerification(deps, c.get('clientIp'));
    const certificate = await findCertificate(deps, c.req.param('id'));
    c.header('cache-control', 'no-store');
    if (!certificate) return html(c, <NotFound />, 404);
    const [exam, issuer] = await Promise.all([achievementFacts(deps, certificate.exam_id), organisation(deps)]);
    return html(c, <VerificationPage deps={deps} certificate={certificate} exam={exam} issuer={issuer} />);
  });

/** The in-browser checker of the verification page. */
export const verifyScript = () =>
  new Hono<AppEnv>().get('/', (c) =>
    c.body(VERIFY_SCRIPT, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=3600',
    }),
  );
