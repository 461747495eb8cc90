// Issue 18, "form tests on every form": every POST route that serves a page, read from the app's route table, has an
// entry here. An entry posts a failing body (what was typed comes back, marked aria-invalid) and a valid one (303 to a
// GET page whose next render shows the flash, and the render after it does not), or names the test that does.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { passedCertificate } from '../support/certificates.ts';
import { expectKeptField, followRedirect } from '../support/flash.ts';
import { call, createAccount, makeApp, type TestContext } from '../support/server.ts';

interface World {
  ctx: TestContext;
  admin: string;
  candidate: string;
  candidateId: string;
  certificateId: string;
}

interface Exchange {
  /** The path posted to, with its parameters filled. */
  path: (w: World) => string | Promise<string>;
  cookie?: (w: World) => string;
  /** A failing body and the field whose typed value must come back (null: a select, which has no value attribute). */
  failing?: { body: Record<string, string>; field: string; typed: string | null };
  valid: (w: World) => Record<string, string>;
  location: RegExp;
  flash: string;
}

type Entry =
  | { run: Exchange }
  /** The test (by its name, in the file) that posts to this route and checks its answer. */
  | { covered: { file: string; test: string; posts: string } }
  /** Not covered yet, and why: listed in the report, never silently passed over. */
  | { gap: string };

const own = (w: World) => `/portal/users/${w.candidateId}`;
const exams = (test: string, file = 'test/exams/editor.test.ts', posts = '/portal/') => ({
  covered: { file, test, posts },
});

