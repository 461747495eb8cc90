// Error messages reach a person in their language (issue 16): the JSON API follows Accept-Language (and the account's
// language), field messages of validation included; the error shape and codes stay the same in every language.
import { describe, expect, it } from 'vitest';
import { ApiError, errorBody, fieldErrorsFrom, validationFailed } from '../../server/http/errors.ts';
import { i18nFor } from '../../server/i18n/messages.ts';
import { call, createAccount, makeApp, sessionCookieFor } from '../support/server.ts';

type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

const JA = { 'accept-language': 'ja-JP,ja;q=0.9' };

describe('API errors in the request language', () => {
  it('answer a registration with bad fields in Japanese, with the same code and field names as in English', async () => {
    const ctx = await makeApp();
    const body = { name: '', email: 'not-an-email', password: 'short', role: 'admin' };
    const japanese = await call(ctx, 'POST', '/api/v1/registrations', { json: body, headers: JA });
    const english = await call(ctx, 'POST', '/api/v1/registrations', { json: body });
    expect([japanese.status, english.status]).toEqual([400, 400]);
    const ja = ((await japanese.json()) as ErrorBody).error;
    const en = ((await english.json()) as ErrorBody).error;
    expect(ja.code).toBe('validation_failed');
    expect(en.code).toBe('validation_failed');
    expect(Object.keys(ja.fields ?? {}).sort()).toEqual(Object.keys(en.fields ?? {}).sort());
    expect(en.fields?.email).toBe('Enter a valid email address, e.g. name@example.com.');
    expect(ja.fields?.email).toBe('有効なメールアドレスを入力してください（例: name@example.com）。');
    expect(ja.fields?.password).toBe('8 文字以上で入力してください。');
    expect(ja.fields?.name).toBe('名前を入力してください。');
    // zod's own message for an unknown key has no catalog key of its own: its kind of problem, in Japanese.
    expect(en.fields?.['(body)']).toContain('role');
    expect(ja.fields?.['(body)']).toBe('このリクエストで使用できない項目を削除してください: role。');
    expect(ja.message).toMatch(/^次の項目を修正してください: /);
  });

  it('follow the signed-in account’s language over the browser’s, and say when to try again in its time', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    await ctx.deps.db.updateTable('accounts').set({ locale: 'ja' }).where('id', '=', admin.id).execute();
    const cookie = await sessionCookieFor(ctx, admin);
    const missing = await call(ctx, 'GET', '/api/v1/users/nobody', { cookie, headers: { 'accept-language': 'en' } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).error).toEqual({
      code: 'not_found',
      message: 'アカウントが存在しません。',
    });
    const unknownRoute = await call(ctx, 'GET', '/api/v1/nowhere', { headers: JA });
    expect(((await unknownRoute.json()) as ErrorBody).error.message).toBe(
      'GET /api/v1/nowhere に該当する API はありません。',
    );
    const anonymous = await call(ctx, 'GET', '/api/v1/me', { headers: JA });
    expect(((await anonymous.json()) as ErrorBody).error).toEqual({
      code: 'unauthenticated',
      message: 'サインインするか、有効なアクセストークンを送信してください。',
    });
  });

  it('keep English text from code without a catalog key for English readers, and give others the code’s message', () => {
    // Another area's error written before its key existed: English readers see its words, Japanese the code's message.
    const legacy = new ApiError(409, 'email_taken', 'Somebody has this address.', { email: 'Taken, pick another.' });
    expect(errorBody(legacy, i18nFor('en')).body.error).toEqual({
      code: 'email_taken',
      message: 'Somebody has this address.',
      fields: { email: 'Taken, pick another.' },
    });
    expect(errorBody(legacy, i18nFor('ja')).body.error).toEqual({
      code: 'email_taken',
      message: 'このメールアドレスのアカウントはすでに存在します。',
      fields: { email: 'この値を確認してください。' },
    });
    // An unknown code falls back to the message of its status.
    const other = new ApiError(409, 'something_new', 'Something new went wrong.');
    expect(errorBody(other, i18nFor('ja')).body.error.message).toBe('現在の状態と矛盾するため、処理できません。');
    expect(legacy.message).toBe('Somebody has this address.');
  });

  it('format a moment in a message in the reader’s time zone, and numbers in their language', () => {
    const until = new Date('2026-12-02T22:44:00Z');
    const cooling = new ApiError(409, 'cooling_down', { key: 'errors.cooling_down', values: { until } });
    expect(cooling.showsTime).toBe(true);
    expect(cooling.messageFor(i18nFor('ja', 'Asia/Tokyo'))).toBe('2026年12月3日 7:44 JST から再受験できます。');
    expect(cooling.messageFor(i18nFor('en', 'Europe/London'))).toBe(
      'You can try again from 2 December 2026 at 22:44 GMT.',
    );
    const tooBig = validationFailed(
      fieldErrorsFrom({
        issues: [{ code: 'too_big', origin: 'string', maximum: 320, path: ['email'], message: 'fields.tooLong' }],
      } as never),
    );
    expect(tooBig.showsTime).toBe(false);
    expect(tooBig.fieldsFor(i18nFor('ja'))).toEqual({ email: '320 文字以内で入力してください。' });
    expect(tooBig.fieldsFor(i18nFor('en'))).toEqual({ email: 'Use at most 320 characters.' });
  });
});
