// Search anywhere in the users list (issue 18): any part of email, username or name, whatever the case, through the
// search index of each database (FTS5 trigram on SQLite, pg_trgm on PostgreSQL), kept in step with every write.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { BROAD_MATCHES, LARGE_ENVIRONMENT, trigramsOf } from '../../server/licensing/directory.ts';
import { importJson } from '../support/imports.ts';
import { call, createAccount, makeApp, sessionCookieFor, type TestContext } from '../support/server.ts';
import { TEST_DIALECT } from '../support/test-database.ts';

async function found(ctx: TestContext, cookie: string, query: string): Promise<string[]> {
  const response = await call(ctx, 'GET', `/portal/users?${new URLSearchParams(query)}`, { cookie });
  expect(response.status, query).toBe(200);
  const text = await response.text();
  return [...text.matchAll(/data-email="([^"]*)"/g)].map((m) => m[1] as string).sort();
}

async function importUsers(ctx: TestContext, cookie: string, users: { username: string; email: string }[]) {
  expect((await importJson(ctx, { cookie }, 'own', 'Okta', users)).status).toBe('done');
}

describe('search anywhere in the users list', () => {
  it('matches any part of email, username or name, ignoring case; short searches match the start', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin', 'boss@mycompany.com');
    const cookie = await sessionCookieFor(ctx, admin);
    const mina = await createAccount(ctx, 'candidate', 'mina.sato@partner.co.jp');
    await call(ctx, 'PATCH', `/api/v1/users/${mina.id}`, { cookie, json: { name: 'Mina Sato' } });
    await importUsers(ctx, cookie, [
      { username: 'HTanaka', email: 'Hiro.Tanaka@Gmail.com' },
      { username: 'ken.ito', email: 'ken@gmail.com' },
      { username: 'odd%_"name', email: 'odd@example.org' },
    ]);

    expect(await found(ctx, cookie, 'q=tanaka')).toEqual(['Hiro.Tanaka@Gmail.com']);
    expect(await found(ctx, cookie, 'q=TANAKA')).toEqual(['Hiro.Tanaka@Gmail.com']);
    expect(await found(ctx, cookie, 'q=gmail.com')).toEqual(['Hiro.Tanaka@Gmail.com', 'ken@gmail.com']);
    // The username only: ken.ito is in no email.
    expect(await found(ctx, cookie, 'q=n.it')).toEqual(['ken@gmail.com']);
    // The name only, whichever field the list is sorted by.
    expect(await found(ctx, cookie, 'q=a sat&sort=username')).toEqual(['mina.sato@partner.co.jp']);
    // Search characters are text, not wildcards or query syntax.
    expect(await found(ctx, cookie, 'q=%_"')).toEqual(['odd@example.org']);
    expect(await found(ctx, cookie, 'q=d%_')).toEqual(['odd@example.org']);
    expect(await found(ctx, cookie, 'q=zzzz')).toEqual([]);
    // One or two characters: the start of the sorted field only.
    expect(await found(ctx, cookie, 'q=ke')).toEqual(['ken@gmail.com']);
    expect(await found(ctx, cookie, 'q=en')).toEqual([]);
    expect(await found(ctx, cookie, 'q=HT&sort=username')).toEqual(['Hiro.Tanaka@Gmail.com']);
  });

  it('finds the text itself, not rows that hold its pieces apart or in different fields', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin', 'boss@mycompany.com');
    const cookie = await sessionCookieFor(ctx, admin);
    // On SQLite the index tells which rows hold every trigram of "abcd" (abc, bcd), not where: all three do.
    await importUsers(ctx, cookie, [
      { username: 'apart', email: 'abcxbcd@example.org' },
      { username: 'bcd.fields', email: 'abc.fields@example.org' },
      { username: 'whole', email: 'zabcdz@example.org' },
    ]);
    const page = await (await call(ctx, 'GET', '/portal/users?q=abcd', { cookie })).text();
    expect([...page.matchAll(/data-email="([^"]*)"/g)].map((m) => m[1])).toEqual(['zabcdz@example.org']);
    expect(page).toContain('1 matching account.');
    // A search of more trigrams than the index is asked for (16) is still matched whole.
    expect(await found(ctx, cookie, 'q=zabcdz@example.org')).toEqual(['zabcdz@example.org']);
    expect(await found(ctx, cookie, 'q=zabcdz@example.orf')).toEqual([]);
  });

  it('asks the index for at most 16 trigrams of a long search, its first and last among them, quotes doubled', () => {
    const q = 'a.very.long."quoted".address@example.org';
    const terms = trigramsOf(q).split(' AND ');
    expect(terms).toHaveLength(16);
    expect(terms[0]).toBe('"a.v"');
    expect(terms.at(-1)).toBe('"org"');
    for (const term of terms) expect([...term.slice(1, -1).replaceAll('""', '"')]).toHaveLength(3);
    expect(trigramsOf('a"b')).toBe('"a""b"');
    expect(trigramsOf('abcd')).toBe('"abc" AND "bcd"');
    expect(trigramsOf('aaaa')).toBe('"aaa"');
  });

  it('stays in step with imports, renames and erasure', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin', 'boss@mycompany.com');
    const cookie = await sessionCookieFor(ctx, admin);
    await importUsers(ctx, cookie, [{ username: 'first', email: 'first.tanaka@gmail.com' }]);
    expect(await found(ctx, cookie, 'q=tanaka')).toEqual(['first.tanaka@gmail.com']);
    // A new import of the provider replaces its accounts, in the index too.
    await importUsers(ctx, cookie, [{ username: 'second', email: 'second.tanaka@gmail.com' }]);
    expect(await found(ctx, cookie, 'q=tanaka')).toEqual(['second.tanaka@gmail.com']);
    expect(await found(ctx, cookie, 'q=first')).toEqual([]);

    const ken = await createAccount(ctx, 'candidate', 'ken@partner.example');
    await call(ctx, 'POST', `/portal/users/${ken.id}`, { cookie, form: { name: 'Ken Ito', role: 'candidate' } });
    expect(await found(ctx, cookie, 'q=n ito')).toEqual(['ken@partner.example']);
    await call(ctx, 'POST', `/portal/users/${ken.id}`, { cookie, form: { name: 'Kenji Abe', role: 'candidate' } });
    expect(await found(ctx, cookie, 'q=n ito')).toEqual([]);
    expect(await found(ctx, cookie, 'q=ji abe')).toEqual(['ken@partner.example']);

    const erased = await call(ctx, 'POST', `/portal/users/${ken.id}/erasure`, { cookie, form: { confirm: 'erase' } });
    expect(erased.status).toBe(303);
    await ctx.licensing.licensing.current();
    expect(await found(ctx, cookie, 'q=partner.example')).toEqual([]);
  });

  it('keeps no trace of an erased address in the SQLite search index (secure-delete)', async () => {
    const ctx = await makeApp();
    if (TEST_DIALECT !== 'sqlite') return; // PostgreSQL's GIN index holds tuple ids, not the text
    const admin = await createAccount(ctx, 'admin', 'boss@mycompany.com');
    const cookie = await sessionCookieFor(ctx, admin);
    const person = await createAccount(ctx, 'candidate', 'zqxwv.person@partner.example');
    await ctx.licensing.licensing.current();
    const index = async () => {
      const { rows } = await sql<{ block: Uint8Array }>`select block from licence_accounts_search_data`.execute(
        ctx.deps.db,
      );
      return rows.map((r) => Buffer.from(r.block).toString('latin1')).join('|');
    };
    expect(await index()).toContain('qxw');
    await call(ctx, 'POST', `/portal/users/${person.id}/erasure`, { cookie, form: { confirm: 'erase' } });
    await ctx.licensing.licensing.current();
    expect(await index()).not.toContain('qxw');
  });
});

