// A page in the language its visitor asked for: Accept-Language for someone signed out, the `lang` cookie when chosen.
import { describe, expect, it } from 'vitest';
import { call, makeApp } from '../support/server.ts';

describe('the language of a page', () => {
  it('follows Accept-Language, and the chosen language cookie over it', async () => {
    const ctx = await makeApp();
    const japanese = await (
      await call(ctx, 'GET', '/sign-in', { headers: { 'accept-language': 'ja-JP,ja;q=0.9' } })
    ).text();
    expect(japanese).toContain('<html lang="ja">');
    expect(japanese).toContain('>サインイン</a>');
    const english = await (
      await call(ctx, 'GET', '/sign-in', { headers: { 'accept-language': 'ja-JP', cookie: 'seatkeeper_lang=en' } })
    ).text();
    expect(english).toContain('<html lang="en">');
    expect(english).toContain('>Sign in</a>');
    const unknown = await (await call(ctx, 'GET', '/sign-in', { headers: { cookie: 'seatkeeper_lang=xx' } })).text();
    expect(unknown).toContain('<html lang="en">');
  });
});
