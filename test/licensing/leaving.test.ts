// Rule 26a in the licence portal: closed and erased accounts seen as such in the figures ("closed by the person: N this
// month; seats freed"), the users list and the licence page; the organisation's erasure policy; and the erased account
// gone from the live figures, the recount in the count worker, and what a starting instance reads.

import { describe, expect, it } from 'vitest';
import type { AccountErasureColumn } from '../../server/auth/tables.ts';
import { ownRef } from '../../server/licensing/records.ts';
import { expectKeptField, followRedirect } from '../support/flash.ts';
import { importJson } from '../support/imports.ts';
import {
  anotherInstance,
  call,
  createAccount,
  makeApp,
  STRONG_PASSWORD,
  sessionCookieFor,
  type TestContext,
  useBulkReads,
} from '../support/server.ts';

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

interface Leaving {
  months: { month: string; closed: number; seatsFreed: number; erased: number }[];
  awaitingErasure: number;
  erasureDays: number;
}

async function closeAs(ctx: TestContext, email: string) {
  const account = await createAccount(ctx, 'candidate', email);
  const cookie = await sessionCookieFor(ctx, account);
  const closed = await call(ctx, 'POST', '/api/v1/me/closure', { cookie, json: { password: STRONG_PASSWORD } });
  expect(closed.status).toBe(200);
  return account;
}

/** Three candidates closed this month: one still counts through an imported account of hers, one is erased. */
async function threeWhoLeft(ctx: TestContext) {
  const admin = await createAccount(ctx, 'admin');
  const cookie = await sessionCookieFor(ctx, admin);
  await importJson(ctx, { cookie }, 'own', 'Okta', [{ username: 'dana', email: 'dana@example.org' }]);
  await createAccount(ctx, 'candidate', 'stays@example.org');
  const ann = await closeAs(ctx, 'ann@example.org');
  const bob = await closeAs(ctx, 'bob@example.org');
  const dana = await closeAs(ctx, 'dana@example.org');
  expect((await call(ctx, 'POST', `/api/v1/users/${bob.id}/erasure`, { cookie })).status).toBe(200);
  await ctx.licensing.licensing.current();
  return { admin, cookie, ann, bob, dana };
}

