// Rulebook rules 5 to 13: internal or external, per environment (/work/shared/spec/licensing.md, section 2).
import { describe, expect, it } from 'vitest';
import {
  type ClassificationFlag,
  classifyUser,
  compileRules,
  emailDomain,
  isDomain,
  isEmail,
  parseDomainList,
} from '../../../shared/licensing/index.ts';

/** Builds an environment's rules the way the product does: from the admin's comma-separated field. */
function rulesFrom(field: string, environment = 'Production') {
  const parsed = parseDomainList(field);
  if (!parsed.ok) throw new Error(`test setup: ${parsed.message}`);
  return compileRules(environment, parsed.domains);
}

describe('rules 5 and 13: an empty internal-domain list makes everyone internal', () => {
  it.each([
    { field: '', username: 'sjones', email: 'scarlett.jones@outsourcing.com' },
    { field: '   ', username: 'x@anything.org', email: '' },
    { field: ' , ,', username: 'mjohnson', email: null },
    { field: '', username: '+351912345678', email: undefined },
  ])('list "$field": $username / $email is internal, flagged rules-not-configured', ({ field, username, email }) => {
    const result = classifyUser(rulesFrom(field), { username, email });
    expect(result.classification).toBe('internal');
    expect(result.flags).toContain('rules-not-configured');
    expect(result.reason).toBe('no internal domains configured for Production: everyone is internal');
  });

  it('names the environment in the reason', () => {
    const result = classifyUser(compileRules('QA Europe', []), { username: 'a', email: 'a@b.com' });
    expect(result.reason).toContain('QA Europe');
    expect(result.reason).toContain('everyone is internal');
  });

  it('parses an empty field as a valid, empty list (the default for a new environment)', () => {
    expect(parseDomainList('')).toEqual({ ok: true, domains: [] });
    expect(parseDomainList([])).toEqual({ ok: true, domains: [] });
  });
});

describe('rules 6 and 7: a valid email in the Email or the Username field decides; none means internal', () => {
  const rules = rulesFrom('mycompany.com');
  it.each([
    { username: 'sgreen', email: 'scott.green@mycompany.com', expected: 'internal', field: 'email' },
    { username: 'jane.green@mycompany.com', email: '', expected: 'internal', field: 'username' },
    { username: 'jane.green@mycompany.com', email: null, expected: 'internal', field: 'username' },
    { username: 'jane.green@mycompany.com', email: 'not an email', expected: 'internal', field: 'username' },
    { username: 'sjones', email: 'scarlett.jones@outsourcing.com', expected: 'external', field: 'email' },
    { username: 'scarlett.jones@outsourcing.com', email: '', expected: 'external', field: 'username' },
    { username: 'scarlett.jones@outsourcing.com', email: 'scarlett', expected: 'external', field: 'username' },
  ] as const)(
    'username "$username", email "$email": $expected (decided by the $field field)',
    ({ username, email, expected, field }) => {
      const result = classifyUser(rules, { username, email });
      expect(result.classification).toBe(expected);
      expect(result.flags).not.toContain('no-email');
      expect(result.reason).toContain(`${field} domain`);
    },
  );

  it.each([
    { username: 'mjohnson', email: '' },
    { username: 'mjohnson', email: null },
    { username: null, email: null },
    { username: '', email: undefined },
    { username: '+351912345678', email: '' }, // phone-only user
    { username: '+351912345678', email: 'n/a' },
    { username: 'mjohnson', email: 'mjohnson@' },
    { username: 'mjohnson', email: 'mjohnson@localhost' },
    { username: 'a@b@mycompany.com', email: 'scott green@outsourcing.com' },
  ])('no valid email ($username / $email): internal, flagged no-email', ({ username, email }) => {
    const result = classifyUser(rules, { username, email });
    expect(result.classification).toBe('internal');
    expect(result.flags).toEqual(['no-email']);
    expect(result.reason).toBe('no valid email: counted as internal');
  });

  it('with no rules configured, a user without email is flagged both no-email and rules-not-configured', () => {
    const result = classifyUser(compileRules('Production', []), { username: 'mjohnson', email: '' });
    expect(result.classification).toBe('internal');
    expect([...result.flags].sort()).toEqual<ClassificationFlag[]>(['no-email', 'rules-not-configured']);
  });
});

