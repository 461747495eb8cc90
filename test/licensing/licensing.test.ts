import { describe, expect, it, vi } from 'vitest';
import { runDailyJob } from '../../server/licensing/history.ts';
import { ownRef } from '../../server/licensing/records.ts';
import { seededRandom } from '../support/generate-accounts.ts';
import { importCsv, importJson } from '../support/imports.ts';
import {
  call,
  createAccount,
  makeApp,
  outbox,
  STRONG_PASSWORD,
  sessionCookieFor,
  signInCookie,
  type TestContext,
  tokenFor,
  useBulkReads,
} from '../support/server.ts';
import { TEST_DIALECT } from '../support/test-database.ts';

async function admin(ctx: TestContext) {
  const account = await createAccount(ctx, 'admin', `root${Math.random().toString(36).slice(2, 8)}@mycompany.com`);
  return { account, cookie: await sessionCookieFor(ctx, account) };
}

async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

interface Summary {
  asOf: string;
  internal: { used: number; capacity: number | null; level: string | null };
  external: { used: number; capacity: number | null; level: string | null };
  licence: { type: string; endsOn: string; state: string } | null;
  breaches: { code: string; message: string }[];
}

async function recountAgrees(ctx: TestContext, cookie: string) {
  const response = await call(ctx, 'POST', '/api/v1/licence/recount', { cookie });
  expect(response.status).toBe(200);
  const body = await json<{ agrees: boolean; differences: string[] }>(response);
  expect(body.differences).toEqual([]);
  expect(body.agrees).toBe(true);
}

describe('licence portal: environments and rules', () => {
  it('validates the internal domain list with the engine, naming the bad entry and saving nothing', async () => {
    const ctx = await makeApp();
    const { cookie } = await admin(ctx);
    const bad = await call(ctx, 'PATCH', '/api/v1/environments/own', {
      cookie,
      json: { internalDomains: 'mycompany.com, *.sales.mycompany.com' },
    });
    expect(bad.status).toBe(400);
    const error = await json<{ error: { fields: Record<string, string> } }>(bad);
    expect(error.error.fields.internalDomains).toContain('*.sales.mycompany.com');
    const listed = await json<{ items: { id: string; internalDomains: string[] }[] }>(
      await call(ctx, 'GET', '/api/v1/environments', { cookie }),
    );
    expect(listed.items[0]).toMatchObject({ id: 'own', name: 'Production', production: true, internalDomains: [] });

    const good = await call(ctx, 'PATCH', '/api/v1/environments/own', {
      cookie,
      json: { internalDomains: ' @MyCompany.com , sales.mycompany.com' },
    });
    expect(good.status).toBe(200);
    expect((await json<{ environment: { internalDomains: string[] } }>(good)).environment.internalDomains).toEqual([
      'mycompany.com',
      'sales.mycompany.com',
    ]);
    const audit = await ctx.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'configuration.changed')
      .execute();
    expect(audit.at(-1)?.details).toContain('sales.mycompany.com');
  });

  it('reclassifies accounts at once when the rules change, and the figures follow', async () => {
    const ctx = await makeApp();
    const { cookie } = await admin(ctx);
    await createAccount(ctx, 'candidate', 'ext@gmail.com');
    let summary = await json<Summary>(await call(ctx, 'GET', '/api/v1/licence/summary', { cookie }));
    expect(summary).toMatchObject({ internal: { used: 2 }, external: { used: 0 } });
    await call(ctx, 'PATCH', '/api/v1/environments/own', { cookie, json: { internalDomains: 'mycompany.com' } });
    summary = await json<Summary>(await call(ctx, 'GET', '/api/v1/licence/summary', { cookie }));
    expect(summary).toMatchObject({ internal: { used: 1 }, external: { used: 1 } });
    const row = await ctx.deps.db
      .selectFrom('licence_accounts')
      .select('classification')
      .where('email', '=', 'ext@gmail.com')
      .executeTakeFirstOrThrow();
    expect(row.classification).toBe('external');
    await recountAgrees(ctx, cookie);
  });
});