const FORMS: Record<string, Entry> = {
  '/settings': {
    run: {
      path: () => '/settings',
      failing: { body: { locale: 'ja', timeZone: 'Asia/Tokio' }, field: 'timeZone', typed: null },
      valid: () => ({ locale: 'en', timeZone: 'Asia/Tokyo' }),
      location: /^\/settings$/,
      flash: 'Saved. Pages and mail now use these settings.',
    },
  },
  '/portal/new-account': {
    run: {
      path: () => '/portal/new-account',
      failing: {
        body: { name: 'Ann Lee', email: 'ann.lee-at-mycompany', role: 'support' },
        field: 'email',
        typed: 'ann.lee-at-mycompany',
      },
      valid: () => ({ name: 'Ann Lee', email: 'ann.lee@mycompany.com', role: 'support' }),
      location: /^\/portal\/users\/[\w-]+$/,
      flash: 'Account created for Ann Lee.',
    },
  },
  '/portal/users/:id': {
    run: {
      path: own,
      failing: { body: { name: 'N'.repeat(201), role: 'candidate' }, field: 'name', typed: 'N'.repeat(201) },
      valid: () => ({ name: 'Renamed Candidate', role: 'candidate' }),
      location: /^\/portal\/users\/[\w-]+$/,
      flash: 'Saved.',
    },
  },
  '/portal/users/:id/sign-out-everywhere': {
    run: {
      path: (w) => `${own(w)}/sign-out-everywhere`,
      valid: () => ({}),
      location: /^\/portal\/users\//,
      flash: 'session',
    },
  },
  '/portal/users/:id/sign-in-lock/lift': {
    run: {
      path: (w) => `${own(w)}/sign-in-lock/lift`,
      valid: () => ({}),
      location: /^\/portal\/users\//,
      flash: 'Sign-ins from unknown devices are allowed again.',
    },
  },
  '/portal/users/:id/send-reset-link': {
    run: {
      path: (w) => `${own(w)}/send-reset-link`,
      valid: () => ({}),
      location: /^\/portal\/users\//,
      flash: 'A password reset link was sent.',
    },
  },
  '/portal/users/:id/resend-confirmation': {
    run: {
      // An account an admin made has an unconfirmed address.
      path: async (w) => {
        const made = await createAccount(w.ctx, 'candidate', 'unconfirmed@gmail.com');
        await w.ctx.deps.db
          .updateTable('accounts')
          .set({ email_verified_at: null })
          .where('id', '=', made.id)
          .execute();
        return `/portal/users/${made.id}/resend-confirmation`;
      },
      valid: () => ({}),
      location: /^\/portal\/users\//,
      flash: 'The email confirmation was sent again.',
    },
  },
  '/portal/users/:id/deactivate': {
    run: {
      path: (w) => `${own(w)}/deactivate`,
      valid: () => ({ confirmed: '1' }),
      location: /^\/portal\/users\//,
      flash: 'was deactivated and can no longer sign in.',
    },
  },
  '/portal/users/:id/activate': {
    run: {
      path: (w) => `${own(w)}/activate`,
      valid: () => ({}),
      location: /^\/portal\/users\//,
      flash: 'can sign in again.',
    },
  },
  '/portal/users/:id/erasure': {
    covered: {
      file: 'test/people/erasure.test.ts',
      test: "erases from the person's page after a confirmation; the account then links to no one",
      posts: '/erasure',
    },
  },
  '/portal/certificates/:id/reissue': {
    run: {
      path: (w) => `/portal/certificates/${w.certificateId}/reissue`,
      valid: () => ({}),
      location: /^\/portal\/certificates$/,
      flash: 'A new certificate was issued; the old one is revoked and points to it.',
    },
  },
  '/portal/certificates/:id/revoke': {
    run: {
      path: (w) => `/portal/certificates/${w.certificateId}/revoke`,
      failing: { body: { reason: 'ID' }, field: 'reason-', typed: 'ID' },
      valid: () => ({ reason: 'Identity could not be confirmed', confirmed: '1' }),
      location: /^\/portal\/certificates$/,
      flash: 'The certificate was revoked.',
    },
  },
  '/portal/tokens': {
    run: {
      path: () => '/portal/tokens',
      failing: {
        body: { name: 'CI', scope: 'read', expiresOn: '2020-01-01' },
        field: 'expiresOn',
        typed: '2020-01-01',
      },
      valid: () => ({ name: 'CI', scope: 'read' }),
      location: /^\/portal\/tokens$/,
      flash: 'Token “CI” created.',
    },
  },
  '/portal/tokens/:id/revoke': {
    run: {
      path: async (w) => {
        await call(w.ctx, 'POST', '/api/v1/tokens', { cookie: w.admin, json: { name: 'Old', scope: 'read' } });
        const token = await w.ctx.deps.db.selectFrom('access_tokens').select('id').executeTakeFirstOrThrow();
        return `/portal/tokens/${token.id}/revoke`;
      },
      valid: () => ({}),
      location: /^\/portal\/tokens$/,
      flash: 'The token was revoked: it no longer works.',
    },
  },
  '/my/email-verification': {
    run: {
      path: () => '/my/email-verification',
      cookie: (w) => w.candidate,
      valid: () => ({}),
      location: /^\/my$/,
      flash: 'If your address is not confirmed yet, we sent a new link to it.',
    },
  },
  '/portal/environments/:id/providers': {
    run: {
      path: () => '/portal/environments/own/providers',
      valid: () => ({ provider: 'Okta' }),
      location: /^\/portal\/environments\/own$/,
      flash: 'Provider added.',
    },
  },
  '/portal/environments/:id': {
    run: {
      path: () => '/portal/environments/own',
      failing: {
        body: { name: 'Production', internalDomains: 'not a domain!' },
        field: 'internalDomains',
        typed: 'not a domain!',
      },
      valid: () => ({ name: 'Production', internalDomains: 'mycompany.com' }),
      location: /^\/portal\/environments\/own$/,
      flash: 'Saved; the figures are live at once.',
    },
  },
  '/portal/licence/recount': {
    run: { path: () => '/portal/licence/recount', valid: () => ({}), location: /^\/portal\/licence$/, flash: 'ms' },
  },
  // Covered where the area's own tests post them.
  '/portal/licence': {
    covered: {
      file: 'test/licensing/licence-form.test.ts',
      test: 'shows the saved packs and end date, and asks before lowering capacity or ending the licence',
      posts: "'/portal/licence'",
    },
  },
  '/portal/licence/extension': { gap: 'posted only through the API in test/licensing/licensing.test.ts' },
  '/portal/licence/cancellation': {
    covered: {
      file: 'test/licensing/pages.test.ts',
      test: 'previews and applies retention from the page; cancelled licences take candidate pages offline',
      posts: 'licence/cancellation',
    },
  },
  '/portal/licence/organisation-domains': {
    covered: {
      file: 'test/licensing/pages.test.ts',
      test: 'lets an admin configure rules, licence and organisation domains through forms; support only reads',
      posts: 'organisation-domains',
    },
  },
  '/portal/licence/erasure-policy': {
    covered: {
      file: 'test/licensing/leaving.test.ts',
      test: 'lets an administrator set the erasure days on the licence page; support staff see them only',
      posts: 'erasure-policy',
    },
  },
  '/portal/licence/time-zone': { gap: 'test/i18n/time-zones.test.ts posts it; not yet read for the flash here' },
  '/portal/environments': {
    covered: {
      file: 'test/licensing/pages.test.ts',
      test: 'lets an admin configure rules, licence and organisation domains through forms; support only reads',
      posts: "'/portal/environments'",
    },
  },
  '/portal/environments/:id/import': {
    covered: {
      file: 'test/licensing/pages.test.ts',
      test: 'imports a CSV from the page with a progress record, reports bad lines, and lists the accounts',
      posts: '/import',
    },
  },
  '/portal/imports/:id/confirm': {
    covered: {
      file: 'test/licensing/pages.test.ts',
      test: 'imports a CSV from the page with a progress record, reports bad lines, and lists the accounts',
      posts: '/confirm',
    },
  },
  '/portal/imports/:id/cancel': { gap: 'a button; no test posts it from the page yet' },
  '/portal/imports/:id/columns': {
    covered: {
      file: 'test/licensing/imports.test.ts',
      test: 'reads an export back to the same usernames: byte-order mark, formula guard after any separator',
      posts: '/columns',
    },
  },
  '/portal/retention/apply': {
    covered: {
      file: 'test/licensing/pages.test.ts',
      test: 'previews and applies retention from the page; cancelled licences take candidate pages offline',
      posts: 'retention/apply',
    },
  },
  '/portal/organisation': {
    covered: {
      file: 'test/certificates/pages.test.ts',
      test: 'lets an administrator set the name, web site, contact and logo, and says what to fix',
      posts: '/portal/organisation',
    },
  },
  '/portal/organisation/keys': {
    covered: {
      file: 'test/certificates/pages.test.ts',
      test: 'schedules a new signing key, and is for administrators only',
      posts: 'organisation/keys',
    },
  },
  '/portal/outbox/:id/resend': {
    covered: {
      file: 'test/mail/queue.test.ts',
      test: 'keeps a reset mail while the SMTP server is down and delivers it once the server is back',
      posts: '/resend',
    },
  },
  // Public forms: no session, so no flash; each answers with its own page (see the report of issue 18).
  '/sign-in': {
    covered: {
      file: 'test/accounts/pages.test.ts',
      test: 'signs in through the form and lands by role',
      posts: '/sign-in',
    },
  },
  '/sign-out': {
    covered: {
      file: 'test/accounts/sign-in.test.ts',
      test: 'refuses a cross-site form post to the portal and to sign-out',
      posts: '/sign-out',
    },
  },
  '/register': {
    covered: {
      file: 'test/accounts/pages.test.ts',
      test: 'registers through the form with field errors shown next to the fields',
      posts: '/register',
    },
  },
  '/verify-email': { gap: 'public: shows its result page after the POST (no session for a flash)' },
  '/forgot-password': { gap: 'public: shows its result page after the POST (no session for a flash)' },
  '/reset-password': { gap: 'public: shows its result page after the POST (no session for a flash)' },
  '/setup': { gap: 'public until it signs the admin in; redirects to the overview without a flash' },
  '/language': { gap: 'redirects back to the page it came from; the page in the new language is the answer' },
  '/my/close': { gap: 'the session ends with the account: the closed page is shown directly (no flash possible)' },
  // The exams area's forms (another helper's).
  '/exam-access-codes': { gap: 'exams: no test posts the access-code form from the page' },
  '/exams/:id/start': exams(
    'catalogue → start → save by form → confirmation lists unanswered → submit → result → history',
    'test/exams/pages.test.ts',
    '/start',
  ),
  '/attempts/:id/answers': exams(
    'catalogue → start → save by form → confirmation lists unanswered → submit → result → history',
    'test/exams/pages.test.ts',
    '/answers',
  ),
  '/attempts/:id/submit': exams(
    'catalogue → start → save by form → confirmation lists unanswered → submit → result → history',
    'test/exams/pages.test.ts',
    '/submit',
  ),
  '/portal/new-exam': exams('creates an exam; a refused form keeps what was typed and marks each wrong field'),
  '/portal/exams/:id/settings': exams(
    'creates an exam; a refused form keeps what was typed and marks each wrong field',
  ),
  '/portal/exams/:id/new-question': exams(
    'adds the four kinds, keeps what was typed on an error, edits, reorders, tags and deletes',
  ),
  '/portal/exams/:id/questions/:questionId': exams(
    'adds the four kinds, keeps what was typed on an error, edits, reorders, tags and deletes',
  ),
  '/portal/exams/:id/questions/:questionId/move': exams(
    'adds the four kinds, keeps what was typed on an error, edits, reorders, tags and deletes',
  ),
  '/portal/exams/:id/questions/:questionId/delete': exams(
    'adds the four kinds, keeps what was typed on an error, edits, reorders, tags and deletes',
  ),
  '/portal/exams/:id/versions': exams(
    'publishing freezes a version; editing makes the next version; attempts keep the version they started',
  ),
  '/portal/exams/:id/duplicate': exams('duplicates an exam as a separate draft with the same questions'),
  '/portal/exams/:id/access': exams(
    'reads the window in the organisation time zone and keeps what was typed when refused',
    'test/exams/access.test.ts',
  ),
  '/portal/exams/:id/invitations': exams(
    'is everyone by default; invited only: the invited candidate sees and starts it, another gets 403',
    'test/exams/access.test.ts',
  ),
  '/portal/exams/:id/invitations/withdraw': exams(
    'is everyone by default; invited only: the invited candidate sees and starts it, another gets 403',
    'test/exams/access.test.ts',
  ),
  '/portal/exams/:id/publish': exams(
    'import by form, publish, extra time for an attempt in progress and an accommodation by email',
    'test/exams/pages.test.ts',
  ),
  '/portal/exams/:id/unpublish': { gap: 'exams: unpublish is posted only through the API in test/exams/exams.test.ts' },
  '/portal/exams/:id/attempts/:attemptId/extra-time': exams(
    'import by form, publish, extra time for an attempt in progress and an accommodation by email',
    'test/exams/pages.test.ts',
  ),
  '/portal/exams/:id/accommodations': exams(
    'import by form, publish, extra time for an attempt in progress and an accommodation by email',
    'test/exams/pages.test.ts',
  ),
  '/portal/exam-imports': exams(
    'keeps the text on a JSON or validation error, names the place, and asks before reusing a title',
  ),
};

