// `npm run bench`: runs every benchmark in its own process, one after the other (they would skew each other).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const only = process.argv.slice(2);
const dir = resolve(import.meta.dirname);
const benches = readdirSync(dir)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort();
let failed = 0;
for (const file of benches) {
  const result = spawnSync(resolve('node_modules/.bin/tsx'), [join(dir, file)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.error(`${file} exited with ${result.status}`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