describe('rule 8: domains match exactly; a subdomain is a different value', () => {
  it.each([
    {
      field: 'mycompany.com',
      email: 'x@finance.mycompany.com',
      expected: 'external',
      subdomainFlag: true,
      parent: 'mycompany.com',
    },
    {
      field: 'mycompany.com',
      email: 'x@a.b.finance.mycompany.com',
      expected: 'external',
      subdomainFlag: true,
      parent: 'mycompany.com',
    },
    {
      field: 'mycompany.com, sales.mycompany.com',
      email: 'x@eu.sales.mycompany.com',
      expected: 'external',
      subdomainFlag: true,
      parent: 'sales.mycompany.com',
    },
    { field: 'mycompany.com, finance.mycompany.com', email: 'x@finance.mycompany.com', expected: 'internal' },
    { field: 'finance.mycompany.com', email: 'x@mycompany.com', expected: 'external', subdomainFlag: false },
    { field: 'mycompany.com', email: 'x@notmycompany.com', expected: 'external', subdomainFlag: false },
    { field: 'mycompany.com', email: 'x@mycompany.com.evil.org', expected: 'external', subdomainFlag: false },
    { field: 'mycompany.com', email: 'x@mycompany.co', expected: 'external', subdomainFlag: false },
  ] as const)('list "$field": $email is $expected', (row) => {
    const result = classifyUser(rulesFrom(row.field), { username: 'someone', email: row.email });
    expect(result.classification).toBe(row.expected);
    if (row.expected === 'external') {
      if (row.subdomainFlag) {
        expect(result.flags).toContain('subdomain-of-listed');
        const domain = row.email.slice(row.email.indexOf('@') + 1);
        // Rule 13: the reason names the subdomain and the listed parent, and says how to fix it.
        expect(result.reason).toContain(domain);
        expect(result.reason).toContain(`only ${row.parent} is`);
        expect(result.reason).toContain('subdomains must be listed one by one');
      } else {
        expect(result.flags).not.toContain('subdomain-of-listed');
      }
    }
  });

  it('flags a subdomain found in the Username field too', () => {
    const result = classifyUser(rulesFrom('mycompany.com'), { username: 'x@finance.mycompany.com', email: '' });
    expect(result.classification).toBe('external');
    expect(result.flags).toContain('subdomain-of-listed');
    expect(result.reason).toContain('finance.mycompany.com');
    expect(result.reason).toContain('mycompany.com is');
  });
});

describe('rule 9: case, surrounding spaces and a leading @ never matter', () => {
  it.each([
    { field: 'MyCompany.COM', domains: ['mycompany.com'] },
    { field: '  mycompany.com  ', domains: ['mycompany.com'] },
    { field: '@mycompany.com', domains: ['mycompany.com'] },
    { field: ' @MyCompany.com , Sales.MyCompany.com ', domains: ['mycompany.com', 'sales.mycompany.com'] },
    { field: 'mycompany.com,MYCOMPANY.COM,@mycompany.com', domains: ['mycompany.com'] },
    { field: 'a.com,,b.com,', domains: ['a.com', 'b.com'] },
    { field: '@ mycompany.com', domains: ['mycompany.com'] },
  ])('list field "$field" is saved as $domains', ({ field, domains }) => {
    expect(parseDomainList(field)).toEqual({ ok: true, domains });
  });

  it('accepts an already split list as well', () => {
    expect(parseDomainList([' A.com ', '@b.com, c.com'])).toEqual({ ok: true, domains: ['a.com', 'b.com', 'c.com'] });
  });

  const rules = rulesFrom(' @MyCompany.Com ');
  it.each([
    { username: 'sgreen', email: 'Scott.Green@MYCOMPANY.COM' },
    { username: 'sgreen', email: '   scott.green@mycompany.com   ' },
    { username: 'sgreen', email: '\tscott.green@MyCompany.com\n' },
    { username: '  JANE.GREEN@MyCompany.Com ', email: '' },
  ])('$username / $email is internal', ({ username, email }) => {
    const result = classifyUser(rules, { username, email });
    expect(result.classification).toBe('internal');
    expect(result.flags).toEqual([]);
    expect(result.reason).toContain('mycompany.com is listed');
  });

  it('external users on a differently-cased subdomain are still only a subdomain', () => {
    const result = classifyUser(rules, { username: 's', email: 'x@Finance.MyCompany.com' });
    expect(result.classification).toBe('external');
    expect(result.flags).toContain('subdomain-of-listed');
  });
});

