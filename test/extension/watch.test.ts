// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isBadgeHost } from '../../extension/badges/badge.ts';
import { decideFit } from '../../extension/badges/fit.ts';
import { type WatchOptions, watch } from '../../extension/badges/watch.ts';
import { genericAdapter } from '../../extension/consoles/generic.ts';
import { outsystemsUsersAdapter } from '../../extension/consoles/outsystems-users.ts';
import { seatkeeperPortalAdapter } from '../../extension/consoles/seatkeeper-portal.ts';
import type { FoundAccount } from '../../extension/consoles/types.ts';
import type { ServerFacts } from '../../extension/server-facts.ts';
import { badgeHosts, loadFixture, nextFrame, readBadge, rulesForWorked } from './helpers.ts';

let controller: AbortController;
afterEach(() => controller?.abort());

function start(adapter = outsystemsUsersAdapter, sliceMs?: number, options: WatchOptions = {}) {
  controller = new AbortController();
  const budget = sliceMs !== undefined && { sliceMs, taskMs: sliceMs, startMs: sliceMs, frameMs: sliceMs };
  return watch(document, adapter, rulesForWorked, { signal: controller.signal, ...budget, ...options });
}

function userRow(username: string, email: string): HTMLTableRowElement {
  const row = document.createElement('tr');
  for (const text of [username, 'New Person', email, 'never', 'Yes']) {
    const cell = document.createElement('td');
    cell.textContent = text;
    row.append(cell);
  }
  return row;
}

const tbody = () => document.querySelector('table.TableRecords tbody') as HTMLTableSectionElement;

