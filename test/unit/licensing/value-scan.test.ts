// domainStartIn (email.ts) reads, in one pass over a value, where its valid email's domain starts (rules 9 to 10a) and
// the value's identity hash (rule 14), for every username and email of a list. Both are checked here against a
// reference written from the rulebook with plain string operations, on values built from the characters the rules
// turn on, cut out of longer texts as the columns hand them over.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { domainStartIn, isDomain, LAST_DOMAIN, LAST_VALUE } from '../../../shared/licensing/email.ts';
import { identityHash, NOT_ASCII } from '../../../shared/licensing/identity-index.ts';

/**
 * Rule 10 as the rulebook words it: after trimming, exactly one @, a non-empty local part without spaces, and a valid
 * domain (isDomain, which domainStartIn does not call); the domain in plain lower-case ASCII or not.
 */
function reference(text: string, from: number, to: number) {
  const value = text.slice(from, to);
  const trimmed = value.trim();
  const lead = value.length - value.trimStart().length;
  const at = trimmed.indexOf('@');
  const domain = trimmed.slice(at + 1);
  const valid =
    at > 0 && at === trimmed.lastIndexOf('@') && domain !== '' && !/\s/.test(trimmed.slice(0, at)) && isDomain(domain);
  const lowerCase = /^[a-z0-9.-]+$/.test(domain);
  return {
    start: valid ? from + lead + at + 1 : -1,
    ...(valid
      ? { end: from + lead + trimmed.length, lowerCase, ...(lowerCase ? { hash: identityHash(domain) } : {}) }
      : {}),
    // Rule 14's hash of an ASCII value; a value beyond ASCII is left to be folded as sameKey folds it.
    identity: trimmed === '' ? 0 : [...trimmed].some((ch) => ch.charCodeAt(0) > 127) ? NOT_ASCII : identityHash(value),
  };
}

function scanned(text: string, from: number, to: number) {
  const start = domainStartIn(text, from, to);
  const { end, lowerCase, hash } = LAST_DOMAIN;
  return {
    start,
    ...(start === -1 ? {} : { end, lowerCase, ...(lowerCase ? { hash } : {}) }),
    identity: LAST_VALUE.hash,
  };
}

// Letters of both cases, digits, the characters of rule 10's syntax, ASCII and Unicode spaces, and non-ASCII letters
// (a Unicode domain is valid once in punycode, rule 10a).
const PIECES = [
  'a',
  'Z',
  'k',
  '0',
  '9',
  '.',
  '-',
  '@',
  ' ',
  '\t',
  '\u00a0',
  '\u3000',
  'ü',
  'Ä',
  '日本',
  '_',
  '+',
  '"',
  'x'.repeat(63),
  'y'.repeat(64),
  'acme.com',
  'ACME.com',
  'bücher.de',
  'xn--bcher-kva.de',
  'ann@',
  'mail.',
];
const valueArb = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((pieces) => pieces.join(''));

describe('the domain and identity hash of a value, in one pass', () => {
  it('answers as the rulebook on values built from the rules’ characters', () => {
    fc.assert(
      fc.property(valueArb, valueArb, valueArb, (before, value, after) => {
        // A value is read where it stands in a longer text: nothing outside [from, to) may count.
        const text = before + value + after;
        const from = before.length;
        const to = from + value.length;
        expect(scanned(text, from, to)).toEqual(reference(text, from, to));
      }),
      { numRuns: 5000 },
    );
  });

  it('answers as the rulebook on emails as lists write them', () => {
    const values = [
      'ann@acme.com',
      ' Ann@Acme.COM ',
      'ann@bücher.de',
      'ann@BÜCHER.de',
      'ann@@acme.com',
      '@acme.com',
      'ann@',
      'a nn@acme.com',
      'ann@acme',
      'ann@-acme.com',
      'ann@acme-.com',
      'ann@acme..com',
      `ann@${'a'.repeat(64)}.com`,
      `ann@${'a.'.repeat(127)}com`,
      'josé@acme.com',
      'ann@acme.com\u3000',
      'ann@ac me.com',
      'ann@ac\u3000me.com',
      'n/a',
      '',
      '   ',
    ];
    for (const value of values) {
      expect(scanned(value, 0, value.length), value).toEqual(reference(value, 0, value.length));
    }
    // Some verdicts spelt out, so a reference gone wrong is seen too.
    expect(scanned(' Ann@Acme.COM ', 0, 14)).toMatchObject({ start: 5, end: 13, lowerCase: false });
    expect(scanned('ann@bücher.de', 0, 13)).toMatchObject({ start: 4, lowerCase: false });
    expect(scanned('ann@@acme.com', 0, 13).start).toBe(-1);
    expect(scanned('a nn@acme.com', 0, 13).start).toBe(-1);
    expect(scanned('josé@acme.com', 0, 13)).toMatchObject({ start: 5, identity: NOT_ASCII });
    expect(scanned('   ', 0, 3)).toEqual({ start: -1, identity: 0 });
  });
});