describe('licence portal: the licence and its term', () => {
  it('sets a Trial, refuses extensions past 6 months, and feeds the term to exams and candidate pages', async () => {
    const ctx = await makeApp();
    const { cookie } = await admin(ctx);
    const set = await call(ctx, 'PUT', '/api/v1/licence', { cookie, json: { type: 'trial', startsOn: '2026-11-01' } });
    expect(set.status).toBe(200);
    expect((await json<{ licence: { endsOn: string } }>(set)).licence.endsOn).toBe('2026-11-30');
    const tooFar = await call(ctx, 'POST', '/api/v1/licence/extension', { cookie, json: { endsOn: '2027-06-01' } });
    expect(tooFar.status).toBe(400);
    expect((await json<{ error: { fields: { endsOn: string } } }>(tooFar)).error.fields.endsOn).toContain('2027-04-30');
    const ok = await call(ctx, 'POST', '/api/v1/licence/extension', { cookie, json: { endsOn: '2027-04-30' } });
    expect(ok.status).toBe(200);
    expect(await ctx.exams.licenceTerm()).toMatchObject({ state: 'active', publishingAllowed: true });
    await call(ctx, 'POST', '/api/v1/licence/cancellation', { cookie, json: {} });
    expect(await ctx.exams.licenceTerm()).toMatchObject({ state: 'cancelled', candidatesOnline: false });
    const summary = await json<Summary>(await call(ctx, 'GET', '/api/v1/licence/summary', { cookie }));
    expect(summary.licence).toEqual({ type: 'trial', endsOn: '2027-04-30', state: 'cancelled' });
  });

  it('reports breaches: external users on an Internal partner licence', async () => {
    const ctx = await makeApp();
    const { cookie, account } = await admin(ctx);
    await call(ctx, 'PATCH', '/api/v1/environments/own', { cookie, json: { internalDomains: 'mycompany.com' } });
    await call(ctx, 'PUT', '/api/v1/licence', { cookie, json: { type: 'internal', startsOn: '2026-01-01' } });
    await createAccount(ctx, 'candidate', 'someone@gmail.com');
    const token = await tokenFor(ctx, account, 'read');
    const response = await call(ctx, 'GET', '/api/v1/licence/summary', { token });
    expect(response.status).toBe(200);
    const summary = await json<Summary>(response);
    expect(summary.external).toEqual({ used: 1, capacity: 0, level: 'over' });
    expect(summary.breaches.map((b) => b.code)).toEqual(['external-not-allowed']);
    expect(Date.parse(summary.asOf)).toBe(ctx.now().getTime());
  });
});

