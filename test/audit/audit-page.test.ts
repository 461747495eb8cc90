// The audit log in words (issue 18): who did what to whom, linked to their pages, filtered by who, what and when,
// paged, and exported as CSV that spreadsheets open (read back with Papa Parse, not our own code).
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { call, createAccount, makeApp, sessionCookieFor, type TestContext } from '../support/server.ts';

async function named(ctx: TestContext, role: 'admin' | 'support' | 'candidate', name: string, email: string) {
  const account = await createAccount(ctx, role, email);
  await ctx.deps.db.updateTable('accounts').set({ name }).where('id', '=', account.id).execute();
  return account;
}

describe('the audit log page', () => {
  it('says who did what to whom, in words and with links, filtered, paged and exported', async () => {
    const ctx = await makeApp();
    const mina = await named(ctx, 'admin', 'Mina Sato', 'mina@mycompany.com');
    const ken = await named(ctx, 'candidate', 'Ken Ito', 'ken@gmail.com');
    const yesterday = await sessionCookieFor(ctx, mina);
    const deactivated = await call(ctx, 'POST', `/portal/users/${ken.id}/deactivate`, {
      cookie: yesterday,
      form: { confirmed: '1' },
    });
    expect(deactivated.status).toBe(303);
    ctx.advance(86_400);
    const cookie = await sessionCookieFor(ctx, mina);
    expect((await call(ctx, 'POST', `/portal/users/${ken.id}/activate`, { cookie, form: {} })).status).toBe(303);

    const page = await (await call(ctx, 'GET', '/portal/audit', { cookie })).text();
    expect(page).toContain(
      `<a href="/portal/users/${mina.id}">Mina Sato</a> deactivated <a href="/portal/users/${ken.id}">Ken Ito</a>`,
    );
    expect(page).toContain('reactivated <a');
    expect(page).not.toContain('{&quot;');

    const deactivations = await (
      await call(ctx, 'GET', '/portal/audit?who=ken&action=account.deactivated', { cookie })
    ).text();
    expect(deactivations).toContain('1 event matches.');
    expect(deactivations).toContain('<option value="account.deactivated" selected');
    expect(deactivations).toContain('value="ken"');
    // When: the day of the reactivation only (2026-11-25 in UTC, the organisation's time zone here).
    const secondDay = await (await call(ctx, 'GET', '/portal/audit?from=2026-11-25&to=2026-11-25', { cookie })).text();
    expect(secondDay).toContain('reactivated');
    expect(secondDay).not.toContain(' deactivated ');
    const nobody = await (await call(ctx, 'GET', '/portal/audit?who=nobody-at-all', { cookie })).text();
    expect(nobody).toContain('No event matches.');
    // A filter that does not parse is left out, not an error.
    expect((await call(ctx, 'GET', '/portal/audit?action=drop+table&from=yesterday', { cookie })).status).toBe(200);

    // Paging keeps the filters.
    for (let i = 0; i < 3; i++)
      await call(ctx, 'POST', `/portal/users/${ken.id}/send-reset-link`, { cookie, form: {} });
    const first = await (await call(ctx, 'GET', '/portal/audit?who=ken&pageSize=2', { cookie })).text();
    expect(first).toContain('href="?who=ken&amp;page=2&amp;pageSize=2" rel="next"');

    const csv = await call(ctx, 'GET', '/portal/audit.csv?who=ken', { cookie });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = Papa.parse<Record<string, string>>(new TextDecoder().decode(bytes), {
      header: true,
      skipEmptyLines: true,
    }).data;
    expect(rows).toHaveLength(6); // created, deactivated, reactivated, three reset links
    // TextDecoder drops the byte-order mark, as spreadsheets do: the first column is named `at`.
    expect(rows.find((r) => r.action === 'account.deactivated')).toMatchObject({
      at: '2026-11-24T12:00:00.000Z',
      actor_name: 'Mina Sato',
      actor_email: 'mina@mycompany.com',
      action: 'account.deactivated',
      event: 'Mina Sato deactivated Ken Ito',
      target_name: 'Ken Ito',
      target_email: 'ken@gmail.com',
    });
    const japanese = await call(ctx, 'GET', '/portal/audit.csv?action=account.deactivated', {
      cookie,
      headers: { 'accept-language': 'ja' },
    });
    expect(await japanese.text()).toContain('Mina Sato が Ken Ito のアカウントを無効化しました');
  });

  it('shows links in mail as links in the outbox', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const cookie = await sessionCookieFor(ctx, admin);
    const candidate = await createAccount(ctx, 'candidate');
    await call(ctx, 'POST', `/portal/users/${candidate.id}/send-reset-link`, { cookie, form: {} });
    const outbox = await (await call(ctx, 'GET', '/portal/outbox', { cookie })).text();
    expect(outbox).toMatch(/<a href="http:\/\/seatkeeper\.test\/reset-password\?token=[^"]+" rel="noreferrer">/);
  });
});
