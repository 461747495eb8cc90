// @vitest-environment happy-dom
// The extension in English and Japanese (issue 16): both catalogs hold every key with the same placeholders, every
// key is used, and what a person reads (popup, options, badges and their reasons, banner, toolbar) holds no English
// under a Japanese browser, with numbers and times in the language's own form.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { buildBadge } from '../../extension/badges/badge.ts';
import { BANNER_TAG, showNotices } from '../../extension/banner.ts';
import { forgetMessages, t } from '../../extension/i18n.ts';
import { pageNotices } from '../../extension/notices.ts';
import { classifyHere, reasonText } from '../../extension/reasons.ts';
import { factsFromLookup } from '../../extension/server-facts.ts';
import { connection, consoles, environmentRules, licenceSummary, serverUrl } from '../../extension/storage.ts';
import { toolbarBadge } from '../../extension/toolbar.ts';
import { OptionsPage } from '../../extension/ui/options.tsx';
import { PopupPage } from '../../extension/ui/popup.tsx';
import { i18nFor } from '../../server/i18n/messages.ts';
import { breachesFor, notCountedSentence, reasonSentence } from '../../server/licensing/rulebook-words.ts';
import type { LicenceSummary, LookupResponse } from '../../shared/api/extension-contract.ts';
import {
  type ClassificationReason,
  classifyFacts,
  compileRules,
  describeReason,
  licenceStatus,
} from '../../shared/licensing/index.ts';
import { resetFakeBrowser } from './fake-browser.ts';
import { type Catalog, catalogOf, fillMessage, LOCALES, speak } from './language.ts';

const placeholdersOf = (catalog: Catalog, key: string) => {
  const entry = catalog[key];
  const declared = Object.entries(entry?.placeholders ?? {})
    .map(([name, placeholder]) => `${name.toLowerCase()}=${placeholder.content}`)
    .sort();
  const used = [
    ...new Set([...(entry?.message.matchAll(/\$([a-z0-9_@]+)\$/gi) ?? [])].map((m) => m[1]?.toLowerCase())),
  ];
  return { declared, used: used.sort() };
};

describe('the catalogs', () => {
  const english = catalogOf('en');

  it('hold the same keys in English and Japanese, none empty, with names Chrome accepts', () => {
    for (const locale of LOCALES) {
      const catalog = catalogOf(locale);
      expect(Object.keys(catalog).sort(), locale).toEqual(Object.keys(english).sort());
      for (const [key, entry] of Object.entries(catalog)) {
        expect(key, locale).toMatch(/^[A-Za-z0-9_@]+$/);
        expect(entry.message.trim(), `${locale} ${key}`).not.toBe('');
      }
    }
  });

  it('give each message the same placeholders in both languages, each declared and used', () => {
    for (const key of Object.keys(english)) {
      const { declared, used } = placeholdersOf(english, key);
      expect(
        declared.map((entry) => entry.split('=')[0]),
        `en ${key}`,
      ).toEqual(used);
      // $1, $2, ... in order: the code passes the substitutions in that order.
      expect(declared.map((entry) => entry.split('=')[1]).sort(), `en ${key}`).toEqual(
        declared.map((_, index) => `$${index + 1}`),
      );
      for (const locale of LOCALES) {
        expect(placeholdersOf(catalogOf(locale), key), `${locale} ${key}`).toEqual({ declared, used });
      }
    }
  });

  it('hold no key the extension does not use', () => {
    const sources: string[] = [readFileSync(resolve('wxt.config.ts'), 'utf8')];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.(ts|tsx|html)$/.test(entry.name)) sources.push(readFileSync(path, 'utf8'));
      }
    };
    walk(resolve('extension'));
    const all = sources.join('\n');
    const unused = Object.keys(english).filter(
      (key) => !all.includes(`'${key}'`) && !all.includes(`"${key}"`) && !all.includes(`__MSG_${key}__`),
    );
    expect(unused).toEqual([]);
  });

  it('fill placeholders as Chrome does, in each language’s word order', () => {
    const ja = catalogOf('ja');
    expect(fillMessage(english, 'factsMatch', ['active', 'Production', 'Users', 'counted as internal'])).toBe(
      'Seatkeeper: active in Production / Users, counted as internal',
    );
    expect(fillMessage(ja, 'factsMatch', ['有効', '本番', 'Users', '社内ユーザーとして集計'])).toBe(
      'Seatkeeper: 本番 / Users で有効、社内ユーザーとして集計',
    );
  });

  it('are read once per message, filled in order, a value never read for placeholders', () => {
    const i18n = fakeBrowser.i18n as unknown as { getMessage: (key: string, values?: string[]) => string };
    const asked: string[] = [];
    const read = i18n.getMessage;
    i18n.getMessage = (key, values) => {
      asked.push(key);
      return read(key, values);
    };
    forgetMessages();
    const values = ['Internal', 'an address with $1, $$ and \ue001 in it'];
    for (let k = 0; k < 3; k++) {
      expect(t('factsMatch', 'active', 'Production', 'Users', 'counted as internal')).toBe(
        'Seatkeeper: active in Production / Users, counted as internal',
      );
      expect(t('badgeTitle', ...values)).toBe(fillMessage(english, 'badgeTitle', values));
      expect(t('badgeTitle', ...values)).toBe('Internal: an address with $1, $$ and \ue001 in it');
      expect(t('classInternal')).toBe(fillMessage(english, 'classInternal'));
    }
    expect(asked).toEqual(['factsMatch', 'badgeTitle', 'classInternal']);
    // Another language (the tests switch this way) is read afresh.
    speak('ja');
    expect(t('factsMatch', '有効', '本番', 'Users', '社内ユーザーとして集計')).toBe(
      'Seatkeeper: 本番 / Users で有効、社内ユーザーとして集計',
    );
  });
});

