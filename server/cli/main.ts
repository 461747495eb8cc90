// The `seatkeeper` command: dispatches to the licence audit and the server's admin commands.
import { type CliIo, UsageError } from './io.ts';
import { LICENCE_USAGE, runLicenceCommand } from './licence.ts';

const USAGE = `seatkeeper: licence accounting for certification platforms

${LICENCE_USAGE}

  seatkeeper admin create --email E --password-stdin [--name N]   create an admin (reads DATA_DIR like the server)
  seatkeeper db copy --to postgres://... [--replace]              copy the SQLite database of DATA_DIR to PostgreSQL
`;

export async function main(args: string[], io: CliIo): Promise<number> {
  const [group, ...rest] = args;
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
