// Email and domain syntax: rulebook rules 9, 10 and 10a. Written as character scans because counting classifies every
// account of a million-row list, twice (username and email).
import { finishHash, HASH_START, identityHashIn, isSpaceCode, mixWord, NOT_ASCII } from './identity-index.ts';

const INVALID = 0;
const VALID = 1;
const VALID_WITH_UPPER_CASE = 2;
/** The domain holds a non-ASCII character: valid or not once in punycode (rule 10a). */
const UNICODE = 3;

/**
 * Rule 10: at least two non-empty dot-separated labels of letters, digits and inner hyphens (so IDN punycode such as
 * xn--bcher-kva.example is allowed), each at most 63 characters, 253 in all.
 */
function scanDomain(value: string, start: number, end: number): number {
  if (end - start === 0 || end - start > 253) return INVALID;
  let labels = 1;
  let labelLength = 0;
  let previous = 46;
  let upper = false;
  for (let k = start; k < end; k++) {
    const c = value.charCodeAt(k);
    if (c === 46) {
      if (labelLength === 0 || previous === 45) return INVALID;
      labels++;
      labelLength = 0;
    } else if (c === 45) {
      if (labelLength === 0) return INVALID;
      labelLength++;
    } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      labelLength++;
    } else if (c >= 65 && c <= 90) {
      labelLength++;
      upper = true;
    } else if (c > 127) {
      return UNICODE;
    } else {
      return INVALID;
    }
    if (labelLength > 63) return INVALID;
    previous = c;
  }
  if (labelLength === 0 || previous === 45 || labels < 2) return INVALID;
  return upper ? VALID_WITH_UPPER_CASE : VALID;
}

/**
 * Where the last domainStartIn found its domain: its end and a hash of its characters, valid when it returned a
 * position. Module state, so that classifying a million accounts makes no string and no object per account.
 */
export const LAST_DOMAIN = { end: 0, hash: 0, lowerCase: false };

// Characters a URL host would read as structure (port, path, credentials, escapes): never in a domain.
const HOST_STRUCTURE = '/\\?#@:%[]<>^|"\'';

/** Whether the value could only be a host name to a URL parser: no spaces, controls or URL structure. */
function plainHost(value: string): boolean {
  for (let k = 0; k < value.length; k++) {
    const c = value.charCodeAt(k);
    if (c <= 32 || c === 127 || isSpaceCode(c) || HOST_STRUCTURE.includes(value[k] as string)) return false;
  }
  return true;
}

export function isAscii(value: string): boolean {
  for (let k = 0; k < value.length; k++) if (value.charCodeAt(k) > 127) return false;
  return true;
}

const asciiDomains = new Map<string, string | null>();

/**
 * Rule 10a: a domain written in Unicode (`bücher.de`) as its punycode form (`xn--bcher-kva.de`), by the UTS 46
 * mapping that the WHATWG URL parser applies (so browsers and the server agree), then checked as rule 10 says; null
 * when it is not a valid domain.
 */
export function asciiDomain(domain: string): string | null {
  const known = asciiDomains.get(domain);
  if (known !== undefined) return known;
  let ascii: string | null = null;
  if (domain !== '' && plainHost(domain)) {
    try {
      const host = new URL(`http://${domain}/`).hostname;
      if (scanDomain(host, 0, host.length) === VALID) ascii = host;
    } catch {
      ascii = null;
    }
  }
  // Unicode domains are few in any list; the bound only keeps a hostile list from growing the cache forever.
  if (asciiDomains.size >= 10_000) asciiDomains.clear();
  asciiDomains.set(domain, ascii);
  return ascii;
}

export function isDomain(value: string): boolean {
  const scan = scanDomain(value, 0, value.length);
  return scan === UNICODE ? asciiDomain(value) !== null : scan !== INVALID;
}

/**
 * Rule 10: after trimming, exactly one `@`, a non-empty local part without spaces, and a valid domain.
 * Returns the domain in lower case (rule 9: domains compare case-insensitively), or null when the value is
 * not a valid email address.
 */
