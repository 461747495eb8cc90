// What the toolbar icon says: the highest usage percentage with a colour per level (rule 21), or why it cannot say.
import type { LicenceSummary, Usage } from '../shared/api/extension-contract.ts';
import { formatMoment, formatNumber, formatPercent, type MessageKey, t } from './i18n.ts';
import type { Connection } from './storage.ts';

export interface ToolbarBadge {
  text: string;
  color: string;
  title: string;
}

export const LEVEL_COLOURS = { ok: '#15803d', notice: '#ca8a04', warning: '#ea580c', over: '#b91c1c' } as const;
const GREY = '#6b7280';

export type Level = keyof typeof LEVEL_COLOURS;
const SEVERITY: Record<Level, number> = { ok: 0, notice: 1, warning: 2, over: 3 };

/** Whole percent of capacity used; Infinity when there is none but someone uses it; null without a licence. */
export function usagePercent(usage: Usage): number | null {
  if (usage.capacity === null) return null;
  if (usage.capacity === 0) return usage.used > 0 ? Number.POSITIVE_INFINITY : 0;
  return Math.floor((usage.used / usage.capacity) * 100);
}

/** One bucket's usage, `Internal: 1,195 of 1,500 (79%)`; `name` is already in the browser's language. */
export function describeUsage(name: string, usage: Usage): string {
  const used = formatNumber(usage.used);
  if (usage.capacity === null) return t('usageNoLicence', name, used);
  if (usage.capacity === 0) return t('usageNoneAllowed', name, used);
  return t('usageOf', name, used, formatNumber(usage.capacity), formatPercent(usagePercent(usage) ?? 0));
}

const STATE_WORDS: Record<'signed-out' | 'forbidden' | 'unreachable', MessageKey> = {
  'signed-out': 'toolbarSignedOut',
  forbidden: 'toolbarForbidden',
  unreachable: 'toolbarUnreachable',
};

/** The worse of the two buckets' levels (rule 21), null when the server has no licence to compare with. */
export function worstLevel(summary: LicenceSummary): Level | null {
  const levels = [summary.internal.level, summary.external.level].filter((level): level is Level => level !== null);
  if (levels.length === 0) return null;
  return levels.reduce((worst, level) => (SEVERITY[level] > SEVERITY[worst] ? level : worst));
}

export function toolbarBadge(connection: Connection, summary: LicenceSummary | null): ToolbarBadge {
  if (connection.state === 'not-configured') {
    return { text: '', color: GREY, title: t('toolbarNotConfigured') };
  }
  if (connection.state !== 'signed-in' || summary === null) {
    const text = connection.state === 'unreachable' ? '?' : t('toolbarOff');
    const state = connection.state === 'signed-in' ? 'unreachable' : connection.state;
    return { text, color: GREY, title: t('toolbarState', t(STATE_WORDS[state]), connection.message) };
  }
  const lines = [
    describeUsage(t('classInternal'), summary.internal),
    describeUsage(t('classExternal'), summary.external),
    t('asOf', formatMoment(summary.asOf)),
  ];
  const level = worstLevel(summary);
  if (level === null) return { text: '', color: GREY, title: `Seatkeeper\n${lines.join('\n')}` };
  const percents = [usagePercent(summary.internal), usagePercent(summary.external)].filter(
    (percent): percent is number => percent !== null,
  );
  const highest = Math.max(...percents);
  return {
    text: Number.isFinite(highest) ? formatPercent(Math.min(highest, 999)) : '!',
    color: LEVEL_COLOURS[level],
    title: `Seatkeeper\n${lines.join('\n')}`,
  };
}
