// What the banner on a console says (issue 7, "On the page"): capacity at 80%, 90% or over 100% (rule 21), licence
// breaches and the licence term (rules 22, 23). Each notice can be dismissed for the rest of the day; a capacity
// notice of a higher level is a new notice and shows again.
import type { LicenceSummary, Usage } from '../shared/api/extension-contract.ts';
import { formatDay, formatPercent, t } from './i18n.ts';
import { describeUsage, type Level, worstLevel } from './toolbar.ts';

export type NoticeTone = Exclude<Level, 'ok'>;

export interface Notice {
  /** Stable per kind and level: what a dismissal is remembered under. */
  key: string;
  tone: NoticeTone;
  title: string;
  lines: string[];
}

/** A local calendar day, YYYY-MM-DD: notices are dismissed "for the day" as the admin lives it. */
export function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

const capacityTitle = (tone: NoticeTone) =>
  tone === 'over'
    ? t('noticeCapacityExceeded')
    : t('noticeCapacityReached', formatPercent(tone === 'notice' ? 80 : 90));

// Shown by the capacity notice already.
const CAPACITY_BREACHES = new Set(['over-capacity-internal', 'over-capacity-external']);

const isRaised = (usage: Usage) => usage.level !== null && usage.level !== 'ok';

function termNotice(licence: NonNullable<LicenceSummary['licence']>): Notice | null {
  const day = licence.endsOn ? formatDay(licence.endsOn) : null;
  switch (licence.state) {
    case 'ending-soon':
      return {
        key: 'licence:ending-soon',
        tone: 'notice',
        title: day ? t('noticeEndsOn', day) : t('noticeEnds'),
        lines: [t('noticeEndsLine')],
      };
    case 'expired':
      return {
        key: 'licence:expired',
        tone: 'over',
        title: day ? t('noticeExpiredOn', day) : t('noticeExpired'),
        lines: [t('noticeExpiredLine')],
      };
    case 'cancelled':
      return {
        key: 'licence:cancelled',
        tone: 'over',
        title: t('noticeCancelled'),
        lines: [t('noticeCancelledLine')],
      };
    default:
      return null;
  }
}

/** The notices to show now, most severe first, without those dismissed today. */
export function pageNotices(
  summary: LicenceSummary | null,
  dismissed: Readonly<Record<string, string>>,
  today: string,
): Notice[] {
  if (!summary) return [];
  const notices: Notice[] = [];
  const level = worstLevel(summary);
  if (level && level !== 'ok') {
    const buckets: [string, Usage][] = [
      [t('usersInternal'), summary.internal],
      [t('usersExternal'), summary.external],
    ];
    const lines = buckets.filter(([, usage]) => isRaised(usage)).map(([name, usage]) => describeUsage(name, usage));
    for (const breach of summary.breaches) if (CAPACITY_BREACHES.has(breach.code)) lines.push(breach.message);
    notices.push({ key: `capacity:${level}`, tone: level, title: capacityTitle(level), lines });
  }
  for (const breach of summary.breaches) {
    if (CAPACITY_BREACHES.has(breach.code)) continue;
    notices.push({ key: `breach:${breach.code}`, tone: 'over', title: t('noticeBreach'), lines: [breach.message] });
  }
  const term = summary.licence ? termNotice(summary.licence) : null;
  if (term) notices.push(term);
  const severity: Record<NoticeTone, number> = { over: 0, warning: 1, notice: 2 };
  return notices
    .filter((notice) => dismissed[notice.key] !== today)
    .sort((a, b) => severity[a.tone] - severity[b.tone]);
}
