// The sentences the API writes for its clients (the extension shows them): breaches, why an account is classified as
// it is, why it is not counted, in the requester's language, with the facts beside them for clients that word them.
import { describe, expect, it } from 'vitest';
import { englishRuns } from '../support/english-text.ts';
import { importJson } from '../support/imports.ts';
import { call, createAccount, makeApp, sessionCookieFor, type TestContext, tokenFor } from '../support/server.ts';

interface Lookup {
  results: {
    reason: string;
    reasonFacts: Record<string, string>;
    matches: { environment: string; notCountedReason: string | null; notCountedMessage: string | null }[];
  }[];
}
interface Summary {
  breaches: { code: string; message: string; values: Record<string, unknown> }[];
}

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** An Internal partner licence with an external user counted (a breach, rule 22) and one in a QA environment. */
async function installation(): Promise<{ ctx: TestContext; token: string; adminId: string }> {
  const ctx = await makeApp();
  const admin = await createAccount(ctx, 'admin', 'root@mycompany.com');
  const cookie = await sessionCookieFor(ctx, admin);
  await call(ctx, 'PATCH', '/api/v1/environments/own', { cookie, json: { internalDomains: 'mycompany.com' } });
  await call(ctx, 'PUT', '/api/v1/licence', { cookie, json: { type: 'internal', startsOn: '2026-01-01' } });
  await createAccount(ctx, 'candidate', 'someone@gmail.com');
  const created = await call(ctx, 'POST', '/api/v1/environments', {
    cookie,
    json: { name: 'QA', production: false, internalDomains: 'mycompany.com' },
  });
  const { id } = ((await created.json()) as { environment: { id: string } }).environment;
  await importJson(ctx, { cookie }, id, 'LDAP', [{ username: 'someone', email: 'someone@gmail.com' }]);
  return { ctx, token: await tokenFor(ctx, admin, 'read'), adminId: admin.id };
}

async function answers(ctx: TestContext, token: string, language: string) {
  const headers = { 'accept-language': language };
  const summary = (await (await call(ctx, 'GET', '/api/v1/licence/summary', { token, headers })).json()) as Summary;
  const response = await call(ctx, 'POST', '/api/v1/lookup', {
    token,
    headers,
    json: { environment: 'QA', accounts: [{ email: 'someone@gmail.com' }, { username: 'sam@sub.mycompany.com' }] },
  });
  expect(response.status).toBe(200);
  return { summary, lookup: (await response.json()) as Lookup };
}

/** Every sentence a client shows from these answers. */
function sentences({ summary, lookup }: Awaited<ReturnType<typeof answers>>): string[] {
  return [
    ...summary.breaches.map((breach) => breach.message),
    ...lookup.results.map((result) => result.reason),
    ...lookup.results.flatMap((result) => result.matches.map((match) => match.notCountedMessage ?? '')),
  ].filter(Boolean);
}

describe('sentences in API answers', () => {
  it('are Japanese with Accept-Language: ja, with no English sentence, and keep the facts', async () => {
    const { ctx, token } = await installation();
    const japanese = await answers(ctx, token, 'ja-JP,ja;q=0.9,en;q=0.5');
    const words = sentences(japanese);
    expect(words).toHaveLength(4);
    for (const sentence of words) expect(sentence).toMatch(JAPANESE);
    expect(englishRuns(words)).toEqual([]);
    expect(japanese.summary.breaches).toEqual([
      {
        code: 'external-not-allowed',
        message: expect.stringContaining(
          '社外ユーザーが 1 人カウントされていますが、社内利用（パートナー向け）ライセンス',
        ),
        values: { licence: 'internal', used: 1, allowed: 0, packs: null },
      },
    ]);
    const [external, subdomain] = japanese.lookup.results;
    expect(external?.reasonFacts).toEqual({ code: 'not-listed', field: 'email', domain: 'gmail.com' });
    expect(external?.reason).toBe('メールアドレスのドメイン gmail.com は社内ドメインに登録されていません');
    expect(external?.matches.find((m) => m.environment === 'QA')).toMatchObject({
      notCountedReason: 'non-production',
      notCountedMessage: '本番環境ではありません',
    });
    expect(subdomain?.reasonFacts).toEqual({
      code: 'subdomain-not-listed',
      domain: 'sub.mycompany.com',
      parent: 'mycompany.com',
    });
    expect(subdomain?.reason).toContain('mycompany.com です。サブドメインは個別に登録する必要があります');
  });

  it('are English with Accept-Language: en, and the same facts', async () => {
    const { ctx, token } = await installation();
    const english = await answers(ctx, token, 'en-GB');
    const japanese = await answers(ctx, token, 'ja');
    for (const sentence of sentences(english)) expect(sentence).not.toMatch(JAPANESE);
    expect(english.summary.breaches[0]?.message).toBe(
      '1 external user counted, but the Internal (partner) licence allows no external end users: deactivate them or move to a customer subscription',
    );
    expect(english.lookup.results[0]?.reason).toBe('email domain gmail.com is not listed');
    expect(english.lookup.results[1]?.reason).toBe(
      'sub.mycompany.com is not listed (only mycompany.com is; subdomains must be listed one by one)',
    );
    expect(english.lookup.results[0]?.matches.find((m) => m.environment === 'QA')?.notCountedMessage).toBe(
      'its environment is not production',
    );
    const facts = (answer: typeof english) => ({
      breaches: answer.summary.breaches.map(({ code, values }) => ({ code, values })),
      reasons: answer.lookup.results.map((result) => result.reasonFacts),
    });
    expect(facts(english)).toEqual(facts(japanese));
  });

  it("follow the account's chosen language over the client's Accept-Language", async () => {
    const { ctx, token, adminId } = await installation();
    await ctx.deps.db.updateTable('accounts').set({ locale: 'ja' }).where('id', '=', adminId).execute();
    const chosen = await answers(ctx, token, 'en');
    for (const sentence of sentences(chosen)) expect(sentence).toMatch(JAPANESE);
  });
});