// Words a Japanese screen may show as they are: names of the product, of environments and consoles, scopes,
// technical terms, and time zone abbreviations.
const ALLOWED = [
  'Seatkeeper',
  'Production',
  'QA',
  'OutSystems',
  'Service Center',
  'Users',
  'CSS',
  // The example in the rows field's placeholder: a selector, typed as it is.
  '#people .person',
  'read',
  'skp_',
  'Sam Support',
  // A username, as the console shows it.
  'sam',
  'UTC',
  'JST',
];

/** The English words left in `text` once names, addresses and allowed words are taken out. */
function englishIn(text: string): string[] {
  let rest = text;
  for (const word of ALLOWED) rest = rest.split(word).join(' ');
  rest = rest
    .replace(/https?:\/\/[^\s)）、。]+/g, ' ')
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, ' ')
    .replace(/\b[\w-]+(\.[\w-]+)+\b/g, ' ')
    .replace(/#[\w-]+/g, ' ');
  return rest.match(/[A-Za-z]{2,}/g) ?? [];
}

/** Text nodes and the attributes a person reads (tooltips, placeholders, accessible names), shadow roots included. */
function readable(root: Node): string[] {
  const found: string[] = [];
  const visit = (node: Node) => {
    if (node.nodeType === 3) {
      if (node.parentElement?.localName !== 'style' && node.textContent?.trim()) found.push(node.textContent);
      return;
    }
    if (node.nodeType === 1) {
      const element = node as Element;
      for (const name of ['title', 'placeholder', 'aria-label']) {
        const value = element.getAttribute(name);
        if (value) found.push(value);
      }
      if ((element as HTMLElement).shadowRoot) visit((element as HTMLElement).shadowRoot as ShadowRoot);
    }
    for (const child of node.childNodes) visit(child);
  };
  visit(root);
  return found;
}

const expectNoEnglish = (texts: string[]) => {
  const english = texts.flatMap((text) => englishIn(text).map((word) => `${word} in “${text}”`));
  expect(english).toEqual([]);
};

const SUMMARY: LicenceSummary = {
  asOf: '2026-12-02T22:44:00.000Z',
  internal: { used: 1195, capacity: 1500, level: 'notice' },
  external: { used: 12, capacity: null, level: null },
  licence: { type: 'subscription', endsOn: '2027-10-31', state: 'ending-soon' },
  breaches: [],
};

