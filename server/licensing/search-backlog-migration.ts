// A large import's rows enter SQLite's search index after they are all written, not one statement at a time (issue
// 21; search-backlog.ts). The generation being written is in `licence_search_backlog` with the highest row id indexed
// so far; the search triggers leave alone the rows above it. PostgreSQL's trigram indexes need nothing.
import { type Kysely, type Migration, sql } from 'kysely';
import { dialectOf } from '../db/dialect.ts';

const INDEX_ROW = `insert into licence_accounts_search (rowid, email_lc, username_lc, name_lc)
    values (new.id, new.email_lc, new.username_lc, new.name_lc);`;
const UNINDEX_ROW = `insert into licence_accounts_search (licence_accounts_search, rowid, email_lc, username_lc, name_lc)
    values ('delete', old.id, old.email_lc, old.username_lc, old.name_lc);`;
/** The row `row` (old or new) is in the index: its generation has no backlog, or the backlog got past it. */
const indexed = (row: 'old' | 'new') =>
  `not exists (select 1 from licence_search_backlog b where b.generation = ${row}.generation and ${row}.id > b.indexed_to)`;

const DROP_TRIGGERS = [
  'drop trigger licence_accounts_search_inserted',
  'drop trigger licence_accounts_search_deleted',
  'drop trigger licence_accounts_search_updated',
];

/** The search triggers, each kept to the indexed rows (`backlog`) or to every row (before this migration). */
const triggers = (backlog: boolean) => [
  `create trigger licence_accounts_search_inserted after insert on licence_accounts
  ${backlog ? 'when not exists (select 1 from licence_search_backlog b where b.generation = new.generation)' : ''}
  begin
  ${INDEX_ROW}
  end`,
  // Deleting a row the index does not hold would corrupt it (FTS5 removes exactly the values it is given).
  `create trigger licence_accounts_search_deleted after delete on licence_accounts
  ${backlog ? `when ${indexed('old')}` : ''}
  begin
  ${UNINDEX_ROW}
  end`,
  // A row not indexed yet is read as it is then; its id and generation do not change here.
  `create trigger licence_accounts_search_updated after update of email_lc, username_lc, name_lc on licence_accounts
  ${backlog ? `when ${indexed('old')}` : ''}
  begin
  ${UNINDEX_ROW}
  ${INDEX_ROW}
  end`,
];

// Once a retired generation's rows are all deleted, its backlog (a failed import's) goes too.
const FORGET_BACKLOG = `create trigger licence_search_backlog_forgotten after delete on licence_retired_generations
  begin
  delete from licence_search_backlog where generation = old.generation
    and not exists (select 1 from licence_accounts a where a.generation = old.generation);
  end`;

async function run(db: Kysely<unknown>, statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export const licenceSearchBacklogMigration: Migration = {
  async up(db: Kysely<unknown>) {
    if (dialectOf(db).name !== 'sqlite') return;
    await run(db, [
      'create table licence_search_backlog (generation integer primary key, indexed_to integer not null default 0)',
      ...DROP_TRIGGERS,
      ...triggers(true),
      FORGET_BACKLOG,
    ]);
  },
  async down(db: Kysely<unknown>) {
    if (dialectOf(db).name !== 'sqlite') return;
    // Rows still waiting would be missing from the index: put them in before the triggers forget the backlog.
    await run(db, [
      `insert into licence_accounts_search (rowid, email_lc, username_lc, name_lc)
         select a.id, a.email_lc, a.username_lc, a.name_lc from licence_accounts a
         join licence_search_backlog b on b.generation = a.generation and a.id > b.indexed_to`,
      'drop trigger licence_search_backlog_forgotten',
      ...DROP_TRIGGERS,
      ...triggers(false),
      'drop table licence_search_backlog',
    ]);
  },
};
