// What a CLI command reads and writes, so tests can run commands in-process.

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/** A mistake in the command line or its input: exit code 2, the message on stderr, nothing on stdout. */
export class UsageError extends Error {
  override name = 'UsageError';
}
