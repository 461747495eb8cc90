// The issuer's Profile and each Achievement as pages, for people who open a credential's `issuer.id` or
// `achievement.id` in a browser (programs get the same URL as JSON: public-resources.ts).
import type { Context } from 'hono';
import type { Deps } from '../deps.ts';
import type { AppEnv } from '../http/env.ts';
import { useI18n } from '../i18n/request.ts';
import { Layout } from '../web/layout.tsx';
import { html } from '../web/page-helpers.tsx';
import { type AchievementFacts, achievementUrl, badgeImageUrl } from './achievement.ts';
import { issuerId } from './issuer.ts';
import type { Organisation } from './organisation.ts';

/** The criteria in the reader's language, from the exam's settings. */
export function Criteria({ exam }: { exam: AchievementFacts }) {
  const { t, format } = useI18n();
  return (
    <p>
      {t('certificates.achievement.criteriaText', {
        questions: exam.question_count,
        minutes: exam.time_limit_minutes,
        passMark: format.percent(exam.pass_mark / 100),
      })}
      {exam.validity_months ? ` ${t('certificates.achievement.validity', { months: exam.validity_months })}` : ''}
    </p>
  );
}

function IssuerCard({ issuer }: { issuer: Organisation }) {
  const { t } = useI18n();
  return (
    <section class="card issuer-card">
      {issuer.logo && <img src="/issuer/logo" alt="" class="issuer-logo" />}
      <p>{t('certificates.issuer.intro')}</p>
      <dl>
        {issuer.url && (
          <>
            <dt>{t('certificates.issuer.website')}</dt>
            <dd>
              <a href={issuer.url} rel="noopener noreferrer">
                {issuer.url}
              </a>
            </dd>
          </>
        )}
        {issuer.email && (
          <>
            <dt>{t('certificates.issuer.contact')}</dt>
            <dd>
              <a href={`mailto:${issuer.email}`}>{issuer.email}</a>
            </dd>
          </>
        )}
        <dt>{t('certificates.issuer.keys')}</dt>
        <dd>
          <a href="/.well-known/jwks.json">/.well-known/jwks.json</a>
        </dd>
      </dl>
    </section>
  );
}

export function issuerPage(c: Context<AppEnv>, deps: Deps, issuer: Organisation) {
  return html(
    c,
    <Layout title={issuer.name} narrow>
      <IssuerCard issuer={issuer} />
      <p class="hint">
        <a href={`${issuerId(deps)}?format=json`}>JSON (Open Badges Profile)</a>
      </p>
    </Layout>,
  );
}

export function achievementPage(c: Context<AppEnv>, deps: Deps, exam: AchievementFacts, issuer: Organisation) {
  return html(c, <AchievementView deps={deps} exam={exam} issuer={issuer} />);
}

function AchievementView({ deps, exam, issuer }: { deps: Deps; exam: AchievementFacts; issuer: Organisation }) {
  const { t } = useI18n();
  return (
    <Layout title={exam.title} narrow>
      <section class="card achievement-card">
        <img
          src={badgeImageUrl(deps, exam.id)}
          alt={t('certificates.verify.badgeAlt', { title: exam.title })}
          class="badge-image"
          width={160}
          height={160}
        />
        <p>{t('certificates.achievement.intro', { issuer: issuer.name })}</p>
        <dl>
          <dt>{t('certificates.verify.issuer')}</dt>
          <dd>
            <a href="/issuer">{issuer.name}</a>
          </dd>
        </dl>
        {exam.description.trim() && <p>{exam.description}</p>}
        <h2>{t('certificates.achievement.criteria')}</h2>
        <Criteria exam={exam} />
        <p class="hint">
          <a href={`${achievementUrl(deps, exam.id)}?format=json`}>{t('certificates.achievement.json')}</a>
        </p>
      </section>
    </Layout>
  );
}