describe('rule 10: what a valid email address is', () => {
  it.each([
    // [value, domain or null]
    { value: 'jane@mycompany.com', domain: 'mycompany.com' },
    { value: 'Jane.Doe+tag@MyCompany.COM', domain: 'mycompany.com' },
    { value: '  jane@mycompany.com  ', domain: 'mycompany.com' },
    { value: '\tjane@mycompany.com\n', domain: 'mycompany.com' },
    { value: 'jane@sales.eu.mycompany.com', domain: 'sales.eu.mycompany.com' },
    { value: 'jane@my-company.co.uk', domain: 'my-company.co.uk' },
    { value: 'jane@123.example', domain: '123.example' },
    { value: 'jane@xn--bcher-kva.de', domain: 'xn--bcher-kva.de' },
    { value: 'jane@XN--BCHER-KVA.DE', domain: 'xn--bcher-kva.de' },
    { value: 'jane@mail.xn--fiqs8s', domain: 'mail.xn--fiqs8s' },
    { value: "o'brien@example.com", domain: 'example.com' },
    { value: 'a@b.co', domain: 'b.co' },
    // not valid
    { value: 'jane@b@mycompany.com', domain: null }, // two @
    { value: 'jane@@mycompany.com', domain: null },
    { value: 'jane doe@mycompany.com', domain: null }, // space in local part
    { value: 'jane\tdoe@mycompany.com', domain: null },
    { value: 'jane @mycompany.com', domain: null },
    { value: 'jane@ mycompany.com', domain: null },
    { value: 'jane@my company.com', domain: null },
    { value: '@mycompany.com', domain: null }, // empty local part
    { value: 'jane@', domain: null },
    { value: 'jane', domain: null },
    { value: 'jane@localhost', domain: null }, // single label
    { value: 'jane@com', domain: null },
    { value: 'jane@mycompany..com', domain: null }, // empty label
    { value: 'jane@.mycompany.com', domain: null },
    { value: 'jane@mycompany.com.', domain: null },
    { value: 'jane@.', domain: null },
    { value: 'jane@my_company.com', domain: null }, // underscore is not a letter, digit or hyphen
    { value: 'jane@mycompany.com/path', domain: null },
    { value: '', domain: null },
    { value: '   ', domain: null },
    { value: '+351912345678', domain: null },
  ])('"$value" -> $domain', ({ value, domain }) => {
    expect(emailDomain(value)).toBe(domain);
    expect(isEmail(value)).toBe(domain !== null);
  });

  it('null and undefined are not emails', () => {
    expect(emailDomain(null)).toBeNull();
    expect(emailDomain(undefined)).toBeNull();
    expect(isEmail(null)).toBe(false);
  });

  // The rulebook says "letters, digits, hyphens; IDN punycode allowed". The engine documents its reading in
  // email.ts: DNS labels (inner hyphens only), and a Unicode domain read as its punycode (rule 10a).
  it.each([
    { value: 'jane@-mycompany.com', valid: false },
    { value: 'jane@mycompany-.com', valid: false },
    { value: 'jane@bücher.de', valid: true },
    { value: 'jane@bücher', valid: false },
    { value: 'jane@bü cher.de', valid: false },
    { value: 'jane@bücher.de:80', valid: false },
    { value: 'jane@my--company.com', valid: true },
  ])('engine reading of labels: "$value" valid=$valid', ({ value, valid }) => {
    expect(isEmail(value)).toBe(valid);
  });

  it.each([
    { value: 'mycompany.com', valid: true },
    { value: 'xn--bcher-kva.de', valid: true },
    { value: 'a.b.c.d', valid: true },
    { value: 'mycompany', valid: false },
    { value: 'mycompany..com', valid: false },
    { value: '.mycompany.com', valid: false },
    { value: '', valid: false },
    { value: 'my company.com', valid: false },
  ])('isDomain("$value") = $valid', ({ value, valid }) => {
    expect(isDomain(value)).toBe(valid);
  });

  it('classifies with the same notion of validity', () => {
    const rules = rulesFrom('mycompany.com');
    // Two @: not a valid email, so the mycompany.com in it does not make the user internal by domain...
    const twoAt = classifyUser(rules, { username: 'u', email: 'a@b@mycompany.com' });
    expect(twoAt.flags).toContain('no-email');
    // ...and an invalid value in one field leaves the other field to decide.
    const fallBack = classifyUser(rules, { username: 'u@outsourcing.com', email: 'u @mycompany.com' });
    expect(fallBack.classification).toBe('external');
  });
});

