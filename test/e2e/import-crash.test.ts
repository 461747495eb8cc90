// Crash safety of imports (issue 21): the real server is killed with SIGKILL while an import writes its rows, around
// its switch, and while the live figures take it, then restarted on the same data. Whenever it dies, the provider's
// users are either all the previous ones or all the new ones (the import then says done), never a mix, and the live
// figures agree with a full recount.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECT } from '../support/test-database.ts';
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
} from './server-process.ts';

const OLD_USERS = 2_000;
/** Enough rows that the import is still writing when the test looks, however fast the machine. */
const NEW_ROWS = 120_000;

interface ImportState {
  id: string;
  status: string;
  phase: string;
  rowsWritten: number;
  problems: string[];
}

let data: ServerData;
let server: RunningServer;
let cookie: string;
let environmentId: string;

const newList = (tag: string) => {
  const lines = ['username,email,active'];
  for (let i = 0; i < NEW_ROWS; i++) lines.push(`${tag}${i},${tag}.${i}@partner.org,${i % 9 !== 0}`);
  return `${lines.join('\n')}\n`;
};

async function putList(csv: string): Promise<string> {
  const response = await fetch(`${server.url}/api/v1/environments/${environmentId}/users?provider=Directory`, {
    method: 'PUT',
    headers: { cookie, origin: server.url, 'content-type': 'text/csv' },
    body: csv,
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

const state = async (id: string) => (await api(server.url, cookie, 'GET', `/api/v1/imports/${id}`)) as ImportState;

/** Asks for the import until `until` holds of it (or it has ended); returns what it last saw. */
async function watch(id: string, until: (s: ImportState) => boolean): Promise<ImportState> {
  for (;;) {
    const seen = await state(id);
    if (until(seen) || (seen.status !== 'running' && !(seen.status === 'done' && seen.phase === 'counting'))) {
      return seen;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function restart(): Promise<void> {
  server = await startServer(data);
  cookie = await signIn(server.url, ADMIN.email, ADMIN.password);
}

/** Whether the directory holds this username in force (the lookup reads rows in force only). */
async function known(username: string): Promise<boolean> {
  const answer = (await api(server.url, cookie, 'POST', '/api/v1/lookup', {
    environment: 'Directory PRD',
    accounts: [{ username }],
  })) as { results: { matches: unknown[] }[] };
  return (answer.results[0]?.matches.length ?? 0) > 0;
}

/**
 * On SQLite, the search index holds exactly the rows of the table (FTS5's own check, which fails on a row missing or
 * one left behind): a large import's rows reach it only after they are all written (search-backlog.ts), and a killed
 * import's are deleted without touching it.
 */
function expectSearchIndexIntact(): void {
  if (TEST_DIALECT !== 'sqlite') return;
  const sqlite = new SQLite(join(data.dir, 'seatkeeper.sqlite'));
  try {
    sqlite.pragma('busy_timeout = 10000');
    sqlite.prepare("insert into licence_accounts_search (licence_accounts_search) values ('integrity-check')").run();
  } finally {
    sqlite.close();
  }
}

/**
 * All previous users or all new ones, matching what the import says; the live figures agree with a recount, and the
 * search index with the table.
 */
async function expectWholeList(id: string, tag: string): Promise<'old' | 'new'> {
  const after = await state(id);
  const recount = (await api(server.url, cookie, 'POST', '/api/v1/licence/recount')) as { agrees: boolean };
  expect(recount.agrees).toBe(true);
  expectSearchIndexIntact();
  const held = {
    oldFirst: await known('old0'),
    oldLast: await known(`old${OLD_USERS - 1}`),
    newFirst: await known(`${tag}0`),
    newLast: await known(`${tag}${NEW_ROWS - 1}`),
  };
  if (after.status === 'done') {
    expect(held).toEqual({ oldFirst: false, oldLast: false, newFirst: true, newLast: true });
    expect(after.phase).toBe('');
    return 'new';
  }
  expect(after.status).toBe('failed');
  expect(after.problems.join(' ')).toContain('the previous users are still in force');
  expect(held).toEqual({ oldFirst: true, oldLast: true, newFirst: false, newLast: false });
  return 'old';
}

beforeAll(async () => {
  data = await makeDataDir();
  // On SQLite every list goes through the import's worker thread, as large lists do in production: it dies with the
  // process, inside a batch or between two.
  data.env.IMPORT_THREAD_FROM_BYTES = '0';
  createAdmin(data);
  await restart();
  const created = (await api(server.url, cookie, 'POST', '/api/v1/environments', {
    name: 'Directory PRD',
    production: true,
    internalDomains: 'mycompany.com',
  })) as { environment: { id: string } };
  environmentId = created.environment.id;
  const users = Array.from({ length: OLD_USERS }, (_, i) => ({ username: `old${i}`, email: `old.${i}@mycompany.com` }));
  await importFinished(
    server.url,
    cookie,
    await api(server.url, cookie, 'PUT', `/api/v1/environments/${environmentId}/users`, {
      provider: 'Directory',
      users,
    }),
  );
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await data?.remove();
});

describe('crash safety of imports', () => {
  it('keeps the previous users when killed while the rows are written', async () => {
    const id = await putList(newList('mid'));
    // Killed once some batches are committed, out of sight.
    const seen = await watch(id, (s) => s.rowsWritten >= 4_000);
    expect(seen.status).toBe('running');
    expect(seen.phase).toBe('reading');
    const files = () => readdirSync(join(data.dir, 'imports')).filter((file) => file.startsWith(id));
    // On SQLite the list, longer than a sorting window, is being written from its sorted runs on disk.
    if (TEST_DIALECT === 'sqlite') expect(files()).toContain(`${id}.sorting`);
    await server.kill();
    await restart();
    const after = await state(id);
    expect(after).toMatchObject({ status: 'failed' });
    expect(after.problems[0]).toContain('interrupted by a restart');
    // Neither the spooled list nor its runs outlive the restart.
    expect(files()).toEqual([]);
    expect(await expectWholeList(id, 'mid')).toBe('old');
  }, 180_000);

  it('keeps one whole list when killed around the switch', async () => {
    const id = await putList(newList('switch'));
    const seen = await watch(id, (s) => s.phase === 'checking' || s.phase === 'switching' || s.status === 'done');
    await server.kill();
    await restart();
    // Killed before the switch committed: the previous users; after: the new ones. Never a mix.
    const outcome = await expectWholeList(id, 'switch');
    console.log(`import crash test: killed at ${seen.status}/${seen.phase}: the ${outcome} users are in force`);
  }, 180_000);

  it('keeps the new users when killed after the switch, while the live figures take them', async () => {
    const id = await putList(newList('count'));
    const seen = await watch(id, (s) => s.status === 'done');
    await server.kill();
    await restart();
    expect(seen.status).toBe('done');
    expect(await expectWholeList(id, 'count')).toBe('new');
    console.log(`import crash test: killed at done/${seen.phase || 'finished'}: the new users are in force`);
  }, 180_000);
});
