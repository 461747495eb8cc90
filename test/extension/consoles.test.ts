// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { genericAdapter, mailtoAddress } from '../../extension/consoles/generic.ts';
import { adapterFor } from '../../extension/consoles/index.ts';
import { outsystemsUsersAdapter } from '../../extension/consoles/outsystems-users.ts';
import { seatkeeperPortalAdapter } from '../../extension/consoles/seatkeeper-portal.ts';
import type { FoundAccount } from '../../extension/consoles/types.ts';
import { loadFixture } from './helpers.ts';

const values = (accounts: FoundAccount[]) =>
  accounts.map(({ username, email, environment }) => ({ username, email, environment }));

describe('seatkeeper-portal adapter', () => {
  it('finds one account per data row of seatkeeper-users.html, badged in its email cell', () => {
    const doc = loadFixture('seatkeeper-users');
    const accounts = seatkeeperPortalAdapter.findAccounts(doc);
    expect(accounts).toHaveLength(6);
    expect(values(accounts)[0]).toEqual({
      username: 'ana.lima@mycompany.com',
      email: 'ana.lima@mycompany.com',
      environment: 'Production',
    });
    expect(accounts[0]?.anchor.textContent).toBe('ana.lima@mycompany.com');
    expect(values(accounts)[4]?.environment).toBe('Quality');
    // The phone-only account has no email cell text: its badge goes in the first cell.
    expect(values(accounts)[5]).toEqual({ username: '+351912345678', email: undefined, environment: 'Production' });
    expect(accounts[5]?.anchor).toBe(doc.querySelector('tr[data-username="+351912345678"] td'));
  });

  it('reads a single row when handed that row or one of its cells', () => {
    const doc = loadFixture('seatkeeper-users');
    const cell = doc.querySelectorAll('tbody tr')[3]?.querySelector('td:nth-child(3)') as Element;
    expect(values(seatkeeperPortalAdapter.findAccounts(cell))).toEqual([
      { username: 'dee.okafor@outsourcing.com', email: 'dee.okafor@outsourcing.com', environment: 'Production' },
    ]);
  });

  it('matches the portal users list only', () => {
    const doc = loadFixture('seatkeeper-users');
    expect(seatkeeperPortalAdapter.matches(doc, new URL('http://127.0.0.1:3000/portal/users?page=2'))).toBe(true);
    expect(seatkeeperPortalAdapter.matches(doc, new URL('http://127.0.0.1:3000/portal/users/12'))).toBe(false);
    expect(seatkeeperPortalAdapter.matches(doc, new URL('http://127.0.0.1:3000/portal'))).toBe(false);
  });
});

describe('outsystems-users adapter', () => {
  it('finds the 10 user rows of outsystems-users.html, pairing Username and Email', () => {
    const doc = loadFixture('outsystems-users');
    const accounts = outsystemsUsersAdapter.findAccounts(doc);
    expect(accounts).toHaveLength(10);
    expect(values(accounts).slice(0, 3)).toEqual([
      { username: 'sgreen', email: 'scott.green@mycompany.com', environment: undefined },
      { username: 'sgreen.sales', email: 'scott.green@sales.mycompany.com', environment: undefined },
      { username: 'jane.green@mycompany.com', email: undefined, environment: undefined },
    ]);
    expect(values(accounts)[5]).toEqual({ username: 'mjohnson', email: undefined, environment: undefined });
    expect(values(accounts)[7]).toEqual({
      username: 'p.ortiz@partner.io',
      email: 'pedro.ortiz@mycompany.com',
      environment: undefined,
    });
    // Every badge sits in the Email column, empty or not.
    for (const account of accounts) expect(account.anchor.matches('td:nth-child(3)')).toBe(true);
  });

  it('matches the Users app and reads the same rows as the generic reader', () => {
    const doc = loadFixture('outsystems-users');
    expect(outsystemsUsersAdapter.matches(doc, new URL('https://acme.outsystemsenterprise.com/Users/Users.aspx'))).toBe(
      true,
    );
    expect(adapterFor(doc, new URL('https://acme.outsystemsenterprise.com/Users/Users.aspx'))).toBe(
      outsystemsUsersAdapter,
    );
    expect(outsystemsUsersAdapter.matches(doc, new URL('https://acme.outsystemsenterprise.com/ServiceCenter/'))).toBe(
      true,
    );
    expect(outsystemsUsersAdapter.matches(doc, new URL('https://acme.outsystemsenterprise.com/Monitoring/'))).toBe(
      false,
    );
    // The mailto link inside lchen's email cell does not add a second account.
    expect(values(genericAdapter.findAccounts(doc))).toEqual(values(outsystemsUsersAdapter.findAccounts(doc)));
  });
});

describe('generic adapter', () => {
  it('finds mailto links, email cells and Username/E-mail rows in generic-admin.html', () => {
    const doc = loadFixture('generic-admin');
    const accounts = genericAdapter.findAccounts(doc);
    expect(accounts).toHaveLength(11);
    const found = values(accounts).map(({ username, email }) => `${username ?? ''}|${email ?? ''}`);
    expect(found).toEqual([
      // Tables first, in document order.
      '|ann.berg@mycompany.com',
      '|carl.dunn@outsourcing.com',
      '|dora.eng@finance.mycompany.com',
      'gwen|gwen.hale@mycompany.com',
      'ivan@outsourcing.com|ivan.juric@mycompany.com',
      'kiosk-3|',
      // Then mailto links outside rows that already have an account.
      '|olga.ivanova@mycompany.com',
      '|ops@contractors.net',
      '|Raj.Patel@Sales.MyCompany.com',
      '|first@mycompany.com',
      '|it-help@mycompany.com',
    ]);
    const olga = accounts.find((account) => account.email === 'olga.ivanova@mycompany.com');
    expect(olga?.anchor.localName).toBe('a');
  });

  it('finds the 6 rows of the seatkeeper page without its adapter, not the support link in its footer', () => {
    const doc = loadFixture('seatkeeper-users');
    const accounts = genericAdapter.findAccounts(doc);
    expect(accounts).toHaveLength(6);
    expect(accounts.map((account) => account.email)).not.toContain('support@seatkeeper.example');
  });

  it('finds 2 table rows and 1 valid mailto link in hostile.html', () => {
    const doc = loadFixture('hostile');
    expect(values(genericAdapter.findAccounts(doc))).toEqual([
      {
        username: '<img src=x onerror=alert(1)>',
        email: '"><script>alert(1)</script>@evil.com',
        environment: undefined,
      },
      { username: 'eve"><script>alert(1)</script>', email: 'eve@evil.com', environment: undefined },
      { username: undefined, email: 'trent@evil.com', environment: undefined },
    ]);
  });

  it('decodes mailto addresses and rejects what is not one', () => {
    expect(mailtoAddress('mailto:a%40b.com?subject=x')).toBe('a@b.com');
    expect(mailtoAddress('MAILTO:a@b.com,c@d.com')).toBe('a@b.com');
    expect(mailtoAddress('mailto:%E0%A4%A')).toBeUndefined();
    expect(mailtoAddress('mailto:nobody')).toBeUndefined();
    expect(mailtoAddress('https://a@b.com')).toBeUndefined();
  });
});
