// Internal or external, per environment: rulebook rules 5 to 13.
import { emailDomain } from './email.ts';

export type Classification = 'internal' | 'external';
export type ClassificationFlag = 'no-email' | 'conflict' | 'subdomain-of-listed' | 'rules-not-configured';

export interface ClassificationResult {
  classification: Classification;
  /** Why, in words an admin can act on (rule 13). */
  reason: string;
  flags: ClassificationFlag[];
}

export interface AccountIdentity {
  username?: string | null;
  email?: string | null;
}

/** An environment's rules, prepared once so classifying a million accounts is a set lookup each. */
export interface CompiledRules {
  readonly environment: string;
  readonly domains: ReadonlySet<string>;
}

/** `domains` must already be validated and lower-cased (see parseDomainList). */
export function compileRules(environment: string, domains: readonly string[]): CompiledRules {
  return { environment, domains: new Set(domains) };
}

// Bit set returned by the fast path; the public result is built from it so there is one decision procedure.
export const INTERNAL = 1;
export const NO_EMAIL = 2;
export const CONFLICT = 4;
export const SUBDOMAIN_OF_LISTED = 8;
export const RULES_NOT_CONFIGURED = 16;
/** Not a flag: the Email field holds a valid address, so it can identify a person across providers (rule 14). */
export const EMAIL_FIELD_VALID = 32;

/** The nearest listed parent of `domain`, if any (rule 8: a subdomain is not covered by its parent). */
export function listedParent(domains: ReadonlySet<string>, domain: string): string | null {
  let dot = domain.indexOf('.');
  while (dot !== -1) {
    const parent = domain.slice(dot + 1);
    if (parent.indexOf('.') === -1) return null;
    if (domains.has(parent)) return parent;
    dot = domain.indexOf('.', dot + 1);
  }
  return null;
}

/** Classification as a bit set: the hot path of counting. */
export function classifyBits(
  rules: CompiledRules,
  username: string | null | undefined,
  email: string | null | undefined,
) {
  const fromEmail = emailDomain(email);
  const fromUsername = emailDomain(username);
  let bits = fromEmail === null ? 0 : EMAIL_FIELD_VALID;
  if (fromEmail === null && fromUsername === null) bits |= NO_EMAIL;
  // Rule 5: with no list, everyone is internal.
  if (rules.domains.size === 0) return bits | INTERNAL | RULES_NOT_CONFIGURED;
  // Rule 7: no valid email anywhere means internal.
  if (bits & NO_EMAIL) return bits | INTERNAL;
  const emailListed = fromEmail !== null && rules.domains.has(fromEmail);
  const usernameListed = fromUsername !== null && rules.domains.has(fromUsername);
  if (emailListed || usernameListed) {
    bits |= INTERNAL;
    // Rule 12: both fields hold valid emails and only one domain is listed.
    if (fromEmail !== null && fromUsername !== null && emailListed !== usernameListed) bits |= CONFLICT;
    return bits;
  }
  // Rule 29 needs to know when an external user sits on a subdomain of a listed domain.
  if (
    (fromEmail !== null && listedParent(rules.domains, fromEmail) !== null) ||
    (fromUsername !== null && listedParent(rules.domains, fromUsername) !== null)
  ) {
    bits |= SUBDOMAIN_OF_LISTED;
  }
  return bits;
}

export function flagsOf(bits: number): ClassificationFlag[] {
  const flags: ClassificationFlag[] = [];
  if (bits & NO_EMAIL) flags.push('no-email');
  if (bits & CONFLICT) flags.push('conflict');
  if (bits & SUBDOMAIN_OF_LISTED) flags.push('subdomain-of-listed');
  if (bits & RULES_NOT_CONFIGURED) flags.push('rules-not-configured');
  return flags;
}

function describe(rules: CompiledRules, account: AccountIdentity, bits: number): string {
  if (bits & RULES_NOT_CONFIGURED) {
    return `no internal domains configured for ${rules.environment}: everyone is internal`;
  }
  if (bits & NO_EMAIL) return 'no valid email: counted as internal';
  const fromEmail = emailDomain(account.email);
  const fromUsername = emailDomain(account.username);
  if (bits & INTERNAL) {
    const emailListed = fromEmail !== null && rules.domains.has(fromEmail);
    const listed = emailListed ? `email domain ${fromEmail} is listed` : `username domain ${fromUsername} is listed`;
    if (bits & CONFLICT) {
      const other = emailListed ? `username domain ${fromUsername}` : `email domain ${fromEmail}`;
      return `${listed} but ${other} is not: counted as internal; correct the record so both fields agree`;
    }
    return listed;
  }
  const domain = (fromEmail ?? fromUsername) as string;
  const field = fromEmail !== null ? 'email domain' : 'username domain';
  for (const candidate of [fromEmail, fromUsername]) {
    if (candidate === null) continue;
    const parent = listedParent(rules.domains, candidate);
    if (parent !== null) {
      return `${candidate} is not listed (only ${parent} is; subdomains must be listed one by one)`;
    }
  }
  return `${field} ${domain} is not listed`;
}

/** Classifies one account under an environment's rules (rules 5 to 13). */
export function classifyUser(rules: CompiledRules, account: AccountIdentity): ClassificationResult {
  const bits = classifyBits(rules, account.username, account.email);
  return {
    classification: bits & INTERNAL ? 'internal' : 'external',
    reason: describe(rules, account, bits),
    flags: flagsOf(bits),
  };
}
