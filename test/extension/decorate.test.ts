// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { decorate } from '../../extension/badges/decorate.ts';
import { genericAdapter } from '../../extension/consoles/generic.ts';
import { outsystemsUsersAdapter } from '../../extension/consoles/outsystems-users.ts';
import { seatkeeperPortalAdapter } from '../../extension/consoles/seatkeeper-portal.ts';
import { classifyUser, compileRules } from '../../shared/licensing/index.ts';
import { badgeHosts, loadFixture, readBadge, rulesForWorked, worked } from './helpers.ts';

const LABEL = { internal: 'Internal', external: 'External' };

describe('decorate', () => {
  it('puts exactly one badge per account, classified by the engine', () => {
    const doc = loadFixture('outsystems-users');
    const accounts = decorate(doc, outsystemsUsersAdapter, rulesForWorked);
    expect(badgeHosts()).toHaveLength(10);
    for (const account of accounts) {
      const hosts = badgeHosts(account.anchor);
      expect(hosts).toHaveLength(1);
      const expected = classifyUser(worked, account);
      const badge = readBadge(hosts[0] as Element);
      expect(badge.label).toBe(LABEL[expected.classification]);
      expect(badge.title).toContain(expected.reason);
      expect(badge.classification).toBe(expected.classification);
      expect(badge.marks.map((mark) => mark.text)).toEqual(expected.flags.map(() => '!'));
    }
  });

  it('shows the worked example: subdomain, conflict and no-email marks with their own tooltips', () => {
    const doc = loadFixture('outsystems-users');
    decorate(doc, outsystemsUsersAdapter, rulesForWorked);
    const byUsername = (username: string) => {
      const row = [...doc.querySelectorAll('tbody tr')].find((tr) => tr.querySelector('td')?.textContent === username);
      return readBadge(badgeHosts(row)[0] as Element);
    };
    expect(byUsername('sgreen.sales').label).toBe('Internal');
    expect(byUsername('jane.green@mycompany.com').label).toBe('Internal');
    expect(byUsername('sjones').label).toBe('External');
    const sdavidson = byUsername('sdavidson');
    expect(sdavidson.label).toBe('External');
    expect(sdavidson.title).toContain('finance.mycompany.com is not listed (only mycompany.com is');
    expect(sdavidson.marks).toEqual([{ text: '!', title: expect.stringContaining('subdomain') }]);
    expect(byUsername('mjohnson').marks).toEqual([{ text: '!', title: expect.stringContaining('No valid email') }]);
    expect(byUsername('p.ortiz@partner.io').marks).toEqual([{ text: '!', title: expect.stringContaining('disagree') }]);
    expect(byUsername('kwhite').label).toBe('Internal');
  });

  it('is idempotent: decorating twice leaves one badge per account', () => {
    const doc = loadFixture('generic-admin');
    decorate(doc, genericAdapter, rulesForWorked);
    const first = badgeHosts();
    expect(first).toHaveLength(11);
    decorate(doc, genericAdapter, rulesForWorked);
    expect(badgeHosts()).toEqual(first);
    // Links get the badge after them, never inside (it must not become part of the link).
    const olga = doc.querySelector('a[href="mailto:olga.ivanova@mycompany.com"]') as Element;
    expect(olga.querySelector('seatkeeper-badge')).toBeNull();
    expect(olga.nextElementSibling?.localName).toBe('seatkeeper-badge');
  });

  it('redraws the badge of a re-used row for its current text, keeping one badge', () => {
    const doc = loadFixture('outsystems-users');
    decorate(doc, outsystemsUsersAdapter, rulesForWorked);
    const row = doc.querySelectorAll('tbody tr')[0] as HTMLTableRowElement;
    const emailCell = row.cells[2] as HTMLTableCellElement;
    const host = badgeHosts(row)[0] as Element;
    expect(readBadge(host).label).toBe('Internal');

    // A virtualised table writes another account into the same row (the cell's text node changes).
    (emailCell.firstChild as Text).data = 'someone@outsourcing.com';
    decorate(doc, outsystemsUsersAdapter, rulesForWorked);
    expect(badgeHosts(row)).toEqual([host]);
    expect(readBadge(host).label).toBe('External');
    expect(readBadge(host).title).toContain('email domain outsourcing.com is not listed');

    // A framework that rewrites the whole cell drops our badge with the old children: it comes back, once.
    emailCell.textContent = 'back@mycompany.com';
    expect(badgeHosts(row)).toHaveLength(0);
    decorate(doc, outsystemsUsersAdapter, rulesForWorked);
    expect(badgeHosts(row)).toHaveLength(1);
    expect(readBadge(badgeHosts(row)[0] as Element).label).toBe('Internal');
  });

  it('removes a badge whose cell no longer holds an account', () => {
    const doc = loadFixture('generic-admin');
    decorate(doc, genericAdapter, rulesForWorked);
    const cell = doc.querySelector('table.members tr:nth-child(2) td:nth-child(2)') as Element;
    expect(badgeHosts(cell)).toHaveLength(1);
    (cell.firstChild as Text).data = 'on leave';
    decorate(doc, genericAdapter, rulesForWorked);
    expect(badgeHosts(cell)).toHaveLength(0);
    expect(badgeHosts()).toHaveLength(10);
  });

  it('redraws every badge when the rules change', () => {
    const doc = loadFixture('seatkeeper-users');
    decorate(doc, seatkeeperPortalAdapter, rulesForWorked);
    const dee = doc.querySelector('tr[data-username^="dee"]') as Element;
    expect(readBadge(badgeHosts(dee)[0] as Element).label).toBe('External');
    const widened = compileRules('Production', ['mycompany.com', 'outsourcing.com']);
    decorate(doc, seatkeeperPortalAdapter, () => widened);
    expect(badgeHosts(dee)).toHaveLength(1);
    expect(readBadge(badgeHosts(dee)[0] as Element).label).toBe('Internal');
  });

  it('keeps its style inside the shadow root and tells which environment classified the account', () => {
    const doc = loadFixture('seatkeeper-users');
    decorate(doc, seatkeeperPortalAdapter, rulesForWorked);
    expect(doc.querySelectorAll('style')).toHaveLength(0);
    const host = badgeHosts()[0] as HTMLElement;
    // One constructed sheet, parsed once and adopted by every badge's shadow root.
    const sheet = host.shadowRoot?.adoptedStyleSheets[0] as CSSStyleSheet;
    expect([...sheet.cssRules].map((rule) => rule.cssText).join('\n')).toContain(':host');
    for (const other of badgeHosts()) expect(other.shadowRoot?.adoptedStyleSheets).toEqual([sheet]);
    expect(host.dataset.classification).toBe('internal');
    expect(readBadge(host).title).toBe(
      'Internal: email domain mycompany.com is listed\nEnvironment: Production\nAccount: ana.lima@mycompany.com / ana.lima@mycompany.com',
    );
  });
});

