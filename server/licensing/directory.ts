// The users list over own and imported accounts (one indexed table): keyset pages, search anywhere, filters, export,
// and the lookups the extension makes (rules 13, 14 and 24 as the server knows them).
import { type ExpressionBuilder, type SelectQueryBuilder, sql } from 'kysely';
import {
  type ClassificationFlag,
  type ClassificationReason,
  classifyFacts,
  describeReason,
} from '../../shared/licensing/classify.ts';
import type { NotCountedReason } from '../../shared/licensing/count.ts';
import { sameEnvironment } from '../../shared/licensing/environment-names.ts';
import { csvField } from '../../shared/licensing/spreadsheet-cells.ts';
import type { AccountDeactivationColumn } from '../auth/tables.ts';
import { dialectOf } from '../db/dialect.ts';
import { contains } from '../db/like.ts';
import type { Database } from '../db/schema.ts';
import { validationFailed } from '../http/errors.ts';
import { type I18n, message } from '../i18n/messages.ts';
import { UTF8_BOM } from '../web/csv.ts';
import type { LicensingDeps } from './context.ts';
import { inForce } from './provider-rows.ts';
import { type EnvironmentView, importRef, liveRef, ownRef, publicRef } from './records.ts';
import { notCountedSentence, reasonSentence } from './rulebook-words.ts';
import type { LicenceAccountsTable } from './tables.ts';

export const SORTS = ['email', 'username', 'name'] as const;
export type SortKey = (typeof SORTS)[number];

export interface DirectoryQuery {
  q?: string | undefined;
  /** The order of the list, and the field a search shorter than SEARCH_ANYWHERE_MIN looks at the start of. */
  sort: SortKey;
  classification?: 'internal' | 'external' | undefined;
  /** `closed`: own accounts their owners closed (rule 26a), a part of `inactive`. */
  status?: 'active' | 'inactive' | 'closed' | undefined;
  environment?: string | undefined;
  provider?: string | undefined;
  after?: string | undefined;
  limit: number;
}

export interface DirectoryEntry {
  id: number;
  ref: string;
  source: 'own' | 'import';
  accountId: string | null;
  environment: string;
  environmentId: string;
  production: boolean;
  provider: string;
  tenant: string;
  username: string;
  email: string;
  name: string;
  active: boolean;
  itUser: boolean;
  role: string | null;
  /** An own account its owner closed (rule 26a). */
  closed: boolean;
  classification: 'internal' | 'external';
  /** Why (rule 13), as facts the reader's language words (rulebook-words.ts). */
  reason: ClassificationReason;
  /** What the classification noticed about the record's own username and email (no-email, conflict, ...). */
  flags: ClassificationFlag[];
  lastSignInAt: string | null;
}

const column = (sort: SortKey) => `${sort}_lc` as const;

type DirectorySelect = SelectQueryBuilder<Database, 'licence_accounts', object>;

/** Shorter searches fall back to a prefix of the sorted field: a trigram index needs three characters. */
export const SEARCH_ANYWHERE_MIN = 3;

/** The search as matched: trimmed and in lower case; undefined when there is none. */
const searchOf = (query: Pick<DirectoryQuery, 'q'>) => query.q?.trim().toLowerCase() || undefined;

/** Long enough to be looked for anywhere in a field (through trigrams) rather than at its start. */
const anywhereSearch = (q: string | undefined): q is string => q !== undefined && [...q].length >= SEARCH_ANYWHERE_MIN;

/** Email, username or name contains `q` (lower case) anywhere, through the search index (search-migration.ts). */
function anywhere(deps: LicensingDeps, q: string, broad: boolean) {
  if (dialectOf(deps.db).name === 'postgres') {
    return (eb: ExpressionBuilder<Database, 'licence_accounts'>) =>
      eb.or([contains('email_lc', q), contains('username_lc', q), contains('name_lc', q)]);
  }
  // Many rows match: walking the sorted index and testing each row finds a page sooner than listing every match.
  if (broad) return inAnyField(q);
  return sql<boolean>`id in (select rowid from licence_accounts_search where licence_accounts_search match ${trigramsOf(q)}) and ${inAnyField(q)}`;
}

/**
 * Email, username or name holds `q` (lower case) as it stands. The columns are named with their table: the count's
 * query joins the search index, which has columns of the same names.
 */
const inAnyField = (q: string) =>
  sql<boolean>`(instr(licence_accounts.email_lc, ${q}) > 0 or instr(licence_accounts.username_lc, ${q}) > 0 or instr(licence_accounts.name_lc, ${q}) > 0)`;

