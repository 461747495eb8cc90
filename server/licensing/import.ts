// Imports of user lists into an environment (issue 21). An upload goes to a file as it arrives and is answered at once
// with the import's address; the work runs in the background (import-run.ts) and any instance shows its progress. Here:
// starting an import (a CSV upload or a JSON list), cancelling, confirming after the preview, and what an import is.
import type { Actor, AuditActor } from '../audit/log.ts';
import { auditActor } from '../audit/log.ts';
import { newId } from '../auth/secrets.ts';
import { writeTransaction } from '../db/transaction.ts';
import { ApiError, notFound } from '../http/errors.ts';
import type { LicensingDeps } from './context.ts';
import { ENDED_WITHOUT_SWITCH, endWithoutSwitch } from './import-end.ts';
import { type ImportOptions, type ImportPreview, readOptions } from './import-options.ts';
import { readProblems, type StoredProblem } from './import-problems.ts';
import { cancelLocalJob, startImportJob } from './import-run.ts';
import { type ImportLimits, moveSpool, removeSpool, spoolUpload, tooManyBytes } from './import-spool.ts';
import { OWN_PROVIDER } from './records.ts';
import type { ImportPhase, ImportStatus } from './tables.ts';

/**
 * The routes that take a list declare this body limit so the general one does not apply; the configured
 * IMPORT_MAX_BYTES is enforced while the list is received (import-spool.ts).
 */
export const IMPORT_ROUTE_BODY_LIMIT = 17_179_869_184;

/** A JSON list is parsed whole: larger lists go as text/csv, which streams. */
export const JSON_IMPORT_MAX_BYTES = 16 * 1024 * 1024;

export interface ImportUser {
  username?: string | undefined;
  email?: string | undefined;
  tenant?: string | undefined;
  active?: boolean | undefined;
  itUser?: boolean | undefined;
}

export const importLimits = (deps: LicensingDeps): ImportLimits => ({
  maxBytes: deps.config.importMaxBytes,
  maxRows: deps.config.importMaxRows,
});

/**
 * Receives a list into a new import of the environment and starts it; answers once the list is on disk. Past a
 * limit nothing is recorded and ImportTooLarge (413) says which.
 */
export async function startImport(
  deps: LicensingDeps,
  actor: Actor,
  environmentId: string,
  body: AsyncIterable<Uint8Array>,
  options: ImportOptions,
  contentLength?: number,
): Promise<ImportView> {
  await deps.licensing.current();
  const env = deps.licensing.environmentById(environmentId);
  if (!env) throw notFound('The environment');
  if (env.own && options.provider === OWN_PROVIDER) {
    throw new ApiError(400, 'validation_failed', 'Fix these fields: provider.', {
      provider: `"${OWN_PROVIDER}" holds Seatkeeper's own accounts; import other providers' users only.`,
    });
  }
  const limits = importLimits(deps);
  if (contentLength !== undefined && contentLength > limits.maxBytes) throw tooManyBytes(limits);
  const id = newId();
  await deps.db
    .insertInto('licence_imports')
    .values({
      id,
      environment_id: env.id,
      provider: options.provider ?? '',
      status: 'running',
      phase: 'receiving',
      rows: 0,
      processed: 0,
      errors: '[]',
      actor_email: actor.account?.email ?? null,
      started_at: deps.clock().toISOString(),
      finished_at: null,
      generation: null,
      options: JSON.stringify(options),
    })
    .execute();
  try {
    const spooled = await spoolUpload(deps.config.dataDir, id, body, limits);
    await deps.db.updateTable('licence_imports').set({ bytes_total: spooled.bytes }).where('id', '=', id).execute();
  } catch (error) {
    // Refused or cut off before anything was read: there is no import to show.
    await deps.db.deleteFrom('licence_imports').where('id', '=', id).execute();
    throw error;
  }
  startImportJob(deps, id, auditActor(actor));
  return (await importView(deps, id)) as ImportView;
}

