// Every page a person can open, as each role sees it, in Japanese (issue 16): `<html lang="ja">` and no sentence left in
// English. The pages come from the app's own route table, so a new page without an example here fails the test.

import { describe, expect, it } from 'vitest';
import type { Account } from '../../server/auth/tables.ts';
import { englishRuns, readableText } from '../support/english-text.ts';
import { answerAll, JAPANESE_DOCUMENT, startAttempt, submit } from '../support/exams.ts';
import { portalImport } from '../support/imports.ts';
import { call, createAccount, makeApp, sessionCookieFor, type TestContext } from '../support/server.ts';

/** Not pages: files, feeds, images and machine-readable documents. */
const NOT_PAGES = [
  '/healthz',
  // Prometheus's text format, for machines.
  '/metrics',
  '/assets/app.css',
  '/assets/exam.js',
  '/assets/certificates/verify.js',
  '/.well-known/jwks.json',
  '/portal/users.csv',
  '/portal/audit.csv',
  '/credentials/keys/:thumbprint',
  '/credentials/status/:list',
  '/issuer/logo',
  '/achievements/:examId/image.png',
];

type Role = 'anonymous' | 'candidate' | 'support' | 'admin';

interface World {
  cookies: Record<Exclude<Role, 'anonymous'>, string>;
  /** Each route of the app, with the addresses that show it. */
  examples: Record<string, string[]>;
}

/** A person of the organisation; `locale` is the language on their account (null: their browser's decides). */
async function person(
  ctx: TestContext,
  role: Exclude<Role, 'anonymous'>,
  name: string,
  locale: string | null = null,
): Promise<Account> {
  const account = await createAccount(ctx, role);
  const verified = { name, email_verified_at: ctx.now().toISOString(), locale };
  await ctx.deps.db.updateTable('accounts').set(verified).where('id', '=', account.id).execute();
  return { ...account, ...verified };
}

async function uploadCsv(ctx: TestContext, envId: string, cookie: string, csv: string) {
  return (await portalImport(ctx, cookie, envId, csv)).response;
}

