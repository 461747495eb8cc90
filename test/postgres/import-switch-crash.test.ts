// The switch of an import is one transaction (issue 21). On PostgreSQL the test can stop it half-way: it holds the
// provider's row, so the server's switch waits inside its transaction, phase "switching"; the server is killed there
// with SIGKILL, and after a restart the previous users are in force and the import says so.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  api,
  createAdmin,
  importFinished,
  makeDataDir,
  type RunningServer,
  type ServerData,
  signIn,
  startServer,
} from '../e2e/server-process.ts';

let data: ServerData | undefined;
let server: RunningServer | undefined;

afterAll(async () => {
  await server?.stop();
  await data?.remove();
});

describe('an import killed inside its switch', () => {
  it('leaves the previous users in force', async () => {
    data = await makeDataDir();
    createAdmin(data);
    server = await startServer(data);
    let cookie = await signIn(server.url, ADMIN.email, ADMIN.password);
    const { environment } = (await api(server.url, cookie, 'POST', '/api/v1/environments', {
      name: 'Directory PRD',
      production: true,
      internalDomains: 'mycompany.com',
    })) as { environment: { id: string } };
    const previous = Array.from({ length: 50 }, (_, i) => ({ username: `old${i}`, email: `old.${i}@mycompany.com` }));
    await importFinished(
      server.url,
      cookie,
      await api(server.url, cookie, 'PUT', `/api/v1/environments/${environment.id}/users`, {
        provider: 'Directory',
        users: previous,
      }),
    );

    const holder = new pg.Client({ connectionString: data.settings.databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query(
        `select * from licence_providers where environment_id = $1 and name = 'Directory' for update`,
        [environment.id],
      );
      const rows = ['username,email', ...Array.from({ length: 5_000 }, (_, i) => `new${i},new.${i}@partner.org`)];
      const answer = (await api(server.url, cookie, 'PUT', `/api/v1/environments/${environment.id}/users`, {
        provider: 'Directory',
        users: rows.slice(1).map((line) => ({ username: line.split(',')[0], email: line.split(',')[1] })),
      })) as { id: string };
      // The switch has begun and waits for the provider's row: its transaction is open. (Activity is read outside
      // the holding transaction, which would keep showing the snapshot it took first.)
      for (;;) {
        await holder.query('select pg_stat_clear_snapshot()');
        const { rows: waiting } = await holder.query(
          `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like '%licence_providers%'`,
        );
        const seen = (await api(server.url, cookie, 'GET', `/api/v1/imports/${answer.id}`)) as { phase: string };
        if (waiting[0].n > 0 && seen.phase === 'switching') break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await server.kill();
      await holder.query('rollback');

      server = await startServer(data);
      cookie = await signIn(server.url, ADMIN.email, ADMIN.password);
      const after = (await api(server.url, cookie, 'GET', `/api/v1/imports/${answer.id}`)) as {
        status: string;
        problems: string[];
      };
      expect(after.status).toBe('failed');
      expect(after.problems[0]).toContain('interrupted by a restart while switching');
      const { rows: inForce } = await holder.query(
        `select a.username from licence_accounts a join licence_providers p
           on p.environment_id = a.environment_id and p.name = a.provider and p.generation = a.generation
         where a.environment_id = $1 order by a.username`,
        [environment.id],
      );
      expect(inForce.map((r) => r.username)).toEqual(previous.map((u) => u.username).sort());
      const recount = (await api(server.url, cookie, 'POST', '/api/v1/licence/recount')) as { agrees: boolean };
      expect(recount.agrees).toBe(true);
    } finally {
      await holder.end();
    }
  }, 120_000);
});
