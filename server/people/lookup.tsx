// "What about this address?" for support (issue 18): the accounts that have it, in any environment and provider, and
// how each environment would classify it, account or not (rules 5 to 13, through the rulebook's own classifier).
import { Hono } from 'hono';
import { type ClassificationFacts, classifyFacts } from '../../shared/licensing/classify.ts';
import { principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { i18nOf, useI18n } from '../i18n/request.ts';
import type { LicensingDeps } from '../licensing/context.ts';
import { type DirectoryEntry, directoryRowsOfAddress } from '../licensing/directory.ts';
import { AccountName } from '../licensing/pages/licence-panel.tsx';
import { classificationReason } from '../licensing/pages/reasons.ts';
import { Layout } from '../web/layout.tsx';
import { html, requirePage } from '../web/page-helpers.tsx';

export interface AddressVerdict {
  environment: string;
  production: boolean;
  classification: ClassificationFacts['classification'];
  reason: ClassificationFacts['reason'];
  flags: ClassificationFacts['flags'];
}

export async function lookUpAddress(deps: LicensingDeps, address: string) {
  await deps.licensing.current();
  const verdicts: AddressVerdict[] = deps.licensing.environments.map((env) => ({
    environment: env.name,
    production: env.production,
    ...classifyFacts(deps.licensing.compiled(env), { username: address, email: address }),
  }));
  return { accounts: await directoryRowsOfAddress(deps, address), verdicts };
}

/** The lookup box; on the lookup page and on the overview. */
export function LookupForm({ address = '' }: { address?: string }) {
  const { t } = useI18n();
  return (
    <form method="get" action="/portal/lookup" class="card" aria-label={t('people.lookup.title')}>
      <label for="address">{t('people.lookup.label')}</label>
      <input id="address" name="address" type="search" value={address} autocomplete="off" required />
      <p class="hint">{t('people.lookup.hint')}</p>
      <button type="submit">{t('people.lookup.submit')}</button>
    </form>
  );
}

function LookupAnswer({
  address,
  accounts,
  verdicts,
}: {
  address: string;
  accounts: DirectoryEntry[];
  verdicts: AddressVerdict[];
}) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <section class="card" aria-labelledby="lookup-answer">
      <h2 id="lookup-answer">{t('people.lookup.answer', { address })}</h2>
      <h3>{t('people.lookup.accounts')}</h3>
      {accounts.length === 0 ? (
        <p>{t('people.lookup.noAccount')}</p>
      ) : (
        <ul>
          {accounts.map((entry) => (
            <li>
              <AccountName entry={entry} />
            </li>
          ))}
        </ul>
      )}
      <h3>{t('people.lookup.classification')}</h3>
      <ul class="verdicts">
        {verdicts.map((v) => (
          <li>
            {t('people.lookup.wouldBe', {
              classification: t(`licensing.class.${v.classification}`),
              environment: v.environment,
              reason: classificationReason(i18n, v),
            })}
            {!v.production && <span class="hint"> {t('people.lookup.notProduction')}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

export const lookupPages = (deps: LicensingDeps) =>
  new Hono<AppEnv>().get('/lookup', requirePage('staffRead'), async (c) => {
    const address = (c.req.query('address') ?? '').trim().slice(0, 320);
    const answer = address ? await lookUpAddress(deps, address) : undefined;
    const { t } = await i18nOf(c);
    return html(
      c,
      <Layout title={t('people.lookup.title')} principal={principalOf(c)} narrow>
        <LookupForm address={address} />
        {answer && <LookupAnswer address={address} {...answer} />}
      </Layout>,
    );
  });
