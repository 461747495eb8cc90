// The database as Kysely sees it. Every area adds its own tables to this interface from its `tables.ts`
// (declaration merging), so this layer knows no area and each table is declared next to the code that owns it.
//
// Timestamps are UTC ISO-8601 strings (Date#toISOString), which sort and compare correctly as text on every dialect.
// Booleans are 0/1 integers so SQLite and PostgreSQL read the same values.

// biome-ignore lint/suspicious/noEmptyInterface: areas merge their tables into it.
export interface Database {}
