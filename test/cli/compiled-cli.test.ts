// The licence commands run from a bundle built on first use (bin/compiled-cli.mjs): it must answer as tsx does, be
// rebuilt when a source changes (never run stale), and work from a fresh clone with no build step.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { compiledMain, withConstBindings } from '../../bin/compiled-cli.mjs';
import { main } from '../../server/cli/main.ts';
import type { ReadPart, ReadPartJob } from '../../server/cli/read-part.ts';
import { accountsCsv, GENERATED_ENVIRONMENTS, generateAccounts } from '../support/generate-accounts.ts';
import { runCommand } from '../support/run-command.ts';

const run = promisify(execFile);
const made: string[] = [];
/** A directory of the test's own, removed when the file's tests are done. */
function tempDir(prefix: string): string {
  const path = mkdtempSync(join(tmpdir(), prefix));
  made.push(path);
  return path;
}
const dir = tempDir('seatkeeper-compiled-');
afterAll(() => {
  for (const path of made) rmSync(path, { recursive: true, force: true });
});
const BIN = resolve('bin/seatkeeper.mjs');
const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: {} };

describe('the compiled licence CLI', () => {
  it('answers exactly as the tsx-run CLI and the CLI run in-process: the same JSON report, stderr and exit code', async () => {
    const csv = join(dir, 'users.csv');
    writeFileSync(csv, accountsCsv(generateAccounts(3000, 7)));
    const rules = join(dir, 'rules.json');
    writeFileSync(
      rules,
      JSON.stringify({
        environments: Object.fromEntries(
          GENERATED_ENVIRONMENTS.map((env) => [env.name, { internalDomains: env.internalDomains }]),
        ),
        organisationDomains: ['acme.com'],
      }),
    );
    const args = [BIN, 'licence', 'count', '--input', csv, '--rules', rules, '--json'];
    const compiled = await run('node', args, { maxBuffer: 1 << 26 });
    const tsx = await run('node', args, { maxBuffer: 1 << 26, env: { ...process.env, SEATKEEPER_CLI_TSX: '1' } });
    expect(JSON.parse(compiled.stdout).accounts).toBe(3000);
    expect(compiled.stdout).toBe(tsx.stdout);
    expect(compiled.stderr).toBe(tsx.stderr);
    // In-process, values cut from the text stay views into it (the bin copies them): the answer is the same.
    const inProcess = await runCommand(main, args.slice(1));
    expect(inProcess).toEqual({ code: 0, out: compiled.stdout, err: compiled.stderr });
    const failing = [BIN, 'licence', 'count', '--input', join(dir, 'missing.csv')];
    const failure = (error: { code: number; stderr: string }) => error;
    const errors = await Promise.all([
      run('node', failing).then(() => failure({ code: 0, stderr: '' }), failure),
      run('node', failing, { env: { ...process.env, SEATKEEPER_CLI_TSX: '1' } }).then(
        () => failure({ code: 0, stderr: '' }),
        failure,
      ),
    ]);
    expect(errors[0]).toMatchObject({ code: 2, stderr: expect.stringContaining('missing.csv: cannot read') });
    expect(errors[0]).toMatchObject({ code: errors[1].code, stderr: errors[1].stderr });
  });

  it('starts its reading worker from the bundle: a large list is read in two parts, as the CLI in-process reads it', async () => {
    const csv = join(dir, 'large.csv');
    // Over 8 MiB, so the list is read in two parts (account-csv.ts).
    writeFileSync(csv, accountsCsv(generateAccounts(130_000, 13)));
    const args = [BIN, 'licence', 'count', '--input', csv, '--json'];
    const compiled = await run('node', args, { maxBuffer: 1 << 28 });
    expect(JSON.parse(compiled.stdout).accounts).toBe(130_000);
    expect(await runCommand(main, args.slice(1))).toEqual({ code: 0, out: compiled.stdout, err: compiled.stderr });

    // The bundle the bin ran, started as a reading worker, reads the part it is given.
    const root = resolve('.');
    expect(await compiledMain(root)).not.toBeNull();
    const rootKey = createHash('sha256').update(root).digest('hex').slice(0, 16);
    const cache = join(root, 'node_modules/.cache/seatkeeper-cli');
    const { key } = JSON.parse(readFileSync(join(cache, `manifest-${rootKey}.json`), 'utf8')) as { key: string };
    const from = readFileSync(csv).indexOf('\n', 4_000_000) + 1;
    const job: ReadPartJob = { path: csv, from, size: statSync(csv).size };
    const worker = new Worker(pathToFileURL(join(cache, `cli-${key}.mjs`)), {
      workerData: { seatkeeperReadPart: job },
    });
    const message = await new Promise<{ read?: ReadPart }>((done) => worker.once('message', done));
    await worker.terminate();
    expect(message.read?.mapping).toContain('username');
    expect(message.read?.accounts).toBe(message.read?.part.length);
    expect(message.read?.lines).toBe(
      130_000 +
        1 -
        readFileSync(csv)
          .subarray(0, from)
          .filter((byte) => byte === 10).length +
        1,
    );
  });

  it('is built on first use and rebuilt when any source it holds changes, so a stale build never runs', async () => {
    // A project of its own: an entry importing a second module, as a fresh clone has no bundle yet.
    const root = tempDir('seatkeeper-project-');
    mkdirSync(join(root, 'server/cli'), { recursive: true });
    mkdirSync(join(root, 'node_modules'));
    const answer = (value: number) => `export const ANSWER: number = ${value};\n`;
    writeFileSync(join(root, 'server/cli/answer.ts'), answer(1));
    writeFileSync(
      join(root, 'server/cli/main.ts'),
      // import.meta.url keeps naming the source file in the bundle, so files beside the sources are still found.
      `import { ANSWER } from './answer.ts';\n` +
        `export const main = async (): Promise<number> => (import.meta.url === ${JSON.stringify(pathToFileURL(join(root, 'server/cli/main.ts')).href)} ? ANSWER : -1);\n`,
    );
    const first = await compiledMain(root);
    expect(await first?.([], io)).toBe(1);
    const cache = join(root, 'node_modules/.cache/seatkeeper-cli');
    expect(readdirSync(cache).filter((name) => name.endsWith('.mjs'))).toHaveLength(1);

    // Unchanged: the same bundle is used again, not rebuilt.
    expect(await (await compiledMain(root))?.([], io)).toBe(1);
    expect(readdirSync(cache).filter((name) => name.endsWith('.mjs'))).toHaveLength(1);

    // A change in a module the entry imports is seen at once; the replaced bundle is removed.
    const before = readdirSync(cache).filter((name) => name.endsWith('.mjs'));
    writeFileSync(join(root, 'server/cli/answer.ts'), answer(2));
    expect(await (await compiledMain(root))?.([], io)).toBe(2);
    const after = readdirSync(cache).filter((name) => name.endsWith('.mjs'));
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
  });

  it("uses the user's cache when node_modules is read-only, and gives up (the bin then runs tsx) when nowhere is writable", async () => {
    const root = tempDir('seatkeeper-project-');
    mkdirSync(join(root, 'server/cli'), { recursive: true });
    writeFileSync(join(root, 'server/cli/main.ts'), 'export const main = async (): Promise<number> => 7;\n');
    // A file where node_modules would be: no cache can be made inside it.
    writeFileSync(join(root, 'node_modules'), '');
    const home = tempDir('seatkeeper-home-');
    const saved = process.env.XDG_CACHE_HOME;
    try {
      process.env.XDG_CACHE_HOME = home;
      expect(await (await compiledMain(root))?.([], io)).toBe(7);
      expect(readdirSync(join(home, 'seatkeeper-cli')).filter((name) => name.endsWith('.mjs'))).toHaveLength(1);
      process.env.XDG_CACHE_HOME = join(root, 'node_modules', 'nowhere');
      expect(await compiledMain(root)).toBeNull();
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
    }
  });

  it('makes consts of the top-level vars never assigned again, and leaves every other var as it is', async () => {
    const source = [
      'var a = 1;',
      'var b = 2; b = 3;',
      'var c = 1; function bump() { c++; }',
      'var d = 1; ({ d } = { d: 2 });',
      'var e = 1; for (e of [4]) {}',
      'var g;',
      'var h = 1, i = 2;',
      'var j = 1, k = 2; k += 1;',
      'export var l = 5;',
      'var m = 1; function shadow() { let m = 2; m = 3; return m; }',
      'var [o] = [1];',
      'var p = 1; var p = 2;',
      'function f() { var q = 1; return q; }',
      'export { a, b, c, d, e, g, h, i, j, k, m, o, p, bump, shadow, f };',
    ].join('\n');
    const out = await withConstBindings(source);
    const kinds = Object.fromEntries(
      [...out.matchAll(/^(?:export )?(var|const) (\w+)/gm)].map((match) => [match[2], match[1]]),
    );
    expect(kinds).toEqual({
      ...{ a: 'const', b: 'var', c: 'var', d: 'var', e: 'var', g: 'var', h: 'const', j: 'var' },
      ...{ l: 'const', m: 'var', p: 'var' },
    });
    expect(out).toContain('export const l = 5;');
    expect(out).toContain('var [o] = [1];');
    expect(out).toContain('var p = 1; var p = 2;');
    expect(out).toContain('function f() { var q = 1; return q; }');
    // The module still loads and answers as before.
    const load = async (text: string) => {
      const file = join(tempDir('seatkeeper-const-'), 'module.mjs');
      writeFileSync(file, text);
      const loaded = await import(pathToFileURL(file).href);
      loaded.bump();
      const values = Object.entries(loaded).filter(([, value]) => typeof value !== 'function');
      return { ...Object.fromEntries(values), shadowed: loaded.shadow(), local: loaded.f() };
    };
    expect(await load(out)).toEqual(await load(source));
  });
});
