import { describe, expect, it } from 'vitest';
import { launchWithExtension } from './extension-harness.ts';
import { submitToken, useScenario } from './extension-scenario.ts';
import { api } from './server-process.ts';

// The built extension in a Japanese Chromium (--lang=ja) against the real server: it asks with Accept-Language: ja,
// and shows the sentences the server words (a licence breach, why an account is not counted) in Japanese.

const scenario = useScenario(() => launchWithExtension({ language: 'ja' }));

/** Words of three letters or more: English left in a Japanese screen (names of the scenario's data aside). */
const englishWords = (text: string) =>
  (text
    .replace(/OutSystems Prod|Seatkeeper|Users|lchen|[\w.+-]+@[\w.-]+|https?:\/\/\S+/g, ' ')
    .match(/[A-Za-z]{3,}/g) ?? []) as string[];

describe('the extension in a Japanese browser, against the server', () => {
  it('shows the licence breach and why an account is not counted as the server words them in Japanese', async () => {
    // An Internal (partner) licence allows no external users, and the scenario's server holds some: a breach (rule 22).
    await api(scenario.server.url, scenario.adminCookie, 'PUT', '/api/v1/licence', {
      type: 'internal',
      startsOn: new Date().toISOString().slice(0, 10),
    });
    const options = await scenario.extension.openExtensionPage('options.html');
    options.setDefaultTimeout(20_000);
    await options.type('#server-url', scenario.server.url);
    const signedIn = await submitToken(options, scenario.readToken);
    expect(signedIn).toContain('Sam Support');
    await options.close();

    const popup = await scenario.extension.openExtensionPage('popup.html');
    popup.setDefaultTimeout(20_000);
    await popup.waitForSelector('#capacity .message.error');
    const breaches = await popup.$$eval('#capacity .message.error', (lines) => lines.map((line) => line.textContent));
    expect(breaches).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^社外ユーザーが \d+ 人カウントされていますが、社内利用（パートナー向け）ライセンスでは/),
      ]),
    );
    for (const breach of breaches) expect(englishWords(breach ?? '')).toEqual([]);

    // lchen is inactive in OutSystems Prod: the server says why it is not counted.
    await popup.type('#who', 'lchen');
    await popup.waitForFunction(() => document.querySelector('#server-answer')?.textContent?.includes('集計対象外'));
    const answer = await popup.$eval('#server-answer', (element) => element.textContent ?? '');
    expect(answer).toContain('集計対象外（アカウントが無効になっています）');
    expect(englishWords(answer)).toEqual([]);
    await popup.close();
  }, 60_000);
});
