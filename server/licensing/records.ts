// What the licence count reads: own and imported accounts as the engine's AccountRecords, the directory row stored
// for each, and the raw-array reads that load a million of them in seconds.
import type { Database as SQLiteDatabase } from 'better-sqlite3';
import type { Insertable } from 'kysely';
import { type CompiledRules, classifyBits, INTERNAL } from '../../shared/licensing/classify.ts';
import type { AccountRecord, EnvironmentRules } from '../../shared/licensing/count.ts';
import { emailDomain } from '../../shared/licensing/email.ts';
import type { Account } from '../auth/tables.ts';
import type { LicenceAccountsTable } from './tables.ts';

export const OWN_ENVIRONMENT_ID = 'own';
export const OWN_PROVIDER = 'Seatkeeper';

export interface EnvironmentView {
  id: string;
  name: string;
  production: boolean;
  internalDomains: string[];
  own: boolean;
  retentionDays: number | null;
  unverifiedDays: number | null;
}

export const ownRef = (accountId: string) => `seatkeeper:${accountId}`;
export const importRef = (rowId: number) => `import:${rowId}`;

/** The live count keys an imported account by its row id (a number: no string per account), own ones by ownRef. */
export const liveRef = (ref: string): string | number =>
  ref.startsWith('import:') ? Number(ref.slice('import:'.length)) : ref;
/** The ref a person reads (and the API gives) for a live count key. */
export const publicRef = (ref: string | number): string => (typeof ref === 'number' ? importRef(ref) : ref);
/** Held by an import's transaction, so another instance starting up can tell it from an interrupted one. */
export const importLock = (importId: string) => `licence-import:${importId}`;

export function ownRecord(environment: string, a: Pick<Account, 'id' | 'email' | 'role' | 'active'>): AccountRecord {
  return {
    ref: ownRef(a.id),
    environment,
    provider: OWN_PROVIDER,
    tenant: '',
    username: a.email,
    email: a.email,
    active: a.active === 1,
    itUser: false,
    staff: a.role !== 'candidate',
  };
}

export interface DirectoryFields {
  provider: string;
  tenant: string;
  username: string;
  email: string;
  name: string;
  active: boolean;
  itUser: boolean;
  staff: boolean;
  role: string | null;
  lastSignInAt: string | null;
  createdAt: string;
}

/** The directory's columns that an account's fields decide, in the order directoryValues gives them. */
export const DIRECTORY_FIELDS = [
  'environment_id',
  'provider',
  'tenant',
  'username',
  'email',
  'name',
  'username_lc',
  'email_lc',
  'name_lc',
  'email_domain',
  'username_domain',
  'active',
  'it_user',
  'staff',
  'role',
  'classification',
  'last_sign_in_at',
  'created_at',
] as const;

export type DirectoryCell = string | number | null;

/**
 * A directory row's values in DIRECTORY_FIELDS order, with its stored classification (rules 5 to 13) and the domains a
 * rule edit reclassifies by. As an array: an import writes millions, each with no object of its own.
 */
export function directoryValues(environmentId: string, rules: CompiledRules, f: DirectoryFields): DirectoryCell[] {
  return [
    environmentId,
    f.provider,
    f.tenant,
    f.username,
    f.email,
    f.name,
    f.username.trim().toLowerCase(),
    f.email.trim().toLowerCase(),
    f.name.trim().toLowerCase(),
    emailDomain(f.email),
    emailDomain(f.username),
    f.active ? 1 : 0,
    f.itUser ? 1 : 0,
    f.staff ? 1 : 0,
    f.role,
    classifyBits(rules, f.username, f.email) & INTERNAL ? 'internal' : 'external',
    f.lastSignInAt,
    f.createdAt,
  ];
}

/** The same as a row object. */
export function directoryRow(
  environmentId: string,
  rules: CompiledRules,
  f: DirectoryFields,
): Omit<Insertable<LicenceAccountsTable>, 'source' | 'account_id'> {
  const values = directoryValues(environmentId, rules, f);
  return Object.fromEntries(DIRECTORY_FIELDS.map((field, k) => [field, values[k]])) as Omit<
    Insertable<LicenceAccountsTable>,
    'source' | 'account_id'
  >;
}

