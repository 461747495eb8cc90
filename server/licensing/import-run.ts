// An import's work after its upload (issue 21), in phases: reading (the spooled file through the one user-list reader,
// rows written in short batches under the import's generation, out of sight), checking (the rows are all there; for
// the portal, what the figures would become; otherwise the live figures take the rows, the switch still to come, while
// a worker puts them in the search index), switching (one short transaction points the providers at the new
// generation) and counting (the live figures take the difference: after a confirmed preview, or committing the count
// made while checking). Until the switch commits, a bad row, a Cancel or a crash leaves the previous rows in force; the
// abandoned generation is deleted in the background.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql } from 'kysely';
import { type AuditActor, recordAudit } from '../audit/log.ts';
import { newId } from '../auth/secrets.ts';
import { dialectOf } from '../db/dialect.ts';
import { writeTransaction } from '../db/transaction.ts';
import { writeTurnsOf } from '../db/write-turns.ts';
import { ApiError } from '../http/errors.ts';
import type { LicensingDeps } from './context.ts';
import { ENDED_WITHOUT_SWITCH, endWithoutSwitch } from './import-end.ts';
import { type ImportOptions, type ImportPreview, readOptions } from './import-options.ts';
import { fromApiError, type ImportProblem } from './import-problems.ts';
import { ImportRefused, ImportRows, importReader } from './import-rows.ts';
import { removeSpool, spoolPath } from './import-spool.ts';
import { stagedRow, stagingFor } from './import-staging.ts';
import {
  type ImportRead,
  type ImportWriting,
  readInWorker,
  type StagedImport,
  WorkerCancelled,
} from './import-worker.ts';
import { retireGeneration } from './provider-rows.ts';
import { type EnvironmentView, importLock } from './records.ts';
import type { ImportPhase } from './tables.ts';

class ImportCancelled extends Error {}

interface Job {
  /** One Int32, 1 once cancelled: shared memory, so a worker thread reading the list (import-worker.ts) sees it too. */
  cancel: Int32Array;
  done: Promise<void>;
}

const isCancelled = (job: Job) => Atomics.load(job.cancel, 0) !== 0;

/** Imports this process is working on. */
const jobs = new Map<string, Job>();

/** Resolves when this process's work on the import ends (at once when there is none). */
export async function importSettled(importId: string): Promise<void> {
  await jobs.get(importId)?.done;
}

/** Asks this process's job to stop at its next batch; false when this process is not running it. */
export function cancelLocalJob(importId: string): boolean {
  const job = jobs.get(importId);
  if (!job) return false;
  Atomics.store(job.cancel, 0, 1);
  return true;
}

/** Runs the import's next phases in the background: reading to preview or done, or (confirmed) switching. */
export function startImportJob(deps: LicensingDeps, importId: string, actor: AuditActor): void {
  const job: Job = { cancel: new Int32Array(new SharedArrayBuffer(4)), done: Promise.resolve() };
  job.done = runJob(deps, importId, actor, job).finally(() => jobs.delete(importId));
  jobs.set(importId, job);
}

async function runJob(deps: LicensingDeps, importId: string, actor: AuditActor, job: Job): Promise<void> {
  deps.licensing.importsUnderWay++;
  try {
    await withImportLock(deps, importId, () => runPhases(deps, importId, actor, job));
  } finally {
    deps.licensing.importsUnderWay--;
    deps.licensing.sweepRetired();
  }
}