describe('every form', () => {
  it('has an entry for each POST route that serves a page, and no entry for a route that is gone', async () => {
    const ctx = await makeApp();
    const routes = new Set(
      ctx.app.routes.filter((r) => r.method === 'POST' && !r.path.startsWith('/api/')).map((r) => r.path),
    );
    expect(
      [...routes].filter((path) => !(path in FORMS)),
      'routes without an entry',
    ).toEqual([]);
    expect(
      Object.keys(FORMS).filter((path) => !routes.has(path)),
      'entries without a route',
    ).toEqual([]);
  });

  it('names, for each covered form, a test that exists and posts to it', () => {
    for (const [route, entry] of Object.entries(FORMS)) {
      if (!('covered' in entry)) continue;
      const source = readFileSync(new URL(`../../${entry.covered.file}`, import.meta.url), 'utf8');
      const named = [`it('${entry.covered.test}'`, `it("${entry.covered.test}"`].some((call) => source.includes(call));
      expect(named, `${route}: the test named "${entry.covered.test}" in ${entry.covered.file}`).toBe(true);
      expect(source, `${route}: a post to it`).toContain(entry.covered.posts);
    }
  });

  describe('posts each form as a person would', () => {
    // A fresh installation for each form (a test's app is closed when the test ends).
    const worldFor = async (): Promise<World> => {
      const ctx = await makeApp();
      const { world: exam, certificateId } = await passedCertificate(ctx);
      return { ctx, admin: exam.adminCookie, candidate: exam.cookie, candidateId: exam.candidate.id, certificateId };
    };

    for (const [route, entry] of Object.entries(FORMS)) {
      if (!('run' in entry)) continue;
      it(route, async () => {
        const world = await worldFor();
        const { ctx } = world;
        const form = entry.run;
        const cookie = form.cookie?.(world) ?? world.admin;
        const path = await form.path(world);
        if (form.failing) {
          const refused = await call(ctx, 'POST', path, { cookie, form: form.failing.body });
          expect([200, 400, 409, 422]).toContain(refused.status);
          const html = await refused.text();
          const field = form.failing.field.endsWith('-')
            ? `${form.failing.field}${path.split('/')[3]}`
            : form.failing.field;
          expectKeptField(html, field, form.failing.typed);
        }
        const done = await call(ctx, 'POST', path, { cookie, form: form.valid(world) });
        const shown = await followRedirect(ctx, done, cookie);
        expect(shown.location).toMatch(form.location);
        expect(shown.text).toContain(form.flash);
        expect(shown.text).toMatch(/<div class="alert success" role="status">/);
        // Shown once: the page that showed it deletes the cookie, and without it the next render has no flash.
        expect(shown.page.headers.getSetCookie().some((c) => /^seatkeeper_flash=;/.test(c))).toBe(true);
        const again = await call(ctx, 'GET', shown.location, { cookie });
        expect(await again.text()).not.toMatch(/<div class="alert success" role="status">/);
      });
    }
  });
});