/** An organisation in full swing: licence, environments, imports (one refused), an exam taken and one under way. */
async function world(ctx: TestContext): Promise<World> {
  // The admin chose Japanese on their account (the licence warnings mailed to them, shown in the outbox, are Japanese);
  // the others' pages are Japanese because their browsers ask for it.
  const admin = await person(ctx, 'admin', '管理 花子', 'ja');
  const support = await person(ctx, 'support', '支援 次郎');
  const candidate = await person(ctx, 'candidate', '佐藤 達也');
  const cookies = {
    admin: await sessionCookieFor(ctx, admin),
    support: await sessionCookieFor(ctx, support),
    candidate: await sessionCookieFor(ctx, candidate),
  };
  const asAdmin = (method: string, path: string, json?: unknown) =>
    call(ctx, method, path, { cookie: cookies.admin, ...(json === undefined ? {} : { json }) });

  // A Demo licence allows no external users: the licence page shows a breach, the hygiene page findings.
  await asAdmin('PUT', '/api/v1/licence', { type: 'demo', startsOn: '2026-01-01' });
  await asAdmin('PUT', '/api/v1/licence/organisation-domains', { domains: 'example.com, example.co.jp' });
  await asAdmin('PATCH', '/api/v1/environments/own', { internalDomains: 'example.com', retentionDays: 30 });
  const env = (await (await asAdmin('POST', '/api/v1/environments', { name: '本番', production: true })).json()) as {
    environment: { id: string };
  };
  const envId = env.environment.id;
  await asAdmin('PATCH', `/api/v1/environments/${envId}`, { internalDomains: 'example.com' });
  const csv = 'provider,username,email\nLDAP,sato,sato@example.com\nLDAP,yamada,yamada@gmail.com\nLDAP,nomail,\n';
  const done = await uploadCsv(ctx, envId, cookies.admin, csv);
  await ctx.licensing.licensing.current();
  const refused = await uploadCsv(ctx, envId, cookies.admin, 'provider,username\nLDAP\n');
  const imports = await ctx.deps.db.selectFrom('licence_imports').select(['id', 'status']).execute();
  const imported = await ctx.deps.db
    .selectFrom('licence_accounts')
    .select('id')
    .where('source', '=', 'import')
    .executeTakeFirstOrThrow();
  await asAdmin('POST', '/api/v1/tokens', { name: '拡張機能', scope: 'read' });

  const exam = (await (
    await asAdmin('POST', '/api/v1/exam-imports', {
      ...JAPANESE_DOCUMENT,
      exam: { ...JAPANESE_DOCUMENT.exam, cooldownMinutes: 0, validityMonths: 12 },
    })
  ).json()) as { exam: { id: string } };
  await asAdmin('POST', `/api/v1/exams/${exam.exam.id}/publish`);
  const first = await startAttempt(ctx, { cookie: cookies.candidate, examId: exam.exam.id });
  await answerAll(ctx, cookies.candidate, first);
  const finished = await submit(ctx, cookies.candidate, first.id);
  const certificate = finished.certificateId ?? '';
  expect(certificate).not.toBe('');
  const second = await startAttempt(ctx, { cookie: cookies.candidate, examId: exam.exam.id });
  expect([done.status, refused.status]).toEqual([303, 303]);
  // The editor's pages on a draft (the published version's forms give way to the "new version" notice).
  const draft = (await (await asAdmin('POST', `/api/v1/exams/${exam.exam.id}/versions`)).json()) as {
    exam: { id: string };
  };
  const draftQuestions = (await (await asAdmin('GET', `/api/v1/exams/${draft.exam.id}/questions`)).json()) as {
    items: { id: string }[];
  };
  const questionIds = draftQuestions.items.map((q) => q.id);
  // Who may sit it (issue 17): invited people within a window, one invited.
  await asAdmin('PUT', `/api/v1/exams/${exam.exam.id}/access`, {
    rule: 'invited',
    opensAt: '2026-01-01T00:00:00Z',
    closesAt: '2099-01-01T00:00:00Z',
  });
  await asAdmin('POST', `/api/v1/exams/${exam.exam.id}/invitations`, { emails: [candidate.email] });

  const examples: Record<string, string[]> = {
    '/': ['/'],
    '/sign-in': ['/sign-in'],
    '/register': ['/register'],
    '/verify-email': ['/verify-email?token=abc'],
    '/forgot-password': ['/forgot-password'],
    '/reset-password': ['/reset-password?token=expired'],
    '/setup': ['/setup?token=expired'],
    '/settings': ['/settings'],
    '/my': ['/my'],
    '/my/close': ['/my/close'],
    '/my/closed': ['/my/closed'],
    '/exams': [
      '/exams',
      '/exams?error=no_attempts_left',
      '/exams?error=<b>Click here</b>',
      '/exams?error=exam_not_for_you',
      '/exams?error=code_unknown',
      `/exams?added=${exam.exam.id}`,
    ],
    '/attempts/:id': [`/attempts/${first.id}`, `/attempts/${second.id}`, `/attempts/${second.id}?saved=1`],
    '/attempts/:id/submit': [`/attempts/${second.id}/submit`],
    '/history': ['/history'],
    '/portal': ['/portal'],
    '/portal/overview': ['/portal/overview'],
    '/portal/lookup': ['/portal/lookup', '/portal/lookup?address=yamada%40gmail.com', '/portal/lookup?address=sato'],
    '/portal/exams': ['/portal/exams'],
    '/portal/exams/:id': [`/portal/exams/${exam.exam.id}`, `/portal/exams/${exam.exam.id}?error=extra_minutes`],
    '/portal/exams/:id/attempts/:attemptId': [
      `/portal/exams/${exam.exam.id}/attempts/${first.id}`,
      `/portal/exams/${exam.exam.id}/attempts/${second.id}`,
    ],
    '/portal/new-exam': ['/portal/new-exam'],
    '/portal/exams/:id/settings': [`/portal/exams/${draft.exam.id}/settings`, `/portal/exams/${exam.exam.id}/settings`],
    '/portal/exams/:id/questions': [
      `/portal/exams/${draft.exam.id}/questions`,
      `/portal/exams/${exam.exam.id}/questions`,
    ],
    '/portal/exams/:id/new-question': ['single', 'multiple', 'true_false', 'short_answer'].map(
      (kind) => `/portal/exams/${draft.exam.id}/new-question?kind=${kind}`,
    ),
    '/portal/exams/:id/questions/:questionId': questionIds.map((q) => `/portal/exams/${draft.exam.id}/questions/${q}`),
    '/portal/exams/:id/preview': [`/portal/exams/${draft.exam.id}/preview`],
    '/portal/exams/:id/questions/:questionId/preview': questionIds.map(
      (q) => `/portal/exams/${draft.exam.id}/questions/${q}/preview`,
    ),
    '/portal/exams/:id/access': [`/portal/exams/${exam.exam.id}/access`],
    '/portal/extension': ['/portal/extension'],
    '/portal/licence': ['/portal/licence'],
    '/portal/environments': ['/portal/environments'],
    '/portal/environments/:id': [`/portal/environments/${envId}`, '/portal/environments/own'],
    '/portal/imports/:id': imports.map((i) => `/portal/imports/${i.id}`),
    '/portal/retention': ['/portal/retention', '/portal/retention?applied=2'],
    '/portal/hygiene': ['/portal/hygiene'],
    '/portal/users': ['/portal/users', '/portal/users?q=sato&class=external&status=inactive'],
    '/portal/directory/:id': [`/portal/directory/${imported.id}`],
    '/portal/new-account': ['/portal/new-account'],
    '/portal/users/:id': [`/portal/users/${candidate.id}`, `/portal/users/${admin.id}`],
    '/portal/tokens': ['/portal/tokens'],
    '/portal/audit': ['/portal/audit', '/portal/audit?who=sato&action=account.created&from=2026-01-01&to=2026-12-31'],
    '/portal/outbox': ['/portal/outbox'],
    '/api/docs': ['/api/docs'],
    // The certificates area's pages (it localises its own text; checked here like every other page).
    '/verify/:id': [`/verify/${certificate}`, '/verify/no-such-certificate'],
    '/portal/certificates': ['/portal/certificates'],
    '/certificates/:id': [`/certificates/${certificate}`],
    '/issuer': ['/issuer'],
    '/achievements/:examId': [`/achievements/${exam.exam.id}`],
    '/portal/organisation': ['/portal/organisation'],
    // Not a route: the error page of an address that has none.
    '(no page)': ['/no-such-page'],
  };
  return { cookies, examples };
}

