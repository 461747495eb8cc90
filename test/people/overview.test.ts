// The staff's home (issue 18), and every page issue 18 added, called as every kind of caller.

import { describe, expect, it } from 'vitest';
import { portalImport } from '../support/imports.ts';
import { call, createAccount, makeApp, sessionCookieFor, type TestContext, tokenFor } from '../support/server.ts';

async function uploadCsv(ctx: TestContext, cookie: string, csv: string) {
  return (await portalImport(ctx, cookie, 'own', csv)).response;
}

describe('the overview', () => {
  it('is the staff’s home: a checklist on a fresh installation that empties as the steps are done', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin', 'boss@mycompany.com');
    const cookie = await sessionCookieFor(ctx, admin);
    const home = await call(ctx, 'GET', '/portal', { cookie });
    expect(home.headers.get('location')).toBe('/portal/overview');
    const fresh = await (await call(ctx, 'GET', '/portal/overview', { cookie })).text();
    expect(fresh).toContain('Getting started');
    expect(fresh).toContain('0 of 5 steps done.');
    expect(fresh).toContain('no licence set');
    expect(fresh).toContain('Nothing needs attention');

    await call(ctx, 'PATCH', '/api/v1/environments/own', { cookie, json: { internalDomains: 'mycompany.com' } });
    await call(ctx, 'PUT', '/api/v1/licence', { cookie, json: { type: 'demo', startsOn: '2026-01-01' } });
    await call(ctx, 'POST', '/api/v1/tokens', { cookie, json: { name: 'Extension', scope: 'read' } });
    await createAccount(ctx, 'candidate', 'outsider@gmail.com');
    const later = await (await call(ctx, 'GET', '/portal/overview', { cookie })).text();
    expect(later).toContain('3 of 5 steps done.');
    expect(later).toMatch(/<li data-done="no">[\s\S]*?href="\/portal\/exams">Create the first exam/);
    // A Demo licence allows no external users: the breach shows on the home page.
    expect(later).toContain('class="alert');
    expect(later).toMatch(/<div class="glance-bucket" data-bucket="external">[\s\S]*?<meter min="0" max="1" value="1"/);

    const refused = await uploadCsv(ctx, cookie, 'provider,username\nLDAP\n');
    expect(refused.status).toBe(303);
    const attention = await (await call(ctx, 'GET', '/portal/overview', { cookie })).text();
    expect(attention).toMatch(/href="\/portal\/imports\/[^"]+">A file for Production was refused at/);
  });

  it('shows the last hygiene run as stored, counted by kind, without counting again', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin', 'boss@mycompany.com');
    const cookie = await sessionCookieFor(ctx, admin);
    const before = await (await call(ctx, 'GET', '/portal/overview', { cookie })).text();
    expect(before).toContain('Hygiene has not been checked yet.');
    expect(before).toContain('href="/portal/hygiene"');

    // Neither Production nor QA lists internal domains (rule 5): two findings of one kind.
    await call(ctx, 'POST', '/api/v1/environments', { cookie, json: { name: 'QA', production: false } });
    expect((await call(ctx, 'GET', '/portal/hygiene', { cookie })).status).toBe(200);
    const after = await (await call(ctx, 'GET', '/portal/overview', { cookie })).text();
    expect(after).toContain('Hygiene findings when last checked, 24 November 2026 at 12:00 UTC:');
    expect(after).toContain('<li data-kind="rules-not-configured">rules not configured: 2</li>');

    // Fixed since: the overview still tells the stored run (and when it was), until hygiene is checked again.
    await call(ctx, 'PATCH', '/api/v1/environments/own', { cookie, json: { internalDomains: 'mycompany.com' } });
    ctx.advance(3600);
    const stale = await (await call(ctx, 'GET', '/portal/overview', { cookie })).text();
    expect(stale).toContain('rules not configured: 2');
    await call(ctx, 'GET', '/portal/hygiene', { cookie });
    const fresh = await (await call(ctx, 'GET', '/portal/overview', { cookie })).text();
    expect(fresh).toContain('<li data-kind="rules-not-configured">rules not configured: 1</li>');
    expect(fresh).toContain('24 November 2026 at 13:00 UTC');
  });

  it('meets each bucket on its own scale in the history chart', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin', 'boss@mycompany.com');
    const cookie = await sessionCookieFor(ctx, admin);
    await call(ctx, 'PATCH', '/api/v1/environments/own', { cookie, json: { internalDomains: 'mycompany.com' } });
    await call(ctx, 'PUT', '/api/v1/licence', {
      cookie,
      json: { type: 'subscription', startsOn: '2026-01-01', externalPacks: 1 },
    });
    const page = await (await call(ctx, 'GET', '/portal/licence', { cookie })).text();
    // Internal: a subscription's internal capacity; external: one pack. Each chart is scaled to its own bucket.
    const scales = [...page.matchAll(/data-bucket="(internal|external)" data-scale="(\d+)"/g)].map((m) => [m[1], m[2]]);
    expect(scales).toHaveLength(2);
    expect(scales[0]?.[1]).not.toBe(scales[1]?.[1]);
  });
});

describe('issue 18’s pages, as every caller', () => {
  it('answer anonymous visitors with the sign-in page, candidates with 403, staff as their role allows', async () => {
    const ctx = await makeApp();
    const candidate = await createAccount(ctx, 'candidate', 'someone@gmail.com');
    const support = await createAccount(ctx, 'support');
    const admin = await createAccount(ctx, 'admin');
    const callers: Record<string, { cookie?: string; token?: string }> = {
      anonymous: {},
      candidate: { cookie: await sessionCookieFor(ctx, candidate) },
      support: { cookie: await sessionCookieFor(ctx, support) },
      admin: { cookie: await sessionCookieFor(ctx, admin) },
      adminAdminToken: { token: await tokenFor(ctx, admin, 'admin') },
    };
    const routes: [string, string, Record<string, number>][] = [
      ['GET', '/portal', { anonymous: 303, candidate: 403, support: 303, admin: 303 }],
      ['GET', '/portal/overview', { anonymous: 303, candidate: 403, support: 200, admin: 200, adminAdminToken: 200 }],
      ['GET', '/portal/lookup?address=a%40b.com', { anonymous: 303, candidate: 403, support: 200, admin: 200 }],
      ['GET', '/portal/audit?who=x', { anonymous: 303, candidate: 403, support: 200, admin: 200 }],
      ['GET', '/portal/audit.csv', { anonymous: 303, candidate: 403, support: 200, admin: 200 }],
      [
        'POST',
        `/portal/users/${candidate.id}/resend-confirmation`,
        { anonymous: 303, candidate: 403, support: 303, admin: 303, adminAdminToken: 403 },
      ],
      [
        'POST',
        `/portal/users/${candidate.id}/send-reset-link`,
        { anonymous: 303, candidate: 403, support: 303, admin: 303, adminAdminToken: 403 },
      ],
    ];
    const answers: string[] = [];
    for (const [method, path, expected] of routes) {
      for (const [who, status] of Object.entries(expected)) {
        const response = await call(ctx, method, path, { ...callers[who], ...(method === 'POST' ? { form: {} } : {}) });
        answers.push(
          `${who} ${method} ${path} ${response.status}${status === response.status ? '' : ` (not ${status})`}`,
        );
        if (who === 'anonymous' && status === 303) expect(response.headers.get('location')).toMatch(/^\/sign-in/);
      }
    }
    expect(answers.filter((a) => a.includes('(not'))).toEqual([]);
  });
});
