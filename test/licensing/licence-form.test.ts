// Issue 15, section 4: the licence form shows the licence as saved, so saving it again changes nothing unasked; a
// change that lowers capacity or ends the licence is saved only once confirmed, and the confirmation says what it does.

import { describe, expect, it } from 'vitest';
import { fieldTag, followRedirect } from '../support/flash.ts';
import { call, createAccount, makeApp, sessionCookieFor, type TestContext } from '../support/server.ts';

async function summary(ctx: TestContext, cookie: string) {
  return (await (await call(ctx, 'GET', '/api/v1/licence/summary', { cookie })).json()) as {
    internal: { capacity: number };
    external: { capacity: number; used: number };
    licence: { endsOn: string };
  };
}

describe('the licence form', () => {
  it('shows the saved packs and end date, and asks before lowering capacity or ending the licence', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin', 'boss@mycompany.com');
    const cookie = await sessionCookieFor(ctx, admin);
    await call(ctx, 'PATCH', '/api/v1/environments/own', { cookie, json: { internalDomains: 'mycompany.com' } });
    await createAccount(ctx, 'candidate', 'someone@gmail.com');
    const saved = {
      type: 'subscription',
      startsOn: '2026-11-01',
      endsOn: '2027-10-31',
      internalPacks: '2',
      externalPacks: '1',
    };
    expect((await call(ctx, 'POST', '/portal/licence', { cookie, form: saved })).status).toBe(303);
    const form = await (await call(ctx, 'GET', '/portal/licence', { cookie })).text();
    expect(fieldTag(form, 'endsOn')).toContain('value="2027-10-31"');
    expect(fieldTag(form, 'internalPacks')).toContain('value="2"');
    expect(fieldTag(form, 'externalPacks')).toContain('value="1"');

    // Saved again with only a later end date: no question, nothing lost.
    const later = await call(ctx, 'POST', '/portal/licence', { cookie, form: { ...saved, endsOn: '2027-11-30' } });
    expect((await followRedirect(ctx, later, cookie)).text).toContain('Licence saved.');
    expect(await summary(ctx, cookie)).toMatchObject({
      internal: { capacity: 300 },
      external: { capacity: 10_000 },
      licence: { endsOn: '2027-11-30' },
    });

    // Fewer packs: a confirmation in numbers, and the licence unchanged until then.
    const fewer = { ...saved, endsOn: '2027-11-30', internalPacks: '0', externalPacks: '0' };
    const asked = await (await call(ctx, 'POST', '/portal/licence', { cookie, form: fewer })).text();
    expect(asked).toContain('Confirm the licence change');
    expect(asked).toContain('lower internal capacity from 300 to 100 users (1 counted now)');
    expect(asked).toContain('lower external capacity from 10,000 to 0 users (1 counted now)');
    expect(asked).toContain('External users would then be over capacity by 1');
    expect(asked).toContain('name="confirmed" value="1"');
    expect(await summary(ctx, cookie)).toMatchObject({ internal: { capacity: 300 }, external: { capacity: 10_000 } });
    const confirmed = await call(ctx, 'POST', '/portal/licence', { cookie, form: { ...fewer, confirmed: '1' } });
    expect((await followRedirect(ctx, confirmed, cookie)).text).toContain('Licence saved.');
    expect(await summary(ctx, cookie)).toMatchObject({ internal: { capacity: 100 }, external: { capacity: 0 } });

    // An end date already past ends the licence; an earlier one shortens it: both are asked, in days and dates.
    const ended = await (
      await call(ctx, 'POST', '/portal/licence', { cookie, form: { ...fewer, endsOn: '2026-11-20' } })
    ).text();
    expect(ended).toContain('end the licence on 20 November 2026: it is then expired');
    const shorter = await (
      await call(ctx, 'POST', '/portal/licence', { cookie, form: { ...fewer, endsOn: '2027-11-20' } })
    ).text();
    expect(shorter).toContain('end the licence on 20 November 2027, 10 days earlier than saved');
    expect((await summary(ctx, cookie)).licence.endsOn).toBe('2027-11-30');
    // In Japanese, the same numbers.
    const japanese = await (
      await call(ctx, 'POST', '/portal/licence', {
        cookie,
        form: { ...fewer, endsOn: '2027-11-20' },
        headers: { 'accept-language': 'ja' },
      })
    ).text();
    expect(japanese).toContain('ライセンスが 2027年11月20日 に終了します（保存済みの終了日より 10 日早くなります）');
  });
});
