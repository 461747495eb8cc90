import type { Db } from '../db/database.ts';
import { notFound } from '../http/errors.ts';
import type { ExamsDeps } from './context.ts';
import { attemptClosed } from './finalise.ts';
import type { Attempt } from './tables.ts';

// Review flags: the questions a candidate marked to come back to, kept with the attempt so a reload or another
// device shows them. Only the candidate's own attempt, and only while it is in progress.

/** The flagged positions of an attempt. */
export async function flagsOf(db: Db, attemptId: string): Promise<Set<number>> {
  const rows = await db.selectFrom('attempt_flags').select('position').where('attempt_id', '=', attemptId).execute();
  return new Set(rows.map((r) => r.position));
}

/**
 * Flags or unflags one question (idempotent) of an attempt loaded as its candidate's (`loadAttempt` without `any`);
 * answers the attempt's flagged positions, in order.
 */
export async function setFlag(
  deps: ExamsDeps,
  attempt: Attempt,
  position: number,
  flagged: boolean,
): Promise<number[]> {
  if (attempt.status !== 'in_progress') throw attemptClosed();
  if (!Number.isInteger(position) || position < 0 || position >= attempt.question_total)
    throw notFound('errors.not_found.question');
  if (flagged)
    await deps.db
      .insertInto('attempt_flags')
      .values({ attempt_id: attempt.id, position, flagged_at: deps.clock().toISOString() })
      .onConflict((oc) => oc.columns(['attempt_id', 'position']).doNothing())
      .execute();
  else
    await deps.db
      .deleteFrom('attempt_flags')
      .where('attempt_id', '=', attempt.id)
      .where('position', '=', position)
      .execute();
  return [...(await flagsOf(deps.db, attempt.id))].sort((a, b) => a - b);
}
