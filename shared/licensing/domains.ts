// The internal-domain list of an environment: rulebook rules 5, 9, 10a and 11.
import { asciiDomain, isAscii, isDomain, isEmail } from './email.ts';

export interface DomainListProblem {
  /** The entry as the admin typed it (trimmed). */
  entry: string;
  message: string;
}

export type DomainListResult =
  | { ok: true; domains: string[] }
  | { ok: false; problems: DomainListProblem[]; message: string };

/** Rule 9: surrounding spaces, a leading `@` and case do not matter; rule 10a: a Unicode domain is its punycode. */
export function normalizeDomainEntry(raw: string): string {
  const trimmed = raw.trim();
  const entry = (trimmed.startsWith('@') ? trimmed.slice(1).trim() : trimmed).toLowerCase();
  // Not a domain at all: kept as typed, so the message names what the admin wrote.
  return isAscii(entry) ? entry : (asciiDomain(entry) ?? entry);
}

function entryProblem(entry: string): string | null {
  if (entry === '' || entry === '@') return `"${entry}" is not a domain: type the domain after the @, e.g. example.com`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || entry.includes('/')) {
    return `"${entry}" is a web address, not a domain: type only the domain, e.g. example.com`;
  }
  if (entry.includes('*')) {
    return `"${entry}" uses a wildcard; wildcards are not supported: list each domain and subdomain on its own`;
  }
  if (isEmail(entry)) {
    return `"${entry}" is an email address, not a domain: type only the part after @`;
  }
  if (/\s/.test(entry)) return `"${entry}" contains a space: separate domains with commas`;
  if (!entry.includes('.')) {
    return `"${entry}" is not a domain: a domain has at least two parts separated by dots, e.g. example.com`;
  }
  if (!isDomain(entry)) {
    return `"${entry}" is not a valid domain: use letters, digits, hyphens and dots only (punycode for international names)`;
  }
  return null;
}

/**
 * Parses the comma-separated internal-domain field (or an already split list).
 * Rule 9: case and surrounding spaces are ignored, and so is a leading `@`; duplicates collapse.
 * Rule 11: any entry that is not a domain rejects the whole list, naming the entry, so nothing half-valid is saved.
 * Empty input is valid and means "no rules configured" (rule 5: everyone is internal).
 */
export function parseDomainList(input: string | readonly string[]): DomainListResult {
  const rawEntries = typeof input === 'string' ? input.split(',') : input.flatMap((entry) => entry.split(','));
  const domains: string[] = [];
  const seen = new Set<string>();
  const problems: DomainListProblem[] = [];
  for (const raw of rawEntries) {
    const trimmed = raw.trim();
    if (trimmed === '') continue;
    const domain = normalizeDomainEntry(trimmed);
    // A Unicode entry that normalised to ASCII was converted by asciiDomain, which returns valid domains only.
    const converted = !isAscii(trimmed) && isAscii(domain);
    const problem = converted ? null : entryProblem(domain === '' ? trimmed : trimmed.replace(/^@\s*/, ''));
    if (problem) {
      problems.push({ entry: trimmed, message: problem });
      continue;
    }
    if (!seen.has(domain)) {
      seen.add(domain);
      domains.push(domain);
    }
  }
  if (problems.length > 0) {
    const message = `Internal domain list not saved: ${problems.map((p) => p.message).join('; ')}`;
    return { ok: false, problems, message };
  }
  return { ok: true, domains };
}

/** Formats a list back into the single comma-separated field the admin edits. */
export function formatDomainList(domains: readonly string[]): string {
  return domains.join(', ');
}
