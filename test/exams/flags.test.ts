// Review flags are kept with the attempt on the server (issue 17): a reload or another device shows them, the
// navigator reads them from the server's state, and the no-script page sets them with a button per question.
import { describe, expect, it } from 'vitest';
import { type AttemptJson, examWorld, startAttempt, submit } from '../support/exams.ts';
import { call, createAccount, makeApp, sessionCookieFor } from '../support/server.ts';

const flag = (ctx: Awaited<ReturnType<typeof makeApp>>, cookie: string, id: string, body: unknown) =>
  call(ctx, 'POST', `/api/v1/attempts/${id}/flags`, { cookie, json: body });

/** The opening tag of question `position`'s flag button. */
const flagButton = (page: string, position: number) =>
  new RegExp(`<button[^>]*data-flag="${position}"[^>]*>`).exec(page)?.[0] ?? '';

describe('review flags', () => {
  it('are saved with the attempt: another session of the candidate sees them, in the navigator too', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const attempt = await startAttempt(ctx, world);
    const flagged = await flag(ctx, world.cookie, attempt.id, { position: 1, flagged: true });
    expect(flagged.status).toBe(200);
    expect(await flagged.json()).toEqual({ flagged: [1] });
    expect(await (await flag(ctx, world.cookie, attempt.id, { position: 3, flagged: true })).json()).toEqual({
      flagged: [1, 3],
    });
    // Flagging twice changes nothing.
    expect(await (await flag(ctx, world.cookie, attempt.id, { position: 1, flagged: true })).json()).toEqual({
      flagged: [1, 3],
    });

    // Another device: a new session of the same candidate.
    const otherDevice = await sessionCookieFor(ctx, world.candidate);
    const json = (await (await call(ctx, 'GET', `/api/v1/attempts/${attempt.id}`, { cookie: otherDevice })).json()) as {
      attempt: AttemptJson & { questions: { flagged: boolean }[] };
    };
    expect(json.attempt.questions.map((q) => q.flagged)).toEqual([false, true, false, true]);
    const page = await (await call(ctx, 'GET', `/attempts/${attempt.id}`, { cookie: otherDevice })).text();
    expect(flagButton(page, 1)).toContain('aria-pressed="true"');
    expect(flagButton(page, 1)).toContain('value="1:off"');
    expect(flagButton(page, 0)).toContain('aria-pressed="false"');
    expect(flagButton(page, 0)).toContain('value="0:on"');
    expect(page).toMatch(
      /<a href="#question-1" data-nav="1" class="flagged">2<span class="visually-hidden"> not answered, flagged for review<\/span>/,
    );
    expect(page).toMatch(/<a href="#question-0" data-nav="0">1<span class="visually-hidden"> not answered<\/span>/);

    expect(await (await flag(ctx, otherDevice, attempt.id, { position: 1, flagged: false })).json()).toEqual({
      flagged: [3],
    });
    const reloaded = await (await call(ctx, 'GET', `/attempts/${attempt.id}`, { cookie: world.cookie })).text();
    expect(flagButton(reloaded, 1)).toContain('aria-pressed="false"');
    expect(flagButton(reloaded, 3)).toContain('aria-pressed="true"');
  });

  it('without script: the flag button posts the form, keeping what was answered, and comes back to the question', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const attempt = await startAttempt(ctx, world);
    const page = await (await call(ctx, 'GET', `/attempts/${attempt.id}`, { cookie: world.cookie })).text();
    // Enter in a text answer submits with the form's first button: "save", not a question's flag.
    const firstButton = /<form[^>]* id="attempt-form"[^>]*>(?:<[^b][^>]*>)*?<button([^>]*)>/.exec(page);
    expect(firstButton?.[1]).toContain('value="save"');
    expect(flagButton(page, 2)).toContain(`formaction="/attempts/${attempt.id}/flags"`);

    const posted = await call(ctx, 'POST', `/attempts/${attempt.id}/flags`, {
      cookie: world.cookie,
      form: { flag: '2:on', 'q-3': 'Paris', 'seq-0': '1', 'seq-1': '1', 'seq-2': '1', 'seq-3': '1' },
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe(`/attempts/${attempt.id}#question-2`);
    const after = await (await call(ctx, 'GET', `/attempts/${attempt.id}`, { cookie: world.cookie })).text();
    expect(flagButton(after, 2)).toContain('aria-pressed="true"');
    expect(after).toMatch(/name="q-3" type="text" value="Paris"/);
    const off = await call(ctx, 'POST', `/attempts/${attempt.id}/flags`, {
      cookie: world.cookie,
      form: { flag: '2:off', 'seq-0': '2', 'seq-1': '2', 'seq-2': '2', 'seq-3': '2' },
    });
    expect(off.status).toBe(303);
    const cleared = await (await call(ctx, 'GET', `/attempts/${attempt.id}`, { cookie: world.cookie })).text();
    expect(flagButton(cleared, 2)).toContain('aria-pressed="false"');
  });

  it('only the candidate, on their own attempt, while it is in progress', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const attempt = await startAttempt(ctx, world);
    const other = await sessionCookieFor(ctx, await createAccount(ctx, 'candidate'));
    const support = await sessionCookieFor(ctx, await createAccount(ctx, 'support'));
    const body = { position: 0, flagged: true };
    expect((await flag(ctx, other, attempt.id, body)).status).toBe(404);
    expect((await flag(ctx, world.adminCookie, attempt.id, body)).status).toBe(404);
    expect((await flag(ctx, support, attempt.id, body)).status).toBe(404);
    expect((await call(ctx, 'POST', `/api/v1/attempts/${attempt.id}/flags`, { json: body })).status).toBe(401);
    expect((await flag(ctx, world.cookie, attempt.id, { position: 4, flagged: true })).status).toBe(404);
    const invalid = await flag(ctx, world.cookie, attempt.id, { position: -1, flagged: 'yes' });
    expect(invalid.status).toBe(400);
    const fields = ((await invalid.json()) as { error: { fields: Record<string, string> } }).error.fields;
    expect(Object.keys(fields).sort()).toEqual(['flagged', 'position']);
    const posted = await call(ctx, 'POST', `/attempts/${attempt.id}/flags`, { cookie: other, form: { flag: '0:on' } });
    expect(posted.status).toBe(404);

    await submit(ctx, world.cookie, attempt.id);
    const closed = await flag(ctx, world.cookie, attempt.id, body);
    expect(closed.status).toBe(409);
    expect(((await closed.json()) as { error: { code: string } }).error.code).toBe('attempt_closed');
    const rows = await ctx.deps.db.selectFrom('attempt_flags').selectAll().execute();
    expect(rows).toEqual([]);
  });
});
