// Email and domain syntax: rulebook rules 9 and 10. Written as character scans because counting classifies every
// account of a million-row list, twice (username and email).
import { isSpaceCode } from './identity-index.ts';

const INVALID = 0;
const VALID = 1;
const VALID_WITH_UPPER_CASE = 2;

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
    } else {
      return INVALID;
    }
    if (labelLength > 63) return INVALID;
    previous = c;
  }
  if (labelLength === 0 || previous === 45 || labels < 2) return INVALID;
  return upper ? VALID_WITH_UPPER_CASE : VALID;
}

export function isDomain(value: string): boolean {
  return scanDomain(value, 0, value.length) !== INVALID;
}

/**
 * Rule 10: after trimming, exactly one `@`, a non-empty local part without spaces, and a valid domain.
 * Returns the domain in lower case (rule 9: domains compare case-insensitively), or null when the value is
 * not a valid email address.
 */
export function emailDomain(value: string | null | undefined): string | null {
  if (!value) return null;
  let start = 0;
  let end = value.length;
  while (start < end && isSpaceCode(value.charCodeAt(start))) start++;
  while (end > start && isSpaceCode(value.charCodeAt(end - 1))) end--;
  const at = value.indexOf('@', start);
  if (at <= start || at >= end) return null;
  const second = value.indexOf('@', at + 1);
  if (second !== -1 && second < end) return null;
  for (let k = start; k < at; k++) if (isSpaceCode(value.charCodeAt(k))) return null;
  const scan = scanDomain(value, at + 1, end);
  if (scan === INVALID) return null;
  const domain = value.slice(at + 1, end);
  return scan === VALID_WITH_UPPER_CASE ? domain.toLowerCase() : domain;
}

export function isEmail(value: string | null | undefined): boolean {
  return emailDomain(value) !== null;
}
