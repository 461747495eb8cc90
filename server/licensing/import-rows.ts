// An import's rows between the user-list reader and the directory (issue 21): the import's own checks of each row,
// the rows per provider, the problems (each naming its line) and the row limit. The same whether the rows are read and
// written on the main thread (PostgreSQL, and imports too small to be worth a thread) or by a worker (import-worker.ts).
import type { AccountRow } from '../../shared/licensing/account-rows.ts';
import type { AccountRecord } from '../../shared/licensing/count.ts';
import { environmentKey } from '../../shared/licensing/environment-names.ts';
import { UserListError, UserListReader } from '../../shared/licensing/user-list-reader.ts';
import { asciiText } from './ascii-text.ts';
import type { ImportOptions } from './import-options.ts';
import { type ImportProblem, lineProblem } from './import-problems.ts';
import { type ImportLimits, tooManyRows } from './import-spool.ts';
import type { DirectoryFields } from './records.ts';
import { OWN_PROVIDER } from './records.ts';
import type { SharedFields } from './sorted-runs.ts';

/** Problems gathered (each naming its line) before reading stops. */
export const MAX_PROBLEMS = 20;

/** The import was refused: every problem found, each naming its line. */
export class ImportRefused extends Error {
  constructor(readonly problems: ImportProblem[]) {
    super(problems.map((problem) => problem.message).join('\n'));
  }
}

/** What an import needs to know of the environment it replaces rows in (a worker gets it as a message). */
export interface ImportEnvironment {
  id: string;
  name: string;
  production: boolean;
  own: boolean;
}

/** The reader an import reads its list with, from the import's options and environment. */
export function importReader(env: ImportEnvironment, options: ImportOptions): UserListReader {
  return new UserListReader({
    encoding: options.encoding,
    strict: options.strict,
    maxProblems: MAX_PROBLEMS,
    asciiText,
    defaultEnvironment: env.name,
    ...(options.provider ? { defaultProvider: options.provider } : {}),
    ...(options.defaultTenant ? { defaultTenant: options.defaultTenant } : {}),
    ...(options.columns ? { columns: options.columns } : {}),
  });
}

/** Rows read and checked, waiting to be written; the import's problems and rows per provider so far. */
export class ImportRows {
  readonly perProvider = new Map<string, number>();
  readonly problems: ImportProblem[] = [];
  rowsRead = 0;
  /** Rows accepted and not yet taken. */
  waiting: DirectoryFields[] = [];
  readonly #envKey: string;

  constructor(
    private readonly env: ImportEnvironment,
    private readonly options: ImportOptions,
    private readonly limits: ImportLimits,
    private readonly createdAt: string,
  ) {
    this.#envKey = environmentKey(env.name);
    if (options.provider) this.perProvider.set(options.provider, 0);
  }

  /** Checks the reader's rows; throws past the row limit or at MAX_PROBLEMS problems. */
  add(accounts: AccountRow[]): void {
    for (const account of accounts) {
      this.rowsRead++;
      if (this.rowsRead > this.limits.maxRows) throw tooManyRows(this.limits);
      const problem = rowProblem(account, this.env, this.#envKey, this.options);
      if (problem !== null) {
        this.problems.push(problem);
        if (this.problems.length >= MAX_PROBLEMS) throw new ImportRefused(this.problems);
        continue;
      }
      if (this.problems.length > 0) continue;
      this.perProvider.set(account.provider, (this.perProvider.get(account.provider) ?? 0) + 1);
      this.waiting.push(importedFields(account, this.createdAt));
    }
  }

  /** At most `count` waiting rows, the first read first. */
  take(count: number): DirectoryFields[] {
    if (this.waiting.length <= count) {
      const all = this.waiting;
      this.waiting = [];
      return all;
    }
    return this.waiting.splice(0, count);
  }

  /** Refused at the end of the list when any row had a problem. */
  checkEnd(): void {
    if (this.problems.length > 0) throw new ImportRefused(this.problems);
  }

  /** An error thrown while reading, with the import's own problems merged in by line (as the admin fixes them). */
  refusal(error: unknown): unknown {
    if (!(error instanceof UserListError)) return error;
    const byLine = [...this.problems, ...error.problems].sort((a, b) => lineOf(a) - lineOf(b));
    return new ImportRefused(byLine.slice(0, MAX_PROBLEMS));
  }

  providers(): { provider: string; rows: number }[] {
    return [...this.perProvider].map(([provider, rows]) => ({ provider, rows }));
  }
}

/** An imported account as the directory's fields: no name, role or sign-in of its own. */
export function importedFields(account: AccountRecord, createdAt: string): DirectoryFields {
  return {
    provider: account.provider,
    tenant: account.tenant ?? '',
    username: account.username ?? '',
    email: account.email ?? '',
    name: '',
    active: account.active,
    itUser: account.itUser ?? false,
    staff: account.staff ?? false,
    role: null,
    lastSignInAt: null,
    createdAt,
  };
}

/** What every account of one import has alike (as importedFields gives it; SortedRuns refuses a row that differs). */
export const importedShared = (createdAt: string): SharedFields => ({
  name: '',
  role: null,
  lastSignInAt: null,
  createdAt,
});

const lineOf = (problem: ImportProblem) => ('line' in problem && problem.line) || 0;

/** Why a row does not belong in this import, or null. */
function rowProblem(
  account: AccountRow,
  env: ImportEnvironment,
  envKey: string,
  options: ImportOptions,
): ImportProblem | null {
  const line = Number(account.ref);
  if (account.environment !== env.name && environmentKey(account.environment) !== envKey) {
    return lineProblem(
      line,
      'wrong-environment',
      { value: account.environment, environment: env.name },
      `environment is "${account.environment}" but this import is for "${env.name}"; fix the cell or leave it empty`,
    );
  }
  if (account.production !== null && account.production !== env.production) {
    return lineProblem(
      line,
      'wrong-production',
      { value: String(account.production), environment: env.name, production: String(env.production) },
      `production is ${account.production} but ${env.name} is ${env.production ? '' : 'not '}a production environment`,
    );
  }
  if (options.provider !== undefined && account.provider !== options.provider) {
    return lineProblem(
      line,
      'wrong-provider',
      { value: account.provider, provider: options.provider },
      `provider is "${account.provider}" but this import replaces "${options.provider}"; fix the cell or leave it empty`,
    );
  }
  if (env.own && account.provider === OWN_PROVIDER) {
    return lineProblem(
      line,
      'own-provider',
      { provider: OWN_PROVIDER },
      `provider "${OWN_PROVIDER}" holds Seatkeeper's own accounts; import other providers' users only`,
    );
  }
  return null;
}