describe('licence portal: imports and lookups', () => {
  it('replaces one provider’s users with PUT (JSON or CSV), all or nothing, naming bad lines', async () => {
    const ctx = await makeApp();
    const { cookie } = await admin(ctx);
    const created = await call(ctx, 'POST', '/api/v1/environments', {
      cookie,
      json: { name: 'Portal PRD', production: true, internalDomains: 'mycompany.com' },
    });
    expect(created.status).toBe(201);
    const env = (await json<{ environment: { id: string } }>(created)).environment;
    const put = await importJson(ctx, { cookie }, env.id, 'Azure AD', [
      { username: 'ana', email: 'ana@mycompany.com' },
      { username: 'bo', email: 'bo@gmail.com' },
      { username: 'cy', email: 'cy@gmail.com', active: false },
    ]);
    expect(put).toMatchObject({ status: 'done', phase: '', rowsRead: 3, rowsWritten: 3, providers: ['Azure AD'] });
    let summary = await json<Summary>(await call(ctx, 'GET', '/api/v1/licence/summary', { cookie }));
    expect(summary.external.used).toBe(1);

    const csv = 'provider,username,email,active\nAzure AD,bo,bo@gmail.com,true\nAzure AD,dee,dee@gmail.com,maybe\n';
    const rejected = await importCsv(ctx, { cookie }, env.id, 'Azure AD', csv);
    expect(rejected.status).toBe('failed');
    expect(rejected.problems.join('\n')).toContain('line 3: active is "maybe"');
    // Longer than the directory holds: refused by line on both dialects (SQLite would store it, PostgreSQL would not).
    const long = await importCsv(
      ctx,
      { cookie },
      env.id,
      'Azure AD',
      `username,email\nbo,bo@gmail.com\n${'x'.repeat(321)},\n`,
    );
    expect(long.status).toBe('failed');
    expect(long.problems.join('\n')).toContain('line 3: username is 321 characters long, more than the 320');
    // Another provider's row in a call that replaces Azure AD: refused, naming both.
    const other = await importCsv(ctx, { cookie }, env.id, 'Azure AD', 'provider,username\nLDAP,zed\n');
    expect(other.problems.join('\n')).toContain('line 2: provider is "LDAP" but this import replaces "Azure AD"');
    summary = await json<Summary>(await call(ctx, 'GET', '/api/v1/licence/summary', { cookie }));
    expect(summary.external.used).toBe(1);

    const replaced = await importCsv(ctx, { cookie }, env.id, 'Azure AD', csv.replace('maybe', 'yes'));
    expect(replaced).toMatchObject({ status: 'done', rowsWritten: 2 });
    summary = await json<Summary>(await call(ctx, 'GET', '/api/v1/licence/summary', { cookie }));
    expect(summary).toMatchObject({ internal: { used: 1 }, external: { used: 2 } });
    await recountAgrees(ctx, cookie);

    // The raw-array read used in production gives the same records as the portable Kysely one.
    const { licensing } = ctx.licensing;
    const viaKysely = await licensing.recordsFromDb(licensing.environments);
    const restore = useBulkReads(ctx);
    try {
      expect(await licensing.recordsFromDb(licensing.environments)).toEqual(viaKysely);
      await recountAgrees(ctx, cookie);
      // With a database file or server, the recount runs in a worker thread on its own connection.
      expect(await licensing.recount()).toMatchObject({ agrees: true, via: 'worker' });
      // The worker is kept between recounts; two at once are queued and both answer.
      const [again, concurrent] = await Promise.all([licensing.recount(), licensing.recount()]);
      expect(again).toMatchObject({ agrees: true, via: 'worker' });
      expect(concurrent).toMatchObject({ agrees: true, via: 'worker' });
    } finally {
      restore();
    }
  });

  it('renames an environment without reading every account again: same figures, records under the new name', async () => {
    const ctx = await makeApp();
    const { cookie, account } = await admin(ctx);
    const created = await call(ctx, 'POST', '/api/v1/environments', {
      cookie,
      json: { name: 'Staging', production: true, internalDomains: 'mycompany.com' },
    });
    const { id } = (await json<{ environment: { id: string } }>(created)).environment;
    const users = [
      { username: 'ann', email: 'ann@mycompany.com' },
      { username: 'bob', email: 'bob@gmail.com' },
    ];
    await importJson(ctx, { cookie }, id, 'LDAP', users);
    const before = await json<Summary>(await call(ctx, 'GET', '/api/v1/licence/summary', { cookie }));

    const { licensing } = ctx.licensing;
    const reads = vi.spyOn(licensing, 'recordsFromDb');
    const renamed = await call(ctx, 'PATCH', `/api/v1/environments/${id}`, { cookie, json: { name: 'Testing' } });
    expect(renamed.status).toBe(200);
    expect(reads).not.toHaveBeenCalled();
    reads.mockRestore();

    const after = await json<Summary>(await call(ctx, 'GET', '/api/v1/licence/summary', { cookie }));
    expect({ internal: after.internal, external: after.external }).toEqual({
      internal: before.internal,
      external: before.external,
    });
    const environments = new Set([...licensing.live.held()].map((record) => record.environment));
    expect(environments.has('Testing')).toBe(true);
    expect(environments.has('Staging')).toBe(false);
    const token = await tokenFor(ctx, account, 'read');
    const lookup = await call(ctx, 'POST', '/api/v1/lookup', {
      token,
      json: { environment: 'Testing', accounts: [{ email: 'bob@gmail.com' }] },
    });
    expect(await lookup.json()).toMatchObject({
      environment: { name: 'Testing' },
      results: [{ classification: 'external', matches: [{ counted: true }] }],
    });
    await recountAgrees(ctx, cookie);
  });

  it('looks accounts up: classification with its reason, matches, counted or merged', async () => {
    const ctx = await makeApp();
    const { cookie, account } = await admin(ctx);
    await call(ctx, 'PATCH', '/api/v1/environments/own', { cookie, json: { internalDomains: 'mycompany.com' } });
    const candidate = await createAccount(ctx, 'candidate', 'sam@finance.mycompany.com');
    const token = await tokenFor(ctx, account, 'read');
    const response = await call(ctx, 'POST', '/api/v1/lookup', {
      token,
      json: { accounts: [{ email: 'SAM@finance.mycompany.com' }, { username: 'nobody' }] },
    });
    expect(response.status).toBe(200);
    const body = await json<{
      results: {
        classification: string;
        reason: string;
        matches: { accountId?: string; counted: boolean; active: boolean }[];
      }[];
    }>(response);
    expect(body.results[0]).toMatchObject({ classification: 'external' });
    expect(body.results[0]?.reason).toContain('subdomains must be listed one by one');
    expect(body.results[0]?.matches).toMatchObject([{ accountId: candidate.id, counted: true, active: true }]);
    expect(body.results[1]).toMatchObject({ classification: 'internal', matches: [] });
    // The stored record's own flags, even when the console shows only the username (issue 20).
    const imported = await importJson(ctx, { cookie }, 'own', 'LDAP', [
      { username: 'no-mail' },
      { username: 'ops', email: 'ops@ops.mycompany.com' },
    ]);
    expect(imported.status).toBe('done');
    const byUsername = await json<{ results: { matches: { flags?: string[] }[] }[] }>(
      await call(ctx, 'POST', '/api/v1/lookup', {
        token,
        json: { accounts: [{ username: 'no-mail' }, { username: 'ops' }] },
      }),
    );
    expect(byUsername.results[0]?.matches[0]?.flags).toContain('no-email');
    expect(byUsername.results[1]?.matches[0]?.flags).toContain('subdomain-of-listed');
    const tooMany = await call(ctx, 'POST', '/api/v1/lookup', {
      token,
      json: { accounts: Array.from({ length: 1001 }, () => ({ email: 'x@y.com' })) },
    });
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(await tooMany.json())).toContain('accounts');
  });
});

