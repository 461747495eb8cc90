// The organisation's time zone (issue 16): a setting validated with Intl, the zone every time is shown in for people
// who chose none, and the calendar that decides the licence's days. The clock stands at 23:30 UTC: already the next
// day in Tokyo.

import { describe, expect, it } from 'vitest';
import { today } from '../../server/licensing/licence.ts';
import { followRedirect } from '../support/flash.ts';
import { call, createAccount, makeApp, sessionCookieFor, type TestContext } from '../support/server.ts';

/** 2026-11-24T23:30Z: 2026-11-25 08:30 in Tokyo. */
async function lateEvening() {
  const ctx = await makeApp();
  ctx.advance(11.5 * 3600);
  expect(ctx.now().toISOString()).toBe('2026-11-24T23:30:00.000Z');
  const admin = await createAccount(ctx, 'admin');
  const cookie = await sessionCookieFor(ctx, admin);
  return { ctx, admin, cookie };
}

const setZone = (ctx: TestContext, cookie: string, timeZone: string) =>
  call(ctx, 'POST', '/portal/licence/time-zone', { cookie, form: { timeZone } });

describe('the organisation’s time zone', () => {
  it('is a setting admins change on the licence page, validated with Intl; UTC until then', async () => {
    const { ctx, cookie } = await lateEvening();
    expect(await ctx.deps.organisationTimeZone()).toBe('UTC');
    const bad = await setZone(ctx, cookie, 'Mars/Olympus');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Choose a time zone the list offers, e.g. Asia/Tokyo.');
    expect(await ctx.deps.organisationTimeZone()).toBe('UTC');
    const saved = await setZone(ctx, cookie, 'Asia/Tokyo');
    expect(saved.status).toBe(303);
    expect((await followRedirect(ctx, saved, cookie)).text).toContain('Time zone saved.');
    expect(await ctx.deps.organisationTimeZone()).toBe('Asia/Tokyo');
    const audit = await ctx.deps.db.selectFrom('audit_events').select('details').execute();
    expect(audit.map((a) => a.details)).toContainEqual(
      JSON.stringify({ what: 'organisation-time-zone', timeZone: 'Asia/Tokyo' }),
    );
  });

  it('shows every time in the zone, named, to people who chose none (a person’s own zone wins)', async () => {
    const { ctx, admin, cookie } = await lateEvening();
    await setZone(ctx, cookie, 'Asia/Tokyo');
    await call(ctx, 'GET', '/portal/licence', { cookie });
    const licence = await (await call(ctx, 'GET', '/portal/licence', { cookie })).text();
    expect(licence).toContain('Computed at 25 November 2026 at 08:30 GMT+9.');
    const ja = await (
      await call(ctx, 'GET', `/portal/users/${admin.id}`, { cookie, headers: { 'accept-language': 'ja' } })
    ).text();
    // The admin's account was created at 23:30 UTC: 08:30 the next morning in Tokyo.
    expect(ja).toContain('2026年11月25日 8:30 JST');
    await ctx.deps.db.updateTable('accounts').set({ time_zone: 'Europe/Paris' }).where('id', '=', admin.id).execute();
    const own = await (await call(ctx, 'GET', `/portal/users/${admin.id}`, { cookie })).text();
    expect(own).toContain('25 November 2026 at 00:30 CET');
  });
});

describe('the licence’s day is the organisation’s calendar day', () => {
  it('writes the history row of Tokyo’s day, not UTC’s', async () => {
    const { ctx, cookie } = await lateEvening();
    expect(await today(ctx.licensing)).toBe('2026-11-24');
    await setZone(ctx, cookie, 'Asia/Tokyo');
    expect(await today(ctx.licensing)).toBe('2026-11-25');
    await ctx.deps.db.deleteFrom('licence_history').execute();
    const { recordHistory } = await import('../../server/licensing/history.ts');
    await recordHistory(ctx.licensing);
    const days = await ctx.deps.db.selectFrom('licence_history').select('day').execute();
    expect(days.map((d) => d.day)).toEqual(['2026-11-25']);
  });

  it('ends the term at the end of its last day in the organisation’s zone', async () => {
    const { ctx, cookie } = await lateEvening();
    // A Trial's last day is 2026-11-24: still valid at 23:30 UTC, already over in Tokyo (08:30 on the 25th).
    await call(ctx, 'PUT', '/api/v1/licence', {
      cookie,
      json: { type: 'trial', startsOn: '2026-10-26', endsOn: '2026-11-24' },
    });
    const summary = async () =>
      ((await (await call(ctx, 'GET', '/api/v1/licence/summary', { cookie })).json()) as { licence: { state: string } })
        .licence.state;
    expect(await summary()).toBe('ending-soon');
    await setZone(ctx, cookie, 'Asia/Tokyo');
    expect(await summary()).toBe('expired');
    // Cancelling "today" cancels on Tokyo's day.
    await call(ctx, 'POST', '/portal/licence/cancellation', { cookie, form: { confirmed: '1' } });
    const row = await ctx.deps.db.selectFrom('licence_settings').select('cancelled_on').executeTakeFirst();
    expect(row?.cancelled_on).toBe('2026-11-25');
  });

  it('counts retention in whole days of the organisation: the cut-off is the start of its day', async () => {
    const { ctx, admin } = await lateEvening();
    let cookie = await sessionCookieFor(ctx, admin);
    await call(ctx, 'PATCH', '/api/v1/environments/own', { cookie, json: { retentionDays: 1, unverifiedDays: null } });
    // Signed in at 2026-11-23T15:30Z: the 23rd in UTC, but already the 24th (00:30) in Tokyo.
    const candidate = await createAccount(ctx, 'candidate');
    await ctx.deps.db
      .updateTable('accounts')
      .set({ last_sign_in_at: '2026-11-23T15:30:00.000Z', created_at: '2026-11-01T00:00:00.000Z' })
      .where('id', '=', candidate.id)
      .execute();
    const dryRun = async () =>
      (
        (await (await call(ctx, 'GET', '/api/v1/retention', { cookie })).json()) as { candidates: { id: string }[] }
      ).candidates.map((c) => c.id);
    // UTC: today is the 24th, the cut-off the start of the 23rd: the sign-in is not older; kept.
    expect(await dryRun()).toEqual([]);
    ctx.advance(86_400);
    cookie = await sessionCookieFor(ctx, admin); // staff sessions end after 12 idle hours
    // A day later (the 25th, 23:30 UTC) the cut-off is the start of the 24th: the sign-in on the 23rd is older.
    expect(await dryRun()).toEqual([candidate.id]);
    // Signed in at 2026-11-24T10:00Z: the 24th in UTC (kept: not before the 24th), but in Tokyo it is the 26th now
    // and that sign-in was at 19:00 on the 24th, before the start of the 25th: let go.
    await ctx.deps.db
      .updateTable('accounts')
      .set({ last_sign_in_at: '2026-11-24T10:00:00.000Z' })
      .where('id', '=', candidate.id)
      .execute();
    expect(await dryRun()).toEqual([]);
    await setZone(ctx, cookie, 'Asia/Tokyo');
    expect(await dryRun()).toEqual([candidate.id]);
  });
});