/** Trigrams an FTS5 query asks for at most; a longer search is checked whole on the rows they find anyway. */
const MAX_TRIGRAMS = 16;

/**
 * The search index's query for rows holding every trigram of `q` (at most MAX_TRIGRAMS, spread over it), each quoted
 * with its quotes doubled. The index keeps no positions (search-migration.ts), so its rows are candidates: whether
 * they hold `q` itself is checked by inAnyField.
 */
export function trigramsOf(q: string): string {
  const characters = [...q];
  const all = [...new Set(characters.slice(0, -2).map((_, i) => characters.slice(i, i + 3).join('')))];
  const chosen =
    all.length <= MAX_TRIGRAMS
      ? all
      : Array.from({ length: MAX_TRIGRAMS }, (_, k) => all[Math.round((k * (all.length - 1)) / (MAX_TRIGRAMS - 1))]);
  return chosen.map((trigram) => `"${(trigram as string).replace(/"/g, '""')}"`).join(' AND ');
}

/**
 * Past this many matches a search walks the sorted index instead of the search index (see `anywhere`). Below it,
 * listing and sorting every match is cheaper (portal bench: "person.12", 11,000 matches, sorted after 100,000 others).
 */
export const BROAD_MATCHES = 20_000;

async function isBroad(deps: LicensingDeps, q: string | undefined): Promise<boolean> {
  if (!anywhereSearch(q)) return false;
  if (dialectOf(deps.db).name === 'postgres') {
    // The planner's own estimate (statistics, no rows read): counting up to the limit took up to 60 ms by itself.
    const { rows } = await sql<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] | string }>`explain (format json)
      select 1 from licence_accounts where ${anywhere(deps, q, false)}`.execute(deps.db);
    const plan = rows[0]?.['QUERY PLAN'];
    const parsed = (typeof plan === 'string' ? JSON.parse(plan) : plan) as [{ Plan: { 'Plan Rows': number } }];
    return (parsed[0]?.Plan['Plan Rows'] ?? 0) >= BROAD_MATCHES;
  }
  // Rows holding every trigram of the search: as many as match, or a few more.
  const { rows } = await sql<{ n: number }>`select count(*) as n from (select rowid from licence_accounts_search
      where licence_accounts_search match ${trigramsOf(q)} limit ${BROAD_MATCHES})`.execute(deps.db);
  return Number(rows[0]?.n ?? 0) >= BROAD_MATCHES;
}

/** An environment's rows past which its page walks the sorted index on SQLite rather than sorting them all. */
export const LARGE_ENVIRONMENT = 20_000;

/**
 * Whether an environment filter alone (no provider, no search) is better served by walking the sorted index and
 * testing each row: SQLite otherwise takes the environment's rows by index and sorts them, 150 ms for 88,000 (portal
 * bench). A small environment is the other way round. PostgreSQL's planner weighs this itself.
 */
async function largeEnvironment(deps: LicensingDeps, query: DirectoryQuery): Promise<boolean> {
  if (!query.environment || query.provider || searchOf(query) || dialectOf(deps.db).name !== 'sqlite') return false;
  const { rows } = await sql<{ n: number }>`select count(*) as n from (select 1 from licence_accounts
      where environment_id = ${query.environment} limit ${LARGE_ENVIRONMENT})`.execute(deps.db);
  return Number(rows[0]?.n ?? 0) >= LARGE_ENVIRONMENT;
}

/**
 * How a search anywhere is run on SQLite: through the index (`in`, few matches), testing rows of the sorted list
 * (`scan`, many matches), or driven by the index as a join that stops at the count's limit (`count`).
 */
type SearchPlan = 'in' | 'scan' | 'count';

function filtered(
  deps: LicensingDeps,
  query: DirectoryQuery,
  plan: SearchPlan = 'in',
  walkSorted = false,
): DirectorySelect {
  let base = deps.db.selectFrom('licence_accounts').where(inForce) as DirectorySelect;
  const key = column(query.sort);
  const q = searchOf(query);
  if (anywhereSearch(q) && plan === 'count' && dialectOf(deps.db).name === 'sqlite') {
    // Matches in index order, each looked up by id, until the limit: neither lists every match nor scans the table.
    base = base
      .innerJoin(sql<{ rowid: number }>`licence_accounts_search`.as('licence_accounts_search'), (join) =>
        join.on(sql`licence_accounts_search.rowid`, '=', sql.ref('licence_accounts.id')),
      )
      .where(sql<boolean>`licence_accounts_search match ${trigramsOf(q)}`)
      .where(inAnyField(q)) as unknown as DirectorySelect;
  } else if (anywhereSearch(q)) {
    base = base.where(anywhere(deps, q, plan === 'scan'));
  } else if (q) {
    // Too short for trigrams: a prefix search as an index range, `q` <= value < `q` followed by the highest character.
    base = base.where(key, '>=', q).where(key, '<', `${q}\u{10FFFF}`);
  }
  if (query.classification) base = base.where('classification', '=', query.classification);
  if (query.status) base = base.where('active', '=', query.status === 'active' ? 1 : 0);
  if (query.status === 'closed') {
    base = base.where('account_id', 'in', (eb) =>
      eb.selectFrom('accounts').select('accounts.id').where(sql.ref('accounts.deactivation_reason'), '=', 'closed'),
    );
  }
  if (query.environment) {
    // `+column` keeps SQLite from looking the environment up by index: it walks the sorted index instead (walkSorted).
    base = base.where(walkSorted ? sql`+environment_id` : sql.ref('environment_id'), '=', query.environment);
  }
  if (query.provider) base = base.where('provider', '=', query.provider);
  return base;
}

