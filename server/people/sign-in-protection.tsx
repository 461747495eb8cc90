// A person's sign-in protection, for admins on the person's page: the pause that failed attempts at the account put
// on sign-ins from unknown devices (and lifting it), and signing the person out everywhere.
import type { AccountView } from '../accounts/accounts.ts';
import type { SignInLock } from '../accounts/sign-in-protection.ts';
import { useI18n } from '../i18n/request.ts';

/** Support reads the state; admins lift the pause and sign the person out (`canAct`). */
export function SignInProtectionPanel({
  account,
  lock,
  canAct,
}: {
  account: AccountView;
  lock: SignInLock;
  canAct: boolean;
}) {
  const { t, format } = useI18n();
  return (
    <section class="card" aria-labelledby="sign-in-protection">
      <h2 id="sign-in-protection">{t('signInProtection.title')}</h2>
      <p>
        {lock.pausedUntil
          ? t('signInProtection.paused', {
              attempts: lock.failedAttempts,
              until: format.dateTime(lock.pausedUntil),
            })
          : t('signInProtection.notPaused', { attempts: lock.failedAttempts })}
      </p>
      {canAct && lock.pausedUntil && (
        <form method="post" action={`/portal/users/${account.id}/sign-in-lock/lift`}>
          <button type="submit">{t('signInProtection.lift')}</button>
        </form>
      )}
      {canAct && (
        <>
          <form method="post" action={`/portal/users/${account.id}/sign-out-everywhere`}>
            <button type="submit" class="danger">
              {t('signInProtection.signOutEverywhere')}
            </button>
          </form>
          <p class="hint">{t('signInProtection.signOutEverywhereHint')}</p>
        </>
      )}
    </section>
  );
}
