// Which database errors mean "the database cannot serve right now" rather than a bug: a full disk (SQLITE_FULL,
// SQLite I/O errors, PostgreSQL's disk_full) or a database that cannot be reached (PostgreSQL restarting or stopped,
// the connection gone, SQLite locked by another process past every retry).

export type Unavailability = 'storage_full' | 'database_unavailable';

const STORAGE_FULL_CODES = new Set(['SQLITE_FULL', '53100']);
const UNREACHABLE_CODES = new Set([
  // PostgreSQL: shutting down, starting up, connection failures, too many connections.
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
  // The socket.
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // SQLite: another process held the database past busy_timeout and every retry.
  'SQLITE_BUSY',
]);
/** What node-postgres says, without a code, when the server went away under a connection. */
const UNREACHABLE_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout)/;

/** Why the database could not serve, when the error says it (following `cause`); undefined for any other error. */
export function unavailabilityOf(error: unknown): Unavailability | undefined {
  for (let at: unknown = error, depth = 0; at && depth < 5; at = (at as { cause?: unknown }).cause, depth++) {
    const code = String((at as { code?: unknown }).code ?? '');
    if (STORAGE_FULL_CODES.has(code) || code.startsWith('SQLITE_IOERR')) return 'storage_full';
    if (UNREACHABLE_CODES.has(code)) return 'database_unavailable';
    if (at instanceof Error && UNREACHABLE_MESSAGES.test(at.message)) return 'database_unavailable';
  }
  return undefined;
}

/** The error as an operator reads it: its code and message (never a connection string). */
export const describeDatabaseError = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${String(code)}: ${message}` : message;
};
