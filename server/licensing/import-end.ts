// How an import that did not switch ends: its status, why (as facts each reader's language words, import-problems.ts)
// and its own rows retired, in one transaction; the previous rows stay in force. Cancels, failures, a file read again
// and imports interrupted by a restart all end here.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { ImportProblem } from './import-problems.ts';
import { retireGeneration } from './provider-rows.ts';
import type { ImportStatus } from './tables.ts';

/** Why an import ended without a switch, as stored: a code each reader's language words (import-problems.ts). */
export const ENDED_WITHOUT_SWITCH = {
  cancelled: {
    code: 'cancelled',
    values: {},
    message: 'cancelled; nothing was imported and the previous users are still in force',
  },
  failed: {
    code: 'failed',
    values: {},
    message: 'the import failed; nothing was imported and the previous users are still in force',
  },
  /** Its values name the newer import (`newer`), which the import page links to. */
  readAgain: { code: 'read-again', values: {}, message: 'read again with other columns; see the newer import' },
  interrupted: {
    code: 'interrupted',
    values: {},
    message: 'interrupted by a restart; nothing was imported and the previous users are still in force',
  },
  interruptedSwitching: {
    code: 'interrupted-switching',
    values: {},
    message: 'interrupted by a restart while switching; the previous users are still in force',
  },
} as const satisfies Record<string, ImportProblem>;

/**
 * Ends an import that did not switch, in the caller's transaction, when its status is still one of `from`: its status
 * and why, and its own rows retired (the previous rows stay in force). False when it had moved on meanwhile.
 */
export async function endWithoutSwitch(
  trx: Kysely<Database>,
  importId: string,
  generation: number | null,
  now: string,
  status: 'cancelled' | 'failed',
  problems: readonly ImportProblem[],
  from: readonly ImportStatus[],
): Promise<boolean> {
  const ended = await trx
    .updateTable('licence_imports')
    .set({
      status,
      phase: '',
      errors: JSON.stringify(problems),
      finished_at: now,
      ...(status === 'cancelled' ? { cancel_requested: 1 } : {}),
    })
    .where('id', '=', importId)
    .where('status', 'in', from)
    .executeTakeFirst();
  if (Number(ended.numUpdatedRows) === 0) return false;
  if (generation !== null) await retireGeneration(trx, generation, now);
  return true;
}
