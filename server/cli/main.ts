// The `seatkeeper` command: dispatches to the licence audit and the server's admin commands. Every command and
// subcommand answers --help (exit 0, usage on stdout); --version prints the version.
import { readFileSync } from 'node:fs';
import { type CliIo, UsageError } from './io.ts';
import { LICENCE_USAGE, runLicenceCommand } from './licence.ts';

// Run from a bundle (bin/compiled-cli.mjs), the CLI starts its reading workers from that bundle.
export { workersFromBundle } from './read-part.ts';

const USAGE = `seatkeeper: licence accounting for certification platforms

${LICENCE_USAGE}

  seatkeeper admin create --email E --password-stdin [--name N]   create an admin (reads DATA_DIR like the server)
  seatkeeper db copy [--to postgres://...] [--replace]            copy the SQLite database of DATA_DIR to PostgreSQL
                                                                  (the target: --to, else DATABASE_URL)
  seatkeeper db backup --to FILE                                  a consistent backup of DATA_DIR's SQLite database
  seatkeeper --version                                            the version

  Every command takes --help.
`;

export const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The usage of the command the arguments name, as far as they name one. */
async function usageOf(words: string[]): Promise<string> {
  const [group, command] = words;
  if (group === 'licence' || group === 'license') return `${LICENCE_USAGE}\n`;
  if (group === 'admin') return (await import('./admin.ts')).ADMIN_USAGE;
  if (group === 'db') {
    if (command === 'backup') return (await import('./backup.ts')).BACKUP_USAGE;
    return (await import('./db.ts')).DB_USAGE;
  }
  return USAGE;
}

export async function main(args: string[], io: CliIo): Promise<number> {
  const [group, ...rest] = args;
  if (group === '--version' || group === '-V') {
    io.stdout.write(`seatkeeper ${VERSION}\n`);
    return 0;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(await usageOf(args.filter((arg) => !arg.startsWith('-'))));
    return 0;
  }
  try {
    if (group === 'licence' || group === 'license') return await runLicenceCommand(rest, io);
    if (group === 'admin') {
      const { runAdminCommand } = await import('./admin.ts');
      return await runAdminCommand(rest, io);
    }
    if (group === 'db') {
      const { runDbCommand } = await import('./db.ts');
      return await runDbCommand(rest, io);
    }
    if (group === undefined || group === 'help' || group === '--help' || group === '-h') {
      (group === undefined ? io.stderr : io.stdout).write(USAGE);
      return group === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command "${group}"\n\n${USAGE}`);
  } catch (error) {
    // parseArgs reports unknown or malformed flags with an ERR_PARSE_ARGS_* code: a usage mistake too.
    const code = (error as { code?: string }).code ?? '';
    if (error instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`seatkeeper: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
}