/** As a browser asks: for HTML (some addresses answer JSON-LD to other clients), in `language`. */
async function open(ctx: TestContext, path: string, cookie: string | undefined, language: string) {
  const headers = { 'accept-language': language, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' };
  return call(ctx, 'GET', path, { headers, ...(cookie ? { cookie } : {}) });
}

describe('every page in Japanese', () => {
  it('has an example for every page the app serves', async () => {
    const ctx = await makeApp();
    const { examples } = await world(ctx);
    const pages = new Set(
      ctx.app.routes
        .filter((r) => r.method === 'GET' && (!r.path.startsWith('/api/') || r.path === '/api/docs'))
        .map((r) => r.path)
        .filter((path) => !NOT_PAGES.includes(path)),
    );
    expect([...pages].filter((path) => !(path in examples))).toEqual([]);
  });

  it('reads in Japanese for visitors, candidates, support staff and admins, with no English sentence left', async () => {
    const ctx = await makeApp();
    const { cookies, examples } = await world(ctx);
    const roles: [Role, string | undefined][] = [
      ['anonymous', undefined],
      ['candidate', cookies.candidate],
      ['support', cookies.support],
      ['admin', cookies.admin],
    ];
    const leftovers: string[] = [];
    let checked = 0;
    for (const [role, cookie] of roles) {
      for (const path of Object.values(examples).flat()) {
        const response = await open(ctx, path, cookie, 'ja-JP,ja;q=0.9,en;q=0.5');
        if (response.status >= 300 && response.status < 400) continue;
        const html = await response.text();
        expect(html, `${role} ${path}`).toContain('<html lang="ja">');
        for (const run of englishRuns(readableText(html))) leftovers.push(`${role} ${path}: "${run}"`);
        checked++;
      }
    }
    expect(leftovers).toEqual([]);
    // Every role saw pages of its own (error pages included), not only redirects to the sign-in page.
    expect(checked).toBeGreaterThan(90);
  }, 120_000);

  it('is a check that finds English: the same pages in English are full of it', async () => {
    const ctx = await makeApp();
    const { cookies, examples } = await world(ctx);
    const pages = ['/portal/licence', '/portal/hygiene', '/portal/users', '/exams', '/history'];
    for (const path of pages) {
      const html = await (await open(ctx, path, cookies.support, 'en-GB')).text();
      expect(html).toContain('<html lang="en">');
      expect(englishRuns(readableText(html)).length, path).toBeGreaterThan(0);
    }
    expect(Object.keys(examples).length).toBeGreaterThan(30);
  });

  it('shows why an exam could not start from the code in the address, never from text in it', async () => {
    const ctx = await makeApp();
    const { cookies } = await world(ctx);
    const page = await (await open(ctx, '/exams?error=%3Cb%3EClick%20here%3C%2Fb%3E', cookies.candidate, 'ja')).text();
    expect(page).not.toContain('Click here');
    expect(page).toContain('試験を開始できませんでした');
    const known = await (await open(ctx, '/exams?error=no_attempts_left', cookies.candidate, 'ja')).text();
    expect(known).toContain('受験回数をすべて使い切りました');
    const staff = await (await open(ctx, '/portal/exams?error=Drop%20the%20database', cookies.admin, 'en')).text();
    expect(staff).not.toContain('Drop the database');
  });
});
