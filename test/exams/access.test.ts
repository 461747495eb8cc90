// Issue 17: who may sit an exam (everyone, invited addresses, an access code, email domains) and when (a window in
// the organisation's time zone). Candidates see only what they may sit; starting anything else is a 403.
import { describe, expect, it } from 'vitest';
import { ACCESS_CODE_RULES } from '../../server/exams/access.ts';
import { examWorld, startAttempt, verifiedCandidate } from '../support/exams.ts';
import { followRedirect } from '../support/flash.ts';
import { call, createAccount, makeApp, ORIGIN, outbox, PUBLIC_URL, type TestContext } from '../support/server.ts';

type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };
type Catalogue = { items: { exam: { id: string }; window: string; opensAt: string | null }[] };

const catalogueIds = async (ctx: TestContext, cookie: string) =>
  ((await (await call(ctx, 'GET', '/api/v1/catalogue', { cookie })).json()) as Catalogue).items.map((i) => i.exam.id);

const startStatus = async (ctx: TestContext, cookie: string, examId: string) => {
  const response = await call(ctx, 'POST', `/api/v1/exams/${examId}/attempts`, { cookie });
  return {
    status: response.status,
    code: response.status === 201 ? null : ((await response.json()) as ErrorBody).error.code,
  };
};

const setAccess = (ctx: TestContext, cookie: string, examId: string, json: unknown) =>
  call(ctx, 'PUT', `/api/v1/exams/${examId}/access`, { cookie, json });

