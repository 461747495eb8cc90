// Internal or external, per environment: rulebook rules 5 to 13.
import { domainStartIn, emailDomain, emailDomainIn, LAST_DOMAIN, LAST_VALUE } from './email.ts';
import { sameText } from './identity-index.ts';

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

/** An environment's rules, prepared once so classifying a million accounts is a table lookup each. */
export interface CompiledRules {
  readonly environment: string;
  readonly domains: ReadonlySet<string>;
  /** What each email domain met so far is under these rules. */
  readonly seen: DomainClasses;
}

/** `domains` must already be validated and lower-cased (see parseDomainList). */
export function compileRules(environment: string, domains: readonly string[]): CompiledRules {
  const listed = new Set(domains);
  return { environment, domains: listed, seen: new DomainClasses() };
}

// What a field's email domain is under an environment's rules: a valid email, on a listed domain, under one.
const VALID_EMAIL = 1;
const LISTED = 2;
const UNDER_LISTED = 4;
/** Distinct domains remembered per environment; a list with more still counts right, only slower. */
const SEEN_DOMAINS = 1 << 16;

/**
 * The classes of the email domains met so far, found by the domain's hash and position in the value being read:
 * lists hold millions of addresses on a few thousand domains, and this makes no string per address.
 */
class DomainClasses {
  #mask = 1023;
  #hashes = new Int32Array(1024);
  #domains: (string | undefined)[] = new Array(1024);
  #classes = new Uint8Array(1024);
  #size = 0;

  /** The class of the domain at value[start, end) with that hash, or -1 when it was not met yet. */
  find(value: string, start: number, end: number, hash: number): number {
    for (let slot = hash & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const domain = this.#domains[slot];
      if (domain === undefined) return -1;
      if (this.#hashes[slot] === hash && domain.length === end - start && sameText(value, start, domain)) {
        return this.#classes[slot] as number;
      }
    }
  }