describe('rule 10a: a domain written in Unicode is its punycode form, in lists and in emails', () => {
  // Punycode forms computed by an independent implementation (Python's built-in idna codec).
  it.each([
    { typed: 'bücher.de', ascii: 'xn--bcher-kva.de' },
    { typed: 'BÜCHER.DE', ascii: 'xn--bcher-kva.de' },
    { typed: '@münchen.de', ascii: 'xn--mnchen-3ya.de' },
    { typed: 'ｂücher．de', ascii: 'xn--bcher-kva.de' },
    { typed: '例え.jp', ascii: 'xn--r8jz45g.jp' },
  ])('the list entry "$typed" is saved as $ascii', ({ typed, ascii }) => {
    expect(parseDomainList(typed)).toEqual({ ok: true, domains: [ascii] });
  });

  it('a list entry in either form makes an email in the other form internal, and the reason names the punycode', () => {
    for (const [listed, email] of [
      ['bücher.de', 'a@xn--bcher-kva.de'],
      ['xn--bcher-kva.de', 'a@bücher.de'],
      ['bücher.de', 'a@BÜCHER.de'],
    ] as const) {
      const parsed = parseDomainList(listed);
      if (!parsed.ok) throw new Error(parsed.message);
      const result = classifyUser(compileRules('Production', parsed.domains), { username: 'a', email });
      expect(result.classification).toBe('internal');
      expect(result.reason).toBe('email domain xn--bcher-kva.de is listed');
    }
  });

  it('emailDomain gives the punycode form; a Unicode subdomain of a listed domain is still a subdomain', () => {
    expect(emailDomain('a@Bücher.de')).toBe('xn--bcher-kva.de');
    const result = classifyUser(compileRules('Production', ['xn--bcher-kva.de']), {
      username: 'a',
      email: 'a@verkauf.bücher.de',
    });
    expect(result.classification).toBe('external');
    expect(result.flags).toContain('subdomain-of-listed');
  });
});

describe('rule 11: an entry that is not a domain rejects the whole list, naming the entry', () => {
  it.each([
    { field: '*.example.com', entry: '*.example.com' },
    { field: 'http://example.com', entry: 'http://example.com' },
    { field: 'https://www.example.com/login', entry: 'https://www.example.com/login' },
    { field: 'example.com/sales', entry: 'example.com/sales' },
    { field: 'example', entry: 'example' },
    { field: 'jane@example.com', entry: 'jane@example.com' },
    { field: 'mycompany.com, example', entry: 'example' },
    { field: 'mycompany.com, *.mycompany.com, sales.mycompany.com', entry: '*.mycompany.com' },
    { field: 'mycompany.com jv.com', entry: 'mycompany.com jv.com' },
    { field: 'my_company.com', entry: 'my_company.com' },
    { field: 'mycompany.com.', entry: 'mycompany.com.' },
    { field: 'bücher', entry: 'bücher' },
    { field: 'bü/cher.de', entry: 'bü/cher.de' },
  ])('"$field" is rejected naming "$entry" and nothing is saved', ({ field, entry }) => {
    const result = parseDomainList(field);
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty('domains');
    if (result.ok) return;
    expect(result.message).toContain(`"${entry}"`);
    expect(result.problems.map((p) => p.entry)).toContain(entry);
    expect(result.message).toMatch(/not saved/);
  });

  it('names every bad entry when there are several', () => {
    const result = parseDomainList('*.a.com, good.com, http://b.com, c, d@e.com');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.entry)).toEqual(['*.a.com', 'http://b.com', 'c', 'd@e.com']);
    for (const entry of ['*.a.com', 'http://b.com', '"c"', 'd@e.com']) expect(result.message).toContain(entry);
  });

  it.each([
    { field: '*.example.com', words: /wildcard/i },
    { field: 'http://example.com', words: /web address|not a domain/i },
    { field: 'example', words: /not a domain/i },
    { field: 'jane@example.com', words: /email address/i },
  ])('the message for "$field" says what is wrong', ({ field, words }) => {
    const result = parseDomainList(field);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(words);
  });

  // A lone "@" is ambiguous: rule 9 drops a leading @ (leaving an empty entry, which could be skipped like ",,"),
  // or it is a bad entry. Either is acceptable; a rejection that names "" instead of what the admin typed is not.
  it('a lone "@" is either ignored or rejected naming "@"', () => {
    const result = parseDomainList('mycompany.com, @');
    if (result.ok) {
      expect(result.domains).toEqual(['mycompany.com']);
    } else {
      expect(result.message).toContain('"@"');
      expect(result.message).not.toContain('""');
    }
  });
});

