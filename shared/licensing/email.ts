// Email and domain syntax: rulebook rules 9 and 10.

/** One DNS label: letters, digits and inner hyphens (IDN punycode such as xn--bcher-kva is just letters, digits, hyphens). */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** Rule 10: a domain has at least two non-empty dot-separated labels. */
export function isDomain(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  const labels = value.split('.');
  if (labels.length < 2) return false;
  for (const label of labels) if (!LABEL.test(label)) return false;
  return true;
}

/**
 * Rule 10: after trimming, exactly one `@`, a non-empty local part without spaces, and a valid domain.
 * Returns the domain in lower case (rule 9: domains compare case-insensitively), or null when the value is
 * not a valid email address.
 */
export function emailDomain(value: string | null | undefined): string | null {
  if (!value) return null;
  const text = value.trim();
  const at = text.indexOf('@');
  if (at <= 0 || at !== text.lastIndexOf('@')) return null;
  const local = text.slice(0, at);
  if (/\s/.test(local)) return null;
  const domain = text.slice(at + 1).toLowerCase();
  return isDomain(domain) ? domain : null;
}

export function isEmail(value: string | null | undefined): boolean {
  return emailDomain(value) !== null;
}