  add(domain: string, hash: number, domainClass: number): void {
    if (this.#size >= SEEN_DOMAINS) return;
    if ((this.#size + 1) * 2 > this.#mask + 1) this.#grow();
    let slot = hash & this.#mask;
    while (this.#domains[slot] !== undefined) slot = (slot + 1) & this.#mask;
    this.#domains[slot] = domain;
    this.#hashes[slot] = hash;
    this.#classes[slot] = domainClass;
    this.#size++;
  }

  #grow(): void {
    const domains = this.#domains;
    const hashes = this.#hashes;
    const classes = this.#classes;
    const size = (this.#mask + 1) * 2;
    this.#mask = size - 1;
    this.#hashes = new Int32Array(size);
    this.#domains = new Array(size);
    this.#classes = new Uint8Array(size);
    this.#size = 0;
    domains.forEach((domain, slot) => {
      if (domain !== undefined) this.add(domain, hashes[slot] as number, classes[slot] as number);
    });
  }
}

/** VALID_EMAIL, LISTED and UNDER_LISTED of a valid email's domain (from emailDomain) under the rules; 0 for null. */
export function domainClassOf(rules: CompiledRules, domain: string | null): number {
  if (domain === null) return 0;
  return (
    VALID_EMAIL |
    (rules.domains.has(domain) ? LISTED : 0) |
    (listedParent(rules.domains, domain) !== null ? UNDER_LISTED : 0)
  );
}

/** VALID_EMAIL, LISTED and UNDER_LISTED of one field's value under the rules; 0 when it holds no valid email. */
function domainClass(rules: CompiledRules, value: string | null | undefined): number {
  return value ? domainClassIn(rules, value, 0, value.length) : 0;
}

/** domainClass of the value text.slice(from, to). */
function domainClassIn(rules: CompiledRules, text: string, from: number, to: number): number {
  const start = domainStartIn(text, from, to);
  if (start === -1) return 0;
  const { end, hash, lowerCase } = LAST_DOMAIN;
  if (lowerCase) {
    const known = rules.seen.find(text, start, end, hash);
    if (known !== -1) return known;
  }
  const domain = emailDomainIn(text, from, to) as string;
  const found = domainClassOf(rules, domain);
  if (lowerCase) rules.seen.add(domain, hash, found);
  return found;
}

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

/**
 * The identity hashes of the Email and Username fields the last classifyBits read (identityHash's, but NOT_ASCII for
 * a value beyond ASCII; 0 for a blank one), worked out in the same pass as their domains: counting numbers identities
 * by them (count.ts) without reading every value again.
 */
export const LAST_IDENTITY = { email: 0, username: 0 };

/** Classification as a bit set: the hot path of counting. */
export function classifyBits(
  rules: CompiledRules,
  username: string | null | undefined,
  email: string | null | undefined,
) {
  const fromEmail = domainClass(rules, email);
  LAST_IDENTITY.email = email ? LAST_VALUE.hash : 0;
  const fromUsername = domainClass(rules, username);
  LAST_IDENTITY.username = username ? LAST_VALUE.hash : 0;
  return bitsOfClasses(rules, fromEmail, fromUsername);
}

/** The same bits from the domain classes (domainClassOf) of the Email and Username fields. */
export function bitsOfClasses(rules: CompiledRules, fromEmail: number, fromUsername: number): number {
  let bits = fromEmail === 0 ? 0 : EMAIL_FIELD_VALID;
  if (fromEmail === 0 && fromUsername === 0) bits |= NO_EMAIL;
  // Rule 5: with no list, everyone is internal.
  if (rules.domains.size === 0) return bits | INTERNAL | RULES_NOT_CONFIGURED;
  // Rule 7: no valid email anywhere means internal.
  if (bits & NO_EMAIL) return bits | INTERNAL;
  const emailListed = (fromEmail & LISTED) !== 0;
  const usernameListed = (fromUsername & LISTED) !== 0;
  if (emailListed || usernameListed) {
    bits |= INTERNAL;
    // Rule 12: both fields hold valid emails and only one domain is listed.
    if (fromEmail !== 0 && fromUsername !== 0 && emailListed !== usernameListed) bits |= CONFLICT;
    return bits;
  }
  // Rule 29 needs to know when an external user sits on a subdomain of a listed domain.
  if ((fromEmail | fromUsername) & UNDER_LISTED) bits |= SUBDOMAIN_OF_LISTED;
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

/** Why an account is classified as it is, as facts a caller words in its own language (rule 13). */
export type ClassificationReason =
  | { code: 'rules-not-configured'; environment: string }
  | { code: 'no-email' }
  | { code: 'listed'; field: 'email' | 'username'; domain: string }
  | {
      code: 'listed-conflict';
      field: 'email' | 'username';
      domain: string;
      otherField: 'email' | 'username';
      otherDomain: string;
    }
  | { code: 'subdomain-not-listed'; domain: string; parent: string }
  | { code: 'not-listed'; field: 'email' | 'username'; domain: string };

/** The reason behind `bits` (from classifyBits with the same account and rules). */
export function explainBits(rules: CompiledRules, account: AccountIdentity, bits: number): ClassificationReason {
  return explainDomains(rules, emailDomain(account.email), emailDomain(account.username), bits);
}

/** The same from the fields' valid email domains (emailDomain of each, null when not an email). */
function explainDomains(
  rules: CompiledRules,
  fromEmail: string | null,
  fromUsername: string | null,
  bits: number,
): ClassificationReason {
  if (bits & RULES_NOT_CONFIGURED) return { code: 'rules-not-configured', environment: rules.environment };
  if (bits & NO_EMAIL) return { code: 'no-email' };
  if (bits & INTERNAL) {
    const emailListed = fromEmail !== null && rules.domains.has(fromEmail);
    const field = emailListed ? 'email' : 'username';
    const domain = (emailListed ? fromEmail : fromUsername) as string;
    if (!(bits & CONFLICT)) return { code: 'listed', field, domain };
    const otherField = emailListed ? 'username' : 'email';
    const otherDomain = (emailListed ? fromUsername : fromEmail) as string;
    return { code: 'listed-conflict', field, domain, otherField, otherDomain };
  }
  for (const candidate of [fromEmail, fromUsername]) {
    if (candidate === null) continue;
    const parent = listedParent(rules.domains, candidate);
    if (parent !== null) return { code: 'subdomain-not-listed', domain: candidate, parent };
  }
  return fromEmail !== null
    ? { code: 'not-listed', field: 'email', domain: fromEmail }
    : { code: 'not-listed', field: 'username', domain: fromUsername as string };
}

/** The reason in English, as the server, the CLI and exports give it. */
export function describeReason(reason: ClassificationReason): string {
  switch (reason.code) {
    case 'rules-not-configured':
      return `no internal domains configured for ${reason.environment}: everyone is internal`;
    case 'no-email':
      return 'no valid email: counted as internal';
    case 'listed':
      return `${reason.field} domain ${reason.domain} is listed`;
    case 'listed-conflict':
      return `${reason.field} domain ${reason.domain} is listed but ${reason.otherField} domain ${reason.otherDomain} is not: counted as internal; correct the record so both fields agree`;
    case 'subdomain-not-listed':
      return `${reason.domain} is not listed (only ${reason.parent} is; subdomains must be listed one by one)`;
    case 'not-listed':
      return `${reason.field} domain ${reason.domain} is not listed`;
  }
}

/** A classification with its reason as facts (rule 13): for a caller that words the reason in its reader's language. */
export interface ClassificationFacts {
  classification: Classification;
  reason: ClassificationReason;
  flags: ClassificationFlag[];
}

/** Classifies one account under an environment's rules (rules 5 to 13), the reason as facts. */
export function classifyFacts(rules: CompiledRules, account: AccountIdentity): ClassificationFacts {
  return classifyDomainFacts(rules, emailDomain(account.email), emailDomain(account.username));
}

/** The same from the fields' valid email domains (emailDomain of each, null when not an email). */
export function classifyDomainFacts(
  rules: CompiledRules,
  emailDomainName: string | null,
  usernameDomainName: string | null,
): ClassificationFacts {
  const bits = bitsOfClasses(rules, domainClassOf(rules, emailDomainName), domainClassOf(rules, usernameDomainName));
  return {
    classification: bits & INTERNAL ? 'internal' : 'external',
    reason: explainDomains(rules, emailDomainName, usernameDomainName, bits),
    flags: flagsOf(bits),
  };
}

/** Classifies one account under an environment's rules (rules 5 to 13); `word` says the reason (English by default). */
export function classifyUser(
  rules: CompiledRules,
  account: AccountIdentity,
  word: (reason: ClassificationReason) => string = describeReason,
): ClassificationResult {
  const facts = classifyFacts(rules, account);
  return { ...facts, reason: word(facts.reason) };
}

/** The same from the fields' valid email domains (emailDomain of each, null when not an email). */
export function classifyDomains(
  rules: CompiledRules,
  emailDomainName: string | null,
  usernameDomainName: string | null,
  word: (reason: ClassificationReason) => string = describeReason,
): ClassificationResult {
  const facts = classifyDomainFacts(rules, emailDomainName, usernameDomainName);
  return { ...facts, reason: word(facts.reason) };
}
