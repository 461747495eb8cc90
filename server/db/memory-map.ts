// How much of the SQLite file a connection reads through a memory map (no copy into SQLite's own cache): the same for
// the main connection and the workers' own (imports, the search index), in a module of its own so that a worker takes
// it without the rest of the database layer.
import type { Database as SQLiteDatabase } from 'better-sqlite3';

export const MEMORY_MAP_BYTES = 268_435_456;

/** Lets the connection read the file through its memory map. */
export function useMemoryMap(sqlite: SQLiteDatabase): void {
  sqlite.pragma(`mmap_size = ${MEMORY_MAP_BYTES}`);
}

/**
 * Runs `read` on the connection with the file's memory map let go first and taken up again after. Pages read through
 * the map count in the process's resident memory: a scan over a whole index that no request needs kept there (the
 * count of every account at start, a 71 MB index for 5M accounts, left 124 MB of the file mapped in) does not.
 */
export function withoutMemoryMap<T>(sqlite: SQLiteDatabase, read: () => T): T {
  sqlite.pragma('mmap_size = 0');
  try {
    return read();
  } finally {
    useMemoryMap(sqlite);
  }
}