describe('licence portal: retention (rules 25 and 26)', () => {
  it('dry-runs, applies with one audit entry each, exempts staff, and reactivates on sign-in', async () => {
    const ctx = await makeApp();
    const root = await admin(ctx);
    const idle = await createAccount(ctx, 'candidate', 'idle@gmail.com');
    const blocked = await createAccount(ctx, 'candidate', 'blocked@gmail.com');
    await call(ctx, 'POST', `/api/v1/users/${blocked.id}/deactivate`, { cookie: root.cookie });
    ctx.advance(40 * 86_400);
    const cookie = await sessionCookieFor(ctx, root.account);
    const fresh = await createAccount(ctx, 'candidate', 'fresh@gmail.com');
    const staffCookie = cookie;
    await call(ctx, 'PATCH', '/api/v1/environments/own', {
      cookie,
      json: { retentionDays: 30, unverifiedDays: null },
    });
    const dryResponse = await call(ctx, 'GET', '/api/v1/retention', { cookie });
    const dry = await json<{ candidates: { id: string }[]; before: { internal: number }; after: { internal: number } }>(
      dryResponse,
    );
    expect(dry, JSON.stringify(dry)).toHaveProperty('candidates');
    expect(dry.candidates.map((c) => c.id)).toEqual([idle.id]);
    expect(dry.after.internal).toBe(dry.before.internal - 1);
    const applied = await call(ctx, 'POST', '/api/v1/retention/apply', { cookie: staffCookie });
    expect(applied.status).toBe(200);
    const audit = await ctx.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('target_account_id', '=', idle.id)
      .where('action', '=', 'account.deactivated')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).toContain('retention');
    let summary = await json<Summary>(await call(ctx, 'GET', '/api/v1/licence/summary', { cookie }));
    expect(summary.internal.used).toBe(2); // admin + fresh
    expect(fresh.active).toBe(1);

    // Rule 26: the retention-deactivated candidate signs in again and counts again; the admin-deactivated one does not.
    expect((await signInCookie(ctx, 'idle@gmail.com', STRONG_PASSWORD)).status).toBe(200);
    expect((await signInCookie(ctx, 'blocked@gmail.com', STRONG_PASSWORD)).status).toBe(403);
    summary = await json<Summary>(await call(ctx, 'GET', '/api/v1/licence/summary', { cookie }));
    expect(summary.internal.used).toBe(3);
    const reactivated = await ctx.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('target_account_id', '=', idle.id)
      .where('action', '=', 'account.activated')
      .execute();
    expect(reactivated[0]?.details).toContain('sign-in');
    await recountAgrees(ctx, cookie);
  });

  it('runs the daily job once per day even when asked twice', async () => {
    const ctx = await makeApp();
    await admin(ctx);

    expect(await runDailyJob(ctx.licensing)).toBe(true);
    expect(await runDailyJob(ctx.licensing)).toBe(false);
    ctx.advance(86_400);
    expect(await runDailyJob(ctx.licensing)).toBe(true);
    const history = await ctx.deps.db.selectFrom('licence_history').selectAll().execute();
    expect(history).toHaveLength(2);
  });
});