export function emailDomain(value: string | null | undefined): string | null {
  return value ? emailDomainIn(value, 0, value.length) : null;
}

/** emailDomain of text.slice(from, to), found without slicing it first. */
export function emailDomainIn(text: string, from: number, to: number): string | null {
  const start = domainStartIn(text, from, to);
  if (start === -1) return null;
  const domain = text.slice(start, LAST_DOMAIN.end);
  if (LAST_DOMAIN.lowerCase) return domain;
  return isAscii(domain) ? domain.toLowerCase() : asciiDomain(domain);
}

/** The identity hash of the value the last domainStartIn read (see there). */
export const LAST_VALUE = { hash: 0 };

/** What an ASCII character is to rule 10's domain syntax. */
const LETTER = 0;
const CAPITAL = 1;
const DOT = 2;
const HYPHEN = 3;
const OTHER = 4;
const DOMAIN_KIND = new Uint8Array(128).fill(OTHER);
for (let c = 97; c <= 122; c++) DOMAIN_KIND[c] = LETTER;
for (let c = 48; c <= 57; c++) DOMAIN_KIND[c] = LETTER;
for (let c = 65; c <= 90; c++) DOMAIN_KIND[c] = CAPITAL;
DOMAIN_KIND[46] = DOT;
DOMAIN_KIND[45] = HYPHEN;

/**
 * Where the domain of a valid email (rule 10) starts in the value text.slice(from, to), as a position in `text`, or
 * -1, without making a string; LAST_DOMAIN then says where it ends, its hash (identityHash's of the domain), and
 * whether it is plain lower-case ASCII (then the slice is the domain as compared). The value's identity hash, as
 * identityHash gives it, is left in LAST_VALUE.hash: counting needs both for every username and email of a list
 * (value-facts.ts), and a second pass over a million values cost more than the hash in this one (NOT_ASCII for a
 * value with a non-ASCII character, whose hash the caller works out the slower way). The domain's characters are
 * checked as scanDomain checks them.
 */
export function domainStartIn(text: string, from: number, to: number): number {
  let start = from;
  let end = to;
  while (start < end && isSpaceCode(text.charCodeAt(start))) start++;
  while (end > start && isSpaceCode(text.charCodeAt(end - 1))) end--;
  if (start === end) {
    LAST_VALUE.hash = 0;
    return -1;
  }
  // The local part, up to the first @, hashed four characters to a word (identity-index.ts).
  let hash = HASH_START;
  let word = 0;
  let spaceInLocal = false;
  let k = start;
  let c = 0;
  for (; k < end; k++) {
    c = text.charCodeAt(k);
    if (c === 64 || c > 127) break;
    if (c <= 32 && isSpaceCode(c)) spaceInLocal = true;
    word = (word << 8) ^ (c >= 65 && c <= 90 ? c + 32 : c);
    if (((k - start) & 3) === 3) {
      hash = mixWord(hash, word);
      word = 0;
    }
  }
  if (k === end) {
    LAST_VALUE.hash = finishHash(hash, word, end - start);
    return -1;
  }
  if (c !== 64) return unicodeDomainStartIn(text, start, end);
  const at = k;
  word = (word << 8) ^ 64;
  if (((at - start) & 3) === 3) {
    hash = mixWord(hash, word);
    word = 0;
  }
  // The domain: the value's hash goes on, the domain's own starts, and scanDomain's checks are made on the way.
  let domainHash = HASH_START;
  let domainWord = 0;
  let valid = true;
  let upper = false;
  let labels = 1;
  let labelLength = 0;
  let previous = 46;
  for (k = at + 1; k < end; k++) {
    c = text.charCodeAt(k);
    if (c > 127) return unicodeDomainStartIn(text, start, end);
    const kind = DOMAIN_KIND[c] as number;
    const lower = kind === CAPITAL ? c + 32 : c;
    word = (word << 8) ^ lower;
    if (((k - start) & 3) === 3) {
      hash = mixWord(hash, word);
      word = 0;
    }
    domainWord = (domainWord << 8) ^ lower;
    if (((k - at) & 3) === 0) {
      domainHash = mixWord(domainHash, domainWord);
      domainWord = 0;
    }
    if (kind === LETTER) labelLength++;
    else if (kind === CAPITAL) {
      labelLength++;
      upper = true;
    } else if (kind === DOT) {
      if (labelLength === 0 || previous === 45) valid = false;
      labels++;
      labelLength = 0;
    } else if (kind === HYPHEN) {
      if (labelLength === 0) valid = false;
      labelLength++;
    } else valid = false;
    if (labelLength > 63) valid = false;
    previous = c;
  }
  LAST_VALUE.hash = finishHash(hash, word, end - start);
  if (!valid || spaceInLocal || at === start || at === end - 1 || end - at - 1 > 253) return -1;
  if (labelLength === 0 || previous === 45 || labels < 2) return -1;
  LAST_DOMAIN.end = end;
  LAST_DOMAIN.lowerCase = !upper;
  LAST_DOMAIN.hash = finishHash(domainHash, domainWord, end - at - 1);
  return at + 1;
}