async function runPhases(deps: LicensingDeps, importId: string, actor: AuditActor, job: Job): Promise<void> {
  let switched = false;
  let staged: StagedImport | undefined;
  try {
    const row = await deps.db
      .selectFrom('licence_imports')
      .selectAll()
      .where('id', '=', importId)
      .executeTakeFirstOrThrow();
    await deps.licensing.current();
    const env = deps.licensing.environmentById(row.environment_id);
    if (!env) {
      throw new ImportRefused([{ code: 'environment-gone', values: {}, message: 'the environment no longer exists' }]);
    }
    const options = readOptions(row.options);
    if (row.phase === 'switching') {
      // Confirmed after its preview: switched, then counted.
      if (row.generation === null) throw new Error('an import to switch has no generation');
      const providers = row.provider === '' ? [] : row.provider.split('\n');
      await setPhase(deps, importId, 'switching', providers.length);
      await switchProviders(deps, importId, env, providers, row.generation, options, actor, job);
      switched = true;
      await removeSpool(deps.config.dataDir, importId);
      await setPhase(deps, importId, 'counting', Number(row.rows));
      const counting = deps.licensing.applyProviders(
        env.id,
        providers,
        phaseReporter(deps, importId),
        Number(row.rows),
      );
      deps.licensing.track(counting);
      await counting;
    } else {
      const generation = await allocateGeneration(deps, importId);
      // Without a preview, a list its worker writes (SQLite) is counted as its rows are committed, while the worker
      // writes the rest; otherwise once all are written. Either way the count waits for the checks before the switch,
      // and a failure before it undoes what was counted.
      const report = phaseReporter(deps, importId);
      // Accounts counted and (SQLite, a worker's list) put in the search index so far: the checking phase's progress
      // once it begins is the lesser (the count is mostly done by then, the index not).
      let counted = 0;
      let indexedSoFar: number | null = null;
      let checking = false;
      const reportChecking = () => {
        // A preview's checking reports its own count (previewImport).
        if (checking && !options.confirm) report(indexedSoFar === null ? counted : Math.min(counted, indexedSoFar));
      };
      let checks: { passed: (indexed: Promise<void>) => void; failed: (error: unknown) => void } | undefined;
      const checked = new Promise<{ indexed: Promise<void> }>((resolve, reject) => {
        checks = { passed: (indexed) => resolve({ indexed }), failed: reject };
      });
      checked.catch(() => {});
      let counting: Promise<void> | undefined;
      const count = (providers: string[], rows: number, writing?: Promise<unknown>) => {
        const removed = new Map(providers.map((p) => [p, deps.licensing.live.providerSize(env.name, p)]));
        const applying = deps.licensing.applyStaged(
          env.id,
          generation,
          providers,
          async () => {
            const { indexed } = await checked;
            await workerDone(indexed);
            await setPhase(deps, importId, 'switching', providers.length);
            await switchProviders(deps, importId, env, providers, generation, options, actor, job, removed);
            switched = true;
          },
          (accounts) => {
            // A Cancel asked here stops the counting; one asked of another instance is seen at the switch.
            if (isCancelled(job)) throw new ImportCancelled();
            counted = accounts;
            reportChecking();
          },
          rows,
          writing,
        );
        // Readers of the figures wait for it from now on: the rows are taken in before the old ones go.
        deps.licensing.track(applying);
        return applying;
      };
      try {
        const reading: Promise<StagedImport> = readAndStage(
          deps,
          importId,
          env,
          options,
          generation,
          job,
          options.confirm
            ? undefined
            : (writing) => {
                deps.logger.info('import counted as its worker writes it', { importId, rows: writing.rows });
                counting = count(writing.providers, writing.rows, reading);
              },
          (rows) => {
            if (rows === 0) deps.logger.info("import's rows going into the search index", { importId });
            indexedSoFar = rows;
            reportChecking();
          },
        );
        staged = await reading;
        const { indexed, rows } = staged;
        const providers = staged.providers.map((p) => p.provider);
        await setPhase(deps, importId, 'checking', rows);
        checking = true;
        reportChecking();
        await refreshStatistics(deps);
        await checkStaged(deps, importId, generation, rows);
        if (options.confirm) {
          const preview = await previewImport(deps, importId, env, generation, staged);
          // Switched on confirmation only once every row is in the search index.
          await workerDone(indexed);
          await deps.db
            .updateTable('licence_imports')
            .set({ status: 'preview', phase: '', preview: JSON.stringify(preview), provider: providers.join('\n') })
            .where('id', '=', importId)
            .where('status', '=', 'running')
            .execute();
          return;
        }
        await removeSpool(deps.config.dataDir, importId);
        // Still checking: counted before the switch (the phase's progress), while the worker puts the rows in the
        // search index; switched once both are done, the figures still waiting, so they take the import in the same
        // turn as the database. A Cancel is taken until the switch begins, as before.
        counting ??= count(providers, rows);
        checks?.passed(indexed);
      } catch (error) {
        checks?.failed(error);
        await counting?.catch(() => {});
        throw error;
      }
      await counting;
    }
    deps.licensing.changed();
    await deps.db
      .updateTable('licence_imports')
      .set({ phase: '', finished_at: deps.clock().toISOString() })
      .where('id', '=', importId)
      .execute();
  } catch (error) {
    if (switched) {
      // The rows are switched and stay so; only this process's figures missed them: read everything again.
      deps.logger.error('licence figures did not take an import; reading everything again', { error: String(error) });
      deps.licensing.reloadAll();
      await deps.db
        .updateTable('licence_imports')
        .set({ phase: '', finished_at: deps.clock().toISOString() })
        .where('id', '=', importId)
        .execute();
    } else {
      // A worker still indexing stops before the import's rows are retired.
      Atomics.store(job.cancel, 0, 1);
      await staged?.indexed.catch(() => {});
      await failImport(deps, importId, error);
    }
  }
}