describe('licence portal: warnings', () => {
  it('emails admins once per level crossing and re-arms in the daily job when usage dropped', async () => {
    const ctx = await makeApp();
    const { cookie, account } = await admin(ctx);
    await call(ctx, 'PUT', '/api/v1/licence', { cookie, json: { type: 'subscription', startsOn: '2026-01-01' } });
    const warnings = async () => (await outbox(ctx, account.email)).filter((m) => m.subject.includes('licence'));
    const ids: string[] = [];
    for (let i = 0; i < 80; i++) {
      ids.push((await createAccount(ctx, 'candidate')).id);
      // One change at a time, so the crossing is noticed at exactly 80% (PostgreSQL applies changes asynchronously).
      await ctx.licensing.licensing.current();
    }
    expect((await warnings()).map((m) => m.subject)).toEqual(['Seatkeeper licence: internal users notice (80%)']);
    for (let i = 0; i < 3; i++) await createAccount(ctx, 'candidate');
    await ctx.licensing.licensing.current();
    expect(await warnings()).toHaveLength(1);
    for (const id of ids.slice(0, 10)) await call(ctx, 'POST', `/api/v1/users/${id}/deactivate`, { cookie });
    await ctx.licensing.licensing.current();
    // A drop re-arms the level in the daily job only (settled figures, one instance): before it, a rise mails nothing.
    for (let i = 0; i < 10; i++) await createAccount(ctx, 'candidate');
    await ctx.licensing.licensing.current();
    expect(await warnings()).toHaveLength(1);
    for (const id of ids.slice(10, 20)) await call(ctx, 'POST', `/api/v1/users/${id}/deactivate`, { cookie });
    await ctx.licensing.licensing.current();
    expect(await runDailyJob(ctx.licensing)).toBe(true);
    for (let i = 0; i < 10; i++) await createAccount(ctx, 'candidate');
    await ctx.licensing.licensing.current();
    expect(await warnings()).toHaveLength(2);
  });
});

