// Live licence figures (rule 24): one LiveLicenceCount per process, loaded from the database once and kept current by
// the code paths that change accounts (the AccountChanges hook, imports, rule edits, retention). No timer.
import type { Database as SQLiteDatabase } from 'better-sqlite3';
import type { Insertable } from 'kysely';
import { type CompiledRules, classifyBits, compileRules, INTERNAL } from '../../shared/licensing/classify.ts';
import type { AccountRecord, CountResult, EnvironmentRules } from '../../shared/licensing/count.ts';
import { emailDomain } from '../../shared/licensing/email.ts';
import { LiveLicenceCount, type LiveTotals } from '../../shared/licensing/live.ts';
import type { Account } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { countWorker } from './count-worker.ts';
import { type FullCount, type FullCountAnswer, type FullCountTask, runFullCountTask } from './full-count.ts';
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

/** A directory row with its stored classification (rules 5 to 13) and the domains a rule edit reclassifies by. */
export function directoryRow(
  environmentId: string,
  rules: CompiledRules,
  f: DirectoryFields,
): Omit<Insertable<LicenceAccountsTable>, 'source' | 'account_id'> {
  return {
    environment_id: environmentId,
    provider: f.provider,
    tenant: f.tenant,
    username: f.username,
    email: f.email,
    name: f.name,
    username_lc: f.username.trim().toLowerCase(),
    email_lc: f.email.trim().toLowerCase(),
    name_lc: f.name.trim().toLowerCase(),
    email_domain: emailDomain(f.email),
    username_domain: emailDomain(f.username),
    active: f.active ? 1 : 0,
    it_user: f.itUser ? 1 : 0,
    staff: f.staff ? 1 : 0,
    role: f.role,
    classification: classifyBits(rules, f.username, f.email) & INTERNAL ? 'internal' : 'external',
    last_sign_in_at: f.lastSignInAt,
    created_at: f.createdAt,
  };
}

export const toRules = (envs: readonly EnvironmentView[]): EnvironmentRules[] =>
  envs.map((e) => ({ name: e.name, production: e.production, internalDomains: e.internalDomains }));

type OwnRow = [id: string, email: string, role: string, active: number];
type ImportedRow = [
  id: number,
  environmentId: string,
  provider: string,
  tenant: string,
  username: string,
  email: string,
  flags: number,
];

/**
 * The same records as the Kysely path, read as raw arrays: a million row objects cost seconds (portal bench).
 * `refFor` names imported rows; a count that only needs totals (the recount) passes the row id itself and saves
 * building a string per row.
 */
export function rawRecords(
  sqlite: SQLiteDatabase,
  ownName: string,
  names: Map<string, string>,
  refFor: (rowId: number) => string | number = importRef,
): AccountRecord[] {
  const records: AccountRecord[] = [];
  const own = sqlite.prepare<[], OwnRow>('select id, email, role, active from accounts').raw(true);
  for (const [id, email, role, active] of own.iterate()) {
    records.push(ownRecord(ownName, { id, email, role: role as Account['role'], active }));
  }
  const imported = sqlite
    .prepare<[], ImportedRow>(
      `select id, environment_id, provider, tenant, username, email, active | (it_user << 1) | (staff << 2)
         from licence_accounts where source = 'import'`,
    )
    .raw(true);
  for (const [id, environmentId, provider, tenant, username, email, flags] of imported.iterate()) {
    records.push({
      ref: refFor(id),
      environment: names.get(environmentId) as string,
      provider,
      tenant,
      username,
      email,
      active: (flags & 1) === 1,
      itUser: (flags & 2) === 2,
      staff: (flags & 4) === 4,
    });
  }
  return records;
}

export type { FullCount } from './full-count.ts';

export interface RecountOutcome {
  agrees: boolean;
  live: LiveTotals;
  full: FullCount;
  milliseconds: number;
  differences: string[];
  /** 'worker': counted in a worker thread from its own connection, the server kept answering meanwhile. */
  via: 'worker' | 'in-process';
}

export class LicensingState {
  live = new LiveLicenceCount([]);
  environments: EnvironmentView[] = [];
  readonly #deps: Deps;
  #loading: Promise<void> | null = null;
  #loaded = false;
  /** Bumped by every change to the figures, so a recount knows whether they moved while it counted. */
  #version = 0;
  readonly #pending = new Set<Promise<unknown>>();
  #afterChangeQueued = false;
  /** Called (coalesced) after figures changed: warnings and today's history row. */
  afterChange: (() => Promise<void>) | null = null;

