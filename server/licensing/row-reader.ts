// The live count's first load of a large SQLite directory: imported rows are read by a worker thread
// (row-reader-worker.ts) while this thread adds the batches already read, so start-up takes the longer of the two
// instead of their sum. Only at start, when nothing else writes imported rows: a load while the server runs stays
// synchronous (state.ts), so no change can fall between the worker's snapshot and the count replacing the old one.
import type { AccountRecord } from '../../shared/licensing/count.ts';
import type { LiveLicenceCount } from '../../shared/licensing/live.ts';
import type { RowReaderJob, RowReaderMessage } from './row-reader-worker.ts';
import { typeScriptWorker } from './typescript-worker.ts';

/** Below this many rows a thread costs more to start than it saves. */
export const WORKER_LOAD_ROWS = 50_000;
const BATCH_ROWS = 8_192;
const AHEAD = 3;

/** Adds every imported row in force of the SQLite file at `sqlitePath` to `live` (refs: row ids). */
export function loadImportedRows(
  sqlitePath: string,
  live: LiveLicenceCount,
  environmentNames: ReadonlyMap<string, string>,
): Promise<void> {
  const job: RowReaderJob = { sqlitePath, batchRows: BATCH_ROWS, ahead: AHEAD };
  const worker = typeScriptWorker(new URL('./row-reader-worker.ts', import.meta.url), { workerData: job });
  /** Environment name and provider of each slot number the worker gave. */
  const slots: [string, string][] = [];
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      reject(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the row reader stopped before the end (exit code ${code})`)));
    worker.on('message', (message: RowReaderMessage) => {
      if (settled) return;
      if ('error' in message) return fail(new Error(message.error));
      if ('done' in message) {
        settled = true;
        void worker.terminate();
        return resolve();
      }
      const { batch } = message;
      for (const [environmentId, provider] of batch.newSlots) {
        const environment = environmentNames.get(environmentId);
        if (environment === undefined) return fail(new Error(`rows of an unknown environment (${environmentId})`));
        slots.push([environment, provider]);
      }
      const records: AccountRecord[] = new Array(batch.rows);
      for (let i = 0; i < batch.rows; i++) {
        const [environment, provider] = slots[batch.slots[i] as number] as [string, string];
        const flags = batch.flags[i] as number;
        records[i] = {
          ref: batch.ids[i] as number,
          environment,
          provider,
          tenant: batch.tenants[i] ?? '',
          username: batch.usernames[i] as string,
          email: batch.emails[i] as string,
          active: (flags & 1) === 1,
          itUser: (flags & 2) === 2,
          staff: (flags & 4) === 4,
        };
      }
      try {
        live.load(records);
      } catch (error) {
        return fail(error as Error);
      }
      // Asks for the next batch only now, so at most AHEAD batches wait in memory.
      worker.postMessage(0);
    });
  });
}