describe('hostile page text', () => {
  it('stays text: no img or script element is created, and it shows only in the tooltip', () => {
    const doc = loadFixture('hostile');
    const before = doc.body.innerHTML;
    expect(doc.querySelectorAll('img, script')).toHaveLength(0);
    decorate(doc, genericAdapter, rulesForWorked);

    const hosts = badgeHosts();
    expect(hosts).toHaveLength(3);
    expect(doc.querySelectorAll('img, script')).toHaveLength(0);
    for (const host of hosts) {
      expect(host.shadowRoot?.querySelectorAll('img, script')).toHaveLength(0);
      // The shadow root holds the label and our marks (and our style, where sheets cannot be adopted).
      const tags = [...(host.shadowRoot?.querySelectorAll('*') ?? [])].map((element) => element.localName);
      expect(tags.filter((tag) => tag !== 'span' && tag !== 'style')).toEqual([]);
      expect(readBadge(host).label).toBe('External');
      expect(host.childNodes).toHaveLength(0);
    }
    const [mallory, eve] = hosts.map((host) => readBadge(host));
    // Rule 10 accepts any local part without spaces, so this one is an evil.com address; the text stays text.
    expect(mallory?.label).toBe('External');
    expect(mallory?.title).toContain('Account: <img src=x onerror=alert(1)> / "><script>alert(1)</script>@evil.com');
    expect(eve?.label).toBe('External');
    expect(eve?.title).toContain('eve"><script>alert(1)</script>');
    // The page's own markup is untouched apart from the badge hosts.
    const withoutBadges = doc.body.cloneNode(true) as HTMLElement;
    for (const host of withoutBadges.querySelectorAll('seatkeeper-badge')) host.remove();
    expect(withoutBadges.innerHTML).toBe(before);
  });
});
