// The command line behaves as operators expect (issue 23, item 13): --version, --help on every command and
// subcommand (exit 0, usage on stdout), `--input -` reads standard input. SQLite only (unit-areas project).
import { describe, expect, it } from 'vitest';
import { main, VERSION } from '../../server/cli/main.ts';
import { runCommand } from '../support/run-command.ts';

const seatkeeper = (args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) =>
  runCommand(main, args, options);

describe('seatkeeper', () => {
  it('prints its version', async () => {
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-V']) {
      expect(await seatkeeper([flag])).toEqual({ code: 0, out: `seatkeeper ${VERSION}\n`, err: '' });
    }
  });

  it.each([
    [[], 'seatkeeper: licence accounting'],
    [['licence'], 'seatkeeper licence classify'],
    [['licence', 'count'], 'seatkeeper licence count --input'],
    [['licence', 'classify'], 'seatkeeper licence classify --domains'],
    [['license', 'count'], 'seatkeeper licence count --input'],
    [['admin'], 'usage: seatkeeper admin create'],
    [['admin', 'create'], 'usage: seatkeeper admin create'],
    [['db'], 'usage: seatkeeper db copy'],
    [['db', 'copy'], 'usage: seatkeeper db copy'],
    [['db', 'backup'], 'usage: seatkeeper db backup --to FILE'],
  ])('answers --help and -h after %j with its usage, exit 0', async (words, usage) => {
    for (const flag of ['--help', '-h']) {
      const result = await seatkeeper([...words, flag]);
      expect(result.code, `${words.join(' ')} ${flag}: ${result.err}`).toBe(0);
      expect(result.out).toContain(usage);
      expect(result.err).toBe('');
    }
    // Among other options too: --help wins, nothing runs.
    expect((await seatkeeper([...words, '--json', '--help'])).code).toBe(0);
  });

  it('reads the accounts from standard input with --input -', async () => {
    const csv = 'username,email\nana,ana@mycompany.com\nbob,bob@gmail.com\ncid,cid@gmail.com\n';
    const result = await seatkeeper(['licence', 'count', '--input', '-', '--domains', 'mycompany.com', '--json'], {
      stdin: csv,
    });
    expect(result.code, result.err).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ input: '-', accounts: 3, internal: 1, external: 2 });
    const broken = await seatkeeper(['licence', 'count', '--input', '-', '--domains', 'x.com'], {
      stdin: 'username,active\nana,maybe\n',
    });
    expect(broken.code).toBe(2);
    expect(broken.err).toContain('line 2');
    expect(broken.out).toBe('');
  });
});
