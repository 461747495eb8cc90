// Hygiene checks (rules 28 to 32), each finding linked to the accounts involved.

import { Hono } from 'hono';
import { licenceCapacity } from '../../../shared/licensing/capacity.ts';
import { principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { i18nOf } from '../../i18n/request.ts';
import { Alert, Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import type { LicensingDeps } from '../context.ts';
import { ACCOUNTS_PER_FINDING } from '../full-count.ts';
import { saveHygieneSummary } from '../hygiene-summary.ts';
import { readLicence, readOrganisationDomains } from '../licence.ts';
import { refHref } from './links.ts';
import { findingText } from './reasons.ts';

export const hygienePages = (deps: LicensingDeps) =>
  new Hono<AppEnv>().get('/hygiene', requirePage('staffRead'), async (c) => {
    await deps.licensing.current();
    // Off the request thread with a database file: a million accounts take seconds to check.
    const { answer } = await deps.licensing.fullCountTask({
      kind: 'hygiene',
      organisationDomains: await readOrganisationDomains(deps),
    });
    const { findings, hidden, counts } = answer.report;
    await saveHygieneSummary(deps.db, { computedAt: deps.clock().toISOString(), counts });
    const labels = new Map(answer.report.labels);
    const licence = await readLicence(deps);
    const i18n = await i18nOf(c);
    const { t, format } = i18n;
    return html(
      c,
      <Layout title={t('licensing.hygienePage.title')} principal={principalOf(c)}>
        <p>
          {t('licensing.hygienePage.intro', {
            accounts: answer.report.accounts,
            capacity: licence ? licenceCapacity(licence).internal : -1,
          })}
        </p>
        {findings.length === 0 && <Alert kind="success">{t('licensing.hygienePage.nothing')}</Alert>}
        {hidden > 0 && <p>{t('licensing.hygienePage.hidden', { count: hidden })}</p>}
        {findings.map((f) => (
          <section class="card">
            <h2>
              {t(f.environment ? 'licensing.hygienePage.findingIn' : 'licensing.hygienePage.finding', {
                rule: f.rule,
                title: t(`licensing.hygieneTitle.${f.code}`),
                environment: f.environment,
              })}
            </h2>
            <p>{findingText(i18n, f)}</p>
            {f.accounts.length > 0 && (
              <ul>
                {f.accounts.slice(0, ACCOUNTS_PER_FINDING).map((ref) => (
                  <li>
                    <a href={refHref(ref)}>{labels.get(ref) ?? String(ref)}</a>
                  </li>
                ))}
                {f.accounts.length > ACCOUNTS_PER_FINDING && (
                  <li>
                    {t('licensing.hygienePage.more', {
                      count: format.number(f.accounts.length - ACCOUNTS_PER_FINDING),
                    })}
                  </li>
                )}
              </ul>
            )}
          </section>
        ))}
      </Layout>,
    );
  });
