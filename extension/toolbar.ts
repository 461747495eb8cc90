// What the toolbar icon says: the highest usage percentage with a colour per level (rule 21), or why it cannot say.
import type { LicenceSummary, Usage } from '../shared/api/extension-contract.ts';
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

export function describeUsage(name: string, usage: Usage): string {
  const used = usage.used.toLocaleString('en-GB');
  if (usage.capacity === null) return `${name}: ${used} (no licence configured)`;
  if (usage.capacity === 0) return `${name}: ${used} (the licence allows none)`;
  return `${name}: ${used} of ${usage.capacity.toLocaleString('en-GB')} (${usagePercent(usage)}%)`;
}

/** The worse of the two buckets' levels (rule 21), null when the server has no licence to compare with. */
export function worstLevel(summary: LicenceSummary): Level | null {
  const levels = [summary.internal.level, summary.external.level].filter((level): level is Level => level !== null);
  if (levels.length === 0) return null;
  return levels.reduce((worst, level) => (SEVERITY[level] > SEVERITY[worst] ? level : worst));
}

export function toolbarBadge(connection: Connection, summary: LicenceSummary | null): ToolbarBadge {
  if (connection.state === 'not-configured') {
    return { text: '', color: GREY, title: 'Seatkeeper: not signed in. Open the options to connect to your server.' };
  }
  if (connection.state !== 'signed-in' || summary === null) {
    const text = connection.state === 'unreachable' ? '?' : 'OFF';
    const what = { 'signed-out': 'signed out', forbidden: 'not allowed', unreachable: 'server unreachable' } as const;
    const state = connection.state === 'signed-in' ? 'unreachable' : connection.state;
    return { text, color: GREY, title: `Seatkeeper: ${what[state]}. ${connection.message}` };
  }
  const lines = [
    describeUsage('Internal', summary.internal),
    describeUsage('External', summary.external),
    `As of ${summary.asOf}`,
  ];
  const level = worstLevel(summary);
  if (level === null) return { text: '', color: GREY, title: `Seatkeeper\n${lines.join('\n')}` };
  const percents = [usagePercent(summary.internal), usagePercent(summary.external)].filter(
    (percent): percent is number => percent !== null,
  );
  const highest = Math.max(...percents);
  return {
    text: Number.isFinite(highest) ? `${Math.min(highest, 999)}%` : '!',
    color: LEVEL_COLOURS[level],
    title: `Seatkeeper\n${lines.join('\n')}`,
  };
}
