// @vitest-environment happy-dom
// Teaching a console: the picker's reading of the row an admin points at (the rows like it, the cells and what each
// holds), and the taught adapter reading the console with those selectors.
import { describe, expect, it } from 'vitest';
import { decorate } from '../../extension/badges/decorate.ts';
import { adapterFor } from '../../extension/consoles/index.ts';
import { cellSelector, selectorProblem, taughtAdapter } from '../../extension/consoles/taught.ts';
import { cellsOfRow, rowAround, rowsSelectorFor } from '../../extension/picker.ts';
import { badgeHosts, readBadge, rulesForWorked } from './helpers.ts';

const MEMBERS = `<main><div id="members">
  <div class="member"><b>ann.berg</b><i>Owner</i><span>2 days ago</span></div>
  <div class="member away"><b>carl.dunn</b><i>Member</i><span>never</span></div>
  <div class="member"><b>dee.okafor</b><i>Guest</i><span>today</span></div>
</div></main><footer><div class="member"><b>not-a-member</b></div></footer>`;

describe('pointing at a row', () => {
  it('finds the row around what was clicked, a selector for it and the rows like it, and its cells', () => {
    document.body.innerHTML = MEMBERS;
    const clicked = document.querySelector('.away i') as Element;
    const row = rowAround(clicked);
    expect(row.className).toBe('member away');
    const rows = rowsSelectorFor(row);
    expect(rows).toBe('#members div.member');
    expect(document.querySelectorAll(rows)).toHaveLength(3);
    expect(cellsOfRow(row)).toEqual([
      { selector: ':scope > :nth-child(1)', text: 'carl.dunn', email: undefined },
      { selector: ':scope > :nth-child(2)', text: 'Member', email: undefined },
      { selector: ':scope > :nth-child(3)', text: 'never', email: undefined },
    ]);
  });

  it('reads table rows of the body only, and a cell’s address', () => {
    document.body.innerHTML =
      '<table id="people"><thead><tr><th>Who</th><th>Mail</th></tr></thead><tbody><tr><td>Ann</td><td>Ann &lt;ann@mycompany.com&gt;</td></tr><tr><td>Carl</td><td>carl@outsourcing.com</td></tr></tbody></table>';
    const row = rowAround(document.querySelector('tbody td') as Element);
    expect(rowsSelectorFor(row)).toBe('#people tbody > tr');
    expect(cellsOfRow(row)[1]).toEqual({
      selector: ':scope > :nth-child(2)',
      text: 'Ann <ann@mycompany.com>',
      email: 'ann@mycompany.com',
    });
  });
});

describe('a taught console', () => {
  it('is read as taught on its origin only, before any built-in reader, and never in the page’s footer', () => {
    document.body.innerHTML = MEMBERS;
    const taught = taughtAdapter({
      origin: 'https://intranet.example',
      rows: '#members div.member, footer .member',
      username: cellSelector('1'),
    });
    expect(adapterFor(document, new URL('https://intranet.example/team'), [taught])).toBe(taught);
    expect(adapterFor(document, new URL('https://other.example/team'), [taught]).name).toBe('generic');
    decorate(document, taught, rulesForWorked);
    // No address anywhere: internal by rule 7, with its mark; the footer's row is page chrome.
    expect(badgeHosts().map((host) => readBadge(host).title.split('\n')[2])).toEqual([
      'Account: ann.berg',
      'Account: carl.dunn',
      'Account: dee.okafor',
    ]);
    expect(readBadge(badgeHosts()[0] as Element).marks).toHaveLength(1);
  });

  it('reads nothing with a selector the browser cannot parse, and says why', () => {
    expect(selectorProblem(document, 'div..member')).toContain('is not a CSS selector');
    expect(selectorProblem(document, ':scope > :nth-child(2)')).toBeNull();
    const broken = taughtAdapter({ origin: 'https://intranet.example', rows: 'div..member', email: 'span' });
    expect(broken.matches(document, new URL('https://intranet.example/'))).toBe(false);
  });
});
