// Two server instances on one PostgreSQL database, reached over HTTP as a load balancer would reach them: they must
// behave as one server (sessions, live licence figures, imports, warnings, the daily job), whichever one a request
// lands on.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAccountByAdmin } from '../../server/accounts/administration.ts';
import { issueSetupLinkIfNeeded } from '../../server/accounts/setup.ts';
import { createApp } from '../../server/app.ts';
import { createSession } from '../../server/auth/sessions.ts';
import { loadConfig } from '../../server/config.ts';
import { type OpenedDatabase, openDatabase } from '../../server/db/database.ts';
import { startNodeServer } from '../../server/http/node-server.ts';
import type { LicensingDeps } from '../../server/licensing/context.ts';
import { runDailyJob } from '../../server/licensing/history.ts';
import { importSettled } from '../../server/licensing/import-run.ts';
import { createLogger } from '../../server/logger.ts';
import { createOutboxMailer } from '../../server/mail/queue.ts';
import { migrations } from '../../server/migrations.ts';
import { countLicences } from '../../shared/licensing/count.ts';
import { freshPostgresDatabase } from '../support/test-database.ts';

const PUBLIC_URL = 'http://seatkeeper.test';
const PASSWORD = 'correct horse battery staple';
/** Figures must be live on every instance within a second of the change. */
/** Polling gives up after this: a figure that never arrives fails the test. How fast they arrive is a benchmark's. */
const GIVE_UP_AFTER_MS = 20_000;