describe('people who left, in the figures (rule 26a)', () => {
  it('counts accounts closed by the person this month, the seats that freed, and erasures', async () => {
    const ctx = await makeApp();
    const { cookie, admin, dana } = await threeWhoLeft(ctx);
    const figures = await json<Leaving>(await call(ctx, 'GET', '/api/v1/licence/leaving', { cookie }));
    expect(figures.months).toHaveLength(12);
    expect(figures.months[0]).toEqual({ month: '2026-11', closed: 3, seatsFreed: 2, erased: 1 });
    expect(figures.months[1]).toEqual({ month: '2026-10', closed: 0, seatsFreed: 0, erased: 0 });
    expect(figures).toMatchObject({ awaitingErasure: 2, erasureDays: 30 });
    // Dana still counts through Okta: her closing freed no seat.
    expect(ctx.licensing.licensing.live.account(ownRef(dana.id))).toMatchObject({ counted: false });
    // Admin, the candidate who stays and Dana's Okta account.
    const summary = await json<{ internal: { used: number } }>(
      await call(ctx, 'GET', '/api/v1/licence/summary', { cookie }),
    );
    expect(summary.internal.used).toBe(3);

    // Next month the closings are last month's.
    ctx.advance(10 * 86_400);
    const later = await json<Leaving>(
      await call(ctx, 'GET', '/api/v1/licence/leaving', { cookie: await sessionCookieFor(ctx, admin) }),
    );
    expect(later.months.slice(0, 2)).toEqual([
      { month: '2026-12', closed: 0, seatsFreed: 0, erased: 0 },
      { month: '2026-11', closed: 3, seatsFreed: 2, erased: 1 },
    ]);
  });

  it('shows them on the licence page and in the users list, closed and erased accounts each as such', async () => {
    const ctx = await makeApp();
    const { cookie, ann, bob } = await threeWhoLeft(ctx);
    const licence = await (await call(ctx, 'GET', '/portal/licence', { cookie })).text();
    expect(licence).toContain('People who left');
    expect(licence).toContain('This month: 3 accounts closed by the person; 2 seats freed; 1 erased.');
    expect(licence).toContain('2 closed accounts await erasure.');
    expect(licence).toContain('November 2026');

    const users = await (await call(ctx, 'GET', '/portal/users', { cookie })).text();
    expect(users).toContain(
      'This month: 3 accounts closed by the person, 2 seats freed, 1 erased; 2 awaiting erasure.',
    );
    const closed = await (await call(ctx, 'GET', '/portal/users?status=closed', { cookie })).text();
    expect(closed).toContain('2 matching accounts');
    expect(closed).toContain('ann@example.org');
    expect(closed).toContain('<span class="badge inactive" title="closed by the person">closed</span>');
    expect(closed).not.toContain('stays@example.org');
    const erased = await (await call(ctx, 'GET', '/portal/users?status=erased', { cookie })).text();
    expect(erased).toContain(`href="/portal/users/${bob.id}"`);
    expect(erased).toContain('closed by the person, then erased');
    expect(erased).not.toContain('bob@example.org');
    const csv = await (await call(ctx, 'GET', '/portal/users.csv?status=erased', { cookie })).text();
    expect(csv.trim().split('\n')).toHaveLength(1);

    const person = await (await call(ctx, 'GET', `/portal/users/${ann.id}`, { cookie })).text();
    expect(person).toContain('the person, who closed the account (signing in is refused; it cannot be reactivated)');
    const gone = await (await call(ctx, 'GET', `/portal/users/${bob.id}`, { cookie })).text();
    expect(gone).toContain('<h1>Erased account</h1>');
    expect(gone).toContain('No: an erased account is in no count and links to no one (rule 26a).');
  });

  it('lets an administrator set the erasure days on the licence page; support staff see them only', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const cookie = await sessionCookieFor(ctx, admin);
    const saved = await call(ctx, 'POST', '/portal/licence/erasure-policy', { cookie, form: { days: '45' } });
    const page = await followRedirect(ctx, saved, cookie);
    expect(page.location).toBe('/portal/licence');
    expect(page.text).toContain('Erasure policy saved.');
    expect(page.text).toContain('erased by the daily run 45 days after closing');
    const invalid = await call(ctx, 'POST', '/portal/licence/erasure-policy', { cookie, form: { days: '-3' } });
    expect(invalid.status).toBe(400);
    const shown = await invalid.text();
    expectKeptField(shown, 'erasureDays', '-3');
    expect(shown).toContain('Give a whole number of days from 0 to');

    const support = await sessionCookieFor(ctx, await createAccount(ctx, 'support'));
    const seen = await (await call(ctx, 'GET', '/portal/licence', { cookie: support })).text();
    expect(seen).toContain('45 days after closing');
    expect(seen).not.toContain('action="/portal/licence/erasure-policy"');
    expect(
      (await call(ctx, 'POST', '/portal/licence/erasure-policy', { cookie: support, form: { days: '1' } })).status,
    ).toBe(403);
  });
});

describe('an erased account in every read of the figures (rules 24, 26a)', () => {
  it('the recount in the count worker agrees with the live figures after closings and erasures', async () => {
    const ctx = await makeApp();
    useBulkReads(ctx);
    const { cookie } = await threeWhoLeft(ctx);
    const api = await json<{ agrees: boolean; differences: string[] }>(
      await call(ctx, 'POST', '/api/v1/licence/recount', { cookie }),
    );
    expect(api).toMatchObject({ agrees: true, differences: [] });
    const recount = await ctx.licensing.licensing.recount();
    expect(recount).toMatchObject({ agrees: true, via: 'worker' });
    // Ann and Dana are deactivated; Bob is in no figure at all.
    expect(recount.full.notCounted.inactive).toBe(2);
  });

  it('an account erased while no instance listened is left out, and its directory row removed, at the next start', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const candidate = await createAccount(ctx, 'candidate', 'script@example.org');
    await ctx.licensing.licensing.current();
    // A script erases behind the server's back (no hook, and on SQLite no notification).
    await ctx.deps.db
      .withTables<AccountErasureColumn>()
      .updateTable('accounts')
      .set({ email: `erased:${candidate.id}`, name: '', active: 0, erased_at: ctx.now().toISOString() })
      .where('id', '=', candidate.id)
      .execute();
    const restarted = await anotherInstance(ctx);
    await restarted.licensing.licensing.current();
    expect(restarted.licensing.licensing.live.account(ownRef(candidate.id))).toBeNull();
    expect(restarted.licensing.licensing.live.totals().notCounted.inactive).toBe(0);
    const rows = await ctx.deps.db
      .selectFrom('licence_accounts')
      .select('email')
      .where('account_id', 'in', [candidate.id, admin.id])
      .execute();
    expect(rows).toEqual([{ email: admin.email }]);
  });
});
