import { describe, expect, it } from 'vitest';
import { runAdminCommand } from '../../server/cli/admin.ts';
import { openDatabase } from '../../server/db/database.ts';
import { migrations } from '../../server/migrations.ts';
import { runCommand } from '../support/run-command.ts';
import { STRONG_PASSWORD, tempDatabase, tempDir } from '../support/server.ts';

const run = (args: string[], stdin: string, env: NodeJS.ProcessEnv) =>
  runCommand(runAdminCommand, args, { stdin, env });

describe('seatkeeper admin create', () => {
  it('creates an admin in the configured database, applying migrations, with the password from stdin', async () => {
    const database = await tempDatabase();
    const env = { ...database.env, LOG_LEVEL: 'silent' };
    const result = await run(
      ['create', '--email', 'Root@Example.com', '--name', 'Root', '--password-stdin'],
      `${STRONG_PASSWORD}\n`,
      env,
    );
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('Created administrator root@example.com');
    expect(result.out).not.toContain(STRONG_PASSWORD);

    const opened = await openDatabase(database.settings, { migrations });
    try {
      const account = await opened.db.selectFrom('accounts').selectAll().executeTakeFirstOrThrow();
      expect(account).toMatchObject({ email: 'root@example.com', name: 'Root', role: 'admin', active: 1 });
      expect(account.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      const audit = await opened.db.selectFrom('audit_events').selectAll().executeTakeFirstOrThrow();
      expect(audit).toMatchObject({ action: 'account.created', ip: 'cli' });
    } finally {
      await opened.close();
    }

    const again = await run(['create', '--email', 'root@example.com', '--password-stdin'], `${STRONG_PASSWORD}\n`, env);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already exists');
  });

  it.each([
    [['create', '--password-stdin'], STRONG_PASSWORD, '--email is required'],
    [['create', '--email', 'a@example.com'], STRONG_PASSWORD, '--password-stdin is required'],
    [
      ['create', '--email', 'not-an-email', '--password-stdin'],
      STRONG_PASSWORD,
      '--email: Enter a valid email address',
    ],
    [['create', '--email', 'a@example.com', '--password-stdin'], 'short\n', 'password: Use at least 8 characters.'],
    [['create', '--email', 'a@example.com', '--password-stdin'], 'password123\n', 'too common'],
    [
      ['create', '--email', 'a@example.com', '--password-stdin', '--bogus'],
      STRONG_PASSWORD,
      "Unknown option '--bogus'",
    ],
    [['destroy'], '', 'unknown admin command "destroy"'],
    [[], '', 'usage: seatkeeper admin create'],
  ])('rejects %j with exit code 2 and a clear message', async (args, stdin, message) => {
    const dataDir = await tempDir();
    const result = await run(args, stdin, { DATA_DIR: dataDir });
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.out).toBe('');
  });

  it('reports invalid configuration with exit code 2', async () => {
    const result = await run(['create', '--email', 'a@example.com', '--password-stdin'], STRONG_PASSWORD, {
      PORT: 'x',
    });
    expect(result.code).toBe(2);
    expect(result.err).toContain('PORT');
  });
});
