import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Account } from '../auth/tables.ts';
import { dialectOf } from '../db/dialect.ts';
import type { Database } from '../db/schema.ts';
import { retryingConflicts, writeTransaction } from '../db/transaction.ts';
import { notFound } from '../http/errors.ts';
import type { ExamsDeps } from './context.ts';
import { attemptClosed, finaliseAttempt } from './finalise.ts';
import type { Answer } from './questions.ts';
import type { Attempt } from './tables.ts';

export interface AnswerSave {
  position: number;
  seq: number;
  answer: Answer;
}

interface SaveOutcome {
  applied: boolean;
  /** The attempt as seen in the same transaction; undefined when it is not this account's. */
  attempt: { status: Attempt['status']; deadline_at: string; question_total: number } | undefined;
}

interface QueuedSave {
  attemptId: string;
  accountId: string;
  save: AnswerSave;
  now: string;
  done: (outcome: SaveOutcome) => void;
  fail: (error: unknown) => void;
}

interface SaveWriter {
  queue: QueuedSave[];
  running: boolean;
}

const writers = new WeakMap<ExamsDeps['db'], SaveWriter>();

/**
 * Group commit: while one batch is being written, new saves wait and then go together in the next BEGIN IMMEDIATE
 * transaction (one fsync for all of them). Each request is answered only after its batch has committed, so an
 * acknowledged save is durable.
 */
function queueSave(deps: ExamsDeps, item: Omit<QueuedSave, 'done' | 'fail'>): Promise<SaveOutcome> {
  let writer = writers.get(deps.db);
  if (!writer) {
    writer = { queue: [], running: false };
    writers.set(deps.db, writer);
  }
  const current = writer;
  return new Promise((done, fail) => {
    current.queue.push({ ...item, done, fail });
    if (!current.running) {
      current.running = true;
      setImmediate(() => void drain(deps, current));
    }
  });
}

async function drain(deps: ExamsDeps, writer: SaveWriter): Promise<void> {
  while (writer.queue.length) await writeBatch(deps, writer.queue.splice(0));
  writer.running = false;
}

/** Rows per statement, well below SQLite's bound-parameter limit (6 parameters per row). */
const BATCH_ROWS = 1000;

async function writeBatch(deps: ExamsDeps, batch: QueuedSave[]): Promise<void> {
  try {
    // Autosaves cannot change sessions or accounts, so they skip the write signal that clears the session cache.
    const db = deps.db.withoutPlugins();
    const outcomes =
      dialectOf(db).name === 'postgres'
        ? await savedInStatements(db, batch)
        : await writeTransaction(db, (trx) => savedInTransaction(trx, batch));
    deps.autosaved(outcomes.filter((outcome) => outcome.applied).length);
    batch.forEach((item, i) => {
      item.done(outcomes[i] ?? { applied: false, attempt: undefined });
    });
  } catch (error) {
    for (const item of batch) item.fail(error);
  }
}

type AttemptRow = NonNullable<SaveOutcome['attempt']> & { id: string; account_id: string };

/**
 * The saves' rows for a VALUES list (attempt, account, position, sequence, answer, time), one per answer of an attempt
 * and account: the highest sequence. PostgreSQL refuses an upsert that touches one row twice ("cannot affect row a
 * second time"), which failed every save of a batch holding two saves of one answer; the lower one would be
 * overwritten in the same batch anyway, and is answered as not applied, like a stale save.
 */
const valuesOf = (items: QueuedSave[]) => {
  const latest = new Map<string, QueuedSave>();
  for (const item of items) {
    const key = `${item.attemptId} ${item.accountId} ${item.save.position}`;
    const held = latest.get(key);
    if (held === undefined || item.save.seq > held.save.seq) latest.set(key, item);
  }
  return [...latest.values()].map(
    ({ attemptId, accountId, save, now }) =>
      sql`(${attemptId}, ${accountId}, cast(${save.position} as integer), cast(${save.seq} as integer), ${JSON.stringify(save.answer)}, ${now})`,
  );
};

/** The conditional upsert of the rows `v` (valuesOf): only while the attempt is open, before its deadline. */
const UPSERT = (lock: RawBuilder<unknown>) => sql`
  insert into attempt_answers (attempt_id, position, seq, answer, saved_at)
  select a.id, v.column3, v.column4, v.column5, v.column6
    from v
    join exam_attempts a on a.id = v.column1 and a.account_id = v.column2
   where a.status = 'in_progress' and a.deadline_at > v.column6 and a.question_total > v.column3
  ${lock}
  on conflict (attempt_id, position) do update
     set seq = excluded.seq, answer = excluded.answer, saved_at = excluded.saved_at
   where excluded.seq > attempt_answers.seq
  returning attempt_id, position, seq`;

