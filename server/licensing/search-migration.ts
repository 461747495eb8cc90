// Search anywhere in the users list: email, username and name matched on any part, whatever the case (issue 18).
// SQLite: an FTS5 index with the trigram tokenizer over licence_accounts; PostgreSQL: pg_trgm GIN indexes.
import { type Kysely, type Migration, sql } from 'kysely';
import { dialectOf } from '../db/dialect.ts';

// Triggers rather than calls in the services: every writer (imports, the own-account mirror, erasure, a script) keeps
// the index in step in the same transaction. Only the three searched columns matter, so a reclassification is free.
const sqliteSearch = (detail: 'full' | 'none') => `
create virtual table licence_accounts_search using fts5(
  email_lc, username_lc, name_lc, content='licence_accounts', content_rowid='id', tokenize='trigram'${detail === 'none' ? ", detail='none'" : ''});
create trigger licence_accounts_search_inserted after insert on licence_accounts begin
  insert into licence_accounts_search (rowid, email_lc, username_lc, name_lc)
    values (new.id, new.email_lc, new.username_lc, new.name_lc);
end;
create trigger licence_accounts_search_deleted after delete on licence_accounts begin
  insert into licence_accounts_search (licence_accounts_search, rowid, email_lc, username_lc, name_lc)
    values ('delete', old.id, old.email_lc, old.username_lc, old.name_lc);
end;
create trigger licence_accounts_search_updated after update of email_lc, username_lc, name_lc on licence_accounts begin
  insert into licence_accounts_search (licence_accounts_search, rowid, email_lc, username_lc, name_lc)
    values ('delete', old.id, old.email_lc, old.username_lc, old.name_lc);
  insert into licence_accounts_search (rowid, email_lc, username_lc, name_lc)
    values (new.id, new.email_lc, new.username_lc, new.name_lc);
end;
insert into licence_accounts_search (licence_accounts_search) values ('rebuild');
`;

const SQLITE_DROP = `
drop trigger licence_accounts_search_updated;
drop trigger licence_accounts_search_deleted;
drop trigger licence_accounts_search_inserted;
drop table licence_accounts_search;
`;

// PostgreSQL keeps GIN indexes current itself; one index a column, so `or` of three becomes a bitmap union.
const POSTGRES_SEARCH = `
create extension if not exists pg_trgm;
create index licence_accounts_email_trgm on licence_accounts using gin (email_lc gin_trgm_ops);
create index licence_accounts_username_trgm on licence_accounts using gin (username_lc gin_trgm_ops);
create index licence_accounts_name_trgm on licence_accounts using gin (name_lc gin_trgm_ops);
`;

const POSTGRES_DROP = `
drop index licence_accounts_name_trgm;
drop index licence_accounts_username_trgm;
drop index licence_accounts_email_trgm;
`;

async function run(db: Kysely<unknown>, statements: string): Promise<void> {
  // better-sqlite3 prepares one statement at a time: each starts at the beginning of a line.
  for (const statement of statements.split(
    /;\n(?=create|drop|insert into licence_accounts_search \(licence_accounts_search[,)])/,
  )) {
    if (statement.trim()) await sql.raw(statement).execute(db);
  }
}

export const licenceSearchMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await run(db, dialectOf(db).name === 'postgres' ? POSTGRES_SEARCH : sqliteSearch('full'));
  },
  async down(db: Kysely<unknown>) {
    await run(db, dialectOf(db).name === 'postgres' ? POSTGRES_DROP : SQLITE_DROP);
  },
};

/** FTS5 takes its settings as literals (a bound parameter is refused). */
async function setMerging(db: Kysely<unknown>, automerge: number, crisismerge: number): Promise<void> {
  if (dialectOf(db).name !== 'sqlite') return;
  for (const [setting, value] of [
    ['automerge', automerge],
    ['crisismerge', crisismerge],
  ] as const) {
    await sql`insert into licence_accounts_search (licence_accounts_search, rank) values (${sql.lit(setting)}, ${sql.lit(value)})`.execute(
      db,
    );
  }
}

/**
 * SQLite's search index merges its segments when 8 of one level exist instead of 4, a little at a time after each
 * write; all at once (a "crisis merge", which held the database for 0.5 s) only past 64 instead of 16. Writing 600,000
 * accounts' index took 16% less, no transaction over 45 ms, and a search still reads it in about 2 ms.
 * PostgreSQL's GIN indexes need nothing.
 */
export const licenceSearchMergingMigration: Migration = {
  up: (db: Kysely<unknown>) => setMerging(db, 8, 64),
  // SQLite's defaults.
  down: (db: Kysely<unknown>) => setMerging(db, 4, 16),
};

/**
 * SQLite's search index keeps which rows hold each trigram, not where in them (FTS5 `detail=none`): a search takes the
 * rows holding every trigram of its text and checks each for the whole text (directory.ts). The positions were most of
 * what an import wrote into it: five million accounts took SQLite 64 s instead of 79 s, and no merge of the largest
 * segments held the database for 230 ms near the end any more. Rebuilt from the table, merging settings included.
 * PostgreSQL's trigram indexes stay as they are.
 */
export const licenceSearchRowsOnlyMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await rebuildSqliteSearch(db, 'none');
  },
  async down(db: Kysely<unknown>) {
    await rebuildSqliteSearch(db, 'full');
  },
};

async function rebuildSqliteSearch(db: Kysely<unknown>, detail: 'full' | 'none'): Promise<void> {
  if (dialectOf(db).name !== 'sqlite') return;
  await run(db, SQLITE_DROP);
  await run(db, sqliteSearch(detail));
  await setMerging(db, 8, 64);
}

/** The index as the migration below leaves it; `sizes` as before it. */
const sqliteSearchTable = (sizes: boolean) => `create virtual table licence_accounts_search using fts5(
  email_lc, username_lc, name_lc, content='licence_accounts', content_rowid='id', tokenize='trigram', detail='none'${sizes ? '' : ', columnsize=0'})`;

async function recreateSqliteSearchTable(db: Kysely<unknown>, sizes: boolean): Promise<void> {
  if (dialectOf(db).name !== 'sqlite') return;
  // The triggers name the table in their bodies and stay as they are (search-backlog-migration.ts).
  await sql.raw('drop table licence_accounts_search').execute(db);
  await sql.raw(sqliteSearchTable(sizes)).execute(db);
  await setMerging(db, 8, 64);
  await sql.raw("insert into licence_accounts_search (licence_accounts_search) values ('rebuild')").execute(db);
  // Every row is in the index now, a waiting import's too (a crashed one's, being deleted): its backlog says so, or
  // deleting its rows would leave them in the index.
  await sql
    .raw(
      `update licence_search_backlog set indexed_to = coalesce(
         (select max(id) from licence_accounts a where a.generation = licence_search_backlog.generation), indexed_to)`,
    )
    .execute(db);
}

/**
 * SQLite's search index keeps no size of each row's columns (FTS5 `columnsize=0`): a search never ranks, and the sizes
 * were a row of their own in another table for every account indexed. With statements of 2,000 rows
 * (search-backlog.ts), a million accounts' index took 2.55 s instead of 3.77 s to write (scratch measurement, one
 * statement at most 18 ms instead of 30 ms, searches alike at 0.6-0.7 ms). Rebuilt from the table.
 */
export const licenceSearchNoSizesMigration: Migration = {
  up: (db: Kysely<unknown>) => recreateSqliteSearchTable(db, false),
  down: (db: Kysely<unknown>) => recreateSqliteSearchTable(db, true),
};
