// What counting needs to know of each account's username and email, whatever an environment's rules say: the domain
// of each field's valid email (rules 9 to 10a) as a number, and each identity's hash (rule 14). Worked out once per
// row of columns (account-columns.ts), so a reading worker can work them out for its part of a list and the counting
// thread only looks them up: the classification of a row is then a lookup of its domains' classes per environment.
import type { AccountColumns, ValueAt } from './account-columns.ts';
import { domainStartIn, emailDomainIn, emailIdentity, LAST_DOMAIN, LAST_VALUE } from './email.ts';
import { identityHash, identityHashIn, NOT_ASCII, sameText } from './identity-index.ts';

export interface ValueFacts {
  /** Rows the facts are of; the arrays may hold room for more (appendFacts). */
  rows: number;
  /** The number of the Email field's valid email's domain in `domains`, -1 when the field holds no valid email. */
  emailDomain: Int32Array;
  /** The same for the Username field (rule 6: a username may be an email). */
  usernameDomain: Int32Array;
  /** identityHash of the valid email as rule 14 matches it (its Unicode domain as punycode); 0 without one. */
  emailHash: Int32Array;
  /** identityHash of the username; 0 when blank. */
  usernameHash: Int32Array;
  /** The domains met, lower-case ASCII (punycode for a Unicode domain), each once. */
  domains: string[];
}

/** Domains as numbers, found by hash and position in the value being read: no string per address. */
class DomainNumbers {
  readonly names: string[] = [];
  readonly #byName = new Map<string, number>();
  #mask = 1023;
  #hashes = new Int32Array(1024);
  #numbers = new Int32Array(1024).fill(-1);

  /** The number of the lower-case domain at text[start, end) with that hash (LAST_DOMAIN's), added when new. */
  inPlace(text: string, start: number, end: number, hash: number): number {
    for (let slot = hash & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const number = this.#numbers[slot] as number;
      if (number === -1) break;
      const name = this.names[number] as string;
      if (this.#hashes[slot] === hash && name.length === end - start && sameText(text, start, name)) return number;
    }
    const number = this.named(text.slice(start, end));
    this.#remember(number, hash);
    return number;
  }

  /** The number of a domain given as a string (already lower-case ASCII), added when new. */
  named(domain: string): number {
    let number = this.#byName.get(domain);
    if (number === undefined) {
      number = this.names.length;
      this.names.push(domain);
      this.#byName.set(domain, number);
    }
    return number;
  }

  #remember(number: number, hash: number): void {
    if ((this.names.length + 1) * 2 > this.#mask + 1) this.#grow();
    let slot = hash & this.#mask;
    while (this.#numbers[slot] !== -1) slot = (slot + 1) & this.#mask;
    this.#numbers[slot] = number;
    this.#hashes[slot] = hash;
  }

  #grow(): void {
    const hashes = this.#hashes;
    const numbers = this.#numbers;
    const size = (this.#mask + 1) * 2;
    this.#mask = size - 1;
    this.#hashes = new Int32Array(size);
    this.#numbers = new Int32Array(size).fill(-1);
    for (let slot = 0; slot < numbers.length; slot++) {
      if (numbers[slot] !== -1) this.#remember(numbers[slot] as number, hashes[slot] as number);
    }
  }
}

/**
 * The domain number of the value at `at`, or -1 when it is not a valid email; either way the value's identity hash is
 * left in LAST_VALUE (domainStartIn reads both in one pass).
 */
function domainOf(domains: DomainNumbers, at: ValueAt): number {
  const start = domainStartIn(at.text, at.start, at.end);
  if (start === -1) return -1;
  if (LAST_DOMAIN.lowerCase) return domains.inPlace(at.text, start, LAST_DOMAIN.end, LAST_DOMAIN.hash);
  return domains.named(emailDomainIn(at.text, at.start, at.end) as string);
}

/** The facts of every row of `columns`, in arrays with room for `capacity` rows. */
export function valueFacts(columns: AccountColumns, capacity = columns.length): ValueFacts {
  const n = columns.length;
  const room = Math.max(n, capacity);
  const facts: ValueFacts = {
    rows: n,
    emailDomain: new Int32Array(room),
    usernameDomain: new Int32Array(room),
    emailHash: new Int32Array(room),
    usernameHash: new Int32Array(room),
    domains: [],
  };
  const domains = new DomainNumbers();
  const at: ValueAt = { text: '', start: 0, end: 0 };
  for (let i = 0; i < n; i++) {
    columns.usernameAt(i, at);
    facts.usernameDomain[i] = domainOf(domains, at);
    // A username with a non-ASCII character is folded the way sameKey compares it (rare).
    facts.usernameHash[i] = LAST_VALUE.hash === NOT_ASCII ? identityHashIn(at.text, at.start, at.end) : LAST_VALUE.hash;
    columns.emailAt(i, at);
    const domain = domainOf(domains, at);
    facts.emailDomain[i] = domain;
    if (domain === -1) continue;
    const hash = LAST_VALUE.hash;
    // Only an email with a Unicode domain (rare) needs its punycode form first (rule 10a).
    facts.emailHash[i] = hash === NOT_ASCII ? identityHash(emailIdentity(columns.email(i))) : hash;
  }
  facts.domains = domains.names;
  return facts;
}

/** Facts `b` appended to facts `a` (in a's arrays when they have room), b's domains numbered as a's. */
export function appendFacts(a: ValueFacts, b: ValueFacts): ValueFacts {
  const from = a.rows;
  const rows = from + b.rows;
  const room = (array: Int32Array) => {
    if (array.length >= rows) return array;
    const grown = new Int32Array(rows);
    grown.set(array.subarray(0, from));
    return grown;
  };
  const domains = new DomainNumbers();
  for (const name of a.domains) domains.named(name);
  const renumbered = Int32Array.from(b.domains, (name) => domains.named(name));
  const joined: ValueFacts = {
    rows,
    emailDomain: room(a.emailDomain),
    usernameDomain: room(a.usernameDomain),
    emailHash: room(a.emailHash),
    usernameHash: room(a.usernameHash),
    domains: domains.names,
  };
  joined.emailHash.set(b.emailHash.subarray(0, b.rows), from);
  joined.usernameHash.set(b.usernameHash.subarray(0, b.rows), from);
  domainsInto(joined.emailDomain, from, b.emailDomain, b.rows, renumbered);
  domainsInto(joined.usernameDomain, from, b.usernameDomain, b.rows, renumbered);
  return joined;
}

/** target[from + k] = numbers[source[k]] (-1, no domain, kept) for the first n of source; a loop per column. */
function domainsInto(target: Int32Array, from: number, source: Int32Array, n: number, numbers: Int32Array): void {
  for (let k = 0; k < n; k++) {
    const domain = source[k] as number;
    target[from + k] = domain === -1 ? -1 : (numbers[domain] as number);
  }
}
