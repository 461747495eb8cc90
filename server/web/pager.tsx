import { useI18n } from '../i18n/request.ts';

// Previous / next links under a paged list, keeping the list's query.
export function Pager({
  page,
  pageSize,
  total,
  query,
}: {
  page: number;
  pageSize: number;
  total: number;
  query: Record<string, string>;
}) {
  const { t } = useI18n();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const href = (p: number) => `?${new URLSearchParams({ ...query, page: String(p), pageSize: String(pageSize) })}`;
  return (
    <nav class="pager" aria-label={t('web.pager.label')}>
      {page > 1 && (
        <a href={href(page - 1)} rel="prev">
          {t('web.pager.previous')}
        </a>
      )}
      <span>{t('web.pager.position', { page, pages, total })}</span>
      {page < pages && (
        <a href={href(page + 1)} rel="next">
          {t('web.pager.next')}
        </a>
      )}
    </nav>
  );
}
