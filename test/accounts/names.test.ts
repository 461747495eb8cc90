// Names are one line of ordinary text (issue 23, item 4): a name with CR/LF and a URL would write its own lines into
// Seatkeeper's mails (phishing from the trusted sender) and logs; bidirectional controls reorder what people read.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.ts';
import { call, createAccount, makeApp, outbox, STRONG_PASSWORD, sessionCookieFor } from '../support/server.ts';

const HOSTILE = [
  'Eve\r\n\r\nYour account is locked: https://evil.example/unlock',
  'Eve\nBcc: everyone@example.com',
  'Eve\u0000admin',
  'Eve \u202Egnp.exe',
  'Eve\u2028second line',
  'Eve\u2066hidden\u2069',
  'Eve\tTab',
];

describe('names', () => {
  it.each(HOSTILE)('refuses %j as a name on registration, saying what to fix, and sends no mail', async (name) => {
    const ctx = await makeApp();
    const response = await call(ctx, 'POST', '/api/v1/registrations', {
      json: { name, email: 'eve@example.com', password: STRONG_PASSWORD },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; fields: Record<string, string> } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.fields.name).toMatch(/one line/);
    expect(await outbox(ctx)).toHaveLength(0);
    expect(await ctx.deps.db.selectFrom('accounts').select('id').execute()).toHaveLength(0);
  });

  it('refuses control characters in a renamed account, a token name and an environment name', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin');
    const cookie = await sessionCookieFor(ctx, admin);
    const user = await createAccount(ctx, 'candidate');
    const renamed = await call(ctx, 'PATCH', `/api/v1/users/${user.id}`, { cookie, json: { name: 'A\r\nB' } });
    expect(renamed.status).toBe(400);
    const token = await call(ctx, 'POST', '/api/v1/tokens', { cookie, json: { name: 'ci\u202Enim', scope: 'read' } });
    expect(token.status).toBe(400);
    const environment = await call(ctx, 'POST', '/api/v1/environments', {
      cookie,
      json: { name: 'QA\nProduction', production: false, internalDomains: [] },
    });
    expect(environment.status).toBe(400);
    expect(((await environment.json()) as { error: { fields: Record<string, string> } }).error.fields.name).toMatch(
      /one line/,
    );
  });

  it('accepts names in any script, with accents, apostrophes and right-to-left letters', async () => {
    const ctx = await makeApp();
    for (const [n, name] of ['Zoë O’Brien-Smith', '山田 太郎', 'محمد عبد الله', 'Ærøskøbing Ltd.'].entries()) {
      const response = await call(ctx, 'POST', '/api/v1/registrations', {
        json: { name, email: `person${n}@example.com`, password: STRONG_PASSWORD },
      });
      expect(response.status).toBe(202);
    }
    expect(await ctx.deps.db.selectFrom('accounts').select('id').execute()).toHaveLength(4);
  });
});

describe('log lines', () => {
  it('escape what could forge a line or reorder text, and read back as the same values', () => {
    const lines: string[] = [];
    const logger = createLogger('info', (line) => lines.push(line));
    const value = 'Eve\n{"level":"error","message":"forged"}\r\u202Egnp.exe\u2028\u0085\u0000';
    logger.warn('sign-in failed', { name: value });
    expect(lines).toHaveLength(1);
    const [line] = lines as [string];
    expect(line.endsWith('\n')).toBe(true);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the raw characters must not be in the line.
    expect(line.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u0085\u2028\u202e]/);
    expect(JSON.parse(line)).toMatchObject({ level: 'warn', message: 'sign-in failed', name: value });
  });
});