interface Instance {
  url: string;
  deps: LicensingDeps;
  database: OpenedDatabase;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function instancesOnOneDatabase(count: number): Promise<Instance[]> {
  const { url, remove } = await freshPostgresDatabase();
  cleanups.push(remove);
  const instances: Instance[] = [];
  for (let i = 0; i < count; i++) {
    const dataDir = await mkdtemp(join(tmpdir(), 'seatkeeper-instance-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    // Behind one load balancer: one public URL, the client address from X-Forwarded-For.
    const config = {
      ...loadConfig({ DATA_DIR: dataDir, DATABASE_URL: url, PUBLIC_URL, TRUST_PROXY: '1', LOG_LEVEL: 'silent' }),
      passwordHashing: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
    };
    const database = await openDatabase(config, { migrations });
    cleanups.push(() => database.close());
    const { app, licensing: deps } = createApp({
      config,
      database,
      bulkReads: true,
      mailer: createOutboxMailer(
        database.db,
        () => new Date(),
        () => {},
      ),
      logger: createLogger('silent'),
    });
    await deps.licensing.ready();
    const server = await startNodeServer(app, config, { port: 0, host: '127.0.0.1' });
    cleanups.push(async () => {
      await server.close();
      await deps.licensing.current();
    });
    instances.push({ url: `http://127.0.0.1:${server.port}`, deps, database });
  }
  return instances;
}

let clientIp = 0;

async function request(
  instance: Instance,
  method: string,
  path: string,
  options: { json?: unknown; cookie?: string } = {},
) {
  const headers: Record<string, string> = {
    origin: PUBLIC_URL,
    'x-forwarded-for': `10.1.${clientIp >> 8}.${clientIp++ & 255}`,
  };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${instance.url}${path}`, {
    method,
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
  });
}

async function adminCookie(instance: Instance): Promise<{ id: string; cookie: string }> {
  const admin = await createAccountByAdmin(
    instance.deps,
    { account: null, ip: 'test' },
    { email: `admin${Date.now()}@mycompany.com`, name: 'Admin', role: 'admin', password: PASSWORD },
  );
  return { id: admin.id, cookie: `seatkeeper_session=${await createSession(instance.deps.db, admin.id, new Date())}` };
}

interface Summary {
  internal: { used: number };
  external: { used: number };
}

/** A full count straight from the database, as no instance's memory holds it. */
async function fullCount(instance: Instance) {
  const { licensing } = instance.deps;
  const environments = await licensing.readEnvironments();
  const full = countLicences(await licensing.recordsFromDb(environments), environments);
  return { internal: full.internal, external: full.external };
}

/** Polls every instance's summary until it shows `expected`; returns how long that took. */
async function liveEverywhere(instances: Instance[], cookie: string, expected: { internal: number; external: number }) {
  const started = performance.now();
  let last: unknown[] = [];
  for (;;) {
    last = await Promise.all(
      instances.map(async (instance) => {
        const summary = (await (
          await request(instance, 'GET', '/api/v1/licence/summary', { cookie })
        ).json()) as Summary;
        return { internal: summary.internal.used, external: summary.external.used };
      }),
    );
    if (last.every((figures) => JSON.stringify(figures) === JSON.stringify(expected))) break;
    if (performance.now() - started > GIVE_UP_AFTER_MS) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(last).toEqual(instances.map(() => expected));
  return performance.now() - started;
}

describe('two instances on one PostgreSQL database', () => {
  it('count hundreds of candidates registering at once exactly, on both instances', async () => {
    const instances = await instancesOnOneDatabase(2);
    const [a, b] = instances as [Instance, Instance];
    const admin = await adminCookie(a);
    await request(a, 'PATCH', '/api/v1/environments/own', {
      cookie: admin.cookie,
      json: { internalDomains: 'mycompany.com' },
    });
    // Some existing candidates, to be deactivated while the registrations run.
    const existing: string[] = [];
    for (let i = 0; i < 20; i++) {
      const response = await request(b, 'POST', '/api/v1/users', {
        cookie: admin.cookie,
        json: { email: `existing${i}@example.org`, name: 'Existing', role: 'candidate' },
      });
      existing.push(((await response.json()) as { account: { id: string } }).account.id);
    }

    const REGISTRATIONS = 300;
    const responses = await Promise.all([
      ...Array.from({ length: REGISTRATIONS }, (_, i) => {
        // Every tenth address twice (on both instances): one account each, never two.
        const n = i % 10 === 9 ? i - 1 : i;
        return request(i % 2 === 0 ? a : b, 'POST', '/api/v1/registrations', {
          json: {
            name: `Candidate ${i}`,
            email: `c${n}@${n % 3 ? 'example.org' : 'mycompany.com'}`,
            password: PASSWORD,
          },
        });
      }),
      ...existing
        .slice(0, 10)
        .map((id, i) => request(i % 2 ? a : b, 'POST', `/api/v1/users/${id}/deactivate`, { cookie: admin.cookie })),
    ]);
    expect(responses.map((r) => r.status).filter((s) => s !== 200 && s !== 202)).toEqual([]);

    const accounts = await a.deps.db.selectFrom('accounts').select(['email', 'active']).execute();
    expect(accounts).toHaveLength(1 + 20 + REGISTRATIONS - REGISTRATIONS / 10);
    expect(accounts.filter((x) => x.active === 0)).toHaveLength(10);
    const expected = await fullCount(a);
    // The admin and the mycompany.com candidates are internal, the rest external.
    expect(expected.internal + expected.external).toBe(accounts.filter((x) => x.active === 1).length);
    const lag = await liveEverywhere(instances, admin.cookie, expected);
    console.log(
      `two instances: ${REGISTRATIONS} registrations, figures live on both ${Math.round(lag)} ms after the last answer`,
    );

    // And each instance's own check agrees: its live figures equal its full recount.
    for (const instance of instances) {
      const recount = (await (
        await request(instance, 'POST', '/api/v1/licence/recount', { cookie: admin.cookie })
      ).json()) as {
        agrees: boolean;
        differences: string[];
      };
      expect(recount).toMatchObject({ agrees: true, differences: [] });
    }
  }, 60_000);

  it('share sessions: signed in on one, recognised by the other; signed out on one, refused by the other at once', async () => {
    const [a, b] = (await instancesOnOneDatabase(2)) as [Instance, Instance];
    const admin = await adminCookie(a);
    await request(b, 'POST', '/api/v1/users', {
      cookie: admin.cookie,
      json: { email: 'person@example.org', name: 'Person', role: 'candidate', password: PASSWORD },
    });
    const signedIn = await request(a, 'POST', '/api/v1/session', {
      json: { email: 'person@example.org', password: PASSWORD },
    });
    expect(signedIn.status).toBe(200);
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect((await request(b, 'GET', '/api/v1/me', { cookie })).status).toBe(200);
    expect((await request(b, 'DELETE', '/api/v1/session', { cookie })).status).toBeLessThan(300);
    expect((await request(a, 'GET', '/api/v1/me', { cookie })).status).toBe(401);
  });

  it('each print a working setup link when started at once; of two used at once, only one creates the admin', async () => {
    const [a, b] = (await instancesOnOneDatabase(2)) as [Instance, Instance];
    const links = await Promise.all([issueSetupLinkIfNeeded(a.deps), issueSetupLinkIfNeeded(b.deps)]);
    const tokens = links.map((link) => new URL(link ?? '').searchParams.get('token') ?? '');
    expect(new Set(tokens).size).toBe(2);
    for (const token of tokens) {
      for (const instance of [a, b]) {
        expect((await request(instance, 'GET', `/setup?token=${encodeURIComponent(token)}`)).status).toBe(200);
      }
    }
    // Each link on the instance that did not print it, both at once.
    const answers = await Promise.all(
      [b, a].map((instance, i) =>
        request(instance, 'POST', '/api/v1/setup', {
          json: { token: tokens[i], name: 'Admin', email: `admin${i}@mycompany.com`, password: PASSWORD },
        }),
      ),
    );
    const outcomes = await Promise.all(
      answers.map(async (answer) =>
        answer.status === 201 ? 'created' : ((await answer.json()) as { error: { code: string } }).error.code,
      ),
    );
    expect(outcomes.sort()).toEqual(['created', 'setup_complete']);
    const admins = await a.deps.db.selectFrom('accounts').select('role').execute();
    expect(admins).toEqual([{ role: 'admin' }]);
  });

  it('apply an import and a rule edit made on the other instance', async () => {
    const instances = await instancesOnOneDatabase(2);
    const [a, b] = instances as [Instance, Instance];
    const admin = await adminCookie(a);
    const created = await request(a, 'POST', '/api/v1/environments', {
      cookie: admin.cookie,
      json: { name: 'Staging', production: true, internalDomains: 'partner.org' },
    });
    const { environment } = (await created.json()) as { environment: { id: string } };
    const users = Array.from({ length: 500 }, (_, i) => ({
      username: `user${i}`,
      email: `user${i}@${i % 4 ? 'partner.org' : 'elsewhere.net'}`,
      active: i % 10 !== 0,
    }));
    const imported = await request(a, 'PUT', `/api/v1/environments/${environment.id}/users`, {
      cookie: admin.cookie,
      json: { provider: 'LDAP', users },
    });
    expect(imported.status).toBe(202);
    await importSettled(((await imported.json()) as { id: string }).id);
    await liveEverywhere(instances, admin.cookie, await fullCount(a));
    // Each instance counted a's switch once (a itself, b when it heard of it): told of it again, as a's own change
    // feed tells a, neither reads a row.
    for (const instance of instances) {
      let read = 0;
      await instance.deps.licensing.applyProviders(environment.id, ['LDAP'], (rows) => {
        read = rows;
      });
      expect(read).toBe(0);
    }

    // Replaced on b, reclassified on a: each instance learns of the other's change.
    const replaced = await request(b, 'PUT', `/api/v1/environments/${environment.id}/users`, {
      cookie: admin.cookie,
      json: { provider: 'LDAP', users: users.slice(0, 300) },
    });
    expect(replaced.status).toBe(202);
    await importSettled(((await replaced.json()) as { id: string }).id);
    await request(a, 'PATCH', `/api/v1/environments/${environment.id}`, {
      cookie: admin.cookie,
      json: { internalDomains: 'elsewhere.net' },
    });
    await liveEverywhere(instances, admin.cookie, await fullCount(b));
    // A rename rebuilds from the database on the instance that hears of it.
    await request(b, 'PATCH', `/api/v1/environments/${environment.id}`, {
      cookie: admin.cookie,
      json: { name: 'Acceptance' },
    });
    await liveEverywhere(instances, admin.cookie, await fullCount(a));
    const names = await Promise.all(
      instances.map(async ({ deps }) => {
        await deps.licensing.current();
        return deps.licensing.live
          .totals()
          .environments.map((e) => e.name)
          .sort();
      }),
    );
    expect(names).toEqual([
      ['Acceptance', 'Production'],
      ['Acceptance', 'Production'],
    ]);
  });

  it('show an import running on one instance on the progress page of the other', async () => {
    const [a, b] = (await instancesOnOneDatabase(2)) as [Instance, Instance];
    const admin = await adminCookie(a);
    const rows = Array.from({ length: 40_000 }, (_, i) => `user${i},user${i}@example.net`).join('\n');
    const form = new FormData();
    form.set('file', new Blob([`username,email\n${rows}\n`], { type: 'text/csv' }), 'users.csv');
    const upload = await fetch(`${a.url}/portal/environments/own/import`, {
      method: 'POST',
      headers: { origin: PUBLIC_URL, cookie: admin.cookie },
      body: form,
      redirect: 'manual',
    });
    expect(upload.status).toBe(303);
    const page = upload.headers.get('location') as string;
    const seen: number[] = [];
    for (let polls = 0; polls < 6000; polls++) {
      const text = await (await request(b, 'GET', page, { cookie: admin.cookie })).text();
      const progress = /Rows written<\/dt><dd>([\d,]+)<\/dd>/.exec(text)?.[1];
      if (progress) seen.push(Number(progress.replace(/,/g, '')));
      else break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // b never ran it, yet saw it advance; then it stopped at its preview, waiting for a confirmation.
    expect(seen.some((n) => n > 0 && n < 40_000)).toBe(true);
    const id = page.split('/').pop() as string;
    await importSettled(id);
    const status = await a.deps.db.selectFrom('licence_imports').select('status').executeTakeFirstOrThrow();
    expect(status.status).toBe('preview');
    // Confirmed on b, switched on b: both count the 40,000 accounts.
    const confirmed = await request(b, 'POST', `/api/v1/imports/${id}/confirmation`, { cookie: admin.cookie });
    expect(confirmed.status).toBe(202);
    await importSettled(id);
    await liveEverywhere([a, b], admin.cookie, await fullCount(b));
  }, 60_000);

  it('mail a usage warning once and run the daily job once, although both instances try', async () => {
    const instances = await instancesOnOneDatabase(2);
    const [a, b] = instances as [Instance, Instance];
    const admin = await adminCookie(a);
    await request(a, 'PUT', '/api/v1/licence', {
      cookie: admin.cookie,
      json: { type: 'subscription', startsOn: '2026-01-01' },
    });
    // 100 internal users included: 80 is the notice level. Created on both instances at once.
    await Promise.all(
      Array.from({ length: 85 }, (_, i) =>
        request(i % 2 ? a : b, 'POST', '/api/v1/users', {
          cookie: admin.cookie,
          json: { email: `staff${i}@example.org`, name: 'Staff', role: 'support', password: PASSWORD },
        }),
      ),
    );
    await liveEverywhere(instances, admin.cookie, await fullCount(a));
    await Promise.all(instances.map((instance) => instance.deps.licensing.current()));
    const warnings = await a.deps.db
      .selectFrom('outbox')
      .select('subject')
      .where('subject', 'like', 'Seatkeeper licence: internal users notice%')
      .execute();
    expect(warnings).toHaveLength(1);

    const ran = await Promise.all([runDailyJob(a.deps), runDailyJob(b.deps), runDailyJob(a.deps)]);
    expect(ran.filter(Boolean)).toHaveLength(1);
  });

  it('reload everything when the change feed was cut, so a change made meanwhile is not missed', async () => {
    const instances = await instancesOnOneDatabase(2);
    const [a, b] = instances as [Instance, Instance];
    const admin = await adminCookie(a);
    await liveEverywhere(instances, admin.cookie, await fullCount(a));
    // Cut every instance's listening connection, then change something before they are back.
    await a.database.postgres?.pool.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'seatkeeper-changes'",
    );
    const response = await request(a, 'POST', '/api/v1/users', {
      cookie: admin.cookie,
      json: { email: 'meanwhile@example.org', name: 'Meanwhile', role: 'candidate' },
    });
    expect(response.status).toBe(201);
    await liveEverywhere(instances, admin.cookie, await fullCount(b));
    expect((await fullCount(b)).internal).toBe(2);
  });
});