describe('rule 12: username and email on different domains, only one listed', () => {
  const rules = rulesFrom('mycompany.com');
  it.each([
    {
      username: 'jane@mycompany.com',
      email: 'jane@gmail.com',
      listed: 'username domain mycompany.com',
      other: 'gmail.com',
    },
    {
      username: 'jane@gmail.com',
      email: 'jane@mycompany.com',
      listed: 'email domain mycompany.com',
      other: 'gmail.com',
    },
    {
      username: 'jane@finance.mycompany.com',
      email: 'jane@mycompany.com',
      listed: 'email domain mycompany.com',
      other: 'finance.mycompany.com',
    },
  ])('$username / $email: internal, flagged conflict', ({ username, email, listed, other }) => {
    const result = classifyUser(rules, { username, email });
    expect(result.classification).toBe('internal');
    expect(result.flags).toContain('conflict');
    expect(result.reason).toContain(listed);
    // The reason names the other, unlisted domain too, so the admin can correct the record.
    expect(result.reason).toContain(other);
  });

  it.each([
    { username: 'jane@mycompany.com', email: 'JANE@MYCOMPANY.COM', why: 'both listed' },
    { username: 'jane@gmail.com', email: 'jane@yahoo.com', why: 'neither listed' },
    { username: 'jane', email: 'jane@mycompany.com', why: 'only one field holds an email' },
    { username: 'jane@mycompany.com', email: 'jane', why: 'only one field holds an email' },
  ])('$username / $email: no conflict ($why)', ({ username, email }) => {
    expect(classifyUser(rules, { username, email }).flags).not.toContain('conflict');
  });

  it('both fields listed (two listed domains) is not a conflict', () => {
    const result = classifyUser(rulesFrom('mycompany.com, sales.mycompany.com'), {
      username: 'a@sales.mycompany.com',
      email: 'a@mycompany.com',
    });
    expect(result).toMatchObject({ classification: 'internal', flags: [] });
  });
});

describe('rule 13: the worked example (list mycompany.com,sales.mycompany.com) with its reasons', () => {
  const rules = rulesFrom('mycompany.com,sales.mycompany.com');
  // The rulebook's table, verbatim; the reason column is what rule 13 asks the admin to see.
  it.each([
    {
      username: 'sgreen',
      email: 'scott.green@mycompany.com',
      result: 'Internal',
      reason: ['mycompany.com is listed'],
      flags: [],
    },
    {
      username: 'sgreen',
      email: 'scott.green@sales.mycompany.com',
      result: 'Internal',
      reason: ['email domain sales.mycompany.com is listed'],
      flags: [],
    },
    {
      username: 'jane.green@mycompany.com',
      email: '',
      result: 'Internal',
      reason: ['mycompany.com is listed'],
      flags: [],
    },
    {
      username: 'sjones',
      email: 'scarlett.jones@outsourcing.com',
      result: 'External',
      reason: ['outsourcing.com', 'not listed'],
      flags: [],
    },
    {
      username: 'sdavidson',
      email: 'samantha.davidson@finance.mycompany.com',
      result: 'External (subdomain not listed)',
      reason: ['finance.mycompany.com is not listed (only mycompany.com is; subdomains must be listed one by one)'],
      flags: ['subdomain-of-listed'],
    },
    {
      username: 'mjohnson',
      email: '',
      result: 'Internal (no valid email)',
      reason: ['no valid email: counted as internal'],
      flags: ['no-email'],
    },
  ])('$username | $email | $result', ({ username, email, result, reason, flags }) => {
    const classified = classifyUser(rules, { username, email });
    expect(classified.classification).toBe(result.startsWith('Internal') ? 'internal' : 'external');
    for (const words of reason) expect(classified.reason).toContain(words);
    expect(classified.flags).toEqual(flags);
  });

  it.each([
    { environment: 'Production', reason: 'no internal domains configured for Production: everyone is internal' },
  ])('unconfigured $environment reads "$reason"', ({ environment, reason }) => {
    expect(classifyUser(compileRules(environment, []), { username: 'sjones', email: 'sj@out.com' }).reason).toBe(
      reason,
    );
  });

  it('every reason is a non-empty sentence', () => {
    for (const [username, email] of [
      ['a', 'a@mycompany.com'],
      ['a@out.com', ''],
      ['a', ''],
      ['a@mycompany.com', 'a@out.com'],
    ] as const) {
      expect(classifyUser(rules, { username, email }).reason.length).toBeGreaterThan(10);
    }
  });
});