/** The import's progress in its phase, written as the live figures take its rows. */
const phaseReporter = (deps: LicensingDeps, importId: string) => (accounts: number) => {
  void reportPhase(deps, importId, accounts);
};

/** The worker's search index done; a Cancel it saw is the import's. */
async function workerDone(indexed: Promise<void>): Promise<void> {
  try {
    await indexed;
  } catch (error) {
    throw error instanceof WorkerCancelled ? new ImportCancelled() : error;
  }
}

/**
 * Another instance starting meanwhile must see the import is alive (state.ts): on PostgreSQL a lock held by a
 * connection of its own for the whole run. SQLite has one process, which knows its own imports.
 */
async function withImportLock(deps: LicensingDeps, importId: string, work: () => Promise<void>): Promise<void> {
  if (dialectOf(deps.db).name !== 'postgres') return work();
  await deps.db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(hashtext(${importLock(importId)}))`.execute(connection);
    try {
      await work();
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${importLock(importId)}))`.execute(connection);
    }
  });
}

async function allocateGeneration(deps: LicensingDeps, importId: string): Promise<number> {
  return writeTransaction(deps.db, async (trx) => {
    const { last_generation } = await trx
      .updateTable('licence_settings')
      .set((eb) => ({ last_generation: eb('last_generation', '+', 1) }))
      .where('id', '=', 1)
      .returning('last_generation')
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('licence_imports')
      .set({ generation: last_generation, phase: 'reading', phase_started_at: deps.clock().toISOString() })
      .where('id', '=', importId)
      .execute();
    return last_generation;
  });
}

async function setPhase(deps: LicensingDeps, importId: string, phase: ImportPhase, total: number): Promise<void> {
  await deps.db
    .updateTable('licence_imports')
    .set({ phase, phase_done: 0, phase_total: total, phase_started_at: deps.clock().toISOString() })
    .where('id', '=', importId)
    .execute();
}

async function reportPhase(deps: LicensingDeps, importId: string, done: number): Promise<void> {
  await deps.db.updateTable('licence_imports').set({ phase_done: done }).where('id', '=', importId).execute();
}

async function stopIfCancelled(deps: LicensingDeps, importId: string, job: Job): Promise<void> {
  if (isCancelled(job)) throw new ImportCancelled();
  if (!dialectOf(deps.db).sharedByInstances) return;
  // Cancel may have been asked of another instance.
  const row = await deps.db
    .selectFrom('licence_imports')
    .select('cancel_requested')
    .where('id', '=', importId)
    .executeTakeFirst();
  if (row?.cancel_requested) throw new ImportCancelled();
}