/** How many imports are in each state (for the metrics): running ones are in progress now, on any instance. */
export async function importCounts(db: LicensingDeps['db']): Promise<Record<ImportStatus, number>> {
  const rows = await db
    .selectFrom('licence_imports')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('status')
    .execute();
  const counts: Record<ImportStatus, number> = { running: 0, preview: 0, done: 0, failed: 0, cancelled: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

/** A JSON list of one provider's users, read through the same reader as a CSV upload. */
export function startJsonImport(
  deps: LicensingDeps,
  actor: Actor,
  environmentId: string,
  provider: string,
  users: readonly ImportUser[],
): Promise<ImportView> {
  return startImport(deps, actor, environmentId, usersAsCsv(users), {
    encoding: 'utf-8',
    provider,
    confirm: false,
    strict: true,
  });
}

/** RFC 4180, every field quoted: the values exactly as sent, never read as formulas or guards. */
async function* usersAsCsv(users: readonly ImportUser[]): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  const field = (value: string) => `"${value.replace(/"/g, '""')}"`;
  yield encoder.encode('username,email,tenant,active,it_user\n');
  for (let from = 0; from < users.length; from += 1000) {
    const lines = users
      .slice(from, from + 1000)
      .map((u) =>
        [
          field(u.username ?? ''),
          field(u.email ?? ''),
          field(u.tenant ?? ''),
          String(u.active ?? true),
          String(u.itUser ?? false),
        ].join(','),
      );
    yield encoder.encode(`${lines.join('\n')}\n`);
  }
}

const finished = (status: ImportStatus) => status === 'done' || status === 'failed' || status === 'cancelled';

/** Cancel: the previous users stay in force. Too late once the switch has begun (409). */
export async function cancelImport(deps: LicensingDeps, _actor: Actor, id: string): Promise<ImportView> {
  const now = deps.clock().toISOString();
  const outcome = await writeTransaction(deps.db, async (trx) => {
    const row = await trx
      .selectFrom('licence_imports')
      .select(['status', 'phase', 'generation'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('The import');
    if (finished(row.status) || row.phase === 'switching' || row.phase === 'counting') {
      throw new ApiError(
        409,
        'import_finished',
        row.status === 'done' || row.phase === 'switching' || row.phase === 'counting'
          ? 'This import has already replaced the users; to go back, import the previous list again.'
          : 'This import has already ended; nothing was imported.',
      );
    }
    if (row.status === 'preview') {
      await endWithoutSwitch(trx, id, row.generation, now, 'cancelled', [ENDED_WITHOUT_SWITCH.cancelled], ['preview']);
      return 'stopped';
    }
    await trx.updateTable('licence_imports').set({ cancel_requested: 1 }).where('id', '=', id).execute();
    return 'asked';
  });
  if (outcome === 'stopped') {
    await removeSpool(deps.config.dataDir, id);
    deps.licensing.sweepRetired();
  } else {
    cancelLocalJob(id);
  }
  return (await importView(deps, id)) as ImportView;
}

/** Confirm after the preview: the switch and the count run in the background. */
export async function confirmImport(deps: LicensingDeps, actor: Actor, id: string): Promise<ImportView> {
  const moved = await deps.db
    .updateTable('licence_imports')
    .set({ status: 'running', phase: 'switching', phase_started_at: deps.clock().toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'preview')
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) === 0) {
    if (!(await importView(deps, id))) throw notFound('The import');
    throw new ApiError(409, 'import_not_waiting', 'This import is not waiting for a confirmation.');
  }
  startImportJob(deps, id, auditActor(actor));
  return (await importView(deps, id)) as ImportView;
}

/** The same file read again with other column choices: a new import; this one is cancelled. */
export async function rereadImport(
  deps: LicensingDeps,
  actor: Actor,
  id: string,
  columns: ImportOptions['columns'],
): Promise<ImportView> {
  const row = await deps.db.selectFrom('licence_imports').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('The import');
  if (row.status !== 'preview') {
    throw new ApiError(409, 'import_not_waiting', 'Only an import waiting for a confirmation can be read again.');
  }
  const next = newId();
  const options: ImportOptions = { ...readOptions(row.options), ...(columns ? { columns } : {}) };
  await deps.db
    .insertInto('licence_imports')
    .values({
      id: next,
      environment_id: row.environment_id,
      provider: options.provider ?? '',
      status: 'running',
      phase: 'receiving',
      rows: 0,
      processed: 0,
      errors: '[]',
      actor_email: actor.account?.email ?? null,
      started_at: deps.clock().toISOString(),
      finished_at: null,
      generation: null,
      bytes_total: row.bytes_total,
      options: JSON.stringify(options),
    })
    .execute();
  await moveSpool(deps.config.dataDir, id, next);
  // The old import's file is now the new one's: cancelling it must not remove the file.
  await writeTransaction(deps.db, async (trx) => {
    const now = deps.clock().toISOString();
    const why = { ...ENDED_WITHOUT_SWITCH.readAgain, values: { newer: next } };
    await endWithoutSwitch(trx, id, row.generation, now, 'cancelled', [why], ['preview']);
  });
  deps.licensing.sweepRetired();
  startImportJob(deps, next, auditActor(actor));
  return (await importView(deps, next)) as ImportView;
}

export interface ImportView {
  id: string;
  environment: { id: string; name: string };
  providers: string[];
  status: ImportStatus;
  phase: ImportPhase;
  rowsRead: number;
  rowsWritten: number;
  bytesRead: number;
  bytesTotal: number;
  /** Progress of the current phase (checking, counting): accounts done of total. */
  phaseDone: number;
  phaseTotal: number;
  /** An estimate from the pace so far; null when there is none yet. */
  secondsLeft: number | null;
  startedAt: string;
  finishedAt: string | null;
  startedBy: string | null;
  encoding: ImportOptions['encoding'];
  cancelRequested: boolean;
  /** Each problem names its line (failed), or why nothing changed (cancelled): facts, worded when shown. */
  problems: StoredProblem[];
  preview: ImportPreview | null;
  /** Column choices the import reads with (the portal's), by header. */
  columns: NonNullable<ImportOptions['columns']>;
}

/** Seconds left in the current phase from the pace so far (phases after reading are short by comparison). */
function secondsLeft(done: number, total: number, startedAt: string | null, now: Date): number | null {
  if (!startedAt || total <= 0 || done <= 0) return null;
  const elapsed = (now.getTime() - Date.parse(startedAt)) / 1000;
  const fraction = Math.min(1, done / total);
  return Math.max(0, Math.round((elapsed * (1 - fraction)) / fraction));
}

/**
 * How far reading has come, of 1,000: the list's bytes read count for a quarter, its rows written for the rest. On
 * SQLite a long list is read whole (sorted in runs on disk, sorted-runs.ts) before most of its rows are written, and
 * writing takes most of the time; elsewhere rows are written as they are read, and the two fractions move together.
 */
export function readingProgress(row: { bytes_read: unknown; bytes_total: unknown; rows: unknown; processed: unknown }) {
  const read = Number(row.bytes_total) > 0 ? Math.min(1, Number(row.bytes_read) / Number(row.bytes_total)) : 0;
  // Rows written of the rows the whole list will have at the pace read so far.
  const expectedRows = read > 0 ? Number(row.rows) / read : 0;
  const written = expectedRows > 0 ? Math.min(1, Number(row.processed) / expectedRows) : 0;
  return [Math.round(1000 * (read / 4 + (written * 3) / 4)), 1000] as const;
}

export async function importView(deps: LicensingDeps, id: string): Promise<ImportView | undefined> {
  const row = await deps.db.selectFrom('licence_imports').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const env = deps.licensing.environmentById(row.environment_id);
  const options = readOptions(row.options);
  const [done, total] =
    row.phase === 'reading' ? readingProgress(row) : [Number(row.phase_done), Number(row.phase_total)];
  return {
    id: row.id,
    environment: { id: row.environment_id, name: env?.name ?? '' },
    providers: row.provider === '' ? [] : row.provider.split('\n'),
    status: row.status,
    phase: row.phase,
    rowsRead: Number(row.rows),
    rowsWritten: Number(row.processed),
    bytesRead: Number(row.bytes_read),
    bytesTotal: Number(row.bytes_total),
    phaseDone: Number(row.phase_done),
    phaseTotal: Number(row.phase_total),
    secondsLeft: row.status === 'running' ? secondsLeft(done, total, row.phase_started_at, deps.clock()) : null,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    startedBy: row.actor_email,
    encoding: options.encoding,
    cancelRequested: row.cancel_requested === 1,
    problems: readProblems(row.errors),
    preview: row.preview ? (JSON.parse(row.preview) as ImportPreview) : null,
    columns: options.columns ?? {},
  };
}

/** Recent imports of an environment, newest first. */
export async function recentImports(deps: LicensingDeps, environmentId: string, limit = 10) {
  return deps.db
    .selectFrom('licence_imports')
    .select(['id', 'provider', 'status', 'phase', 'rows', 'started_at', 'actor_email'])
    .where('environment_id', '=', environmentId)
    .orderBy('started_at', 'desc')
    .limit(limit)
    .execute();
}

export type { AuditActor };