describe('a search that matches thousands', () => {
  it('walks the sorted list instead of the index, with the same answers', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin', 'boss@mycompany.com');
    const cookie = await sessionCookieFor(ctx, admin);
    const many = BROAD_MATCHES + 100;
    const users = Array.from({ length: many }, (_, i) => ({ username: `u${i}`, email: `p${i}@Gmail.com` }));
    await importUsers(ctx, cookie, [...users, { username: 'tanaka', email: 'tanaka@outlook.com' }]);
    const text = await (await call(ctx, 'GET', '/portal/users?q=mail.co', { cookie })).text();
    expect(text).toContain('More than 10,000 matching accounts.');
    expect([...text.matchAll(/data-email="([^"]*)"/g)].map((m) => m[1])).toEqual(
      users
        .map((u) => u.email)
        .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))
        .slice(0, 25),
    );
    // The next page follows on, and the selective search beside it still uses the index.
    const next = /href="([^"]+)" rel="next"/.exec(text)?.[1]?.replace(/&amp;/g, '&') ?? '';
    expect(await found(ctx, cookie, next.split('?')[1] ?? '')).toHaveLength(25);
    expect(await found(ctx, cookie, 'q=outlook')).toEqual(['tanaka@outlook.com']);

    // An environment this large lists in the same order, whichever way the database finds its rows.
    expect(many).toBeGreaterThan(LARGE_ENVIRONMENT);
    const everyone = [...users.map((u) => u.email), 'tanaka@outlook.com', 'boss@mycompany.com'];
    const inEnvironment = await (await call(ctx, 'GET', '/portal/users?environment=own', { cookie })).text();
    expect([...inEnvironment.matchAll(/data-email="([^"]*)"/g)].map((m) => m[1])).toEqual(
      everyone.sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)).slice(0, 25),
    );
  });
});

describe('a merged person’s accounts', () => {
  it('are named with their environment and provider, not by reference', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin', 'boss@mycompany.com');
    const cookie = await sessionCookieFor(ctx, admin);
    const candidate = await createAccount(ctx, 'candidate', 'dup@gmail.com');
    await importUsers(ctx, cookie, [{ username: 'dup.legacy', email: 'DUP@gmail.com' }]);
    const detail = await (await call(ctx, 'GET', `/portal/users/${candidate.id}`, { cookie })).text();
    expect(detail).toContain('Same person as');
    expect(detail).toMatch(
      /<a href="\/portal\/directory\/\d+">dup\.legacy<\/a> <span class="hint">in Production, Okta/,
    );
    expect(detail).not.toMatch(/>import:\d+</);
  });
});
