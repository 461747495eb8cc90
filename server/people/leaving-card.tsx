// On a person's page: whether and how the person left (rule 26a), when their data is (or was) erased, what stays,
// and, for administrators, erasing it now.
import type { AccountView } from '../accounts/accounts.ts';
import { erasureDate } from '../accounts/closing.ts';
import { leavingState } from '../accounts/deactivation.ts';
import type { Principal } from '../auth/principal.ts';
import type { AccountDeactivationColumn } from '../auth/tables.ts';
import { useI18n } from '../i18n/request.ts';
import { readErasureDays } from '../licensing/leaving.ts';
import { Alert, Form, Layout, useFieldError } from '../web/layout.tsx';
import type { PeopleDeps } from './context.ts';

export interface LeavingView {
  closed: boolean;
  erasedAt: string | null;
  deactivatedAt: string | null;
  /** Closed and not erased yet: the day the erasure policy erases it. */
  erasureOn: string | null;
  erasureDays: number;
  /** Certificates issued to the account (they stay verifiable). */
  certificates: { id: string; examTitle: string }[];
}

export async function leavingView(deps: PeopleDeps, accountId: string): Promise<LeavingView> {
  const state = await leavingState(deps.db, accountId);
  const row = await deps.db
    .withTables<AccountDeactivationColumn>()
    .selectFrom('accounts')
    .select('deactivated_at')
    .where('id', '=', accountId)
    .executeTakeFirst();
  const erasureDays = await readErasureDays(deps);
  const closed = state?.closed ?? false;
  const erasedAt = state?.erasedAt ?? null;
  const deactivatedAt = row?.deactivated_at ?? null;
  const certificates = await deps.db
    .selectFrom('certificates')
    .select(['id', 'exam_title'])
    .where('account_id', '=', accountId)
    .orderBy('issued_at')
    .execute();
  return {
    closed,
    erasedAt,
    deactivatedAt,
    erasureOn: closed && !erasedAt && deactivatedAt ? erasureDate(deactivatedAt, erasureDays) : null,
    erasureDays,
    certificates: certificates.map((c) => ({ id: c.id, examTitle: c.exam_title })),
  };
}

const calendarDay = (day: string) => `${day}T00:00:00Z`;

export function LeavingCard({
  principal,
  accountId,
  view,
}: {
  principal: Principal;
  accountId: string;
  view: LeavingView;
}) {
  const { t, format } = useI18n();
  const admin = principal.account.role === 'admin' && principal.kind === 'session';
  const self = principal.account.id === accountId;
  const mayErase = admin && !self && !view.erasedAt;
  if (!view.closed && !view.erasedAt && !mayErase) return null;
  return (
    <section class="card" aria-labelledby="leaving" id="leaving-card">
      <h2 id="leaving">{t('people.leave.title')}</h2>
      {view.closed && view.deactivatedAt && (
        <p>
          <ClosedBadge /> {t('people.leave.closedOn', { at: format.dateTime(view.deactivatedAt) })}
        </p>
      )}
      {view.erasedAt ? (
        <>
          <p>
            <span class="badge inactive">{t('people.leave.erasedBadge')}</span>{' '}
            {t('people.leave.erasedOn', { at: format.dateTime(view.erasedAt) })}
          </p>
          <p>{t('people.leave.erasedKept')}</p>
        </>
      ) : (
        view.erasureOn && (
          <p>
            {t('people.leave.erasureDue', { date: format.date(calendarDay(view.erasureOn)), days: view.erasureDays })}
          </p>
        )
      )}
      {view.certificates.length > 0 && (
        <>
          <h3>{t('people.leave.certificates')}</h3>
          <ul>
            {view.certificates.map((c) => (
              <li>
                <a href={`/verify/${c.id}`}>{c.examTitle}</a>
              </li>
            ))}
          </ul>
        </>
      )}
      {mayErase && (
        <Form id="person-erasure" action={`/portal/users/${accountId}/erasure`}>
          <h3>{t('people.leave.eraseTitle')}</h3>
          <p class="hint">{t('people.leave.eraseExplain')}</p>
          <EraseConfirmBox />
          <button type="submit" class="danger">
            {t('people.leave.eraseButton')}
          </button>
        </Form>
      )}
    </section>
  );
}

/** The box that says "yes, erase": marked and explained when the form came back without it. */
function EraseConfirmBox() {
  const { t } = useI18n();
  const { error, autofocus } = useFieldError('confirm');
  return (
    <>
      <label class="check">
        <input
          type="checkbox"
          id="confirm-erase"
          name="confirm"
          value="erase"
          required
          autofocus={autofocus}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'confirm-erase-error' : undefined}
        />{' '}
        {t('people.leave.eraseConfirm')}
      </label>
      {error && (
        <p class="field-error" id="confirm-erase-error">
          {error}
        </p>
      )}
    </>
  );
}

/** The page of an erased account: what is left of it (an id, a role, dates), what stays verifiable, nothing to change. */
export function ErasedPersonPage({
  principal,
  account,
  leaving,
  message,
}: {
  principal: Principal;
  account: AccountView;
  leaving: LeavingView;
  message?: string | undefined;
}) {
  const { t, format } = useI18n();
  return (
    <Layout title={t('people.leave.erasedTitle')} principal={principal}>
      {message && <Alert kind="error">{message}</Alert>}
      <section class="card" aria-labelledby="details">
        <h2 id="details">{t('people.leave.details')}</h2>
        <dl>
          <dt>{t('people.leave.accountId')}</dt>
          <dd>
            <code>{account.id}</code>
          </dd>
          <dt>{t('people.leave.role')}</dt>
          <dd>{account.role}</dd>
          <dt>{t('people.leave.created')}</dt>
          <dd>{format.dateTime(account.createdAt)}</dd>
          <dt>{t('people.leave.counted')}</dt>
          <dd>{t('people.leave.notCounted')}</dd>
        </dl>
      </section>
      <LeavingCard principal={principal} accountId={account.id} view={leaving} />
      <p>
        <a href="/portal/users?status=erased">{t('people.leave.backToErased')}</a>
      </p>
    </Layout>
  );
}

/** The badge of an account its owner closed; `short` in a table's narrow column (the filter names it in full). */
export function ClosedBadge({ short = false }: { short?: boolean }) {
  const { t } = useI18n();
  return (
    <span class="badge inactive" title={short ? t('people.leave.closedBadge') : undefined}>
      {t(short ? 'people.leave.closedShort' : 'people.leave.closedBadge')}
    </span>
  );
}

/** The users list's status filter choices for people who left. */
export function StatusOptions({ selected }: { selected: string | undefined }) {
  const { t } = useI18n();
  return (
    <>
      <option value="closed" selected={selected === 'closed'}>
        {t('people.leave.statusClosed')}
      </option>
      <option value="erased" selected={selected === 'erased'}>
        {t('people.leave.statusErased')}
      </option>
    </>
  );
}
