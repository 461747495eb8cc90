// What the server's `lookup` adds to a badge: whether Seatkeeper knows the account in the page's environment, whether
// it is active and counted (rules 1, 4), and which accounts it is merged with as one person (rules 13 to 17).
// The server's sentences (reasons, why not counted, breaches) are shown as the server worded them, in the language the
// extension asked for: its catalogs have plurals and the rulebook's full wording, and words codes this version lacks.

import type { LookupMatch, LookupResult } from '../shared/api/extension-contract.ts';
import type { Classification, ClassificationFlag } from '../shared/licensing/index.ts';
import { formatMoment, t } from './i18n.ts';
import { countedAs } from './reasons.ts';

export type ServerMark = 'unknown' | 'inactive' | 'merged';

export interface ServerFacts {
  /**
   * The server's classification with today's rules (the badge shows it when it differs from the cached rules): of the
   * account as Seatkeeper holds it in the page's environment when it holds it there, else of what the page shows.
   */
  classification: Classification;
  reason: string;
  /** Flags of what the page shows, and of the record as stored (so a mark survives a console hiding a field). */
  flags: ClassificationFlag[];
  marks: ServerMark[];
  /** Tooltip lines, plain text. */
  notes: string[];
}

// Flags a newer server may add are not ours to draw.
const KNOWN_FLAGS = new Set<string>(['no-email', 'conflict', 'subdomain-of-listed', 'rules-not-configured']);

/** Why the server does not count an account, in its words; a server before them gives only the code. */
export const notCountedWhy = (match: LookupMatch): string | null => match.notCountedMessage ?? match.notCountedReason;

/** Another account of the same person, as the tooltip and the popup name it. */
export const describeMatch = (match: LookupMatch) =>
  t('accountWhere', match.email || match.username, match.environment, match.provider);

const knownFlags = (flags: readonly string[] | undefined): ClassificationFlag[] =>
  (flags ?? []).filter((flag): flag is ClassificationFlag => KNOWN_FLAGS.has(flag));

/**
 * Reads one lookup result for a page whose accounts live in `environment` (by name): matches elsewhere only say
 * where else Seatkeeper knows the person. Without an environment every match counts.
 */
export function factsFromLookup(result: LookupResult, environment: string | null): ServerFacts {
  const wanted = environment?.toLowerCase();
  const here = wanted ? result.matches.filter((match) => match.environment.toLowerCase() === wanted) : result.matches;
  const facts: ServerFacts = {
    classification: result.classification,
    reason: result.reason,
    flags: knownFlags(result.flags),
    marks: [],
    notes: [],
  };
  if (here.length === 0) {
    facts.marks.push('unknown');
    const elsewhere = [...new Set(result.matches.map((match) => match.environment))];
    const known = elsewhere.join(', ');
    facts.notes.push(
      environment
        ? known
          ? t('factsNoAccountInKnownIn', environment, known)
          : t('factsNoAccountIn', environment)
        : known
          ? t('factsNoAccountKnownIn', known)
          : t('factsNoAccount'),
    );
    return facts;
  }
  // The record as stored: its classification (with both its fields) is what is counted, and its flags are marks.
  const stored = new Set(here.map((match) => match.classification));
  if (stored.size === 1) {
    const [classification] = stored as Set<Classification>;
    if (classification !== facts.classification) {
      facts.classification = classification as Classification;
      facts.reason = t('reasonAsHeld', here[0]?.username || '—', here[0]?.email || '—');
      facts.flags = [];
    }
  }
  for (const flag of here.flatMap((match) => knownFlags(match.flags))) {
    if (!facts.flags.includes(flag)) facts.flags.push(flag);
  }
  for (const match of here) {
    const status = t(match.active ? 'statusActive' : 'statusInactive');
    const why = notCountedWhy(match);
    const counting = match.counted
      ? countedAs(match.classification)
      : why
        ? t('notCountedBecause', why)
        : t('notCounted');
    facts.notes.push(t('factsMatch', status, match.environment, match.provider, counting));
    if (match.lastSignInAt) facts.notes.push(t('lastSignIn', formatMoment(match.lastSignInAt)));
  }
  if (!here.some((match) => match.active)) facts.marks.push('inactive');
  const own = new Set(here.map((match) => match.ref));
  const byRef = new Map(result.matches.map((match) => [match.ref, match]));
  const merged = [...new Set(here.flatMap((match) => match.mergedWith))].filter((ref) => !own.has(ref));
  if (merged.length > 0) {
    facts.marks.push('merged');
    const names = merged.map((ref) => {
      const match = byRef.get(ref);
      return match ? describeMatch(match) : ref;
    });
    facts.notes.push(t('mergedWith', names.join('; ')));
  }
  return facts;
}

/** The key a lookup answer is kept under: one per environment and identity, case-insensitive. */
export function lookupKey(environment: string | undefined, username: string | undefined, email: string | undefined) {
  return `${environment?.toLowerCase() ?? ''}\n${username?.trim().toLowerCase() ?? ''}\n${email?.trim().toLowerCase() ?? ''}`;
}