export function encodeCursor(value: string, id: number): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, number] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parsed) && typeof parsed[0] === 'string' && Number.isInteger(parsed[1])) {
      return [parsed[0], parsed[1] as number];
    }
  } catch {
    // falls through to the error below
  }
  throw validationFailed({ after: 'licensing.error.pageLink' });
}

type Row = Pick<
  LicenceAccountsTable,
  | 'source'
  | 'account_id'
  | 'environment_id'
  | 'provider'
  | 'tenant'
  | 'username'
  | 'email'
  | 'name'
  | 'active'
  | 'it_user'
  | 'role'
  | 'classification'
  | 'last_sign_in_at'
  | 'email_lc'
  | 'username_lc'
  | 'name_lc'
> & { id: number };

const COLUMNS = [
  'id',
  'source',
  'account_id',
  'environment_id',
  'provider',
  'tenant',
  'username',
  'email',
  'name',
  'active',
  'it_user',
  'role',
  'classification',
  'last_sign_in_at',
  'email_lc',
  'username_lc',
  'name_lc',
] as const;

export function toEntry(deps: LicensingDeps, row: Row): DirectoryEntry {
  const env = deps.licensing.environmentById(row.environment_id) as EnvironmentView;
  const classified = classifyFacts(deps.licensing.compiled(env), { username: row.username, email: row.email });
  return {
    id: row.id,
    ref: row.source === 'own' ? ownRef(row.account_id as string) : importRef(row.id),
    source: row.source,
    accountId: row.account_id,
    environment: env.name,
    environmentId: env.id,
    production: env.production,
    provider: row.provider,
    tenant: row.tenant,
    username: row.username,
    email: row.email,
    name: row.name,
    active: row.active === 1,
    itUser: row.it_user === 1,
    role: row.role,
    closed: false,
    classification: classified.classification,
    reason: classified.reason,
    flags: classified.flags,
    lastSignInAt: row.last_sign_in_at,
  };
}

export interface DirectoryPage {
  items: DirectoryEntry[];
  next: string | null;
  /** Matching accounts, counted up to COUNT_CAP (then "more than"). */
  matching: number;
  matchingCapped: boolean;
}

export const COUNT_CAP = 10_000;