describe('who may sit an exam', () => {
  it('is everyone by default; invited only: the invited candidate sees and starts it, another gets 403', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const other = await verifiedCandidate(ctx, 'Other Person');
    expect(await catalogueIds(ctx, other.cookie)).toEqual([world.examId]);

    expect((await setAccess(ctx, world.adminCookie, world.examId, { rule: 'invited' })).status).toBe(200);
    expect(await catalogueIds(ctx, world.cookie)).toEqual([]);
    expect(await startStatus(ctx, world.cookie, world.examId)).toEqual({ status: 403, code: 'exam_not_for_you' });

    await ctx.deps.db.updateTable('accounts').set({ locale: 'ja' }).where('id', '=', world.candidate.id).execute();
    const invited = await call(ctx, 'POST', `/api/v1/exams/${world.examId}/invitations`, {
      cookie: world.adminCookie,
      json: { emails: [world.candidate.email.toUpperCase(), 'newcomer@example.org'] },
    });
    expect(invited.status).toBe(200);
    expect(((await invited.json()) as { invited: string[] }).invited).toEqual([
      world.candidate.email,
      'newcomer@example.org',
    ]);
    // Mailed through the queue, in the recipient's language; someone without an account is sent to registration.
    const [mail] = await outbox(ctx, world.candidate.email);
    expect(mail?.subject).toBe('試験「Safety basics」へのご招待');
    expect(mail?.body).toContain(`${PUBLIC_URL}/exams`);
    const [newcomer] = await outbox(ctx, 'newcomer@example.org');
    expect(newcomer?.subject).toBe('Invitation to the exam Safety basics');
    expect(newcomer?.body).toContain(`${PUBLIC_URL}/register`);
    // Inviting again mails nobody twice.
    const again = await call(ctx, 'POST', `/api/v1/exams/${world.examId}/invitations`, {
      cookie: world.adminCookie,
      json: { emails: [world.candidate.email] },
    });
    expect(((await again.json()) as { invited: string[] }).invited).toEqual([]);
    expect(await outbox(ctx, world.candidate.email)).toHaveLength(1);

    expect(await catalogueIds(ctx, world.cookie)).toEqual([world.examId]);
    expect(await catalogueIds(ctx, other.cookie)).toEqual([]);
    expect(await startStatus(ctx, other.cookie, world.examId)).toEqual({ status: 403, code: 'exam_not_for_you' });
    const attempt = await startAttempt(ctx, world);

    // Withdrawing the invitation stops new attempts, not the one in progress.
    const withdrawn = await call(
      ctx,
      'DELETE',
      `/api/v1/exams/${world.examId}/invitations/${encodeURIComponent(world.candidate.email)}`,
      { cookie: world.adminCookie },
    );
    expect(withdrawn.status).toBe(204);
    expect(await catalogueIds(ctx, world.cookie)).toEqual([world.examId]);
    expect((await startAttempt(ctx, world)).id).toBe(attempt.id);
  });

  it('names wrong addresses and refuses an empty list', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const wrong = await call(ctx, 'POST', `/api/v1/exams/${world.examId}/invitations`, {
      cookie: world.adminCookie,
      json: { emails: ['good@example.com', 'bad@', 'a@b@c'] },
    });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as ErrorBody).error.fields?.emails).toContain('bad@, a@b@c');
    const none = await call(ctx, 'POST', `/api/v1/exams/${world.examId}/invitations`, {
      cookie: world.adminCookie,
      json: { emails: ['no address here'] },
    });
    expect(((await none.json()) as ErrorBody).error.fields).toHaveProperty('emails');
    expect(await outbox(ctx, 'good@example.com')).toHaveLength(0);
  });

  it('an access code opens the exam to whoever enters it; codes are unique across exams', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    expect((await setAccess(ctx, world.adminCookie, world.examId, { rule: 'code' })).status).toBe(400);
    const set = await setAccess(ctx, world.adminCookie, world.examId, { rule: 'code', accessCode: 'SAFETY-2026' });
    expect(set.status).toBe(200);
    expect(await catalogueIds(ctx, world.cookie)).toEqual([]);
    const wrong = await call(ctx, 'POST', '/api/v1/access-codes', { cookie: world.cookie, json: { code: 'nope' } });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as ErrorBody).error.fields?.code).toMatch(/No exam opens with this code/);
    const right = await call(ctx, 'POST', '/api/v1/access-codes', {
      cookie: world.cookie,
      json: { code: 'SAFETY-2026' },
    });
    expect(await right.json()).toEqual({ examId: world.examId, title: 'Safety basics' });
    expect(await catalogueIds(ctx, world.cookie)).toEqual([world.examId]);
    expect((await startStatus(ctx, world.cookie, world.examId)).status).toBe(201);

    const second = await examWorld(ctx, { title: 'Second exam' });
    const taken = await setAccess(ctx, second.adminCookie, second.examId, { rule: 'code', accessCode: 'SAFETY-2026' });
    expect(((await taken.json()) as ErrorBody).error.fields?.accessCode).toMatch(/already uses this access code/);
  });

  it('wrong codes are throttled per account (consume, then check): of 50 parallel guesses exactly 10 are evaluated', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    await setAccess(ctx, world.adminCookie, world.examId, { rule: 'code', accessCode: 'SAFETY-2026' });
    const guesses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(ctx, 'POST', '/api/v1/access-codes', { cookie: world.cookie, json: { code: `GUESS-${i}` } }),
      ),
    );
    const statuses = guesses.map((r) => r.status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(ACCESS_CODE_RULES.account.limit);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50 - ACCESS_CODE_RULES.account.limit);

    // The right code is refused too until the hour is over, and the message says from when.
    const right = await call(ctx, 'POST', '/api/v1/access-codes', {
      cookie: world.cookie,
      json: { code: 'SAFETY-2026' },
    });
    expect(right.status).toBe(429);
    const retryAfter = Number(right.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(59 * 60);
    expect(retryAfter).toBeLessThanOrEqual(60 * 60);
    expect(((await right.json()) as ErrorBody).error.message).toBe(
      'Too many wrong codes. Try again after 24 November 2026 at 13:00 UTC.',
    );
    expect(await catalogueIds(ctx, world.cookie)).toEqual([]);
    // The page says the same, in the reader's language.
    const page = await call(ctx, 'POST', '/exam-access-codes', { cookie: world.cookie, form: { code: 'SAFETY-2026' } });
    expect(page.status).toBe(429);
    expect(await page.text()).toContain('Too many wrong codes. Try again after');

    ctx.advance(60 * 60);
    const later = await call(ctx, 'POST', '/api/v1/access-codes', {
      cookie: world.cookie,
      json: { code: 'SAFETY-2026' },
    });
    expect(later.status).toBe(200);
    expect(await catalogueIds(ctx, world.cookie)).toEqual([world.examId]);
  });

  it('wrong codes are throttled per address across accounts; a right code gives its place back', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    await setAccess(ctx, world.adminCookie, world.examId, { rule: 'code', accessCode: 'SAFETY-2026' });
    const others = await Promise.all([1, 2, 3, 4].map((n) => verifiedCandidate(ctx, `Guesser ${n}`)));
    // A right code does not count as a guess.
    for (let i = 0; i < 3; i++)
      expect(
        (await call(ctx, 'POST', '/api/v1/access-codes', { cookie: world.cookie, json: { code: 'SAFETY-2026' } }))
          .status,
      ).toBe(200);
    const guesses = await Promise.all(
      others.flatMap((other, n) =>
        Array.from({ length: 10 }, (_, i) =>
          call(ctx, 'POST', '/api/v1/access-codes', { cookie: other.cookie, json: { code: `WRONG-${n}-${i}` } }),
        ),
      ),
    );
    const evaluated = guesses.filter((r) => r.status === 400).length;
    expect(evaluated).toBe(ACCESS_CODE_RULES.address.limit);
    expect(guesses.filter((r) => r.status === 429)).toHaveLength(40 - ACCESS_CODE_RULES.address.limit);
  });

  it('email domains admit addresses of those domains only', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    const bad = await setAccess(ctx, world.adminCookie, world.examId, { rule: 'domains', domains: ['not a domain'] });
    expect(((await bad.json()) as ErrorBody).error.fields).toHaveProperty(['domains.0']);
    // createAccount's addresses are @example.com.
    await setAccess(ctx, world.adminCookie, world.examId, { rule: 'domains', domains: ['@Example.COM'] });
    expect(await catalogueIds(ctx, world.cookie)).toEqual([world.examId]);
    await setAccess(ctx, world.adminCookie, world.examId, { rule: 'domains', domains: ['example.org'] });
    expect(await catalogueIds(ctx, world.cookie)).toEqual([]);
    expect(await startStatus(ctx, world.cookie, world.examId)).toEqual({ status: 403, code: 'exam_not_for_you' });
  });

  it('a window: shown before it opens but not startable, startable inside, refused after it closes', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx, { timeLimitMinutes: 120 });
    const now = ctx.now().getTime();
    const opensAt = new Date(now + 3600_000).toISOString();
    const closesAt = new Date(now + 2 * 3600_000).toISOString();
    const backwards = await setAccess(ctx, world.adminCookie, world.examId, {
      rule: 'everyone',
      opensAt: closesAt,
      closesAt: opensAt,
    });
    expect(((await backwards.json()) as ErrorBody).error.fields).toHaveProperty('closesAt');
    await setAccess(ctx, world.adminCookie, world.examId, { rule: 'everyone', opensAt, closesAt });
    const before = (await (await call(ctx, 'GET', '/api/v1/catalogue', { cookie: world.cookie })).json()) as Catalogue;
    expect(before.items[0]).toMatchObject({ window: 'not_yet_open', opensAt });
    expect(await startStatus(ctx, world.cookie, world.examId)).toEqual({ status: 403, code: 'exam_not_yet_open' });
    ctx.advance(3600);
    const attempt = await startAttempt(ctx, world);
    ctx.advance(3600);
    // The attempt started inside the window is resumed; nobody else can start.
    expect((await startAttempt(ctx, world)).id).toBe(attempt.id);
    const other = await verifiedCandidate(ctx);
    expect(await startStatus(ctx, other.cookie, world.examId)).toEqual({ status: 403, code: 'exam_closed' });
  });
});

