// The staff's home (issue 18): the licence at a glance (each bucket against its own capacity), breaches and term
// notices, what needs attention (imports running or failed, mail that failed, hygiene), and, on a fresh installation,
// the steps that make it useful.
import { Hono } from 'hono';
import type { HygieneCode } from '../../shared/licensing/hygiene.ts';
import type { Principal } from '../auth/principal.ts';
import { principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { i18nOf, useI18n } from '../i18n/request.ts';
import { type HygieneSummary, readHygieneSummary } from '../licensing/hygiene-summary.ts';
import { type LicenceSummary, licenceSummary } from '../licensing/licence.ts';
import { breachSentence } from '../licensing/rulebook-words.ts';
import { mailCounts } from '../mail/queue.ts';
import { isAdmin } from '../web/format.ts';
import { Alert, Layout } from '../web/layout.tsx';
import { termText } from '../web/licence-term.ts';
import { html, requirePage } from '../web/page-helpers.tsx';
import type { PeopleDeps } from './context.ts';
import { LookupForm } from './lookup.tsx';

const BUCKETS = ['internal', 'external'] as const;
/** Failed imports stay on the home page this long; the environment's page keeps them all. */
const RECENT_FAILURE_DAYS = 7;

interface Step {
  key: 'domains' | 'licence' | 'exam' | 'mail' | 'extension';
  done: boolean;
  href: string;
}

interface Overview {
  summary: LicenceSummary;
  hygiene: HygieneSummary | undefined;
  imports: { id: string; environment: string; provider: string; status: string; startedAt: string }[];
  failedMail: number;
  steps: Step[];
}

async function overview(deps: PeopleDeps): Promise<Overview> {
  const summary = await licenceSummary(deps);
  const since = new Date(deps.clock().getTime() - RECENT_FAILURE_DAYS * 86_400_000).toISOString();
  const imports = await deps.db
    .selectFrom('licence_imports')
    .select(['id', 'environment_id', 'provider', 'status', 'started_at'])
    .where((eb) =>
      eb.or([eb('status', '=', 'running'), eb.and([eb('status', '=', 'failed'), eb('started_at', '>=', since)])]),
    )
    .orderBy('started_at', 'desc')
    .limit(10)
    .execute();
  const exists = async (table: 'exams' | 'access_tokens') =>
    (await deps.db.selectFrom(table).select('id').limit(1).executeTakeFirst()) !== undefined;
  const steps: Step[] = [
    {
      key: 'domains',
      done: deps.licensing.ownEnvironment().internalDomains.length > 0,
      href: '/portal/environments/own',
    },
    { key: 'licence', done: summary.status !== null, href: '/portal/licence' },
    { key: 'exam', done: await exists('exams'), href: '/portal/exams' },
    { key: 'mail', done: deps.config.smtpUrl !== undefined, href: '/portal/outbox' },
    // The extension signs in with an access token (extension/server-client.ts): one exists once it is set up.
    { key: 'extension', done: await exists('access_tokens'), href: '/portal/extension' },
  ];
  return {
    summary,
    hygiene: await readHygieneSummary(deps.db),
    imports: imports.map((i) => ({
      id: i.id,
      environment: deps.licensing.environmentById(i.environment_id)?.name ?? i.environment_id,
      provider: i.provider,
      status: i.status,
      startedAt: i.started_at,
    })),
    failedMail: (await mailCounts(deps.db)).failed,
    steps,
  };
}

function Glance({ summary }: { summary: LicenceSummary }) {
  const { t, format } = useI18n();
  return (
    <section class="card" aria-labelledby="glance">
      <h2 id="glance">{t('overview.glance')}</h2>
      <div class="glance">
        {BUCKETS.map((bucket) => {
          const { used, capacity, percent } = summary[bucket];
          return (
            <div class="glance-bucket" data-bucket={bucket}>
              <h3>{t(`licensing.bucket.${bucket}`)}</h3>
              <p class="glance-figure">
                {capacity === null
                  ? t('overview.usedNoLicence', { used })
                  : t('overview.usedOf', { used, capacity, percent: format.percent((percent ?? 0) / 100) })}
              </p>
              {capacity !== null && (
                // Each meter is scaled to its own bucket's capacity (or what is used, when over it).
                <meter
                  min={0}
                  max={Math.max(capacity, used, 1)}
                  value={used}
                  high={capacity * 0.9}
                  optimum={0}
                  aria-label={t('overview.meterLabel', { bucket })}
                />
              )}
            </div>
          );
        })}
      </div>
      <p>
        <a href="/portal/licence">{t('overview.licenceLink')}</a>
      </p>
    </section>
  );
}

function Attention({ data, principal }: { data: Overview; principal: Principal }) {
  const { t, format } = useI18n();
  const admin = isAdmin(principal);
  const items = [
    ...data.imports.map((i) => (
      <li>
        <a href={`/portal/imports/${i.id}`}>
          {t(
            i.status === 'running'
              ? 'overview.importRunning'
              : i.provider
                ? 'overview.importFailed'
                : 'overview.importRefused',
            {
              provider: i.provider,
              environment: i.environment,
              at: format.dateTime(i.startedAt),
            },
          )}
        </a>
      </li>
    )),
    ...(data.failedMail > 0
      ? [
          <li>
            {admin ? (
              <a href="/portal/outbox">{t('overview.failedMail', { count: data.failedMail })}</a>
            ) : (
              t('overview.failedMail', { count: data.failedMail })
            )}
          </li>,
        ]
      : []),
  ];
  return (
    <section class="card" aria-labelledby="attention">
      <h2 id="attention">{t('overview.attention')}</h2>
      {items.length === 0 ? <p>{t('overview.nothingNeedsAttention')}</p> : <ul>{items}</ul>}
      <HygieneFindings summary={data.hygiene} />
    </section>
  );
}

/** The last hygiene run as it was stored (counting again takes seconds at a million accounts: only on request). */
function HygieneFindings({ summary }: { summary: HygieneSummary | undefined }) {
  const { t, format } = useI18n();
  const kinds = Object.entries(summary?.counts ?? {}).filter(([, count]) => count > 0) as [HygieneCode, number][];
  return (
    <div class="hygiene-summary">
      {!summary ? (
        <p>{t('forms.overview.hygieneNever')}</p>
      ) : (
        <>
          <p>
            {kinds.length === 0
              ? t('forms.overview.hygieneClean', { at: format.dateTime(summary.computedAt) })
              : t('forms.overview.hygieneFound', { at: format.dateTime(summary.computedAt) })}
          </p>
          {kinds.length > 0 && (
            <ul>
              {kinds.map(([code, count]) => (
                <li data-kind={code}>
                  {t('forms.overview.hygieneKind', { kind: t(`licensing.hygieneTitle.${code}`), count })}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <p>
        <a href="/portal/hygiene">{t('overview.hygieneLink')}</a>
      </p>
    </div>
  );
}

function GettingStarted({ steps }: { steps: Step[] }) {
  const { t } = useI18n();
  const done = steps.filter((s) => s.done).length;
  return (
    <section class="card" aria-labelledby="getting-started">
      <h2 id="getting-started">{t('overview.gettingStarted')}</h2>
      <p>{t('overview.stepsDone', { done, total: steps.length })}</p>
      <ol class="checklist">
        {steps.map((step) => (
          <li data-done={step.done ? 'yes' : 'no'}>
            <span class={step.done ? 'badge' : 'badge inactive'}>
              {step.done ? t('overview.done') : t('overview.toDo')}
            </span>{' '}
            <a href={step.href}>{t(`overview.step.${step.key}`)}</a>
            {!step.done && <p class="hint">{t(`overview.stepHint.${step.key}`)}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}

export const overviewPages = (deps: PeopleDeps) =>
  new Hono<AppEnv>()
    // The staff's home.
    .get('/', requirePage('staffRead'), (c) => c.redirect('/portal/overview', 303))
    .get('/overview', requirePage('staffRead'), async (c) => {
      const data = await overview(deps);
      const i18n = await i18nOf(c);
      const { t } = i18n;
      const status = data.summary.status;
      const principal = principalOf(c);
      return html(
        c,
        <Layout title={t('overview.title')} principal={principal}>
          {data.summary.breaches.map((b) => (
            <Alert kind="error">{t('licensing.licence.breach', { breach: breachSentence(i18n, b) })}</Alert>
          ))}
          {status && status.term.state !== 'active' && (
            <Alert kind="error">{t('licensing.licence.termAlert', { term: termText(i18n, status.term) })}</Alert>
          )}
          {data.steps.some((s) => !s.done) && isAdmin(principal) && <GettingStarted steps={data.steps} />}
          <Glance summary={data.summary} />
          <Attention data={data} principal={principal} />
          <LookupForm />
        </Layout>,
      );
    });
