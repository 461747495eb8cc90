// Live licence figures (rule 24): one LiveLicenceCount per process, loaded from the database once and kept current by
// the code paths that change accounts (the AccountChanges hook, imports, rule edits, retention). No timer.

import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Database as SQLiteDatabase } from 'better-sqlite3';
import { type CompiledRules, compileRules } from '../../shared/licensing/classify.ts';
import type { AccountRecord } from '../../shared/licensing/count.ts';
import { LiveLicenceCount, type LiveTotals, type ProviderReplacement } from '../../shared/licensing/live.ts';
import type { Account, AccountErasureColumn } from '../auth/tables.ts';
import type { Change } from '../db/change-feed.ts';
import { dialectOf } from '../db/dialect.ts';
import { withoutMemoryMap } from '../db/memory-map.ts';
import { writeTransaction } from '../db/transaction.ts';
import { writeTurnsOf } from '../db/write-turns.ts';
import type { Deps } from '../deps.ts';
import type { FullCount, FullCountTask } from './full-count.ts';
import { ENDED_WITHOUT_SWITCH, endWithoutSwitch } from './import-end.ts';
import { removeSpool } from './import-spool.ts';
import { staleMirrorIds, writeMirrorRow } from './own-accounts-mirror.ts';
import { eachPostgresRecord, pooledPostgresRecords } from './postgres-records.ts';
import {
  eachProviderRow,
  followStagedRows,
  inForce,
  type ProviderPreview,
  type ProviderRow,
  providerGenerations,
  retiredRowsAtLeast,
  sweepRetiredGenerations,
} from './provider-rows.ts';
import type { EnvironmentView } from './records.ts';
import {
  eachOwnRecord,
  eachRawRecord,
  importLock,
  importRef,
  ownRecord,
  ownRef,
  rawRecords,
  storedImportRecord,
  toRules,
} from './records.ts';
import { type Counted, countEverything, figureDifferences } from './recount.ts';
import { loadImportedRows, WORKER_LOAD_ROWS } from './row-reader.ts';
import { sweepInWorker } from './sweep-worker.ts';

/** Replaced rows from which a sweep on a SQLite file is left to a worker thread (one costs about a second to start). */
const SWEEP_THREAD_FROM_ROWS = 20_000;

/** Accounts applied to the live count between two turns of the event loop, so requests keep being answered. */
const APPLY_BUDGET = 1_000;

/** The key of an (environment, provider) in LicensingState's generations applied. */
const appliedKey = (environmentId: string, provider: string) => `${environmentId}\u0000${provider}`;

export interface RecountOutcome {
  agrees: boolean;
  live: LiveTotals;
  full: FullCount;
  milliseconds: number;
  differences: string[];
  /** 'worker': counted in a worker thread from its own connection, the server kept answering meanwhile. */
  via: 'worker' | 'in-process';
}

/** The last time every account was read into the live figures: how many, how long, and how they were read. */
export interface LoadFigures {
  accounts: number;
  milliseconds: number;
  /** 'worker thread': imported rows were read beside the count (the first load of a large SQLite directory). */
  via: 'worker thread' | 'main thread';
}

export class LicensingState {
  live = new LiveLicenceCount([]);
  lastLoad: LoadFigures | null = null;
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
  /** The tail of the queue every asynchronous change to `live` joins (see #serially). */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #staleAccounts = new Set<string>();
  /**
   * The generation of each (environment, provider) whose rows this process's live count holds, by applyProviders: a
   * switch this process made and counted is heard back from the change feed, and must not be counted again.
   */
  readonly #applied = new Map<string, number>();
  #accountsRound: Promise<void> | null = null;

