// A large import's rows enter SQLite's search index once they are all written (issue 21). Kept by the insert trigger,
// the index wrote a segment of its own for every statement of 500 rows of the import's worker and merged them as they
// piled up: five million rows took 101 s to write with it, 77 s without (`npm run bench -- import`, candidates saving).
// Put in afterwards (search-index-worker.ts), while the main thread counts the same rows, the index costs no time of
// its own. Until then the generation is in `licence_search_backlog` (search-backlog-migration.ts) and its rows stay
// out of the index: the switch to it comes after the backlog is gone, and a failed import's rows are deleted without
// touching the index where they never were.
import type { Database as SQLiteDatabase } from 'better-sqlite3';
import { outOfSight } from './import-staging.ts';

/**
 * Rows put into the index by one statement, the longest a candidate's save waits for the index's worker: FTS5 writes a
 * segment at the end of each, so larger statements do less work in all (one million rows alone: 2.7 s in statements
 * of 2,000, 2.4 s of 5,000, 2.0 s of 20,000), but each save that comes while one runs waits for it. With the main
 * thread counting meanwhile, statements of 5,000 rows took up to 90 ms and the saves, every one waiting for the next
 * statement, fell behind by seconds (p99 0.5 s for a 1M-row import, 12 s for 5M); of 2,000, p99 132 ms for 5M; of
 * 1,000, 64 ms. The count now runs while the rows are written (import-run.ts), so the index has the database to itself
 * but for the saves: of 2,000 (and no column sizes, search-migration.ts) the index of 5M rows took 15.6-17.0 s instead
 * of 24.6 s, the saves' p99 42-50 ms meanwhile.
 */
export const SEARCH_ROWS_PER_STATEMENT = 2_000;
/** Statements in one transaction at most, when no save is waiting: the write-ahead log holds a transaction whole. */
const STATEMENTS_PER_TRANSACTION = 10;

export interface SearchBacklog {
  /** From now on, rows written under the generation wait out of the index. Inside a write turn. */
  open(): void;
  /**
   * Indexes the next rows of the generation in one IMMEDIATE transaction, a statement at a time while `stop` says
   * no; `done` once every row is in and the backlog is gone. Inside a write turn.
   */
  indexSome(stop: () => boolean): { indexed: number; done: boolean };
}

export function searchBacklog(sqlite: SQLiteDatabase, generation: number): SearchBacklog {
  const open = sqlite.prepare('insert or ignore into licence_search_backlog (generation, indexed_to) values (?, 0)');
  const position = sqlite.prepare<[number], { indexed_to: number }>(
    'select indexed_to from licence_search_backlog where generation = ?',
  );
  // The next rows, through the (generation, id) index: the highest id of them and how many.
  const next = sqlite.prepare<[number, number, number], { last: number | null; n: number }>(
    `select max(id) as last, count(*) as n from (
       select id from licence_accounts where generation = ? and id > ? order by generation, id limit ?)`,
  );
  const fill = sqlite.prepare(
    `insert into licence_accounts_search (rowid, email_lc, username_lc, name_lc)
       select id, email_lc, username_lc, name_lc from licence_accounts where generation = ? and id > ? and id <= ?`,
  );
  const advance = sqlite.prepare('update licence_search_backlog set indexed_to = ? where generation = ?');
  const close = sqlite.prepare('delete from licence_search_backlog where generation = ?');
  const some = sqlite.transaction((stop: () => boolean) => {
    const at = position.get(generation);
    if (!at) return { indexed: 0, done: true };
    let from = at.indexed_to;
    let indexed = 0;
    for (let statements = 0; statements < STATEMENTS_PER_TRANSACTION; statements++) {
      const { last, n } = next.get(generation, from, SEARCH_ROWS_PER_STATEMENT) as { last: number | null; n: number };
      if (n === 0 || last === null) {
        close.run(generation);
        return { indexed, done: true };
      }
      fill.run(generation, from, last);
      advance.run(last, generation);
      indexed += n;
      from = last;
      if (stop()) break;
    }
    return { indexed, done: false };
  });
  return {
    open: () => {
      open.run(generation);
    },
    indexSome: (stop) => outOfSight(sqlite, () => some.immediate(stop)),
  };
}
