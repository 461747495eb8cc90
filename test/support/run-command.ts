// Runs a `seatkeeper` command in-process, as the CLI tests do: stdin given as text, stdout and stderr collected.
import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../server/cli/io.ts';

export interface CommandOutput {
  code: number;
  out: string;
  err: string;
}

export async function runCommand(
  command: (args: string[], io: CliIo) => Promise<number>,
  args: string[],
  { stdin = '', env = {} }: { stdin?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandOutput> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const code = await command(args, { stdin: Readable.from(stdin === '' ? [] : [stdin]), stdout, stderr, env });
  return { code, out, err };
}
