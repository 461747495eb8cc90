// Types of compiled-cli.mjs for the tests that load it.
import type { CliIo } from '../server/cli/io.ts';

export function compiledMain(root: string): Promise<((args: string[], io: CliIo) => Promise<number>) | null>;

export function withConstBindings(code: string): Promise<string>;