function outcomesOf(batch: QueuedSave[], applied: Set<string>, attempts: AttemptRow[]): SaveOutcome[] {
  const byId = new Map(attempts.map((a) => [a.id, a]));
  return batch.map(({ attemptId, accountId, save }): SaveOutcome => {
    const attempt = byId.get(attemptId);
    return {
      applied: applied.has(`${attemptId}:${save.position}:${save.seq}`),
      attempt:
        attempt && attempt.account_id === accountId
          ? { status: attempt.status, deadline_at: attempt.deadline_at, question_total: attempt.question_total }
          : undefined,
    };
  });
}

/** SQLite: the upserts and the attempts' state in one BEGIN IMMEDIATE transaction (one fsync for the batch). */
async function savedInTransaction(trx: Kysely<Database>, batch: QueuedSave[]): Promise<SaveOutcome[]> {
  const applied = new Set<string>();
  for (let from = 0; from < batch.length; from += BATCH_ROWS) {
    // One conditional upsert for the whole batch; RETURNING names the rows that were actually written.
    const written = await sql<{ attempt_id: string; position: number; seq: number }>`
      with v as (values ${sql.join(valuesOf(batch.slice(from, from + BATCH_ROWS)))}) ${UPSERT(sql``)}`.execute(trx);
    for (const row of written.rows) applied.add(`${row.attempt_id}:${row.position}:${row.seq}`);
  }
  const ids = [...new Set(batch.map((item) => item.attemptId))];
  const attempts = await sql<AttemptRow>`
    select id, account_id, status, deadline_at, question_total from exam_attempts
     where id in (${sql.join(ids)})`.execute(trx);
  return outcomesOf(batch, applied, attempts.rows);
}

/**
 * PostgreSQL: each statement upserts its saves and reads their attempts' state at once, and commits by itself. One
 * round trip instead of four (begin, upsert, select, commit): while an import kept the event loop busy, each of those
 * waited for a turn with the pool's connection held, and saves queued for seconds (import bench, 1,000 saves/s).
 */
async function savedInStatements(db: Kysely<Database>, batch: QueuedSave[]): Promise<SaveOutcome[]> {
  const applied = new Set<string>();
  const attempts: AttemptRow[] = [];
  for (let from = 0; from < batch.length; from += BATCH_ROWS) {
    const { rows } = await retryingConflicts(() =>
      sql<
        { kind: 'written' | 'attempt'; id: string; position: number | null; seq: number | null } & Omit<
          AttemptRow,
          'id'
        >
      >`
        with v as (values ${sql.join(valuesOf(batch.slice(from, from + BATCH_ROWS)))}),
        written as (${UPSERT(sql`for share of a`)})
        select 'written' as kind, attempt_id as id, position, seq, null as account_id, null as status,
               null as deadline_at, null::integer as question_total
          from written
        union all
        select 'attempt', id, null, null, account_id, status, deadline_at, question_total
          from exam_attempts where id in (select column1 from v)`.execute(db),
    );
    for (const row of rows) {
      if (row.kind === 'written') applied.add(`${row.id}:${row.position}:${row.seq}`);
      else attempts.push(row);
    }
  }
  return outcomesOf(batch, applied, attempts);
}

/**
 * Saves answers idempotently: one conditional upsert per answer that only applies while the attempt is open, before
 * its deadline, and when the sequence number is higher than the stored one (a retried or reordered save is ignored).
 */
export async function saveAnswers(
  deps: ExamsDeps,
  account: Account,
  attemptId: string,
  answers: AnswerSave[],
): Promise<{ saved: { position: number; seq: number; applied: boolean }[]; deadlineAt: string }> {
  const now = deps.clock().toISOString();
  const outcomes = await Promise.all(
    answers.map((save) => queueSave(deps, { attemptId, accountId: account.id, save, now })),
  );
  const attempt = outcomes.at(-1)?.attempt;
  if (!attempt) throw notFound('errors.not_found.attempt');
  if (outcomes.some((o) => !o.applied)) {
    if (attempt.status !== 'in_progress' || attempt.deadline_at <= now) {
      await finaliseAttempt(deps, attemptId, 'deadline');
      throw attemptClosed();
    }
    if (answers.some((a) => a.position >= attempt.question_total)) throw notFound('errors.not_found.question');
  }
  return {
    saved: answers.map((save, i) => ({
      position: save.position,
      seq: save.seq,
      applied: outcomes[i]?.applied ?? false,
    })),
    deadlineAt: attempt.deadline_at,
  };
}
