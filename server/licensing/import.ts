// Accounts of other environments and providers, brought in by CSV (the audit CLI's columns) or by the API. An import
// replaces the named providers' users in one transaction (all or nothing) and reports bad rows by line number.
import Papa from 'papaparse';
import {
  AccountRowError,
  accountColumns,
  accountFromRow,
  type ColumnIndex,
} from '../../shared/licensing/account-rows.ts';
import type { Actor } from '../audit/log.ts';
import { recordAudit } from '../audit/log.ts';
import { newId } from '../auth/secrets.ts';
import { dialectOf } from '../db/dialect.ts';
import { writeTransaction } from '../db/transaction.ts';
import { ApiError, notFound, validationFailed } from '../http/errors.ts';
import { message } from '../i18n/messages.ts';
import type { LicensingDeps } from './context.ts';
import { auditActor } from './licence.ts';
import { directoryRow, type EnvironmentView, importLock, OWN_PROVIDER } from './records.ts';

/** Bodies of imports may be far larger than the default request limit. */
export const IMPORT_BODY_LIMIT_BYTES = 200 * 1024 * 1024;

export interface ImportUser {
  username: string;
  email: string;
  tenant: string;
  active: boolean;
  itUser: boolean;
  staff: boolean;
}

const MAX_PROBLEMS = 50;
/** What licence_accounts holds (and what the JSON import accepts); PostgreSQL refuses longer values, SQLite would not. */
const MAX_LENGTH = { username: 320, email: 320, tenant: 100, provider: 100 };

/** The reader's problems name lines in English (shared/licensing); the sentence around them is translated. */
export class ImportProblems extends ApiError {
  constructor(readonly problems: string[]) {
    super(
      400,
      'import_rejected',
      message('errors.import_rejected', { count: problems.length, first: problems.slice(0, 5).join('; ') }),
      {
        rows: {
          key: 'licensing.error.importRows',
          values: { rows: problems.join('\n') },
          english: problems.join('\n'),
        },
      },
    );
  }
}

function newlines(row: readonly string[]): number {
  let count = 0;
  for (const field of row) for (let at = field.indexOf('\n'); at !== -1; at = field.indexOf('\n', at + 1)) count++;
  return count;
}

/**
 * Reads CSV text into users per provider. `environment` and `production` columns are ignored when empty and must match
 * the target environment otherwise; `provider`, when given, must equal `onlyProvider` (the API's full replacement).
 */