const ANSWER: LookupResponse = {
  asOf: '2026-12-02T22:44:00.000Z',
  environment: { id: 'own', name: 'Production' },
  results: [
    {
      username: 'sam@mycompany.com',
      email: 'sam@mycompany.com',
      classification: 'internal',
      reason: 'email domain mycompany.com is listed',
      flags: [],
      matches: [
        {
          ref: 'seatkeeper:a1',
          environment: 'Production',
          provider: 'Seatkeeper',
          username: 'sam@mycompany.com',
          email: 'sam@mycompany.com',
          active: true,
          classification: 'internal',
          counted: true,
          notCountedReason: null,
          mergedWith: ['qa:7'],
          lastSignInAt: '2026-11-23T09:00:00.000Z',
        },
        {
          ref: 'qa:7',
          environment: 'QA',
          provider: 'Users',
          username: 'sam',
          email: 'sam@mycompany.com',
          active: false,
          classification: 'internal',
          counted: false,
          notCountedReason: null,
          mergedWith: ['seatkeeper:a1'],
          lastSignInAt: null,
        },
      ],
    },
  ],
};

describe('in a Japanese browser', () => {
  let root: HTMLElement;

  beforeEach(async () => {
    resetFakeBrowser();
    speak('ja');
    process.env.TZ = 'Asia/Tokyo';
    fakeBrowser.runtime.onMessage.addListener((message: unknown) =>
      (message as { type: string }).type === 'lookup' ? Promise.resolve({ ok: true, value: ANSWER }) : undefined,
    );
    await environmentRules.setValue([
      { id: 'own', name: 'Production', production: true, internalDomains: ['mycompany.com'] },
      { id: 'qa', name: 'QA', production: false, internalDomains: ['mycompany.com'] },
    ]);
    root = document.createElement('div');
    document.body.replaceChildren(root);
  });

  afterEach(() => {
    render(null, root);
    process.env.TZ = 'UTC';
  });

  const settle = () => act(() => new Promise((done) => setTimeout(done, 0)));
  const type = async (value: string) => {
    const input = root.querySelector('#who') as HTMLInputElement;
    await act(() => {
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
  };

  it('words every reason in Japanese, with the domains it names', () => {
    const reasons: ClassificationReason[] = [
      { code: 'rules-not-configured', environment: 'Production' },
      { code: 'no-email' },
      { code: 'listed', field: 'email', domain: 'corp.com' },
      { code: 'listed', field: 'username', domain: 'corp.com' },
      { code: 'listed-conflict', field: 'email', domain: 'corp.com', otherField: 'username', otherDomain: 'gmail.com' },
      { code: 'listed-conflict', field: 'username', domain: 'corp.com', otherField: 'email', otherDomain: 'gmail.com' },
      { code: 'subdomain-not-listed', domain: 'eu.corp.com', parent: 'corp.com' },
      { code: 'not-listed', field: 'email', domain: 'gmail.com' },
      { code: 'not-listed', field: 'username', domain: 'gmail.com' },
    ];
    for (const reason of reasons) {
      const text = reasonText(reason);
      expectNoEnglish([text]);
      for (const value of Object.values(reason).filter((value) => value.includes('.'))) expect(text).toContain(value);
    }
    expect(reasonText({ code: 'not-listed', field: 'email', domain: 'gmail.com' })).toBe(
      'メールアドレスのドメイン gmail.com は社内ドメインとして登録されていません',
    );
    // The server and exports keep the English wording, which is what the engine returns unless told otherwise.
    expect(describeReason({ code: 'listed', field: 'email', domain: 'corp.com' })).toBe(
      'email domain corp.com is listed',
    );
  });

  it('shows a badge whose label, reason, tooltip and marks are Japanese', () => {
    const rules = compileRules('Production', ['corp.com']);
    const external = buildBadge(classifyHere(rules, { username: 'jo', email: 'jo@gmail.com' }), {
      username: 'jo',
      email: 'jo@gmail.com',
      environment: 'Production',
    });
    expect(external.label).toBe('社外');
    expect(external.title).toBe(
      '社外ユーザー: メールアドレスのドメイン gmail.com は社内ドメインとして登録されていません\n環境: Production\nアカウント: jo / jo@gmail.com',
    );
    const conflict = buildBadge(
      classifyHere(rules, { username: 'amy@gmail.com', email: 'amy@corp.com' }),
      { username: 'amy@gmail.com' },
      factsFromLookup(ANSWER.results[0] as LookupResponse['results'][number], 'Production'),
    );
    expect(conflict.marks.length).toBe(1);
    expectNoEnglish([conflict.label, conflict.title, ...conflict.marks.map((mark) => mark.title ?? '')]);
    expect(conflict.title).toContain('最終サインイン: 2026年11月23日 18:00 JST');
  });

  it('renders the popup with no English left, numbers and times in Japanese form', async () => {
    await connection.setValue({
      state: 'signed-in',
      message: 'サインインしています。',
      account: null,
      checkedAt: null,
    });
    await licenceSummary.setValue(SUMMARY);
    await act(() => render(<PopupPage />, root));
    await settle();
    await type('sam@mycompany.com');
    await expect
      .poll(() => root.querySelector('#server-answer')?.textContent ?? '', { timeout: 5000 })
      .toContain('有効');
    const capacity = root.querySelector('#capacity')?.textContent ?? '';
    expect(capacity).toContain('社内ユーザー: 1,195 / 1,500 人（79%）');
    expect(capacity).toContain('2026年12月3日 7:44 JST 時点');
    expect(capacity).toContain('2027年10月31日');
    expect(root.querySelector('#verdict')?.textContent).toBe('社内ユーザー');
    expectNoEnglish(readable(root));
    // The signed-out popup and its hint too.
    render(null, root);
    await connection.setValue({
      state: 'signed-out',
      message: 'サインアウトしました。',
      account: null,
      checkedAt: null,
    });
    await licenceSummary.setValue(null);
    await act(() => render(<PopupPage />, root));
    await settle();
    await type('kiosk-3');
    expect(root.textContent).toContain('設定');
    expectNoEnglish(readable(root));
  });

  it('renders the options page with no English left', async () => {
    await serverUrl.setValue('https://certify.example.com');
    await connection.setValue({
      state: 'signed-in',
      message: 'サインインしています。',
      account: null,
      checkedAt: null,
    });
    await consoles.setValue([{ origin: 'https://acme.outsystemsenterprise.com', environmentId: 'qa' }]);
    await act(() => render(<OptionsPage />, root));
    await settle();
    expect(root.querySelector('#console-list')).not.toBeNull();
    expectNoEnglish(readable(root));
  });

  it('says the capacity and the licence term in the banner and on the toolbar in Japanese', () => {
    const notices = pageNotices(
      {
        ...SUMMARY,
        internal: { used: 1400, capacity: 1500, level: 'warning' },
        licence: { type: 'demo', endsOn: '2026-12-01', state: 'expired' },
      },
      {},
      '2026-12-02',
    );
    expect(notices.map((notice) => notice.title)).toEqual([
      'Seatkeeper のライセンスは 2026年12月1日 に失効しました',
      'ライセンス枠の 90% に達しました',
    ]);
    showNotices(document, notices, () => undefined);
    const banner = document.querySelector(BANNER_TAG) as HTMLElement;
    expect(banner.shadowRoot?.textContent).toContain('今日は表示しない');
    expectNoEnglish(readable(banner));
    banner.remove();
    const toolbar = toolbarBadge(
      { state: 'signed-in', message: '', account: null, checkedAt: null },
      { ...SUMMARY, internal: { used: 1400, capacity: 1500, level: 'warning' } },
    );
    expect(toolbar.text).toBe('93%');
    expect(toolbar.title).toContain('社内ユーザー: 1,400 / 1,500 人（93%）');
    expectNoEnglish([toolbar.title]);
    const off = toolbarBadge(
      { state: 'signed-out', message: 'サインアウトしました。', account: null, checkedAt: null },
      null,
    );
    expectNoEnglish([off.text, off.title]);
  });
});

describe('the English catalog', () => {
  it('words the same screens in English, numbers grouped the English way', () => {
    speak('en', 'en-GB');
    const toolbar = toolbarBadge(
      { state: 'signed-in', message: '', account: null, checkedAt: null },
      { ...SUMMARY, internal: { used: 1195, capacity: 1500, level: 'notice' } },
    );
    expect(toolbar.title).toContain('Internal: 1,195 of 1,500 (79%)');
    expect(reasonText({ code: 'listed', field: 'email', domain: 'corp.com' })).toBe('email domain corp.com is listed');
  });
});

describe('what the server words, shown in a Japanese browser', () => {
  // The server's own wording (server/licensing/rulebook-words.ts) of the rulebook's facts, as it answers a request
  // with Accept-Language: ja: the extension shows these sentences as they come.
  const server = i18nFor('ja');
  const rules = compileRules('Production', ['mycompany.com']);
  const demo = licenceStatus(
    { type: 'demo', startsOn: '2026-01-01', endsOn: '2026-12-31', internalPacks: 0, externalPacks: 0 },
    { internal: 3, external: 2 },
    '2026-06-01',
  );
  const summary: LicenceSummary = { ...SUMMARY, breaches: breachesFor(server, demo.breaches) };
  const serverSays = classifyFacts(rules, { username: 'sam', email: 'sam@gmail.com' });
  const answer: LookupResponse = {
    ...ANSWER,
    results: [
      {
        username: 'sam',
        email: 'sam@gmail.com',
        classification: serverSays.classification,
        reason: reasonSentence(server, serverSays.reason),
        reasonFacts: { ...serverSays.reason },
        flags: serverSays.flags,
        matches: [
          {
            ...(ANSWER.results[0]?.matches[1] as LookupResponse['results'][number]['matches'][number]),
            notCountedReason: 'non-production',
            notCountedMessage: notCountedSentence(server, 'non-production'),
            mergedWith: [],
            classification: 'external',
            email: 'sam@gmail.com',
          },
        ],
      },
    ],
  };
  let root: HTMLElement;

  beforeEach(async () => {
    resetFakeBrowser();
    speak('ja');
    fakeBrowser.runtime.onMessage.addListener((message: unknown) =>
      (message as { type: string }).type === 'lookup' ? Promise.resolve({ ok: true, value: answer }) : undefined,
    );
    await environmentRules.setValue([
      { id: 'own', name: 'Production', production: true, internalDomains: ['mycompany.com'] },
      { id: 'qa', name: 'QA', production: false, internalDomains: ['mycompany.com'] },
    ]);
    root = document.createElement('div');
    document.body.replaceChildren(root);
  });

  afterEach(() => render(null, root));

  it('shows the breach in the popup and in the banner, in Japanese', async () => {
    expect(summary.breaches.map((breach) => breach.code)).toEqual(['external-not-allowed']);
    await connection.setValue({
      state: 'signed-in',
      message: 'サインインしています。',
      account: null,
      checkedAt: null,
    });
    await licenceSummary.setValue(summary);
    await act(() => render(<PopupPage />, root));
    await act(() => new Promise((done) => setTimeout(done, 0)));
    const capacity = root.querySelector('#capacity .message.error')?.textContent ?? '';
    expect(capacity).toBe(
      '社外ユーザーが 2 人カウントされていますが、デモ（パートナー向け）ライセンスでは社外のエンドユーザーを利用できません。該当ユーザーを無効化するか、顧客サブスクリプションに移行してください',
    );
    expectNoEnglish(readable(root));
    const notices = pageNotices(summary, {}, '2026-06-01');
    expect(notices[0]).toMatchObject({ title: 'ライセンス違反', lines: [capacity] });
  });

  it('shows why the server does not count an account and why it classifies it, in Japanese', async () => {
    await connection.setValue({
      state: 'signed-in',
      message: 'サインインしています。',
      account: null,
      checkedAt: null,
    });
    await act(() => render(<PopupPage />, root));
    const input = root.querySelector('#who') as HTMLInputElement;
    await act(() => {
      input.value = 'sam@gmail.com';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await expect
      .poll(() => root.querySelector('#server-answer')?.textContent ?? '', { timeout: 5000 })
      .toContain('集計対象外（本番環境ではありません）');
    expectNoEnglish(readable(root));
    // The badge of a console whose cached rules say internal: the server's classification and its reason win.
    const facts = factsFromLookup(answer.results[0] as LookupResponse['results'][number], 'QA');
    const badge = buildBadge(
      classifyHere(compileRules('QA', []), { username: 'sam', email: 'sam@gmail.com' }),
      { username: 'sam', email: 'sam@gmail.com', environment: 'QA' },
      facts,
    );
    expect(badge.title).toContain('メールアドレスのドメイン gmail.com は社内ドメインに登録されていません');
    expect(badge.title).toContain('集計対象外: 本番環境ではありません');
    expectNoEnglish([badge.title]);
  });
});