export async function listDirectory(
  deps: LicensingDeps,
  query: DirectoryQuery,
  options: { count?: boolean } = {},
): Promise<DirectoryPage> {
  await deps.licensing.current();
  const key = column(query.sort);
  const q = searchOf(query);
  const broad = await isBroad(deps, q);
  let page = filtered(deps, query, broad ? 'scan' : 'in', await largeEnvironment(deps, query));
  if (query.after) {
    const [value, id] = decodeCursor(query.after);
    page = page.where((eb: ExpressionBuilder<Database, 'licence_accounts'>) =>
      eb(eb.refTuple(key, 'id'), '>', eb.tuple(value, id)),
    );
  }
  // The page and its count at once: on PostgreSQL each has a connection of its own, so the slower one is the wait.
  // A narrow search on PostgreSQL sorts its few matches (found through the trigram indexes): ordered by an expression
  // the sorted index cannot give, the planner stops walking that index past rows that do not match (10x slower).
  const narrowOnPostgres = !broad && dialectOf(deps.db).name === 'postgres' && anywhereSearch(q);
  const [rows, counted] = await Promise.all([
    page
      .select(COLUMNS)
      .orderBy(narrowOnPostgres ? sql`${sql.ref(key)} || ''` : sql.ref(key))
      .orderBy('id')
      .limit(query.limit + 1)
      .execute() as Promise<Row[]>,
    // Bounded: "more than 10,000" costs at most a 10,001-entry index scan, never a full count of a million rows.
    options.count === false
      ? { n: 0 }
      : deps.db
          .selectFrom(
            filtered(deps, query, 'count')
              .select(sql.lit(1).as('one'))
              .limit(COUNT_CAP + 1)
              .as('m'),
          )
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow(),
  ]);
  const more = rows.length > query.limit;
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  const n = Number(counted.n);
  // A rename emits no account change, so own rows show the name as stored in `accounts` now; and whether the person
  // closed the account (rule 26a).
  const ownIds = items.filter((r) => r.account_id !== null).map((r) => r.account_id as string);
  const own = new Map<string, { name: string; closed: boolean }>();
  if (ownIds.length > 0) {
    const rows = await deps.db
      .withTables<AccountDeactivationColumn>()
      .selectFrom('accounts')
      .select(['id', 'name', 'deactivation_reason'])
      .where('id', 'in', ownIds)
      .execute();
    for (const a of rows) own.set(a.id, { name: a.name, closed: a.deactivation_reason === 'closed' });
    for (const row of items) if (row.account_id !== null) row.name = own.get(row.account_id)?.name ?? row.name;
  }
  return {
    items: items.map((row) => ({
      ...toEntry(deps, row),
      closed: row.account_id !== null && own.get(row.account_id)?.closed === true,
    })),
    next: more && last ? encodeCursor(last[key], last.id) : null,
    matching: Math.min(n, COUNT_CAP),
    matchingCapped: n > COUNT_CAP,
  };
}

export const EXPORT_HEADER =
  'environment,production,provider,tenant,username,email,active,it_user,role,name,classification,reason,last_sign_in_at';

/**
 * Streams every account of the filtered list as CSV (the import's columns first), page by page, after a UTF-8
 * byte-order mark (Excel in Japan reads UTF-8 only with it). Cells are guarded against spreadsheet formulas
 * (csvField); importing the export back removes exactly the guard (Decision R7).
 */
export function exportDirectory(
  deps: LicensingDeps,
  query: Omit<DirectoryQuery, 'after' | 'limit'>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after: string | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`${UTF8_BOM}${EXPORT_HEADER}\n`));
      }
      const page = await listDirectory(deps, { ...query, after, limit: 1000 }, { count: false });
      const lines = page.items.map((e) =>
        [
          e.environment,
          String(e.production),
          e.provider,
          e.tenant,
          e.username,
          e.email,
          String(e.active),
          String(e.itUser),
          e.role ?? '',
          e.name,
          e.classification,
          describeReason(e.reason),
          e.lastSignInAt ?? '',
        ]
          .map(csvField)
          .join(','),
      );
      if (lines.length > 0) controller.enqueue(encoder.encode(`${lines.join('\n')}\n`));
      if (!page.next) controller.close();
      else after = page.next;
    },
  });
}

export async function directoryRowById(deps: LicensingDeps, id: number): Promise<DirectoryEntry | undefined> {
  await deps.licensing.current();
  const row = (await deps.db
    .selectFrom('licence_accounts')
    .select(COLUMNS)
    .where('id', '=', id)
    .where(inForce)
    .executeTakeFirst()) as Row | undefined;
  return row ? toEntry(deps, row) : undefined;
}

export async function directoryRowOfAccount(
  deps: LicensingDeps,
  accountId: string,
): Promise<DirectoryEntry | undefined> {
  await deps.licensing.current();
  const row = (await deps.db
    .selectFrom('licence_accounts')
    .select(COLUMNS)
    .where('account_id', '=', accountId)
    .executeTakeFirst()) as Row | undefined;
  return row ? toEntry(deps, row) : undefined;
}

/** The directory rows of these refs (a merged person's other accounts), so pages name them instead of showing refs. */
export async function directoryRowsOfRefs(deps: LicensingDeps, refs: readonly string[]): Promise<DirectoryEntry[]> {
  const ids = refs.filter((r) => r.startsWith('import:')).map((r) => Number(r.slice('import:'.length)));
  const own = refs.filter((r) => r.startsWith('seatkeeper:')).map((r) => r.slice('seatkeeper:'.length));
  if (ids.length === 0 && own.length === 0) return [];
  await deps.licensing.current();
  const rows = (await deps.db
    .selectFrom('licence_accounts')
    .select(COLUMNS)
    .where((eb) =>
      eb.or([
        ...(ids.length > 0 ? [eb('id', 'in', ids)] : []),
        ...(own.length > 0 ? [eb('account_id', 'in', own)] : []),
      ]),
    )
    .execute()) as Row[];
  const byRef = new Map(rows.map((r) => [r.source === 'own' ? ownRef(r.account_id as string) : importRef(r.id), r]));
  return refs.flatMap((ref) => {
    const row = byRef.get(ref);
    return row ? [toEntry(deps, row)] : [];
  });
}