  constructor(deps: Deps) {
    this.#deps = deps;
    deps.accountChanges.on('change', (change) => {
      // With the raw handle the live count changes before the hook returns; the directory row follows (async).
      if (this.#loaded && deps.sqlite) this.#applyOwnAccountNow(deps.sqlite, change.accountId);
      this.track(this.ready().then(() => this.refreshOwnAccount(change.accountId)));
    });
  }

  /** Loads the figures from the database on first use (and at start, from main.ts). */
  ready(): Promise<void> {
    this.#loading ??= this.#load();
    return this.#loading;
  }

  /** Loaded, and every change already committed is reflected. */
  async current(): Promise<void> {
    await this.ready();
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  track(work: Promise<unknown>): void {
    const tracked: Promise<unknown> = work
      .catch((error: unknown) => this.#deps.logger.error('licence figures update failed', { error: String(error) }))
      .finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }

  ownEnvironment(): EnvironmentView {
    return this.environments.find((e) => e.own) as EnvironmentView;
  }

  environmentById(id: string): EnvironmentView | undefined {
    return this.environments.find((e) => e.id === id);
  }

  /** Compiled once per environment version (readEnvironments makes new objects after every edit). */
  readonly #compiled = new WeakMap<EnvironmentView, CompiledRules>();

  compiled(env: EnvironmentView): CompiledRules {
    let rules = this.#compiled.get(env);
    if (!rules) {
      rules = compileRules(env.name, env.internalDomains);
      this.#compiled.set(env, rules);
    }
    return rules;
  }

  async readEnvironments(): Promise<EnvironmentView[]> {
    const rows = await this.#deps.db
      .selectFrom('licence_environments')
      .selectAll()
      .orderBy('own', 'desc')
      .orderBy('name')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      production: r.production === 1,
      internalDomains: r.internal_domains === '' ? [] : r.internal_domains.split(','),
      own: r.own === 1,
      retentionDays: r.retention_days,
      unverifiedDays: r.unverified_days,
    }));
  }

  /** Every account as the engine sees it, straight from the database (own accounts from `accounts`). */
  async recordsFromDb(envs: readonly EnvironmentView[]): Promise<AccountRecord[]> {
    const own = envs.find((e) => e.own) as EnvironmentView;
    const names = new Map(envs.map((e) => [e.id, e.name]));
    const { sqlite, db } = this.#deps;
    if (sqlite) return rawRecords(sqlite, own.name, names);
    const accounts = await db.selectFrom('accounts').select(['id', 'email', 'role', 'active']).execute();
    const records: AccountRecord[] = accounts.map((a) => ownRecord(own.name, a));
    const imported = await db
      .selectFrom('licence_accounts')
      .select(['id', 'environment_id', 'provider', 'tenant', 'username', 'email', 'active', 'it_user', 'staff'])
      .where('source', '=', 'import')
      .execute();
    for (const r of imported) {
      records.push({
        ref: importRef(r.id),
        environment: names.get(r.environment_id) as string,
        provider: r.provider,
        tenant: r.tenant,
        username: r.username,
        email: r.email,
        active: r.active === 1,
        itUser: r.it_user === 1,
        staff: r.staff === 1,
      });
    }
    return records;
  }

