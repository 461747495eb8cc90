// Choosing the language and time zone (issue 16): the switch on every page (a cookie for visitors, the account when
// signed in), one's own settings page, and mail in the recipient's language.
import { describe, expect, it } from 'vitest';
import { findAccount } from '../../server/accounts/accounts.ts';
import { followRedirect } from '../support/flash.ts';
import {
  call,
  createAccount,
  linkToken,
  makeApp,
  outbox,
  STRONG_PASSWORD,
  sessionCookieFor,
  type TestContext,
} from '../support/server.ts';

const switchTo = (ctx: TestContext, lang: string, back: string, cookie?: string) =>
  call(ctx, 'POST', '/language', { form: { lang, back }, ...(cookie ? { cookie } : {}) });

describe('the language switch', () => {
  it('is on every page, script-free, and remembers a visitor’s choice in a cookie', async () => {
    const ctx = await makeApp();
    const page = await (await call(ctx, 'GET', '/register?x=1')).text();
    expect(page).toContain('<form method="post" action="/language"');
    expect(page).toContain('name="back" value="/register?x=1"');
    expect(page).toContain('lang="ja"');
    expect(page).toContain('>日本語</button>');
    const chosen = await switchTo(ctx, 'ja', '/register?x=1');
    expect(chosen.status).toBe(303);
    expect(chosen.headers.get('location')).toBe('/register?x=1');
    const cookie = chosen.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^seatkeeper_lang=ja;/);
    expect(cookie).toContain('HttpOnly');
    const again = await (await call(ctx, 'GET', '/register', { cookie: 'seatkeeper_lang=ja' })).text();
    expect(again).toContain('<html lang="ja">');
    expect(again).toContain('受験者の新規登録');
  });

  it('goes back only to a page of this site, and ignores a language it does not speak', async () => {
    const ctx = await makeApp();
    for (const back of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'sign-in']) {
      expect((await switchTo(ctx, 'ja', back)).headers.get('location'), back).toBe('/');
    }
    const unknown = await switchTo(ctx, 'xx', '/sign-in');
    expect(unknown.headers.get('location')).toBe('/sign-in');
    expect(unknown.headers.get('set-cookie')).toBeNull();
  });

  it('keeps a signed-in person’s choice on the account: other browsers and mail follow it', async () => {
    const ctx = await makeApp();
    const candidate = await createAccount(ctx, 'candidate');
    const cookie = await sessionCookieFor(ctx, candidate);
    await switchTo(ctx, 'ja', '/my', cookie);
    expect((await findAccount(ctx.deps.db, candidate.id))?.locale).toBe('ja');
    // Another browser asking for English still gets the account's Japanese.
    const elsewhere = await sessionCookieFor(ctx, candidate);
    const page = await (
      await call(ctx, 'GET', '/my', { cookie: elsewhere, headers: { 'accept-language': 'en' } })
    ).text();
    expect(page).toContain('<html lang="ja">');
    expect(page).toContain('マイページ');
    // A reset asked for from an English browser is written in the account's language.
    await call(ctx, 'POST', '/api/v1/password-resets', {
      json: { email: candidate.email },
      headers: { 'accept-language': 'en' },
    });
    const [mail] = await outbox(ctx, candidate.email);
    expect(mail?.subject).toBe('【Seatkeeper】パスワード再設定のご案内');
    expect(mail?.body).toContain('30 分後に期限切れ');
  });
});