describe('watch', () => {
  it('badges the page at once, then appended rows after the next frame', async () => {
    loadFixture('outsystems-users');
    // happy-dom is far slower than a browser: a wide slice keeps this about batching, not speed.
    start(outsystemsUsersAdapter, 1000);
    expect(badgeHosts()).toHaveLength(10);
    for (let n = 0; n < 100; n++)
      tbody().append(userRow(`new${n}`, `new${n}@${n % 2 ? 'mycompany.com' : 'gmail.com'}`));
    expect(badgeHosts()).toHaveLength(10);
    await nextFrame();
    expect(badgeHosts()).toHaveLength(110);
    expect(readBadge(badgeHosts(tbody().lastElementChild as Element)[0] as Element).label).toBe('Internal');
  });

  it('handles paging: replaced rows get fresh badges and nothing is duplicated', async () => {
    loadFixture('outsystems-users');
    start();
    tbody().replaceChildren(userRow('p2a', 'p2a@outsourcing.com'), userRow('p2b', 'p2b@mycompany.com'));
    await nextFrame();
    expect(badgeHosts().map((host) => readBadge(host).label)).toEqual(['External', 'Internal']);
  });

  it('handles sorting: moved rows keep exactly one badge each', async () => {
    loadFixture('outsystems-users');
    start();
    const rows = [...tbody().querySelectorAll('tr')].reverse();
    tbody().append(...rows);
    await nextFrame();
    expect(badgeHosts()).toHaveLength(10);
    for (const row of tbody().querySelectorAll('tr')) expect(badgeHosts(row)).toHaveLength(1);
  });

  it('handles filtering and re-used rows: changed cell text redraws the badge in place', async () => {
    loadFixture('outsystems-users');
    start();
    const row = tbody().querySelector('tr') as HTMLTableRowElement;
    const host = badgeHosts(row)[0] as Element;
    ((row.cells[2] as HTMLTableCellElement).firstChild as Text).data = 'x@finance.mycompany.com';
    await nextFrame();
    expect(badgeHosts(row)).toEqual([host]);
    expect(readBadge(host).label).toBe('External');
    // A framework re-rendering the cell's children.
    (row.cells[2] as HTMLTableCellElement).replaceChildren('y@mycompany.com');
    await nextFrame();
    expect(badgeHosts(row)).toHaveLength(1);
    expect(readBadge(badgeHosts(row)[0] as Element).label).toBe('Internal');
  });

  it('follows attribute changes on the Seatkeeper portal rows', async () => {
    loadFixture('seatkeeper-users');
    start(seatkeeperPortalAdapter);
    const row = document.querySelector('tr[data-username^="ana"]') as HTMLTableRowElement;
    row.dataset.username = 'ana@outsourcing.com';
    row.dataset.email = 'ana@outsourcing.com';
    await nextFrame();
    expect(badgeHosts(row)).toHaveLength(1);
    expect(readBadge(badgeHosts(row)[0] as Element).label).toBe('External');
  });

  it('handles SPA navigation: a new page body is badged', async () => {
    loadFixture('generic-admin');
    start(genericAdapter);
    expect(badgeHosts()).toHaveLength(11);
    const next = document.createElement('main');
    const link = document.createElement('a');
    link.href = 'mailto:new.owner@outsourcing.com';
    link.textContent = 'New owner';
    next.append(link);
    document.querySelector('main')?.replaceWith(next);
    await nextFrame();
    expect(badgeHosts(next)).toHaveLength(1);
    // Four owner links in the aside, one on the new page.
    expect(badgeHosts()).toHaveLength(5);
  });

  it('drops the badge of a mailto link that no longer points to an address, and follows a renamed header', async () => {
    loadFixture('generic-admin');
    start(genericAdapter);
    const link = document.querySelector('a[href="mailto:olga.ivanova@mycompany.com"]') as HTMLAnchorElement;
    expect(link.nextElementSibling?.localName).toBe('seatkeeper-badge');
    link.href = '/people/olga';
    // The Members table's header row (no thead) now names its second column Email: the phone-only row becomes an account.
    const header = document.querySelector('table.members th:nth-child(2)') as Element;
    header.textContent = 'Email';
    await nextFrame();
    expect(link.nextElementSibling?.localName).not.toBe('seatkeeper-badge');
    expect(badgeHosts(document.querySelector('table.members') as Element)).toHaveLength(5);
  });

  it('cuts a large table into slices and still badges every row once', async () => {
    loadFixture('outsystems-users');
    const rows = Array.from({ length: 1000 }, (_, n) => userRow(`bulk${n}`, `bulk${n}@mycompany.com`));
    tbody().append(...rows);
    start(outsystemsUsersAdapter, 1);
    expect(badgeHosts().length).toBeLessThan(1010);
    await vi.waitFor(() => expect(badgeHosts()).toHaveLength(1010), { timeout: 10_000, interval: 20 });
  });

  it('badges a large table already on the page in the next frame, all of it in one batch', async () => {
    loadFixture('outsystems-users');
    const rows = Array.from({ length: 1000 }, (_, n) => userRow(`bulk${n}`, `bulk${n}@mycompany.com`));
    tbody().append(...rows);
    // Each batch of badges put on a laid-out table makes the browser lay all of it out again.
    const batches: number[] = [];
    new MutationObserver((records) => {
      let added = 0;
      for (const record of records) for (const node of record.addedNodes) if (isBadgeHost(node)) added++;
      if (added > 0) batches.push(added);
    }).observe(tbody(), { childList: true, subtree: true });
    start(outsystemsUsersAdapter, 1, { frameMs: 60_000 });
    expect(badgeHosts()).toHaveLength(0);
    await nextFrame();
    expect(badgeHosts()).toHaveLength(1010);
    expect(batches).toEqual([1010]);
  });

  it('badges a large table the page adds in the frame of the change, all of it at once', async () => {
    loadFixture('outsystems-users');
    // No time limit in the frame (happy-dom is far slower than a browser): this is about when badges go on the page.
    start(outsystemsUsersAdapter, 1, { frameMs: 60_000 });
    const added: Node[] = [];
    new MutationObserver((records) => {
      for (const record of records) for (const node of record.addedNodes) if (isBadgeHost(node)) added.push(node);
    }).observe(tbody(), { childList: true, subtree: true });
    const rows = Array.from({ length: 1000 }, (_, n) => userRow(`bulk${n}`, `bulk${n}@mycompany.com`));
    tbody().append(...rows);
    await nextFrame();
    expect(badgeHosts()).toHaveLength(1010);
    // Everything the frame made is on the page before any later task: one batch, one layout.
    expect(added).toHaveLength(1000);
    for (const row of rows) expect(badgeHosts(row)).toHaveLength(1);
  });

  it("reads a change in the page's own task, puts it on the page in the frame, and follows a row changed again", async () => {
    loadFixture('outsystems-users');
    // No time in the frame beyond one step: whatever is badged by the end of that frame was prepared in the page's task.
    start(outsystemsUsersAdapter, 1, { taskMs: 60_000, frameMs: 0 });
    const rows = Array.from({ length: 200 }, (_, n) => userRow(`early${n}`, `early${n}@mycompany.com`));
    tbody().append(...rows);
    await Promise.resolve(); // the observer has reported: everything is read and prepared, nothing is on the page yet
    expect(badgeHosts()).toHaveLength(10);
    // The page changes a row it added, before the frame: the badge shows what the row says now.
    const changed = rows[5] as HTMLTableRowElement;
    (changed.cells[2] as HTMLTableCellElement).textContent = 'early5@gmail.com';
    await nextFrame();
    expect(badgeHosts()).toHaveLength(210);
    expect(badgeHosts(changed)).toHaveLength(1);
    expect(readBadge(badgeHosts(changed)[0] as Element).label).toBe('External');
    expect(readBadge(badgeHosts(rows[6] as Element)[0] as Element).label).toBe('Internal');
  });

  it('keeps one badge, ours, on a row the page copies with its badge', async () => {
    loadFixture('outsystems-users');
    start();
    const original = tbody().querySelector('tr') as HTMLTableRowElement;
    const copy = original.cloneNode(true) as HTMLTableRowElement;
    tbody().append(copy);
    await nextFrame();
    const [host, ...more] = badgeHosts(copy);
    expect(more).toEqual([]);
    expect(host).not.toBe(badgeHosts(original)[0]);
    expect(readBadge(host as Element).label).toBe('Internal');
    // Ours: it follows the copy's text like any badge.
    ((copy.cells[2] as HTMLTableCellElement).firstChild as Text).data = 'copy@outsourcing.com';
    await nextFrame();
    expect(badgeHosts(copy)).toEqual([host]);
    expect(readBadge(host as Element).label).toBe('External');
  });

  it('replaces a badge element an earlier run of the extension left on the page', async () => {
    loadFixture('outsystems-users');
    const cell = tbody().querySelector('tr')?.cells[2] as HTMLTableCellElement;
    const left = document.createElement('seatkeeper-badge');
    left.textContent = 'stale';
    cell.append(left);
    start();
    expect(left.isConnected).toBe(false);
    expect(badgeHosts(cell)).toHaveLength(1);
    expect(badgeHosts()).toHaveLength(10);
  });

  it('redraws after the server answered in the next animation frames, changing only attributes', async () => {
    loadFixture('outsystems-users');
    let facts: ServerFacts | undefined;
    let found: FoundAccount[] = [];
    controller = new AbortController();
    const watcher = watch(document, outsystemsUsersAdapter, rulesForWorked, {
      signal: controller.signal,
      factsFor: () => facts,
      onAccounts: (accounts) => {
        found = [...accounts];
      },
    });
    // The accounts are handed over after the frame, in a task of their own.
    expect(found).toEqual([]);
    await vi.waitFor(() => expect(found).toHaveLength(10));
    const host = badgeHosts()[0] as HTMLElement;
    const content = [...(host.shadowRoot?.childNodes ?? [])];
    facts = {
      classification: 'internal',
      reason: 'listed',
      flags: [],
      marks: ['inactive'],
      notes: ['Seatkeeper: inactive'],
    };
    watcher.redraw(found);
    expect(host.dataset.server).toBeUndefined();
    await nextFrame();
    expect(host.dataset.server).toBe('inactive');
    expect(host.title).toContain('Seatkeeper: inactive');
    // The same nodes in the shadow root: what the server knows is drawn by the stylesheet, and no box changes size.
    expect([...(host.shadowRoot?.childNodes ?? [])]).toEqual(content);
  });

  it('stops when aborted', async () => {
    loadFixture('outsystems-users');
    start();
    tbody().append(userRow('before', 'before@mycompany.com'));
    controller.abort();
    tbody().append(userRow('after', 'after@mycompany.com'));
    await nextFrame();
    await nextFrame();
    expect(badgeHosts()).toHaveLength(10);
  });
});

describe('fitting a badge to its cell', () => {
  it('keeps the pill where it fits, draws a dot where it does not, and moves the dot back when even that overflows', () => {
    // A pill from 100 to 160 px in cells of different widths (px, viewport): a dot is 11 px wide.
    expect(decideFit(100, 160, 0, 200)).toEqual({ fit: '', shift: 0 });
    expect(decideFit(100, 160, 0, 150)).toEqual({ fit: 'dot', shift: 0 });
    // The text reaches the cell's edge (a cell cutting its text short): the dot is moved back to end at the edge.
    expect(decideFit(100, 160, 0, 105)).toEqual({ fit: 'dot', shift: -6 });
    // Never past the cell's start.
    expect(decideFit(100, 160, 98, 100)).toEqual({ fit: 'dot', shift: -2 });
  });
});