  async #load(): Promise<void> {
    // An import still "running" when the process starts was interrupted; its transaction never committed.
    await this.#deps.db
      .updateTable('licence_imports')
      .set({ status: 'failed', errors: JSON.stringify(['interrupted by a restart; nothing was imported']) })
      .where('status', '=', 'running')
      .execute();
    this.environments = await this.readEnvironments();
    const records = await this.recordsFromDb(this.environments);
    this.live = new LiveLicenceCount(toRules(this.environments), records);
    this.#loaded = true;
    await this.#reconcileMirror();
  }

  #applyOwnAccountNow(sqlite: SQLiteDatabase, accountId: string): void {
    const a = sqlite
      .prepare<[string], Pick<Account, 'id' | 'email' | 'role' | 'active'>>(
        'select id, email, role, active from accounts where id = ?',
      )
      .get(accountId);
    if (a) this.live.upsert(ownRecord(this.ownEnvironment().name, a));
    else this.live.remove(ownRef(accountId));
    this.#version++;
  }

  /** Own accounts changed while no process was listening (or before this module existed) get their mirror row. */
  async #reconcileMirror(): Promise<void> {
    const stale = await this.#deps.db
      .selectFrom('accounts as a')
      .leftJoin('licence_accounts as m', 'm.account_id', 'a.id')
      .select(['a.id'])
      .where((eb) =>
        eb.or([
          eb('m.id', 'is', null),
          eb('m.active', '!=', eb.ref('a.active')),
          eb('m.name', '!=', eb.ref('a.name')),
          eb('m.role', '!=', eb.ref('a.role')),
          eb('m.email', '!=', eb.ref('a.email')),
        ]),
      )
      .execute();
    for (const { id } of stale) await this.#writeMirror(id);
  }

  async #writeMirror(accountId: string): Promise<Account | undefined> {
    const { db } = this.#deps;
    const a = await db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
    if (!a) return undefined;
    const env = this.ownEnvironment();
    const row = directoryRow(env.id, this.compiled(env), {
      provider: OWN_PROVIDER,
      tenant: '',
      username: a.email,
      email: a.email,
      name: a.name,
      active: a.active === 1,
      itUser: false,
      staff: a.role !== 'candidate',
      role: a.role,
      lastSignInAt: a.last_sign_in_at,
      createdAt: a.created_at,
    });
    await db
      .insertInto('licence_accounts')
      .values({ ...row, source: 'own', account_id: a.id })
      .onConflict((oc) => oc.column('account_id').doUpdateSet(row))
      .execute();
    return a;
  }

  /** The AccountChanges hook: the account as stored now goes into the live count and the directory. */
  async refreshOwnAccount(accountId: string): Promise<void> {
    const a = await this.#writeMirror(accountId);
    if (!a) {
      this.live.remove(ownRef(accountId));
    } else {
      this.live.upsert(ownRecord(this.ownEnvironment().name, a));
    }
    this.changed();
  }

  /** Schedules the follow-up of a change (warnings, history) once per burst of changes. */
  changed(): void {
    this.#version++;
    if (this.#afterChangeQueued || !this.afterChange) return;
    this.#afterChangeQueued = true;
    const run = this.afterChange;
    this.track(
      Promise.resolve().then(async () => {
        this.#afterChangeQueued = false;
        await run();
      }),
    );
  }

  /** Environments were edited: reclassify stored rows in SQL and hand the new rules to the live count. */
  async applyEnvironments(renamed: boolean): Promise<void> {
    this.environments = await this.readEnvironments();
    if (renamed) {
      // A rename changes every record's environment name: rebuilt from the database (rare).
      this.live = new LiveLicenceCount(toRules(this.environments), await this.recordsFromDb(this.environments));
    } else {
      this.live.setEnvironments(toRules(this.environments));
    }
    this.changed();
  }

  /**
   * Work over every account (full count, hygiene, retention preview): in the count worker when the database is a
   * file this process holds (production), so the request thread keeps answering; in-process otherwise.
   */
  async fullCountTask<T extends FullCountTask>(
    task: T,
  ): Promise<{
    answer: Extract<FullCountAnswer, { kind: T['kind'] }>;
    milliseconds: number;
    via: 'worker' | 'in-process';
  }> {
    type Answer = Extract<FullCountAnswer, { kind: T['kind'] }>;
    const envs = await this.readEnvironments();
    const { sqlite } = this.#deps;
    if (sqlite && !sqlite.memory) {
      try {
        const { answer, milliseconds } = await countWorker.run({
          dbPath: sqlite.name,
          ownName: (envs.find((e) => e.own) as EnvironmentView).name,
          names: envs.map((e) => [e.id, e.name]),
          environments: toRules(envs),
          task,
        });
        return { answer: answer as Answer, milliseconds, via: 'worker' };
      } catch (error) {
        this.#deps.logger.warn('count worker failed; counting in-process', { error: String(error) });
      }
    }
    const started = performance.now();
    const answer = runFullCountTask(await this.recordsFromDb(envs), toRules(envs), task) as Answer;
    return { answer, milliseconds: performance.now() - started, via: 'in-process' };
  }

  async #fullCount(): Promise<{ full: FullCount; milliseconds: number; via: 'worker' | 'in-process' }> {
    const { answer, milliseconds, via } = await this.fullCountTask({ kind: 'count' });
    return { full: answer.full, milliseconds, via };
  }

  /** Full count from the database (engine countLicences), compared with the live figures (rule 24). */
  async recount(): Promise<RecountOutcome> {
    await this.current();
    let version = this.#version;
    let counted = await this.#fullCount();
    // A change that landed while counting makes the two incomparable: count again (twice at most).
    for (let retry = 0; retry < 2 && version !== this.#version; retry++) {
      await this.current();
      version = this.#version;
      counted = await this.#fullCount();
    }
    const { full, milliseconds, via } = counted;
    const live = this.live.totals();
    const differences: string[] = [];
    const check = (what: string, a: unknown, b: unknown) => {
      if (JSON.stringify(a) !== JSON.stringify(b))
        differences.push(`${what}: live ${JSON.stringify(a)}, full ${JSON.stringify(b)}`);
    };
    check('internal', live.internal, full.internal);
    check('external', live.external, full.external);
    check('raw', live.raw, full.raw);
    check('not counted', live.notCounted, full.notCounted);
    const shape = (envList: CountResult['environments']) =>
      [...envList]
        .map((e) => ({
          ...e,
          providers: [...e.providers]
            .filter((p) => p.internal + p.external > 0)
            .sort((x, y) => (x.name < y.name ? -1 : 1)),
        }))
        .sort((x, y) => (x.name < y.name ? -1 : 1));
    check('environments', shape(live.environments), shape(full.environments));
    return { agrees: differences.length === 0, live, full, milliseconds, differences, via };
  }
}
