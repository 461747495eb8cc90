import { deactivationReason } from '../../accounts/deactivation.ts';
import { isMessageKey } from '../../i18n/messages.ts';
import { useI18n } from '../../i18n/request.ts';
import { DataTable } from '../../web/data-table.tsx';
import type { LicensingDeps } from '../context.ts';
import { countingOf, type DirectoryEntry, directoryRowOfAccount, directoryRowsOfRefs } from '../directory.ts';
import { refHref } from './links.ts';
import { classificationReason } from './reasons.ts';

// ---- account licence panel (own accounts' detail page) ----

export interface AccountLicenceView {
  entry: DirectoryEntry | undefined;
  counting: ReturnType<typeof countingOf>;
  /** The accounts merged with this one into one person (rules 14 to 17), by name. */
  linked: DirectoryEntry[];
  deactivationReason: string | null;
  signIns: { at: string; ip: string; user_agent: string | null }[];
  reactivatedAt: string | null;
}

export async function accountLicenceView(deps: LicensingDeps, accountId: string): Promise<AccountLicenceView> {
  const entry = await directoryRowOfAccount(deps, accountId);
  const signIns = await deps.db
    .selectFrom('sign_in_events')
    .select(['at', 'ip', 'user_agent'])
    .where('account_id', '=', accountId)
    .orderBy('at', 'desc')
    .limit(10)
    .execute();
  const reactivated = await deps.db
    .selectFrom('audit_events')
    .select('at')
    .where('target_account_id', '=', accountId)
    .where('action', '=', 'account.activated')
    .where('details', 'like', '%"via":"sign-in"%')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  const counting = entry ? countingOf(deps, entry.ref) : null;
  return {
    entry,
    counting,
    linked: await directoryRowsOfRefs(deps, counting?.mergedWith ?? []),
    deactivationReason: await deactivationReason(deps.db, accountId),
    signIns,
    reactivatedAt: reactivated?.at ?? null,
  };
}

/** An account of the directory as staff name it: its name, username or email, then where it lives. */
export function AccountName({ entry }: { entry: DirectoryEntry }) {
  const { t } = useI18n();
  const where = entry.tenant
    ? t('people.users.providerTenant', { provider: entry.provider, tenant: entry.tenant })
    : entry.provider;
  return (
    <>
      <a href={refHref(entry.ref)}>{entry.name || entry.username || entry.email}</a>{' '}
      <span class="hint">{t('licensing.panel.accountWhere', { environment: entry.environment, provider: where })}</span>
    </>
  );
}

export function Counting({
  entry,
  counting,
  linked,
}: {
  entry: DirectoryEntry;
  counting: AccountLicenceView['counting'];
  linked: DirectoryEntry[];
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const notCounted = counting?.notCountedReason ?? '';
  const notCountedKey = `licensing.panel.notCounted.${notCounted}`;
  return (
    <>
      <dt>{t('licensing.panel.classification')}</dt>
      <dd>
        {t(`licensing.class.${entry.classification}`)}: {classificationReason(i18n, entry)}
      </dd>
      <dt>{t('licensing.panel.counted')}</dt>
      <dd>
        {counting?.counted
          ? t('licensing.panel.countedIn', {
              environment: entry.environment,
              merged: counting.mergedWith.length > 0 ? 'yes' : 'no',
            })
          : isMessageKey(notCountedKey)
            ? t(notCountedKey)
            : t('web.no')}
      </dd>
      {counting && counting.mergedWith.length > 0 && (
        <>
          <dt>{t('licensing.panel.samePerson')}</dt>
          <dd>
            <ul>
              {linked.map((other) => (
                <li>
                  <AccountName entry={other} />
                </li>
              ))}
            </ul>
          </dd>
        </>
      )}
    </>
  );
}

/** Rule 26a: the account's owner closed it. */
function ClosedByThePerson() {
  return <>{useI18n().t('licensing.leaving.byThePerson')}</>;
}

export function AccountLicencePanel({ view }: { view: AccountLicenceView }) {
  const { t, format } = useI18n();
  return (
    <section class="card" aria-labelledby="licence-panel">
      <h2 id="licence-panel">{t('licensing.licence.title')}</h2>
      {view.entry ? (
        <dl>
          <Counting entry={view.entry} counting={view.counting} linked={view.linked} />
          {view.deactivationReason && (
            <>
              <dt>{t('licensing.panel.deactivatedBy')}</dt>
              <dd>
                {view.deactivationReason === 'closed' ? (
                  <ClosedByThePerson />
                ) : (
                  t('licensing.panel.deactivationReason', { reason: view.deactivationReason })
                )}
              </dd>
            </>
          )}
          {view.reactivatedAt && (
            <>
              <dt>{t('licensing.panel.reactivated')}</dt>
              <dd>{t('licensing.panel.reactivatedAt', { at: format.dateTime(view.reactivatedAt) })}</dd>
            </>
          )}
        </dl>
      ) : (
        <p>{t('licensing.panel.notInFigures')}</p>
      )}
      <h3>{t('licensing.panel.signIns')}</h3>
      {view.signIns.length === 0 ? (
        <p>{t('licensing.panel.neverSignedIn')}</p>
      ) : (
        <DataTable
          caption={t('licensing.panel.signIns')}
          captionHidden
          rows={view.signIns}
          columns={[
            { header: t('audit.when'), cell: (s) => <time datetime={s.at}>{format.dateTime(s.at)}</time> },
            { header: t('audit.from'), cell: (s) => s.ip },
            { header: t('licensing.panel.browser'), cell: (s) => s.user_agent ?? '' },
          ]}
        />
      )}
    </section>
  );
}
