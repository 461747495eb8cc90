// Reads the imported rows in force for the live count's first load (row-reader.ts), on its own read-only connection
// and in one snapshot, and sends them to the main thread in batches of columns. Stepping through SQLite and building
// the rows' strings was half the time of loading a million accounts; here it runs beside the main thread's counting.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { IMPORTED_ROWS_SQL, type ImportedRow } from './records.ts';

export interface RowReaderJob {
  sqlitePath: string;
  /** Rows a batch holds. */
  batchRows: number;
  /** Batches sent and not yet acknowledged before the reader waits: bounds what waits in memory. */
  ahead: number;
}

/** A batch of rows as columns; a row's (environment, provider) is a number, named once in `newSlots`. */
export interface RowBatch {
  rows: number;
  ids: Float64Array;
  slots: Int32Array;
  /** active | it_user << 1 | staff << 2 */
  flags: Uint8Array;
  /** null for the provider's default tenant (an empty tenant), which almost every row is in. */
  tenants: (string | null)[];
  usernames: string[];
  emails: string[];
  /** (environment id, provider) of the slots first met in this batch, numbered on from the last batch's. */
  newSlots: [string, string][];
}

export type RowReaderMessage = { batch: RowBatch } | { done: true } | { error: string };

class Batch implements RowBatch {
  rows = 0;
  ids: Float64Array<ArrayBuffer>;
  slots: Int32Array<ArrayBuffer>;
  flags: Uint8Array<ArrayBuffer>;
  tenants: (string | null)[] = [];
  usernames: string[] = [];
  emails: string[] = [];
  newSlots: [string, string][] = [];

  constructor(size: number) {
    this.ids = new Float64Array(size);
    this.slots = new Int32Array(size);
    this.flags = new Uint8Array(size);
  }
}

async function read(job: RowReaderJob, port: NonNullable<typeof parentPort>): Promise<void> {
  let unanswered = 0;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    unanswered--;
    wake?.();
    wake = null;
  });
  const send = async (batch: Batch) => {
    const message: RowReaderMessage = { batch };
    port.postMessage(message, [batch.ids.buffer, batch.slots.buffer, batch.flags.buffer]);
    unanswered++;
    while (unanswered >= job.ahead) await new Promise<void>((resolve) => (wake = resolve));
  };
  const sqlite = new SQLite(job.sqlitePath, { readonly: true });
  try {
    sqlite.exec('begin');
    const slots = new Map<string, number>();
    let batch = new Batch(job.batchRows);
    const rows = sqlite.prepare<[], ImportedRow>(IMPORTED_ROWS_SQL).raw(true);
    for (const [id, environmentId, provider, tenant, username, email, flags] of rows.iterate()) {
      const key = `${environmentId}\0${provider}`;
      let slot = slots.get(key);
      if (slot === undefined) {
        slot = slots.size;
        slots.set(key, slot);
        batch.newSlots.push([environmentId, provider]);
      }
      const at = batch.rows++;
      batch.ids[at] = id;
      batch.slots[at] = slot;
      batch.flags[at] = flags;
      batch.tenants.push(tenant === '' ? null : tenant);
      batch.usernames.push(username);
      batch.emails.push(email);
      if (batch.rows === job.batchRows) {
        await send(batch);
        batch = new Batch(job.batchRows);
      }
    }
    if (batch.rows > 0) await send(batch);
    sqlite.exec('commit');
  } finally {
    sqlite.close();
  }
  port.postMessage({ done: true } satisfies RowReaderMessage);
}

if (parentPort) {
  const port = parentPort;
  read(workerData as RowReaderJob, port).catch((error: unknown) =>
    port.postMessage({ error: String(error) } satisfies RowReaderMessage),
  );
}
