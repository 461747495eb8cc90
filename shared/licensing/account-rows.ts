// The account-list columns shared by the audit CLI and the server's CSV import: one row, one AccountRecord.
import type { AccountRecord } from './count.ts';

export const ACCOUNT_COLUMNS = [
  'environment',
  'production',
  'provider',
  'tenant',
  'username',
  'email',
  'active',
  'it_user',
  'role',
] as const;

export type AccountColumn = (typeof ACCOUNT_COLUMNS)[number];

export const DEFAULT_ENVIRONMENT = 'Production';
export const DEFAULT_PROVIDER = 'Users';

/** Where each known column sits in a row; unknown columns are ignored. */
export type ColumnIndex = Partial<Record<AccountColumn, number>>;

/** What is wrong with a user list (rules 33, 34), as a code a reader's language words; the CLI reads the English. */
export type UserListProblemCode =
  | 'quote-runaway'
  | 'quote-not-closed'
  | 'text-after-quote'
  | 'column-twice'
  | 'no-identity-column'
  | 'not-boolean'
  | 'field-count'
  | 'email-too-long'
  | 'value-too-long'
  | 'several-tenants'
  | 'flag-value'
  | 'column-read-twice'
  | 'strict-unrecognised'
  | 'empty-file'
  | 'utf-16'
  | 'bom-not-utf8'
  | 'line-too-long'
  | 'not-windows-1252'
  | 'invalid-byte'
  | 'invalid-text';

export type ProblemValues = Readonly<Record<string, string | number>>;

/** One problem of a list: its line, its code and values, and the English sentence ("line N: ..."). */
export interface UserListProblem {
  line: number;
  code: UserListProblemCode;
  values: ProblemValues;
  message: string;
}

export class AccountRowError extends Error {
  constructor(
    readonly line: number,
    message: string,
    readonly code: UserListProblemCode,
    readonly values: ProblemValues = {},
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'AccountRowError';
  }

  get problem(): UserListProblem {
    return { line: this.line, code: this.code, values: this.values, message: this.message };
  }
}

/** Reads a header row: columns in any order, names case-insensitive, unknown names ignored. */
export function accountColumns(header: readonly string[], line = 1): ColumnIndex {
  const index: ColumnIndex = {};
  header.forEach((raw, position) => {
    const name = raw
      .replace(/^\uFEFF/, '')
      .trim()
      .toLowerCase();
    const column = ACCOUNT_COLUMNS.find((known) => known === name);
    if (column === undefined) return;
    if (index[column] !== undefined) {
      throw new AccountRowError(line, `the header names the column "${column}" twice`, 'column-twice', { column });
    }
    index[column] = position;
  });
  if (index.username === undefined && index.email === undefined) {
    throw new AccountRowError(
      line,
      `the header has neither a "username" nor an "email" column (found: ${header.join(', ') || 'nothing'}); the first line must name the columns`,
      'no-identity-column',
      { found: header.join(', ') },
    );
  }
  return index;
}

const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no']);

/** Booleans accept true/false, 1/0 and yes/no in any case; empty takes the default. */
export function parseBoolean(value: string | undefined, fallback: boolean, column: string, line: number): boolean {
  const text = (value ?? '').trim().toLowerCase();
  if (text === '') return fallback;
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  throw new AccountRowError(line, `${column} is "${value}": use true or false, 1 or 0, yes or no`, 'not-boolean', {
    column,
    value: value ?? '',
    accepted: 'true, false, 1, 0, yes, no',
  });
}

const STAFF_ROLES = new Set(['admin', 'support']);

export interface AccountRow extends AccountRecord {
  /** The environment's production flag as this row states it (rule 4), or null when the column is absent or empty. */
  production: boolean | null;
}

function cell(row: readonly string[], columns: ColumnIndex, column: AccountColumn): string | undefined {
  const at = columns[column];
  return at === undefined ? undefined : row[at];
}

function text(row: readonly string[], columns: ColumnIndex, column: AccountColumn): string {
  const value = cell(row, columns, column);
  return value === undefined ? '' : value.trim();
}

/** Turns one data row into an account. `line` is the row's first line in the file, used as its reference. */
export function accountFromRow(row: readonly string[], columns: ColumnIndex, line: number): AccountRow {
  const production = text(row, columns, 'production');
  return {
    ref: line,
    environment: text(row, columns, 'environment') || DEFAULT_ENVIRONMENT,
    production: production === '' ? null : parseBoolean(production, true, 'production', line),
    provider: text(row, columns, 'provider') || DEFAULT_PROVIDER,
    tenant: text(row, columns, 'tenant'),
    username: text(row, columns, 'username'),
    email: text(row, columns, 'email'),
    active: parseBoolean(cell(row, columns, 'active'), true, 'active', line),
    itUser: parseBoolean(cell(row, columns, 'it_user'), false, 'it_user', line),
    staff: STAFF_ROLES.has(text(row, columns, 'role').toLowerCase()),
  };
}