describe('one’s own settings', () => {
  it('saves a language and a time zone Intl knows, refuses one it does not, and shows times in it', async () => {
    const ctx = await makeApp();
    const support = await createAccount(ctx, 'support');
    const cookie = await sessionCookieFor(ctx, support);
    const form = await (await call(ctx, 'GET', '/settings', { cookie })).text();
    expect(form).toContain('<option value="Asia/Tokyo">Asia/Tokyo</option>');
    const bad = await call(ctx, 'POST', '/settings', { cookie, form: { locale: 'ja', timeZone: 'Asia/Tokio' } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Choose a time zone the list offers, e.g. Asia/Tokyo.');
    const saved = await call(ctx, 'POST', '/settings', { cookie, form: { locale: 'ja', timeZone: 'asia/tokyo' } });
    const shown = await followRedirect(ctx, saved, cookie);
    expect(shown.location).toBe('/settings');
    expect(shown.text).toContain('保存しました。');
    const account = await findAccount(ctx.deps.db, support.id);
    expect([account?.locale, account?.time_zone]).toEqual(['ja', 'Asia/Tokyo']);
    // The account was created at 12:00 UTC: 21:00 in Tokyo, the zone named.
    const person = await (await call(ctx, 'GET', `/portal/users/${support.id}`, { cookie })).text();
    expect(person).toContain('2026年11月24日 21:00 JST');
    expect(person).toContain('時刻は Asia/Tokyo のタイムゾーンで表示しています。');
    // Back to the organisation's zone (UTC here) with an empty choice.
    await call(ctx, 'POST', '/settings', { cookie, form: { locale: 'en', timeZone: '' } });
    const after = await (await call(ctx, 'GET', `/portal/users/${support.id}`, { cookie })).text();
    expect(after).toContain('24 November 2026 at 12:00 UTC');
  });
});

describe('mail in the recipient’s language', () => {
  it('confirms a Japanese registration in Japanese, and the account keeps the language it registered in', async () => {
    const ctx = await makeApp();
    const registered = await call(ctx, 'POST', '/register', {
      form: { name: '山田 太郎', email: 'taro@example.jp', password: STRONG_PASSWORD },
      headers: { 'accept-language': 'ja-JP,ja;q=0.9' },
    });
    const shown = await followRedirect(ctx, registered, 'seatkeeper_lang=ja');
    expect(shown.text).toContain('taro@example.jp 宛てに確認用リンクを送信しました。');
    const [mail] = await outbox(ctx, 'taro@example.jp');
    expect(mail?.subject).toBe('【Seatkeeper】メールアドレスの確認のお願い');
    expect(mail?.body).toContain('山田 太郎 様');
    expect(mail?.body).toContain('24 時間後に期限切れ');
    expect(linkToken(mail?.body ?? '', '/verify-email')).toBeTruthy();
    const account = await ctx.deps.db
      .selectFrom('accounts')
      .select('locale')
      .where('email', '=', 'taro@example.jp')
      .executeTakeFirst();
    expect(account?.locale).toBe('ja');
  });

  it('invites in the language of the admin who created the account, and warns each admin in theirs', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin', 'boss@example.com');
    await ctx.deps.db.updateTable('accounts').set({ locale: 'ja' }).where('id', '=', admin.id).execute();
    const english = await createAccount(ctx, 'admin', 'other@example.com');
    const cookie = await sessionCookieFor(ctx, admin);
    await call(ctx, 'POST', '/api/v1/users', {
      cookie,
      json: { email: 'new@example.com', name: '新人 三郎', role: 'support' },
    });
    const [invitation] = await outbox(ctx, 'new@example.com');
    expect(invitation?.subject).toBe('【Seatkeeper】アカウント発行のお知らせ');
    expect(invitation?.body).toContain('アカウント（サポート担当者）');
    // A Demo licence allows no external users: one is over capacity, and each admin is told in their language.
    await call(ctx, 'PUT', '/api/v1/licence', { cookie, json: { type: 'demo', startsOn: '2026-01-01' } });
    await call(ctx, 'PATCH', '/api/v1/environments/own', { cookie, json: { internalDomains: 'example.com' } });
    await createAccount(ctx, 'candidate', 'outsider@gmail.com');
    await ctx.licensing.licensing.current();
    const warned = (await outbox(ctx, admin.email)).find((m) => m.subject.includes('ライセンス'));
    expect(warned?.subject).toBe('【Seatkeeper】ライセンス: 社外ユーザーが上限を超えました');
    expect(warned?.body).toContain('ライセンス違反の状態です。');
    const inEnglish = (await outbox(ctx, english.email)).find((m) => m.subject.includes('licence'));
    expect(inEnglish?.subject).toBe('Seatkeeper licence: external users over capacity');
  });
});
