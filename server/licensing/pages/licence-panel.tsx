import { deactivationReason } from '../../accounts/deactivation.ts';
import { useI18n } from '../../i18n/request.ts';
import { DataTable } from '../../web/data-table.tsx';
import type { LicensingDeps } from '../context.ts';
import { countingOf, type DirectoryEntry, directoryRowOfAccount } from '../directory.ts';
import { refHref } from './links.ts';

// ---- account licence panel (own accounts' detail page) ----

export interface AccountLicenceView {
  entry: DirectoryEntry | undefined;
  counting: ReturnType<typeof countingOf>;
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
  return {
    entry,
    counting: entry ? countingOf(deps, entry.ref) : null,
    deactivationReason: await deactivationReason(deps.db, accountId),
    signIns,
    reactivatedAt: reactivated?.at ?? null,
  };
}

const NOT_COUNTED: Record<string, string> = {
  inactive: 'not counted: deactivated',
  'non-production': 'not counted: non-production environment',
  'it-user': 'not counted: IT user',
};

export function Counting({ entry, counting }: { entry: DirectoryEntry; counting: AccountLicenceView['counting'] }) {
  return (
    <>
      <dt>Classification</dt>
      <dd>
        {entry.classification}: {entry.reason}
      </dd>
      <dt>Counted</dt>
      <dd>
        {counting?.counted
          ? `yes, in ${entry.environment}${counting.mergedWith.length > 0 ? ' (merged with the accounts below into one person)' : ''}`
          : (NOT_COUNTED[counting?.notCountedReason ?? ''] ?? 'no')}
      </dd>
      {counting && counting.mergedWith.length > 0 && (
        <>
          <dt>Same person as</dt>
          <dd>
            <ul>
              {counting.mergedWith.map((ref) => (
                <li>
                  <a href={refHref(ref)}>{ref}</a>
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
  return (
    <section class="card" aria-labelledby="licence-panel">
      <h2 id="licence-panel">Licence</h2>
      {view.entry ? (
        <dl>
          <Counting entry={view.entry} counting={view.counting} />
          {view.deactivationReason && (
            <>
              <dt>Deactivated by</dt>
              <dd>
                {view.deactivationReason === 'closed' ? (
                  <ClosedByThePerson />
                ) : view.deactivationReason === 'admin' ? (
                  'an administrator (signing in is refused)'
                ) : (
                  `the ${view.deactivationReason === 'retention' ? 'retention policy' : 'unverified-email policy'} (signing in again reactivates the account)`
                )}
              </dd>
            </>
          )}
          {view.reactivatedAt && (
            <>
              <dt>Reactivated</dt>
              <dd>on sign-in at {view.reactivatedAt}, after the retention policy had deactivated it</dd>
            </>
          )}
        </dl>
      ) : (
        <p>Not in the licence figures yet.</p>
      )}
      <h3>Sign-in history</h3>
      {view.signIns.length === 0 ? (
        <p>Never signed in.</p>
      ) : (
        <DataTable
          caption="Sign-in history"
          captionHidden
          rows={view.signIns}
          columns={[
            { header: 'When (UTC)', cell: (s) => s.at },
            { header: 'From', cell: (s) => s.ip },
            { header: 'Browser', cell: (s) => s.user_agent ?? '' },
          ]}
        />
      )}
    </section>
  );
}