/** The spooled file through the user-list reader into rows of the import's generation, in short transactions. */
async function readAndStage(
  deps: LicensingDeps,
  importId: string,
  env: EnvironmentView,
  options: ImportOptions,
  generation: number,
  job: Job,
  onWriting?: (writing: ImportWriting) => void,
  onIndexed?: (rows: number) => void,
): Promise<StagedImport> {
  const createdAt = deps.clock().toISOString();
  const path = spoolPath(deps.config.dataDir, importId);
  const sqlite = deps.sqlite && !deps.sqlite.memory ? deps.sqlite : undefined;
  const postgresUrl = deps.postgres?.url;
  if ((sqlite || postgresUrl) && (await stat(path)).size >= deps.config.importThreadFromBytes) {
    deps.logger.info('import read by a worker thread', { importId });
    try {
      return await readInWorker(
        {
          ...(sqlite ? { sqlite: { path: sqlite.name, turns: writeTurnsOf(sqlite).buffer } } : { postgresUrl }),
          spoolPath: path,
          importId,
          env: { id: env.id, name: env.name, production: env.production, own: env.own },
          options,
          generation,
          createdAt,
          limits: limitsOf(deps),
          cancel: job.cancel.buffer as SharedArrayBuffer,
        },
        onWriting,
        onIndexed,
      );
    } catch (error) {
      throw error instanceof WorkerCancelled ? new ImportCancelled() : error;
    }
  }
  const rows = new ImportRows(env, options, limitsOf(deps), createdAt);
  const reader = importReader(env, options);
  const staging = stagingFor(deps);
  let rowsWritten = 0;

  // Whole batches as they fill (the staging's statements are sized for them), the rest at the end.
  const flush = async (bytesRead: number, last = false) => {
    while (rows.waiting.length >= staging.rowsPerBatch || (last && rows.waiting.length > 0)) {
      await stopIfCancelled(deps, importId, job);
      const fields = rows.take(staging.rowsPerBatch);
      const rules = deps.licensing.compiled(deps.licensing.environmentById(env.id) ?? env);
      rowsWritten += fields.length;
      await staging.write(
        fields.map((f) => stagedRow(env.id, rules, f, generation)),
        { importId, rowsRead: rows.rowsRead, rowsWritten, bytesRead },
      );
    }
  };

  try {
    // Pieces of the file small enough that reading one (and writing its batch) keeps other requests waiting for
    // milliseconds, not for a fraction of a second.
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 14 })) {
      rows.add(reader.write(chunk as Buffer));
      if (rows.waiting.length >= staging.rowsPerBatch) await flush(reader.bytes);
      else await nextTurn();
    }
    const { accounts, summary } = reader.end();
    rows.add(accounts);
    rows.checkEnd();
    await flush(reader.bytes, true);
    // Indexed for search as they were written (the insert trigger).
    return { rows: rowsWritten, providers: rows.providers(), summary, indexed: Promise.resolve() };
  } catch (error) {
    throw rows.refusal(error);
  }
}

const limitsOf = (deps: LicensingDeps) => ({
  maxBytes: deps.config.importMaxBytes,
  maxRows: deps.config.importMaxRows,
});

/**
 * PostgreSQL plans the reads of an import's rows (checking, preview, counting, the sweep of the rows it replaces) from
 * the table's statistics, which autovacuum refreshes only a minute or more after a bulk load. Planned on a table it
 * still took for empty, each batch of the counting read (provider-rows.ts) went through the provider's index to its
 * end and sorted what it found: 250 ms a batch, 45 s of a first 1M-row import's counting, against 7 s once analysed.
 * ANALYZE reads a sample of fixed size (30,000 rows by default): 0.2 s at two million rows, when measured.
 */
async function refreshStatistics(deps: LicensingDeps): Promise<void> {
  if (dialectOf(deps.db).name === 'postgres') await sql`analyze licence_accounts`.execute(deps.db);
}

/** Ids counted per statement when checking: a count of millions in one statement held SQLite's event loop. */
const CHECK_SPAN = 50_000;

/**
 * Every row read is stored under the generation: nothing was lost between reading and writing. Counted over ranges of
 * ids, a short statement each, so requests are answered between them.
 */