/**
 * domainStartIn of a trimmed value text[start, end) holding a non-ASCII character: LAST_VALUE.hash is NOT_ASCII, and a
 * Unicode domain is valid when its punycode form is (rule 10a).
 */
function unicodeDomainStartIn(text: string, start: number, end: number): number {
  LAST_VALUE.hash = NOT_ASCII;
  let at = -1;
  let ats = 0;
  let spaceInLocal = false;
  // scanDomain's state over the characters after the @, frozen at its first verdict other than VALID.
  let scan = VALID;
  let labels = 1;
  let labelLength = 0;
  let previous = 46;
  let upper = false;
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c === 64) {
      ats++;
      if (at === -1) at = k;
      continue;
    }
    if (at === -1) {
      if (!spaceInLocal && isSpaceCode(c)) spaceInLocal = true;
      continue;
    }
    if (scan !== VALID) continue;
    if (c === 46) {
      if (labelLength === 0 || previous === 45) scan = INVALID;
      labels++;
      labelLength = 0;
    } else if (c === 45) {
      if (labelLength === 0) scan = INVALID;
      labelLength++;
    } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      labelLength++;
    } else if (c >= 65 && c <= 90) {
      labelLength++;
      upper = true;
    } else {
      scan = c > 127 ? UNICODE : INVALID;
    }
    if (labelLength > 63) scan = INVALID;
    previous = c;
  }
  if (ats !== 1 || at === start || at === end - 1 || spaceInLocal) return -1;
  // scanDomain's checks of the whole domain: its length first, then how it ends.
  if (end - at - 1 > 253) return -1;
  if (scan === VALID && (labelLength === 0 || previous === 45 || labels < 2)) return -1;
  if (scan === INVALID) return -1;
  if (scan === UNICODE && asciiDomain(text.slice(at + 1, end)) === null) return -1;
  LAST_DOMAIN.end = end;
  LAST_DOMAIN.lowerCase = scan === VALID && !upper;
  // An ASCII domain after a local part beyond ASCII is looked up by its hash too.
  if (scan === VALID) LAST_DOMAIN.hash = identityHashIn(text, at + 1, end);
  return at + 1;
}

/**
 * The value an Email field is matched by (rule 14): itself, or, when its domain is written in Unicode, the address
 * with that domain in punycode (rule 10a), so `a@bücher.de` and `a@xn--bcher-kva.de` are one email.
 */
export function emailIdentity<T extends string | null | undefined>(value: T): T | string {
  if (!value) return value;
  const at = value.lastIndexOf('@');
  if (at === -1) return value;
  for (let k = at + 1; k < value.length; k++) {
    if (value.charCodeAt(k) > 127) {
      const domain = emailDomain(value);
      return domain === null ? value : `${value.slice(0, at)}@${domain}`;
    }
  }
  return value;
}

export function isEmail(value: string | null | undefined): boolean {
  return emailDomain(value) !== null;
}
