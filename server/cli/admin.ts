// `seatkeeper admin create --email E --password-stdin [--name N]`: creates an administrator from the command line.
import { parseArgs } from 'node:util';
import { toAccountView } from '../accounts/accounts.ts';
import { createAccountByAdmin } from '../accounts/administration.ts';
import { emailField, nameField } from '../accounts/api/schemas.ts';
import { buildDeps } from '../app.ts';
import { newPasswordSchema } from '../auth/passwords.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { ApiError, firstProblem } from '../http/errors.ts';
import { createLogger } from '../logger.ts';
import type { Mailer } from '../mail/mailer.ts';
import { migrations } from '../migrations.ts';
import type { CliIo } from './io.ts';

export const ADMIN_USAGE = `usage: seatkeeper admin create --email E --password-stdin [--name N]

  Creates an administrator in DATA_DIR (default ./data), applying migrations first.
  The password is read from standard input (first line), so it never appears in the process list or shell history.
`;

class InputError extends Error {}

async function readFirstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/** The CLI never sends mail: an admin created here already has a password. */
const noMail: Mailer = { send: async () => {}, nudge: () => {} };

export async function runAdminCommand(args: string[], io: CliIo): Promise<number> {
  const fail = (message: string) => {
    io.stderr.write(`seatkeeper admin: ${message}\n`);
    return 2;
  };
  try {
    const [command, ...rest] = args;
    if (command === undefined || command === 'help' || command === '--help') {
      (command === undefined ? io.stderr : io.stdout).write(ADMIN_USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command !== 'create') throw new InputError(`unknown admin command "${command}"\n\n${ADMIN_USAGE}`);
    const { values } = parseArgs({
      args: rest,
      options: { email: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    });
    if (!values.email) throw new InputError(`--email is required\n\n${ADMIN_USAGE}`);
    if (!values['password-stdin']) {
      throw new InputError(
        '--password-stdin is required: pipe the password on standard input, e.g. `printf %s "$PW" | seatkeeper admin create ...`',
      );
    }
    const email = emailField.safeParse(values.email.trim());
    if (!email.success) throw new InputError(`--email: ${firstProblem(email.error)}`);
    const name = nameField.safeParse(values.name ?? values.email.split('@')[0] ?? 'Administrator');
    if (!name.success) throw new InputError(`--name: ${firstProblem(name.error)}`);
    const password = newPasswordSchema.safeParse(await readFirstLine(io.stdin));
    if (!password.success) throw new InputError(`password: ${firstProblem(password.error)}`);

    const config = loadConfig(io.env);
    const database = await openDatabase(config, { migrations });
    try {
      const deps = buildDeps({ config, database, mailer: noMail, logger: createLogger('silent') });
      const account = await createAccountByAdmin(
        deps,
        { account: null, ip: 'cli' },
        { email: email.data, name: name.data, role: 'admin', password: password.data },
      );
      io.stdout.write(`Created administrator ${account.email} (id ${toAccountView(account).id}).\n`);
      return 0;
    } finally {
      await database.close();
    }
  } catch (error) {
    if (error instanceof InputError || error instanceof ConfigError) return fail(error.message);
    if (error instanceof ApiError) return fail(error.message);
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('ERR_PARSE_ARGS')) return fail(`${(error as Error).message}\n\n${ADMIN_USAGE}`);
    throw error;
  }
}