async function checkStaged(deps: LicensingDeps, importId: string, generation: number, rows: number): Promise<void> {
  // Two queries: SQLite answers a lone min() or max() from the index's end, both at once by scanning it.
  const end = (order: 'asc' | 'desc') =>
    deps.db
      .selectFrom('licence_accounts')
      .select('id')
      .where('generation', '=', generation)
      .orderBy('generation', order)
      .orderBy('id', order)
      .limit(1)
      .executeTakeFirst();
  const [first, last] = [await end('asc'), await end('desc')];
  let n = 0;
  if (first && last) {
    for (let from = first.id; from <= last.id; from += CHECK_SPAN) {
      const counted = await deps.db
        .selectFrom('licence_accounts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('generation', '=', generation)
        .where('id', '>=', from)
        .where('id', '<', from + CHECK_SPAN)
        .executeTakeFirstOrThrow();
      n += Number(counted.n);
      await nextTurn();
    }
  }
  if (n !== rows) {
    throw new Error(`import ${importId}: ${rows} rows read but ${n} stored under generation ${generation}`);
  }
}

async function previewImport(
  deps: LicensingDeps,
  importId: string,
  env: EnvironmentView,
  generation: number,
  read: ImportRead,
): Promise<ImportPreview> {
  const providers = read.providers.map((p) => p.provider);
  const figures = await deps.licensing.previewProviders(
    env.id,
    generation,
    providers,
    (accounts) => {
      void reportPhase(deps, importId, accounts);
    },
    read.rows,
  );
  const rowsOf = new Map(read.providers.map((p) => [p.provider, p.rows]));
  const envFigures = (totals: typeof figures.before) => totals.environments.find((e) => e.name === env.name);
  const change = (before: { internal: number; external: number } | undefined, after: typeof before) => ({
    internal: { before: before?.internal ?? 0, after: after?.internal ?? 0 },
    external: { before: before?.external ?? 0, after: after?.external ?? 0 },
  });
  return {
    platform: read.summary.mapping.platformName,
    columns: read.summary.mapping.columns,
    providers: figures.providers.map((p) => ({
      provider: p.provider,
      rows: rowsOf.get(p.provider) ?? 0,
      kept: p.kept,
      added: p.added,
      removed: p.removed,
      sharedEmails: p.shared.emails,
      sharedUsernames: p.shared.usernames,
      examples: p.shared.examples,
    })),
    installation: change(figures.before, figures.after),
    environment: change(envFigures(figures.before), envFigures(figures.after)),
    anonymous: read.summary.anonymous,
  };
}

/**
 * The switch: each provider's generation in force becomes the import's, its previous generation is retired, all in
 * one short transaction (a few rows, whatever the size of the list). A Cancel that got there first wins.
 */
async function switchProviders(
  deps: LicensingDeps,
  importId: string,
  env: EnvironmentView,
  providers: readonly string[],
  generation: number,
  options: ImportOptions,
  actor: AuditActor,
  job: Job,
  /** Accounts each provider held before (for the audit), when the live figures hold the import's already. */
  removed = new Map(providers.map((p) => [p, deps.licensing.live.providerSize(env.name, p)])),
): Promise<void> {
  const now = deps.clock();
  await writeTransaction(deps.db, async (trx) => {
    const row = await trx
      .selectFrom('licence_imports')
      .select(['cancel_requested', 'rows'])
      .where('id', '=', importId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (row.cancel_requested || isCancelled(job)) throw new ImportCancelled();
    for (const provider of providers) {
      await trx
        .insertInto('licence_providers')
        .values({
          id: newId(),
          environment_id: env.id,
          name: provider,
          created_at: now.toISOString(),
        })
        .onConflict((oc) => oc.columns(['environment_id', 'name']).doNothing())
        .execute();
      // Two imports of one provider switching at once: one after the other, the later one in force.
      const current = await trx
        .selectFrom('licence_providers')
        .select('generation')
        .where('environment_id', '=', env.id)
        .where('name', '=', provider)
        .forUpdate()
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('licence_providers')
        .set({
          generation,
          ...(options.columns && options.confirm ? { column_mapping: JSON.stringify(options.columns) } : {}),
        })
        .where('environment_id', '=', env.id)
        .where('name', '=', provider)
        .execute();
      await retireGeneration(trx, current.generation, now.toISOString(), env.id, provider);
    }
    await trx
      .updateTable('licence_imports')
      .set({ status: 'done', phase: 'counting', provider: providers.join('\n') })
      .where('id', '=', importId)
      .execute();
    await recordAudit(trx, now, actor, {
      action: 'configuration.changed',
      details: {
        what: 'import',
        environment: env.name,
        providers: providers.join(', '),
        imported: Number(row.rows),
        removed: [...removed.values()].reduce((sum, n) => sum + n, 0),
      },
    });
  });
}

/** The import ends without a switch: the previous rows stay in force and its own are retired. */
async function failImport(deps: LicensingDeps, importId: string, error: unknown): Promise<void> {
  const cancelled = error instanceof ImportCancelled;
  let problems: ImportProblem[];
  if (cancelled) problems = [ENDED_WITHOUT_SWITCH.cancelled];
  else if (error instanceof ImportRefused) problems = error.problems;
  else if (error instanceof ApiError) problems = [fromApiError(error)];
  else {
    deps.logger.error('import failed', { importId, error: String(error) });
    problems = [ENDED_WITHOUT_SWITCH.failed];
  }
  const now = deps.clock().toISOString();
  await writeTransaction(deps.db, async (trx) => {
    const row = await trx
      .selectFrom('licence_imports')
      .select('generation')
      .where('id', '=', importId)
      .executeTakeFirst();
    if (!row) return;
    const status = cancelled ? 'cancelled' : 'failed';
    await endWithoutSwitch(trx, importId, row.generation, now, status, problems, ['running', 'preview']);
  });
  await removeSpool(deps.config.dataDir, importId);
}