describe('the access pages', () => {
  it('reads the window in the organisation time zone and keeps what was typed when refused', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    ctx.exams.organisationTimeZone = async () => 'Asia/Tokyo';
    const path = `/portal/exams/${world.examId}/access`;
    const refused = await call(ctx, 'POST', path, {
      cookie: world.adminCookie,
      form: { rule: 'domains', domains: 'example.com\nnot a domain', opensAt: '2026-12-24T09:00', closesAt: '' },
    });
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(page).toContain('example.com\nnot a domain</textarea>');
    expect(page).toContain('value="2026-12-24T09:00"');
    expect(page).toMatch(/aria-invalid="true" aria-describedby="domains-error"/);

    const saved = await call(ctx, 'POST', path, {
      cookie: world.adminCookie,
      form: { rule: 'invited', accessCode: '', domains: '', opensAt: '2026-12-24T09:00', closesAt: '' },
    });
    expect(saved.status).toBe(303);
    const access = (await (
      await call(ctx, 'GET', `/api/v1/exams/${world.examId}/access`, {
        cookie: world.adminCookie,
      })
    ).json()) as { access: { rule: string; opensAt: string } };
    // 09:00 in Tokyo is 00:00 UTC.
    expect(access.access).toMatchObject({ rule: 'invited', opensAt: '2026-12-24T00:00:00.000Z' });
    const { location: back, text: shown } = await followRedirect(ctx, saved, world.adminCookie);
    expect(back).toBe(path);
    expect(shown).toContain('value="2026-12-24T09:00"');
    expect(shown).toContain('Saved.');

    // Invitations from a CSV file as a spreadsheet exports it (header row, names beside addresses).
    const form = new FormData();
    form.set('emails', '');
    form.set('csv', new File(['Name,Email\r\n"Doe, Jane",jane@example.com\r\nBo,bo@example.com\r\n'], 'list.csv'));
    const uploaded = await ctx.app.request(`${PUBLIC_URL}/portal/exams/${world.examId}/invitations`, {
      method: 'POST',
      headers: { cookie: world.adminCookie, origin: ORIGIN },
      body: form,
    });
    expect(uploaded.status).toBe(303);
    const invitedPage = await followRedirect(ctx, uploaded, world.adminCookie);
    expect(invitedPage.location).toBe(path);
    expect(invitedPage.text).toContain('2 people invited');
    await ctx.deps.background.settled();
    expect((await outbox(ctx)).map((m) => m.to_address).sort()).toEqual(['bo@example.com', 'jane@example.com']);

    const typo = await call(ctx, 'POST', `/portal/exams/${world.examId}/invitations`, {
      cookie: world.adminCookie,
      form: { emails: 'ann@example.com, ben@@example' },
    });
    expect(typo.status).toBe(400);
    expect(await typo.text()).toContain('ann@example.com, ben@@example</textarea>');
  });

  it('the candidate page refuses a start with 403 and a clear message; a support user may read, not change', async () => {
    const ctx = await makeApp();
    const world = await examWorld(ctx);
    await setAccess(ctx, world.adminCookie, world.examId, { rule: 'invited' });
    const refused = await call(ctx, 'POST', `/exams/${world.examId}/start`, { cookie: world.cookie, form: {} });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('This exam is not open to you.');
    const catalogue = await (await call(ctx, 'GET', '/exams', { cookie: world.cookie })).text();
    expect(catalogue).not.toContain('Safety basics');

    const support = await createAccount(ctx, 'support');
    const { sessionCookieFor } = await import('../support/server.ts');
    const supportCookie = await sessionCookieFor(ctx, support);
    const path = `/portal/exams/${world.examId}/access`;
    const read = await call(ctx, 'GET', path, { cookie: supportCookie });
    expect(read.status).toBe(200);
    expect(await read.text()).not.toContain('<form method="post" action="/portal/exams/');
    expect((await call(ctx, 'POST', path, { cookie: supportCookie, form: { rule: 'everyone' } })).status).toBe(403);
    expect((await call(ctx, 'GET', path, { cookie: world.cookie })).status).toBe(403);
    expect((await call(ctx, 'GET', path, {})).status).toBe(303);
  });
});
