// What the banner on a console says (issue 7, "On the page"): capacity at 80%, 90% or over 100% (rule 21), licence
// breaches and the licence term (rules 22, 23). Each notice can be dismissed for the rest of the day; a capacity
// notice of a higher level is a new notice and shows again.
import type { LicenceSummary, Usage } from '../shared/api/extension-contract.ts';
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

const CAPACITY_TITLES: Record<NoticeTone, string> = {
  notice: 'Licence capacity: 80% reached',
  warning: 'Licence capacity: 90% reached',
  over: 'Licence capacity exceeded',
};

// Shown by the capacity notice already.
const CAPACITY_BREACHES = new Set(['over-capacity-internal', 'over-capacity-external']);

const isRaised = (usage: Usage) => usage.level !== null && usage.level !== 'ok';

function termNotice(licence: NonNullable<LicenceSummary['licence']>): Notice | null {
  const ends = licence.endsOn ? ` on ${licence.endsOn}` : '';
  switch (licence.state) {
    case 'ending-soon':
      return {
        key: 'licence:ending-soon',
        tone: 'notice',
        title: `The Seatkeeper licence ends${ends}`,
        lines: ['Renew it in time: an expired licence blocks publishing exams.'],
      };
    case 'expired':
      return {
        key: 'licence:expired',
        tone: 'over',
        title: `The Seatkeeper licence expired${ends}`,
        lines: ['Exams can no longer be published until the licence is renewed.'],
      };
    case 'cancelled':
      return {
        key: 'licence:cancelled',
        tone: 'over',
        title: 'The Seatkeeper licence was cancelled',
        lines: ['Candidates see the platform as offline.'],
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
      ['Internal users', summary.internal],
      ['External users', summary.external],
    ];
    const lines = buckets.filter(([, usage]) => isRaised(usage)).map(([name, usage]) => describeUsage(name, usage));
    for (const breach of summary.breaches) if (CAPACITY_BREACHES.has(breach.code)) lines.push(breach.message);
    notices.push({ key: `capacity:${level}`, tone: level, title: CAPACITY_TITLES[level], lines });
  }
  for (const breach of summary.breaches) {
    if (CAPACITY_BREACHES.has(breach.code)) continue;
    notices.push({ key: `breach:${breach.code}`, tone: 'over', title: 'Licence breach', lines: [breach.message] });
  }
  const term = summary.licence ? termNotice(summary.licence) : null;
  if (term) notices.push(term);
  const severity: Record<NoticeTone, number> = { over: 0, warning: 1, notice: 2 };
  return notices
    .filter((notice) => dismissed[notice.key] !== today)
    .sort((a, b) => severity[a.tone] - severity[b.tone]);
}
