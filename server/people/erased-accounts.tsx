// The users list's view of erased accounts (rule 26a): they are in no count and no link, and hold no personal data,
// so they are listed apart from the directory, by when they were erased, with what is left of them.

import type { Principal } from '../auth/principal.ts';
import type { AccountDeactivationColumn, AccountErasureColumn } from '../auth/tables.ts';
import { useI18n } from '../i18n/request.ts';
import type { LeavingFigures } from '../licensing/leaving.ts';
import { DataTable } from '../web/data-table.tsx';
import { Layout } from '../web/layout.tsx';
import type { PeopleDeps } from './context.ts';

export interface ErasedAccount {
  id: string;
  role: string;
  erasedAt: string;
  closedByThePerson: boolean;
}

export interface ErasedPage {
  items: ErasedAccount[];
  /** The cursor of the next page (`<erasedAt>|<id>`), or null. */
  next: string | null;
}

/** Newest erasure first, keyset paged on (erased_at, id). */
export async function listErasedAccounts(deps: PeopleDeps, after: string | undefined, limit = 25): Promise<ErasedPage> {
  let query = deps.db
    .withTables<AccountDeactivationColumn & AccountErasureColumn>()
    .selectFrom('accounts')
    .select(['id', 'role', 'erased_at', 'deactivation_reason'])
    .where('erased_at', 'is not', null);
  const [erasedAt, id] = after?.split('|') ?? [];
  if (erasedAt && id) {
    query = query.where((eb) =>
      eb.or([eb('erased_at', '<', erasedAt), eb.and([eb('erased_at', '=', erasedAt), eb('id', '<', id)])]),
    );
  }
  const rows = await query
    .orderBy('erased_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map((r) => ({
    id: r.id,
    role: r.role,
    erasedAt: r.erased_at as string,
    closedByThePerson: r.deactivation_reason === 'closed',
  }));
  const last = items[items.length - 1];
  return { items, next: rows.length > limit && last ? `${last.erasedAt}|${last.id}` : null };
}

/** One line above the users list: this month's closings, the seats they freed, erasures (rule 26a). */
export function LeavingSummary({ figures }: { figures: LeavingFigures }) {
  const { t } = useI18n();
  const month = figures.months[0];
  if (!month) return null;
  return (
    <p id="leaving-summary">
      {t('people.leave.summary', {
        closed: month.closed,
        freed: month.seatsFreed,
        erased: month.erased,
        awaiting: figures.awaitingErasure,
      })}{' '}
      <a href="/portal/users?status=closed">{t('people.leave.showClosed')}</a> ·{' '}
      <a href="/portal/users?status=erased">{t('people.leave.showErased')}</a>
    </p>
  );
}

export function ErasedUsersList({
  principal,
  page,
  figures,
  after,
}: {
  principal: Principal;
  page: ErasedPage;
  figures: LeavingFigures;
  after: string | undefined;
}) {
  const { t, format } = useI18n();
  return (
    <Layout title={t('people.leave.erasedListTitle')} principal={principal}>
      <LeavingSummary figures={figures} />
      <p class="hint">{t('people.leave.erasedListHint')}</p>
      <DataTable
        caption={t('people.leave.erasedListTitle')}
        captionHidden
        rows={page.items}
        empty={t('people.leave.erasedListEmpty')}
        columns={[
          {
            header: t('people.leave.accountId'),
            rowHeader: true,
            cell: (a) => <a href={`/portal/users/${a.id}`}>{a.id}</a>,
          },
          { header: t('people.leave.role'), cell: (a) => a.role },
          { header: t('people.leave.erasedAtColumn'), cell: (a) => format.dateTime(a.erasedAt) },
          {
            header: t('people.leave.howColumn'),
            cell: (a) => (a.closedByThePerson ? t('people.leave.howClosed') : t('people.leave.howAdmin')),
          },
        ]}
      />
      <nav class="pager" aria-label={t('people.leave.pages')}>
        {after && <a href="/portal/users?status=erased">{t('people.leave.firstPage')}</a>}
        {page.next && (
          <a href={`/portal/users?${new URLSearchParams({ status: 'erased', after: page.next })}`} rel="next">
            {t('people.leave.nextPage')}
          </a>
        )}
        <a href="/portal/users">{t('people.leave.allUsers')}</a>
      </nav>
    </Layout>
  );
}
