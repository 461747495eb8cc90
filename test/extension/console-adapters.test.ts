// @vitest-environment happy-dom
// Every console fixture, badged as the content script badges it: one badge per user row, each saying what the
// licensing engine says for that row's username and email, and nothing else on the page badged (not the page's
// header, navigation or footer, not header or footer rows).
import { describe, expect, it } from 'vitest';
import { decorate } from '../../extension/badges/decorate.ts';
import { adapterFor } from '../../extension/consoles/index.ts';
import { classifyUser } from '../../shared/licensing/index.ts';
import { CONSOLE_FIXTURES } from './console-fixtures.ts';
import { badgeHosts, loadFixture, readBadge, rulesForWorked, worked } from './helpers.ts';

const ROW = 'tr, [role="row"], .directory-table__row, .user-row, li';

/** The account a badge's tooltip names ("Account: user / email", or either alone). */
function accountLine(title: string): string | undefined {
  return title
    .split('\n')
    .find((line) => line.startsWith('Account: '))
    ?.slice('Account: '.length);
}

describe.each(Object.entries(CONSOLE_FIXTURES))('the %s console', (_name, fixture) => {
  it('is read by its adapter and badges every user row as the engine classifies it, and nothing else', () => {
    loadFixture(fixture.file as `consoles/${string}`);
    const url = new URL(fixture.path, 'https://console.example.com');
    const adapter = adapterFor(document, url);
    expect(adapter.name).toBe(fixture.adapter);
    decorate(document, adapter, rulesForWorked);

    const hosts = badgeHosts();
    expect(hosts.map((host) => accountLine(readBadge(host).title))).toEqual(
      fixture.rows.map((row) =>
        row.username && row.email ? `${row.username} / ${row.email}` : row.username || row.email,
      ),
    );
    hosts.forEach((host, index) => {
      const row = fixture.rows[index] ?? {};
      const expected = classifyUser(worked, row);
      const badge = readBadge(host);
      const who = row.username ?? row.email ?? '';
      expect(badge.classification, who).toBe(expected.classification);
      expect(badge.label, who).toBe(expected.classification === 'internal' ? 'Internal' : 'External');
      expect(badge.marks.length, who).toBe(expected.flags.length);
      // In the row it is about: that row shows the account's email or username.
      const shown = host.closest(ROW)?.textContent ?? '';
      expect(shown.includes(row.email ?? '') || shown.includes(row.username ?? ''), who).toBe(true);
    });
    // Nothing in the page's chrome, and nothing in header or footer rows.
    expect(
      document.querySelectorAll('nav seatkeeper-badge, footer seatkeeper-badge, [role="banner"] seatkeeper-badge'),
    ).toHaveLength(0);
    expect(document.querySelectorAll('thead seatkeeper-badge, tfoot seatkeeper-badge')).toHaveLength(0);
  });
});