/** Every account whose email or username is this address, in any environment and provider (at most 50). */
export async function directoryRowsOfAddress(deps: LicensingDeps, address: string): Promise<DirectoryEntry[]> {
  const key = address.trim().toLowerCase();
  if (!key) return [];
  await deps.licensing.current();
  const rows = (await deps.db
    .selectFrom('licence_accounts')
    .select(COLUMNS)
    .where((eb) => eb.or([eb('email_lc', '=', key), eb('username_lc', '=', key)]))
    .orderBy('id')
    .limit(50)
    .execute()) as Row[];
  return rows.map((row) => toEntry(deps, row));
}

export interface CountingView {
  counted: boolean;
  notCountedReason: NotCountedReason | null;
  mergedWith: string[];
}

/** Whether and how the live count counts this account (rules 1, 3, 4, 14 to 17). */
export function countingOf(deps: LicensingDeps, ref: string): CountingView | null {
  const live = deps.licensing.live.account(liveRef(ref));
  if (!live) return null;
  return {
    counted: live.counted,
    notCountedReason: live.notCountedReason ?? null,
    mergedWith: live.mergedWith.map(publicRef),
  };
}

export interface LookupInput {
  environment?: string | undefined;
  accounts: { username?: string | undefined; email?: string | undefined }[];
}

/** What the server knows of each account, its sentences in the reader's language beside their facts. */
export async function lookupAccounts(deps: LicensingDeps, input: LookupInput, reader: I18n) {
  const { licensing } = deps;
  await licensing.current();
  const env = input.environment
    ? licensing.environments.find(
        (e) => e.id === input.environment || sameEnvironment(e.name, input.environment as string),
      )
    : licensing.ownEnvironment();
  if (!env) {
    throw validationFailed({ environment: message('licensing.error.noSuchEnvironment', { name: input.environment }) });
  }
  const rules = licensing.compiled(env);
  const emails = new Set<string>();
  const usernames = new Set<string>();
  for (const a of input.accounts) {
    if (a.email?.trim()) emails.add(a.email.trim().toLowerCase());
    if (a.username?.trim()) usernames.add(a.username.trim().toLowerCase());
  }
  const rows: Row[] = [];
  const chunk = <T>(items: T[]) =>
    Array.from({ length: Math.ceil(items.length / 400) }, (_, i) => items.slice(i * 400, i * 400 + 400));
  for (const part of chunk([...emails])) {
    rows.push(
      ...((await deps.db
        .selectFrom('licence_accounts')
        .select(COLUMNS)
        .where('email_lc', 'in', part)
        .where(inForce)
        .execute()) as Row[]),
    );
  }
  for (const part of chunk([...usernames])) {
    rows.push(
      ...((await deps.db
        .selectFrom('licence_accounts')
        .select(COLUMNS)
        .where('username_lc', 'in', part)
        .where(inForce)
        .execute()) as Row[]),
    );
  }
  const byId = new Map(rows.map((r) => [r.id, r]));
  const all = [...byId.values()];
  return {
    asOf: deps.clock().toISOString(),
    environment: { id: env.id, name: env.name },
    results: input.accounts.map((a) => {
      const classified = classifyFacts(rules, { username: a.username, email: a.email });
      const email = a.email?.trim().toLowerCase();
      const username = a.username?.trim().toLowerCase();
      const matches = all
        .filter((r) => (email && r.email_lc === email) || (username && r.username_lc === username))
        .slice(0, 20)
        .map((r) => {
          const entry = toEntry(deps, r);
          const counting = countingOf(deps, entry.ref);
          return {
            ref: entry.ref,
            environment: entry.environment,
            provider: entry.provider,
            username: entry.username,
            email: entry.email,
            active: entry.active,
            classification: entry.classification,
            counted: counting?.counted ?? false,
            notCountedReason: counting?.notCountedReason ?? null,
            notCountedMessage: counting?.notCountedReason
              ? notCountedSentence(reader, counting.notCountedReason)
              : null,
            mergedWith: counting?.mergedWith ?? [],
            lastSignInAt: entry.lastSignInAt,
            ...(entry.accountId ? { accountId: entry.accountId } : {}),
            flags: entry.flags,
          };
        });
      return {
        username: a.username ?? null,
        email: a.email ?? null,
        classification: classified.classification,
        reason: reasonSentence(reader, classified.reason),
        reasonFacts: classified.reason,
        flags: classified.flags,
        matches,
      };
    }),
  };
}