export function parseAccountsCsv(text: string, env: EnvironmentView, onlyProvider?: string): Map<string, ImportUser[]> {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter: ',', skipEmptyLines: false });
  const problems: string[] = [];
  const byProvider = new Map<string, ImportUser[]>();
  let columns: ColumnIndex | null = null;
  let width = 0;
  let line = 1;
  for (const row of parsed.data) {
    const rowLine = line;
    line += 1 + newlines(row);
    if (problems.length >= MAX_PROBLEMS) break;
    if (row.length === 1 && row[0] === '') continue;
    try {
      if (columns === null) {
        columns = accountColumns(row, rowLine);
        width = row.length;
        continue;
      }
      if (row.every((cell) => cell.trim() === '')) continue;
      if (row.length !== width) {
        problems.push(
          `line ${rowLine}: ${row.length} fields where the header has ${width}; check for a missing or extra comma`,
        );
        continue;
      }
      const account = accountFromRow(row, columns, rowLine);
      const tooLong = (
        [
          ['username', account.username, MAX_LENGTH.username],
          ['email', account.email, MAX_LENGTH.email],
          ['tenant', account.tenant, MAX_LENGTH.tenant],
          ['provider', account.provider, MAX_LENGTH.provider],
        ] as const
      ).find(([, value, max]) => (value ?? '').length > max);
      if (tooLong) {
        problems.push(`line ${rowLine}: ${tooLong[0]} is longer than ${tooLong[2]} characters`);
        continue;
      }
      const envCell = columns.environment === undefined ? '' : (row[columns.environment] ?? '').trim();
      if (envCell !== '' && envCell.toLowerCase() !== env.name.toLowerCase()) {
        problems.push(
          `line ${rowLine}: environment is "${envCell}" but this import is for "${env.name}"; fix the cell or leave it empty`,
        );
        continue;
      }
      if (account.production !== null && account.production !== env.production) {
        problems.push(
          `line ${rowLine}: production is ${account.production} but ${env.name} is ${env.production ? '' : 'not '}a production environment`,
        );
        continue;
      }
      const providerCell = columns.provider === undefined ? '' : (row[columns.provider] ?? '').trim();
      const provider = onlyProvider ?? account.provider;
      if (onlyProvider !== undefined && providerCell !== '' && providerCell !== onlyProvider) {
        problems.push(`line ${rowLine}: provider is "${providerCell}" but this call replaces "${onlyProvider}"`);
        continue;
      }
      const list = byProvider.get(provider) ?? [];
      list.push({
        username: account.username ?? '',
        email: account.email ?? '',
        tenant: account.tenant ?? '',
        active: account.active,
        itUser: account.itUser ?? false,
        staff: account.staff ?? false,
      });
      byProvider.set(provider, list);
    } catch (error) {
      if (!(error instanceof AccountRowError)) throw error;
      problems.push(error.message);
      if (columns === null) break;
    }
  }
  for (const error of parsed.errors.slice(0, 5)) {
    problems.push(`line ${(error.row ?? 0) + 1}: malformed CSV (${error.message})`);
  }
  if (columns === null && problems.length === 0)
    problems.push('line 1: the file is empty; the first line must name the columns');
  if (problems.length > 0) throw new ImportProblems(problems);
  if (onlyProvider !== undefined && !byProvider.has(onlyProvider)) byProvider.set(onlyProvider, []);
  return byProvider;
}

export interface ImportProgress {
  rows: number;
  processed: number;
}

/**
 * Progress of the imports running in this process, readable while the import's transaction holds the database. With
 * several instances (PostgreSQL) it is also written to the import's row, so any instance's progress page shows it.
 */
export const runningImports = new Map<string, ImportProgress>();

export interface ImportOutcome {
  id: string;
  imported: number;
  removed: number;
  providers: string[];
}

const BATCH = 400;

