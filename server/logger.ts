// One JSON line per event on stderr, through pino: {"level","time","message",...fields}. Fields are data, never
// markup: every character that could reorder or break what a person reads in a terminal is escaped.
import { pino } from 'pino';
import type { LogLevel } from './config.ts';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * C1 controls, line and paragraph separators and Unicode's bidirectional controls, which JSON leaves as they are:
 * printed raw, they move or hide text in a terminal or log viewer (a forged line, a reversed address). JSON itself
 * escapes C0 controls (CR, LF, NUL). Inside a JSON string `\uXXXX` reads back as the same character, and outside
 * strings a JSON line holds none of these, so the whole line can be escaped at once.
 */
const UNSAFE = /[\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
export const escapeLogLine = (line: string) =>
  line.replace(UNSAFE, (char) => `\\u${(char.codePointAt(0) as number).toString(16).padStart(4, '0')}`);

/**
 * Callers must never pass secrets in `fields`. `write` replaces stderr (tests collect lines with it); stderr is
 * written asynchronously, and what is buffered is flushed when the process exits.
 */
export function createLogger(level: LogLevel, write?: (line: string) => void): Logger {
  if (level === 'silent') return SILENT;
  const destination = write ? { write: (line: string) => write(escapeLogLine(line)) } : stderrLines();
  const log = pino(
    {
      level,
      messageKey: 'message',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return {
    debug: (message, fields) => log.debug(fields ?? {}, message),
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
    error: (message, fields) => log.error(fields ?? {}, message),
  };
}

const ignore = () => {};
const SILENT: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };

let stderr: { write(line: string): void } | undefined;
let stderrStream: ReturnType<typeof pino.destination> | undefined;

/** Writes out what is still buffered for stderr; the last thing the server does before it exits. */
export async function flushLogs(): Promise<void> {
  const stream = stderrStream;
  if (!stream) return;
  stderrStream = undefined;
  await new Promise<void>((resolve) => {
    stream.once('close', () => resolve());
    stream.end();
  });
}

/** One asynchronous stderr writer for the process, flushed when it exits (also on process.exit after a signal). */
function stderrLines(): { write(line: string): void } {
  if (!stderr) {
    const stream = pino.destination({ dest: 2, sync: false });
    stderrStream = stream;
    process.once('exit', () => {
      try {
        if (stderrStream) stream.flushSync();
      } catch {
        // Nothing more can be said about a log that cannot be written.
      }
    });
    stderr = { write: (line: string) => stream.write(escapeLogLine(line)) };
  }
  return stderr;
}