export const toRules = (envs: readonly EnvironmentView[]): EnvironmentRules[] =>
  envs.map((e) => ({ name: e.name, production: e.production, internalDomains: e.internalDomains }));

export type OwnRow = [id: string, email: string, role: string, active: number];
export type ImportedRow = [
  id: number,
  environmentId: string,
  provider: string,
  tenant: string,
  username: string,
  email: string,
  flags: number,
];

/** The columns of OwnRow and ImportedRow, for the raw-array reads of every dialect. */
/** An erased account is in no count and links nobody (rule 26a): it is not read at all. */
export const OWN_ROWS_SQL = 'select id, email, role, active from accounts where erased_at is null';
/**
 * Imported rows in force: those of their provider's generation (an import's rows are written out of sight first).
 * The directory is read in order with each row's provider looked up (SQLite takes CROSS JOIN's order as written).
 */
export const IMPORTED_ROWS_SQL = `select a.id, a.environment_id, a.provider, a.tenant, a.username, a.email,
     a.active | (a.it_user << 1) | (a.staff << 2)
   from licence_accounts a cross join licence_providers p
   where a.source = 'import' and p.environment_id = a.environment_id and p.name = a.provider
     and a.generation = p.generation`;

/** `refFor` names imported rows; a count that only needs totals passes the row id itself (no string per row). */
export function importedRecord(
  [id, environmentId, provider, tenant, username, email, flags]: ImportedRow,
  names: Map<string, string>,
  refFor: (rowId: number) => string | number = importRef,
): AccountRecord {
  return {
    ref: refFor(id),
    environment: names.get(environmentId) as string,
    provider,
    tenant,
    username,
    email,
    active: (flags & 1) === 1,
    itUser: (flags & 2) === 2,
    staff: (flags & 4) === 4,
  };
}

/** The columns of an imported licence_accounts row that the engine reads, through Kysely (flags as 0 or 1). */
interface StoredImportRow {
  id: number;
  provider: string;
  tenant: string;
  username: string;
  email: string;
  active: number;
  it_user: number;
  staff: number;
}

/** An imported row as the engine sees it (ref: importRef of its id unless given). */
export function storedImportRecord(r: StoredImportRow, environment: string, ref?: string | number): AccountRecord {
  return {
    ref: ref ?? importRef(r.id),
    environment,
    provider: r.provider,
    tenant: r.tenant,
    username: r.username,
    email: r.email,
    active: r.active === 1,
    itUser: r.it_user === 1,
    staff: r.staff === 1,
  };
}

/**
 * The same records as the Kysely path, read as raw arrays: a million row objects cost seconds (portal bench).
 * `refFor` as in importedRecord.
 */
export function rawRecords(
  sqlite: SQLiteDatabase,
  ownName: string,
  names: Map<string, string>,
  refFor: (rowId: number) => string | number = importRef,
): AccountRecord[] {
  return [...eachRawRecord(sqlite, ownName, names, refFor)];
}

/** Seatkeeper's own accounts (not erased) as records of the own environment. */
export function* eachOwnRecord(sqlite: SQLiteDatabase, ownName: string): Generator<AccountRecord> {
  const own = sqlite.prepare<[], OwnRow>(OWN_ROWS_SQL).raw(true);
  for (const [id, email, role, active] of own.iterate()) {
    yield ownRecord(ownName, { id, email, role: role as Account['role'], active });
  }
}

/** The same, one record at a time: loading five million accounts never holds them all as objects. */
export function* eachRawRecord(
  sqlite: SQLiteDatabase,
  ownName: string,
  names: Map<string, string>,
  refFor: (rowId: number) => string | number = importRef,
): Generator<AccountRecord> {
  yield* eachOwnRecord(sqlite, ownName);
  const imported = sqlite.prepare<[], ImportedRow>(IMPORTED_ROWS_SQL).raw(true);
  for (const row of imported.iterate()) yield importedRecord(row, names, refFor);
}
