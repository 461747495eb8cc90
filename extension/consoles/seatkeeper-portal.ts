// Seatkeeper's own portal: /portal/users renders one <tr data-username data-email data-environment> per account.
import { elementsAround } from './dom.ts';
import { cellsOf } from './rows.ts';
import type { ConsoleAdapter, FoundAccount } from './types.ts';

const ACCOUNT_ROWS = 'tr[data-username], tr[data-email]';

function attribute(row: Element, name: string): string | undefined {
  return row.getAttribute(name)?.trim() || undefined;
}

function emailCell(row: Element, email: string | undefined): Element | undefined {
  const cells = cellsOf(row);
  const wanted = email?.toLowerCase();
  if (wanted) {
    for (const cell of cells) if (cell.textContent?.trim().toLowerCase() === wanted) return cell;
  }
  return cells[0];
}

export const seatkeeperPortalAdapter: ConsoleAdapter = {
  name: 'seatkeeper-portal',
  matches: (_doc, url) => /^\/portal\/users\/?$/.test(url.pathname),
  observedAttributes: ['data-username', 'data-email', 'data-environment'],
  findAccounts(root) {
    const accounts: FoundAccount[] = [];
    for (const row of elementsAround(root, ACCOUNT_ROWS)) {
      const email = attribute(row, 'data-email');
      const anchor = emailCell(row, email);
      if (!anchor) continue;
      const username = attribute(row, 'data-username');
      const environment = attribute(row, 'data-environment');
      accounts.push({
        anchor,
        ...(username && { username }),
        ...(email && { email }),
        ...(environment && { environment }),
      });
    }
    return accounts;
  },
};
