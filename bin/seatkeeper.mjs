#!/usr/bin/env node
// The `seatkeeper` command. The licence commands run from a bundle kept up to date by compiled-cli.mjs (a third of a
// second faster to start); the rest, and the licence commands whenever no bundle can be had, run through tsx, so
// `npx seatkeeper` works right after `npm ci` with no build step. SEATKEEPER_CLI_TSX=1 forces tsx.
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { compiledMain } from './compiled-cli.mjs';

const args = process.argv.slice(2);
const root = resolve(import.meta.dirname, '..');
let main = null;
const licence = args[0] === 'licence' || args[0] === 'license';
if (licence) {
  // A value cut from a list's text is copied rather than kept as a view into it: views kept every 64 KB piece of the
  // text alive, and the garbage collector copied all of it (a tenth less collection time on a million accounts).
  setFlagsFromString('--no-string-slices');
  // The reading worker (server/cli/read-part.ts) optimises its functions on its own thread rather than handing them to
  // V8's shared compiler threads, where its jobs and the main thread's competed with both threads for two cores. The
  // flag holds for isolates made after it is set, so this thread's compiles stay concurrent. Whole CLI on a million
  // accounts, 21 runs in turns, twice: paired ratios 0.960 and 0.947, shorter in 17 and 19 of the 21 pairs.
  setFlagsFromString('--no-concurrent-recompilation');
}
if (licence && process.env.SEATKEEPER_CLI_TSX !== '1') main = await compiledMain(root);
if (main === null) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../server/cli/main.ts'));
}
process.exitCode = await main(args, {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