describe('licence portal: live figures always equal a full recount', () => {
  it('repair themselves when they drift from the database (the periodic self-check)', async () => {
    const lines: string[] = [];
    const ctx = await makeApp({ log: (line) => lines.push(line) });
    const one = await createAccount(ctx, 'candidate', 'one@example.org');
    await createAccount(ctx, 'candidate', 'two@example.org');
    const { licensing } = ctx.licensing;
    await licensing.current();
    expect(await licensing.selfCheck()).toBe(true);
    // A change the live count never heard of.
    licensing.live.remove(ownRef(one.id));
    expect(licensing.live.totals().internal).toBe(1);
    expect(await licensing.selfCheck()).toBe(false);
    expect(licensing.live.totals().internal).toBe(2);
    expect(lines.some((line) => line.includes('live licence figures disagreed'))).toBe(true);
    expect(await licensing.selfCheck()).toBe(true);
  });

  it('a change is in the figures when it returns: at once with the SQLite raw handle, for readers on PostgreSQL', async () => {
    const ctx = await makeApp();
    const restore = useBulkReads(ctx);
    // SQLite's hook updates the live count synchronously; on PostgreSQL, readers wait for updates under way.
    const internal = async () => {
      if (TEST_DIALECT === 'postgres') await ctx.licensing.licensing.current();
      return ctx.licensing.licensing.live.totals().internal;
    };
    try {
      await ctx.licensing.licensing.ready();
      const before = await internal();
      const account = await createAccount(ctx, 'candidate', 'now@example.com');
      expect(await internal()).toBe(before + 1);
      await call(ctx, 'POST', `/api/v1/users/${account.id}/deactivate`, {
        cookie: (await admin(ctx)).cookie,
      });
      expect(await internal()).toBe(before + 1); // the admin counts, the candidate not
      await ctx.licensing.licensing.current();
    } finally {
      restore();
    }
  });

  const DOMAINS = ['mycompany.com', 'sales.mycompany.com', 'gmail.com', 'partner.org'];
  it.each([
    [1, 'kysely'],
    [2, 'kysely'],
    [3, 'kysely'],
    [4, 'bulk reads'],
    [5, 'bulk reads'],
  ] as const)('random sequence of changes, seed %i, reads through %s', async (seed, reads) => {
    const ctx = await makeApp();
    // "bulk reads": as `npm start` runs (useBulkReads).
    const restore = reads === 'bulk reads' ? useBulkReads(ctx) : () => {};
    const root = await admin(ctx);
    let cookie = root.cookie;
    const random = seededRandom(seed);
    const registered: string[] = [];
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const own: string[] = [];
    const envs: string[] = ['own'];
    let n = 0;
    const person = () => `p${Math.floor(random() * 12)}@${pick(DOMAINS)}`;
    for (let step = 0; step < 60; step++) {
      const roll = random();
      if (roll < 0.18) {
        const response = await call(ctx, 'POST', '/api/v1/users', {
          cookie,
          json: { email: `u${seed}-${n++}@${pick(DOMAINS)}`, name: 'Someone', role: pick(['candidate', 'support']) },
        });
        own.push((await json<{ account: { id: string } }>(response)).account.id);
      } else if (roll < 0.32 && own.length > 0) {
        await call(ctx, 'POST', `/api/v1/users/${pick(own)}/${random() < 0.6 ? 'deactivate' : 'activate'}`, { cookie });
      } else if (roll < 0.46) {
        const users = Array.from({ length: Math.floor(random() * 6) }, () => ({
          username: random() < 0.5 ? person() : `name${Math.floor(random() * 8)}`,
          email: random() < 0.8 ? person() : '',
          tenant: random() < 0.1 ? 'other' : '',
          active: random() < 0.8,
          itUser: random() < 0.1,
        }));
        const imported = await importJson(ctx, { cookie }, pick(envs), pick(['LDAP', 'Azure AD']), users);
        expect(imported.status).toBe('done');
      } else if (roll < 0.56) {
        const domains = DOMAINS.filter(() => random() < 0.4).join(', ');
        await call(ctx, 'PATCH', `/api/v1/environments/${pick(envs)}`, { cookie, json: { internalDomains: domains } });
      } else if (roll < 0.63) {
        const response = await call(ctx, 'POST', '/api/v1/environments', {
          cookie,
          json: { name: `Env ${seed}-${n++}`, production: random() < 0.7, internalDomains: pick(DOMAINS) },
        });
        envs.push((await json<{ environment: { id: string } }>(response)).environment.id);
      } else if (roll < 0.7) {
        const id = pick(envs);
        await call(ctx, 'PATCH', `/api/v1/environments/${id}`, {
          cookie,
          json: id === 'own' ? { name: `Prod ${n++}` } : { name: `Renamed ${n++}`, production: random() < 0.5 },
        });
      } else if (roll < 0.8 && registered.length < 8) {
        const email = `reg${seed}-${n++}@${pick(DOMAINS)}`;
        const response = await call(ctx, 'POST', '/api/v1/registrations', {
          json: { name: 'Registered', email, password: STRONG_PASSWORD },
        });
        expect(response.status).toBe(202);
        registered.push(email);
      } else if (roll < 0.88 && registered.length > 0) {
        // Rule 26: signing in reactivates a retention-deactivated candidate; an admin-deactivated one stays out.
        await signInCookie(ctx, pick(registered));
      } else if (roll < 0.93) {
        await call(ctx, 'PATCH', '/api/v1/environments/own', { cookie, json: { retentionDays: 1 } });
        ctx.advance(2 * 86_400);
        cookie = await sessionCookieFor(ctx, root.account);
        expect((await call(ctx, 'POST', '/api/v1/retention/apply', { cookie })).status).toBe(200);
      } else if (own.length > 0) {
        const id = pick(own);
        await ctx.deps.db.updateTable('accounts').set({ role: 'candidate' }).where('id', '=', id).execute();
        await call(ctx, 'PATCH', `/api/v1/users/${id}`, { cookie, json: { role: pick(['support', 'candidate']) } });
      }
      if (step % 5 === 4) await recountAgrees(ctx, cookie);
    }
    await recountAgrees(ctx, cookie);
    restore();
  });
});

describe('licence portal: forecast', () => {
  it('projects the last 30 days of external growth to the day capacity runs out and the packs needed', async () => {
    const { forecast } = await import('../../server/licensing/history.ts');
    const points = Array.from({ length: 30 }, (_, i) => ({
      day: `2026-11-${String(i + 1).padStart(2, '0')}`,
      internal: 50,
      external: 7_000 + i * 100,
      internalCapacity: 100,
      externalCapacity: 10_000,
    }));
    const outlook = forecast(points, { internal: 100, external: 10_000 }, '2026-11-30');
    expect(outlook.internal).toEqual({ perDay: 0, runsOutOn: null, packsNeeded12Months: 0 });
    expect(outlook.external.perDay).toBeCloseTo(100, 0);
    expect(outlook.external.runsOutOn).toBe('2026-12-01');
    // 9,900 + 100/day × 365 = 46,400 users a year from now: 4 packs of 10,000 on top of the 10,000.
    expect(outlook.external.packsNeeded12Months).toBe(4);
  });
});
