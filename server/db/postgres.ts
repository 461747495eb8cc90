// PostgreSQL: the connection pool beneath Kysely, which the few paths that bypass Kysely (bulk reads) use directly.
import pg from 'pg';

export interface PostgresHandle {
  pool: pg.Pool;
  /** For worker threads that open a connection of their own (the licence recount). Never log it. */
  url: string;
}

const INT8_OID = 20;

/** int8 (count(*), identity values) as numbers, as SQLite returns them: Seatkeeper's counts stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * JIT compilation off for the app's queries: they are short, and a plan PostgreSQL overestimates (a page of the users
 * list over a million rows) spent 110-160 ms compiling for 10 ms of work. Options in the URL are kept.
 */
export const connectionOptions = (url: string) =>
  [new URL(url).searchParams.get('options'), '-c jit=off'].filter(Boolean).join(' ');

/** A connection of a worker thread's own, set up as the pool's are; a failed one fails its query, not the process. */
export async function connectedClient(url: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    options: connectionOptions(url),
    application_name: applicationName,
    types,
  });
  client.on('error', () => {});
  await client.connect();
  return client;
}

export function createPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    options: connectionOptions(url),
    max,
    application_name: 'seatkeeper',
    types,
  });
  // A connection that fails (the server restarted, an administrator ended it) fails its query, if it had one, and is
  // dropped by the pool; the next query opens a new one. Without these listeners pg would throw it at the process.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}
