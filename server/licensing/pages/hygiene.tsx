// Hygiene checks (rules 28 to 32), each finding linked to the accounts involved.

import { Hono } from 'hono';
import { licenceCapacity } from '../../../shared/licensing/capacity.ts';
import { principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { nf } from '../../web/format.ts';
import { Alert, Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import type { LicensingDeps } from '../context.ts';
import { ACCOUNTS_PER_FINDING } from '../full-count.ts';
import { readLicence, readOrganisationDomains } from '../licence.ts';
import { refHref } from './links.ts';

export const hygienePages = (deps: LicensingDeps) =>
  new Hono<AppEnv>().get('/hygiene', requirePage('staffRead'), async (c) => {
    await deps.licensing.current();
    // Off the request thread with a database file: a million accounts take seconds to check.
    const { answer } = await deps.licensing.fullCountTask({
      kind: 'hygiene',
      organisationDomains: await readOrganisationDomains(deps),
    });
    const { findings, hidden } = answer.report;
    const labels = new Map(answer.report.labels);
    const licence = await readLicence(deps);
    return html(
      c,
      <Layout title="Hygiene" principal={principalOf(c)}>
        <p>
          Checks of rules 28 to 32 over {nf(answer.report.accounts)} accounts
          {licence ? ` (licence capacity ${nf(licenceCapacity(licence).internal)} internal)` : ''}. Each finding links
          to the accounts involved.
        </p>
        {findings.length === 0 && <Alert kind="success">Nothing to fix.</Alert>}
        {hidden > 0 && <p>{nf(hidden)} more findings of the same kinds are not shown; fix these first.</p>}
        {findings.map((f) => (
          <section class="card">
            <h2>
              Rule {f.rule}: {f.code.replace(/-/g, ' ')}
              {f.environment ? ` (${f.environment})` : ''}
            </h2>
            <p>{f.message}</p>
            {f.accounts.length > 0 && (
              <ul>
                {f.accounts.slice(0, ACCOUNTS_PER_FINDING).map((ref) => (
                  <li>
                    <a href={refHref(ref)}>{labels.get(ref) ?? String(ref)}</a>
                  </li>
                ))}
                {f.accounts.length > ACCOUNTS_PER_FINDING && (
                  <li>and {nf(f.accounts.length - ACCOUNTS_PER_FINDING)} more</li>
                )}
              </ul>
            )}
          </section>
        ))}
      </Layout>,
    );
  });