  constructor(deps: Deps) {
    this.#deps = deps;
    deps.accountChanges.on('change', (change) => {
      // With the raw handle the live count changes before the hook returns; the directory row follows (async).
      if (this.#loaded && deps.sqlite) this.#applyOwnAccountNow(deps.sqlite, change.accountId);
      this.track(this.ready().then(() => this.refreshOwnAccount(change.accountId)));
    });
    // Other instances sharing the database (PostgreSQL): what they commit reaches this live count too.
    deps.changes.subscribe({
      change: (change) => this.#heard(change),
      resync: () => {
        if (this.#loading) this.track(this.#serially(() => this.#rebuild()));
      },
    });
  }

  /**
   * Changes to the live count that read the database run one at a time, in the order they were asked for, each on
   * what the database holds when it runs: an older read can never overwrite a newer one.
   */
  #serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      await this.ready();
      return work();
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  /** A change another instance (or this one) committed; before the first load there is nothing to update. */
  #heard(change: Change): void {
    if (!this.#loading) return;
    if (change.topic === 'account') this.track(this.#refreshAccounts([change.id]));
    else if (change.topic === 'directory') this.track(this.applyProviders(change.environment, [change.provider]));
    else this.track(this.#serially(() => this.#syncEnvironments()));
  }

  /** Re-reads own accounts into the live count: every account that changed meanwhile goes in the same query. */
  #refreshAccounts(ids: Iterable<string>): Promise<void> {
    for (const id of ids) this.#staleAccounts.add(id);
    this.#accountsRound ??= this.#serially(async () => {
      // From here on, accounts that change again need a round of their own: this one may have read them already.
      this.#accountsRound = null;
      const stale = [...this.#staleAccounts];
      this.#staleAccounts.clear();
      const own = this.ownEnvironment().name;
      for (let from = 0; from < stale.length; from += 500) {
        const part = stale.slice(from, from + 500);
        const rows = await this.#deps.db
          .withTables<AccountErasureColumn>()
          .selectFrom('accounts')
          .select(['id', 'email', 'role', 'active'])
          .where('id', 'in', part)
          .where('erased_at', 'is', null)
          .execute();
        const found = new Map(rows.map((a) => [a.id, a]));
        for (const id of part) {
          const a = found.get(id);
          if (a) this.live.upsert(ownRecord(own, a));
          else this.live.remove(ownRef(id));
        }
      }
      this.#version++;
    });
    return this.#accountsRound;
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

  /**
   * Every account as the engine sees it, straight from the database (own accounts from `accounts`, imported rows in
   * force). `refFor` names imported rows (the live count keys them by row id).
   */
  async recordsFromDb(
    envs: readonly EnvironmentView[],
    refFor: (rowId: number) => string | number = importRef,
  ): Promise<AccountRecord[]> {
    const own = envs.find((e) => e.own) as EnvironmentView;
    const names = new Map(envs.map((e) => [e.id, e.name]));
    const { sqlite, postgres, db } = this.#deps;
    if (sqlite) return rawRecords(sqlite, own.name, names, refFor);
    if (postgres) return pooledPostgresRecords(postgres.pool, own.name, names, refFor);
    const accounts = await db
      .withTables<AccountErasureColumn>()
      .selectFrom('accounts')
      .select(['id', 'email', 'role', 'active'])
      .where('erased_at', 'is', null)
      .execute();
    const records: AccountRecord[] = accounts.map((a) => ownRecord(own.name, a));
    const imported = await db
      .selectFrom('licence_accounts')
      .select(['id', 'environment_id', 'provider', 'tenant', 'username', 'email', 'active', 'it_user', 'staff'])
      .where('source', '=', 'import')
      .where(inForce)
      .execute();
    for (const r of imported) {
      records.push({ ...storedImportRecord(r, names.get(r.environment_id) as string), ref: refFor(r.id) });
    }
    return records;
  }

  async #load(): Promise<void> {
    await this.#failInterruptedImports();
    await this.#rebuild(true);
    this.#loaded = true;
    await this.#reconcileMirror();
    this.sweepRetired();
  }

  /**
   * Everything read again from the database, a record at a time (five million accounts are never all objects at
   * once), into a new live count that replaces the old one when complete.
   */
  async #rebuild(atStart = false): Promise<void> {
    const started = performance.now();
    const environments = await this.readEnvironments();
    const own = environments.find((e) => e.own) as EnvironmentView;
    const names = new Map(environments.map((e) => [e.id, e.name]));
    const { sqlite, postgres, db } = this.#deps;
    // Every account, to size the count: on SQLite a scan of the smallest index, read past the memory map.
    const held = sqlite
      ? withoutMemoryMap(sqlite, () => Number(sqlite.prepare('select count(*) from licence_accounts').pluck().get()))
      : Number(
          (
            await db
              .selectFrom('licence_accounts')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
    const empty = () => {
      const count = new LiveLicenceCount(toRules(environments));
      count.reserve(held);
      return count;
    };
    let live = empty();
    const byRowId = (rowId: number) => rowId;
    let via: LoadFigures['via'] = 'main thread';
    if (sqlite && atStart && !sqlite.memory && held >= WORKER_LOAD_ROWS) {
      try {
        live.load(eachOwnRecord(sqlite, own.name));
        await loadImportedRows(sqlite.name, live, names);
        via = 'worker thread';
      } catch (error) {
        // The thread could not read (it failed to start, say): the same rows are read here instead, from the start.
        this.#deps.logger.warn('licence figures: reading on the main thread, the row reader failed', {
          error: String(error),
        });
        live = empty();
        live.load(eachRawRecord(sqlite, own.name, names, byRowId));
      }
    } else if (sqlite) {
      live.load(eachRawRecord(sqlite, own.name, names, byRowId));
    } else if (postgres) {
      const client = await postgres.pool.connect();
      try {
        await eachPostgresRecord(client, own.name, names, byRowId, async (batch) => live.load(batch));
      } finally {
        client.release();
      }
    } else {
      live.load(await this.recordsFromDb(environments, byRowId));
    }
    live.countPeople();
    this.environments = environments;
    this.live = live;
    // The rows in force were read whole: a switch heard of later is applied again rather than trusted as counted.
    this.#applied.clear();
    this.#version++;
    this.lastLoad = { accounts: live.size, milliseconds: Math.round(performance.now() - started), via };
  }

  /**
   * An import still "running" that nobody holds was interrupted (a restart): it never switched, so the previous rows
   * are in force and its own rows are retired. One still held belongs to another instance sharing the database, and
   * goes on. An import that switched before the restart only had the live figures left to update: the load did that.
   */
  async #failInterruptedImports(): Promise<void> {
    const { db } = this.#deps;
    const now = this.#deps.clock().toISOString();
    await db
      .updateTable('licence_imports')
      .set({ phase: '', finished_at: now })
      .where('status', '=', 'done')
      .where('phase', '=', 'counting')
      .execute();
    const running = await db
      .selectFrom('licence_imports')
      .select(['id', 'generation', 'phase'])
      .where('status', '=', 'running')
      .execute();
    for (const { id, generation, phase } of running) {
      const interrupted = await writeTransaction(db, async (trx) => {
        if (!(await dialectOf(trx).tryTransactionLock(trx, importLock(id)))) return false;
        const why =
          phase === 'switching' ? ENDED_WITHOUT_SWITCH.interruptedSwitching : ENDED_WITHOUT_SWITCH.interrupted;
        return endWithoutSwitch(trx, id, generation, now, 'failed', [why], ['running']);
      });
      if (interrupted) await removeSpool(this.#deps.config.dataDir, id);
    }
  }

  /** Reads every account again (after the live count missed a change it cannot take by difference). */
  reloadAll(): void {
    this.track(this.#serially(() => this.#rebuild()).then(() => this.changed()));
  }

  /** Deletes, in short batches, the rows of generations replaced or abandoned (in the background). */
  sweepRetired(): void {
    if (this.#sweeping) {
      this.#sweepAgain = true;
      return;
    }
    this.#sweeping = this.#sweep()
      .catch((error: unknown) =>
        this.#deps.logger.error('deleting replaced import rows failed', { error: String(error) }),
      )
      .finally(() => {
        this.#sweeping = null;
        if (this.#sweepAgain) {
          this.#sweepAgain = false;
          this.sweepRetired();
        }
      });
  }

  #sweeping: Promise<void> | null = null;
  #sweepAgain = false;

  /**
   * On a SQLite file, many rows are deleted by a worker thread (sweep-worker.ts), so candidates' requests are not held
   * up behind the deletes; a few, and every sweep on PostgreSQL (whose deletes do not hold the event loop), here.
   */
  async #sweep(): Promise<void> {
    const { sqlite, db, config, logger } = this.#deps;
    const threadFrom = config.importThreadFromBytes === 0 ? 1 : SWEEP_THREAD_FROM_ROWS;
    if (sqlite && !sqlite.memory && (await retiredRowsAtLeast(db, threadFrom))) {
      try {
        const deleted = await sweepInWorker(sqlite.name, writeTurnsOf(sqlite).buffer);
        logger.info('replaced import rows deleted by a worker thread', { rows: deleted });
        return;
      } catch (error) {
        // The thread could not start, say: whatever it left is deleted here instead.
        logger.warn('deleting replaced import rows on the main thread, the worker failed', { error: String(error) });
      }
    }
    await sweepRetiredGenerations(db, nextTurn);
  }

  /** Resolves when no deletion of replaced rows is under way (tests, a clean stop). */
  async swept(): Promise<void> {
    while (this.#sweeping) await this.#sweeping;
  }

  #applyOwnAccountNow(sqlite: SQLiteDatabase, accountId: string): void {
    const a = sqlite
      .prepare<[string], Pick<Account, 'id' | 'email' | 'role' | 'active'>>(
        'select id, email, role, active from accounts where id = ? and erased_at is null',
      )
      .get(accountId);
    if (a) this.live.upsert(ownRecord(this.ownEnvironment().name, a));
    else this.live.remove(ownRef(accountId));
    this.#version++;
  }

  /** Own accounts changed while no process was listening get their directory row; an erased account's row goes. */
  async #reconcileMirror(): Promise<void> {
    for (const id of await staleMirrorIds(this.#deps.db)) await this.#writeMirror(id);
  }

  #writeMirror(accountId: string): Promise<Account | undefined> {
    const env = this.ownEnvironment();
    return writeMirrorRow(this.#deps.db, env.id, this.compiled(env), accountId);
  }

  /** The AccountChanges hook: the account as stored now goes into the directory and the live count. */
  async refreshOwnAccount(accountId: string): Promise<void> {
    await this.#writeMirror(accountId);
    await this.#refreshAccounts([accountId]);
    this.changed();
  }

  /**
   * The rows in force of these providers replace what the live count holds for them, by difference: accounts the new
   * rows hold again keep their place (a nightly sync changes few), the others are added or taken out, a few thousand
   * between two turns of the event loop. After a switch here, and when another instance's switch is heard of.
   */
  applyProviders(
    environmentId: string,
    providers: readonly string[],
    progress?: (accounts: number) => void,
    rows = 0,
  ): Promise<void> {
    return this.#serially(async () => {
      if (!this.environmentById(environmentId)) await this.#syncEnvironments();
      const env = this.environmentById(environmentId);
      if (!env) return;
      const inForce = await providerGenerations(this.#deps.db, environmentId, providers);
      // Only what is not counted here yet: the rows of a switch this process counted are not read again when the
      // change feed tells of it (a million rows, counted twice, held the figures for as long again).
      const generations = new Map(
        [...inForce].filter(([provider, g]) => this.#applied.get(appliedKey(environmentId, provider)) !== g),
      );
      if (generations.size === 0) return;
      await this.#replaceProviders(
        env,
        generations,
        async (replacements) => {
          await this.#finish(replacements, 'commit');
          for (const [provider, generation] of generations)
            this.#applied.set(appliedKey(environmentId, provider), generation);
        },
        progress,
        rows,
      );
      this.#version++;
    });
  }

  /**
   * An import's rows taken into the live count ahead of its switch (issue 21), while its worker puts them in the search
   * index: once counted, `switchNow` runs with the queue still held; the count commits when the switch has, and is
   * undone when it fails. Readers of the figures wait meanwhile, as for any change.
   */
  applyStaged(
    environmentId: string,
    generation: number,
    providers: readonly string[],
    switchNow: () => Promise<void>,
    progress?: (accounts: number) => void,
    rows = 0,
    writing?: Promise<unknown>,
  ): Promise<void> {
    return this.#serially(async () => {
      const env = this.environmentById(environmentId);
      if (!env) throw new Error('the environment no longer exists');
      const staged = new Map(providers.map((provider) => [provider, generation]));
      const sqlite = this.#deps.sqlite;
      const following =
        writing && sqlite
          ? (visit: (rows: ProviderRow[]) => Promise<void>) =>
              followStagedRows(sqlite, env.id, generation, writing, visit)
          : undefined;
      await this.#replaceProviders(
        env,
        staged,
        async (replacements) => {
          try {
            await switchNow();
          } catch (error) {
            await this.#finish(replacements, 'undo');
            throw error;
          }
          await this.#finish(replacements, 'commit');
          for (const provider of providers) this.#applied.set(appliedKey(environmentId, provider), generation);
        },
        progress,
        rows,
        following,
      );
      this.#version++;
    });
  }

  /**
   * What the figures would become with an import's rows in place of its providers' rows in force: applied to the live
   * count and undone in the same turn of the queue (readers of the figures wait meanwhile, as for any change).
   */
  previewProviders(
    environmentId: string,
    generation: number,
    providers: readonly string[],
    progress?: (accounts: number) => void,
    rows = 0,
  ): Promise<ProviderPreview> {
    return this.#serially(async () => {
      const env = this.environmentById(environmentId);
      if (!env) throw new Error('the environment no longer exists');
      const before = this.live.totals();
      let preview: ProviderPreview | undefined;
      const staged = new Map(providers.map((provider) => [provider, generation]));
      await this.#replaceProviders(
        env,
        staged,
        async (replacements) => {
          preview = {
            before,
            after: this.live.totals(),
            providers: [...replacements].map(([provider, replacement]) => ({
              provider,
              ...replacement.counts,
              shared: this.live.sharedValues(env.name, provider),
            })),
          };
          await this.#finish(replacements, 'undo');
        },
        progress,
        rows,
      );
      return preview as ProviderPreview;
    });
  }

  async #replaceProviders(
    env: EnvironmentView,
    generations: ReadonlyMap<string, number>,
    then: (replacements: Map<string, ProviderReplacement>) => Promise<void>,
    progress?: (accounts: number) => void,
    rows = 0,
    following?: (visit: (rows: ProviderRow[]) => Promise<void>) => Promise<void>,
  ): Promise<void> {
    const replacements = new Map<string, ProviderReplacement>();
    try {
      for (const provider of generations.keys()) {
        replacements.set(provider, this.live.beginReplacement(env.name, provider));
      }
      // Room for the rows the import wrote (the old ones stay until the end), made once, a table per turn: grown a
      // quarter at a time as rows came, five million took some thirty rounds of copying every table, each copy holding
      // the event loop for up to 150 ms while candidates were saving.
      for (const _ of this.live.makingRoom(rows)) await nextTurn();
      let read = 0;
      const visit = async (rows: ProviderRow[]) => {
        for (let from = 0; from < rows.length; from += APPLY_BUDGET) {
          // Tables that must grow do so here, one per turn, rather than all at once inside an add.
          for (const _ of this.live.makingRoom(Math.min(APPLY_BUDGET, rows.length - from))) await nextTurn();
          for (const row of rows.slice(from, from + APPLY_BUDGET)) {
            const replacement = replacements.get(row.provider);
            if (!replacement) throw new Error(`an import's row names a provider it did not read: ${row.provider}`);
            replacement.add([storedImportRecord(row, env.name, row.id)]);
          }
          await nextTurn();
        }
        read += rows.length;
        progress?.(read);
      };
      if (following) await following(visit);
      else await eachProviderRow(this.#deps.db, env.id, generations, visit, this.#deps.sqlite);
      for (const replacement of replacements.values()) while (!replacement.retire(APPLY_BUDGET)) await nextTurn();
    } catch (error) {
      await this.#finish(replacements, 'undo');
      throw error;
    }
    await then(replacements);
  }

  async #finish(replacements: Map<string, ProviderReplacement>, how: 'commit' | 'undo'): Promise<void> {
    for (const replacement of replacements.values()) while (!replacement[how](APPLY_BUDGET)) await nextTurn();
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

  /** Environments were edited here: the live count takes the new rules. */
  async applyEnvironments(): Promise<void> {
    await this.#serially(() => this.#syncEnvironments());
    this.changed();
  }

  /** The environments as stored now; an edit heard from another instance is applied the same way. */
  async #syncEnvironments(): Promise<void> {
    const environments = await this.readEnvironments();
    const before = new Map(this.environments.map((e) => [e.id, e.name]));
    const renamed = new Map<string, string>(); // old name → new name
    for (const environment of environments) {
      const old = before.get(environment.id);
      if (old !== undefined && old !== environment.name) renamed.set(old, environment.name);
    }
    // A rename only changes the environment's name: its accounts stay where they are in the live count. Two names
    // swapped in one edit go through a name no environment has.
    const parked = new Map<string, string>();
    for (const [from, to] of renamed) {
      const park = `\u0000${from}`;
      this.live.renameEnvironment(from, park);
      parked.set(park, to);
    }
    for (const [park, to] of parked) this.live.renameEnvironment(park, to);
    this.environments = environments;
    this.live.setEnvironments(toRules(environments));
    this.#version++;
  }

  /**
   * Work over every account (full count, hygiene, retention preview): in the count worker when the database is a
   * file this process holds or a PostgreSQL server (production), so the request thread keeps answering; in-process
   * otherwise.
   */
  async fullCountTask<T extends FullCountTask>(task: T): Promise<Counted<T>> {
    const envs = await this.readEnvironments();
    return countEverything(this.#deps, envs, () => this.recordsFromDb(envs), task);
  }

  async #fullCount(): Promise<{ full: FullCount; milliseconds: number; via: 'worker' | 'in-process' }> {
    const { answer, milliseconds, via } = await this.fullCountTask({ kind: 'count' });
    return { full: answer.full, milliseconds, via };
  }

  /**
   * The safety net under the change feed: a full recount, and should the live figures disagree (a change nobody
   * announced: a script writing with the triggers disabled, another process on a SQLite file, a bug), everything is
   * read again. Returns whether they agreed.
   */
  async selfCheck(): Promise<boolean> {
    const outcome = await this.recount();
    if (outcome.agrees) return true;
    this.#deps.logger.warn('live licence figures disagreed with a full count; reading everything again', {
      differences: outcome.differences,
    });
    await this.#serially(() => this.#rebuild());
    this.changed();
    return false;
  }

  /** Imports under way in this process: the self-check waits for them (the figures are changing meanwhile). */
  importsUnderWay = 0;

  /** selfCheck every `everyMs` (in the count worker, so requests are not held up). Returns a stop function. */
  startSelfCheck(everyMs = 15 * 60_000): () => void {
    let running = false;
    const timer = setInterval(() => {
      if (running || this.importsUnderWay > 0) return;
      running = true;
      this.selfCheck()
        .catch((error: unknown) => this.#deps.logger.error('licence self-check failed', { error: String(error) }))
        .finally(() => {
          running = false;
        });
    }, everyMs);
    timer.unref();
    return () => clearInterval(timer);
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
    const differences = figureDifferences(live, full);
    return { agrees: differences.length === 0, live, full, milliseconds, differences, via };
  }
}
