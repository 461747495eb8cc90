// What the toolbar icon says: the highest usage percentage with a colour per level (rule 21), or why it cannot say.
import type { LicenceSummary, Usage } from '../shared/api/extension-contract.ts';
import type { ServerFailure } from './server-client.ts';

export interface ToolbarBadge {
  text: string;
  color: string;
  title: string;
}

export const LEVEL_COLOURS = { ok: '#15803d', notice: '#ca8a04', warning: '#ea580c', over: '#b91c1c' } as const;

function percent(usage: Usage): number {
  if (usage.capacity === 0) return usage.used > 0 ? Number.POSITIVE_INFINITY : 0;
  return Math.floor((usage.used / usage.capacity) * 100);
}

function describe(name: string, usage: Usage): string {
  const share =
    usage.capacity === 0 ? 'no capacity' : `${percent(usage)}% of ${usage.capacity.toLocaleString('en-GB')}`;
  return `${name}: ${usage.used.toLocaleString('en-GB')} (${share})`;
}

const SEVERITY = { ok: 0, notice: 1, warning: 2, over: 3 } as const;

export function toolbarBadge(
  state: { summary: LicenceSummary } | { failure: ServerFailure } | 'not-configured',
): ToolbarBadge {
  if (state === 'not-configured') {
    return {
      text: '',
      color: '#6b7280',
      title: 'Seatkeeper: not signed in. Open the options to connect to your server.',
    };
  }
  if ('failure' in state) {
    const signedOut = state.failure.kind === 'signed-out';
    return {
      text: signedOut ? 'OFF' : '?',
      color: '#6b7280',
      title: `Seatkeeper: ${signedOut ? 'signed out' : 'server unreachable'} (${state.failure.message})`,
    };
  }
  const { internal, external } = state.summary;
  const worst = SEVERITY[internal.level] >= SEVERITY[external.level] ? internal : external;
  const highest = Math.max(percent(internal), percent(external));
  const lines = [describe('Internal', internal), describe('External', external), `As of ${state.summary.asOf}`];
  return {
    text: Number.isFinite(highest) ? `${Math.min(highest, 999)}%` : '!',
    color: LEVEL_COLOURS[worst.level],
    title: `Seatkeeper\n${lines.join('\n')}`,
  };
}
