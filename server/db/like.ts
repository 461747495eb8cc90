// Substring matching that means the same on SQLite and PostgreSQL: LIKE with the text's wildcards escaped and the
// escape character named (SQLite has no default one). Case: PostgreSQL's LIKE is case-sensitive, SQLite's ignores
// ASCII case; callers compare values they stored normalised.
import { type RawBuilder, sql } from 'kysely';

const escaped = (text: string) => text.replace(/[\\%_]/g, (m) => `\\${m}`);

/** `column` contains `text` anywhere. */
export const contains = (column: string, text: string): RawBuilder<boolean> =>
  sql<boolean>`${sql.ref(column)} like ${`%${escaped(text)}%`} escape '\\'`;

/** `column` ends with `text`. */
export const endsWith = (column: string, text: string): RawBuilder<boolean> =>
  sql<boolean>`${sql.ref(column)} like ${`%${escaped(text)}`} escape '\\'`;

/** `expression` contains `text` anywhere, ignoring case (both sides lowered: PostgreSQL's LIKE minds case). */
export const containsIgnoringCase = (expression: RawBuilder<unknown>, text: string): RawBuilder<boolean> =>
  sql<boolean>`lower(${expression}) like ${`%${escaped(text.toLowerCase())}%`} escape '\\'`;