/** Replaces the given providers' users of one environment: one transaction, then the live figures. */
export async function replaceProviderUsers(
  deps: LicensingDeps,
  actor: Actor,
  environmentId: string,
  byProvider: Map<string, ImportUser[]>,
  importId: string = newId(),
): Promise<ImportOutcome> {
  const { licensing } = deps;
  // ready(), not current(): the page runs this as tracked work, which current() would wait for.
  await licensing.ready();
  const env = licensing.environmentById(environmentId);
  if (!env) throw notFound('errors.not_found.environment');
  if (env.own && byProvider.has(OWN_PROVIDER)) {
    throw validationFailed({ provider: message('licensing.error.ownProvider', { provider: OWN_PROVIDER }) });
  }
  const total = [...byProvider.values()].reduce((n, list) => n + list.length, 0);
  const now = deps.clock();
  const progress: ImportProgress = { rows: total, processed: 0 };
  runningImports.set(importId, progress);
  const shared = dialectOf(deps.db).sharedByInstances;
  const existing = await deps.db
    .selectFrom('licence_imports')
    .select('id')
    .where('id', '=', importId)
    .executeTakeFirst();
  if (!existing) {
    await deps.db
      .insertInto('licence_imports')
      .values({
        id: importId,
        environment_id: environmentId,
        provider: [...byProvider.keys()].join(', '),
        status: 'running',
        rows: total,
        processed: 0,
        errors: '[]',
        actor_email: actor.account?.email ?? null,
        started_at: now.toISOString(),
        finished_at: null,
      })
      .execute();
  }
  const rules = licensing.compiled(env);
  const createdAt = now.toISOString();
  try {
    const removed = await writeTransaction(deps.db, async (trx) => {
      progress.processed = 0;
      // Held until commit: an instance starting meanwhile sees this import is alive (state.ts).
      if (!(await dialectOf(trx).tryTransactionLock(trx, importLock(importId)))) {
        throw new Error(`import ${importId} is already running`);
      }
      let removed = 0;
      for (const [provider, users] of byProvider) {
        await trx
          .insertInto('licence_providers')
          .values({ id: newId(), environment_id: environmentId, name: provider, created_at: createdAt })
          .onConflict((oc) => oc.columns(['environment_id', 'name']).doNothing())
          .execute();
        // Two imports of one provider at once (on two instances) would otherwise both keep their rows.
        await trx
          .selectFrom('licence_providers')
          .select('id')
          .where('environment_id', '=', environmentId)
          .where('name', '=', provider)
          .forUpdate()
          .execute();
        const deleted = await trx
          .deleteFrom('licence_accounts')
          .where('environment_id', '=', environmentId)
          .where('provider', '=', provider)
          .where('source', '=', 'import')
          .executeTakeFirst();
        removed += Number(deleted.numDeletedRows);
        for (let start = 0; start < users.length; start += BATCH) {
          const values = users.slice(start, start + BATCH).map((u) => ({
            ...directoryRow(environmentId, rules, {
              provider,
              tenant: u.tenant,
              username: u.username,
              email: u.email,
              name: '',
              active: u.active,
              itUser: u.itUser,
              staff: u.staff,
              role: null,
              lastSignInAt: null,
              createdAt,
            }),
            source: 'import' as const,
            account_id: null,
          }));
          await trx.insertInto('licence_accounts').values(values).execute();
          progress.processed += values.length;
          if (shared) {
            // Outside the transaction (its own connection), so other instances see it now.
            await deps.db
              .updateTable('licence_imports')
              .set({ processed: progress.processed })
              .where('id', '=', importId)
              .execute();
          } else {
            // Lets the progress page be served between batches.
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
      }
      await trx
        .updateTable('licence_imports')
        .set({ status: 'done', processed: total, finished_at: deps.clock().toISOString() })
        .where('id', '=', importId)
        .execute();
      await recordAudit(trx, now, auditActor(actor), {
        action: 'configuration.changed',
        details: {
          what: 'import',
          environment: env.name,
          providers: [...byProvider.keys()].join(', '),
          imported: total,
          removed,
        },
      });
      return removed;
    });
    // The transaction committed: the live count takes the providers' rows as stored now.
    await licensing.syncDirectory(environmentId, [...byProvider.keys()]);
    licensing.changed();
    return { id: importId, imported: total, removed, providers: [...byProvider.keys()] };
  } catch (error) {
    await deps.db
      .updateTable('licence_imports')
      .set({
        status: 'failed',
        errors: JSON.stringify([error instanceof ApiError ? error.message : 'the import failed; nothing was changed']),
        finished_at: deps.clock().toISOString(),
      })
      .where('id', '=', importId)
      .execute();
    throw error;
  } finally {
    runningImports.delete(importId);
  }
}

/** Records an import refused before it started (bad rows), so the page can show the problems by line. */
export async function recordRejectedImport(
  deps: LicensingDeps,
  actor: Actor,
  environmentId: string,
  problems: string[],
): Promise<string> {
  const id = newId();
  const now = deps.clock().toISOString();
  await deps.db
    .insertInto('licence_imports')
    .values({
      id,
      environment_id: environmentId,
      provider: '',
      status: 'failed',
      rows: 0,
      processed: 0,
      errors: JSON.stringify(problems),
      actor_email: actor.account?.email ?? null,
      started_at: now,
      finished_at: now,
    })
    .execute();
  return id;
}

/** How many imports are in each state (for the metrics): running ones are in progress now, on any instance. */
export async function importCounts(db: LicensingDeps['db']): Promise<Record<'running' | 'done' | 'failed', number>> {
  const rows = await db
    .selectFrom('licence_imports')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('status')
    .execute();
  const counts = { running: 0, done: 0, failed: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}
