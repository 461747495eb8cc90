// The licence commands run from a bundle of the TypeScript CLI built by esbuild (tsx's own compiler), because tsx's
// on-the-fly transform took a third of a second of every run. The bundle is built on first use, so `npx seatkeeper`
// works right after `npm ci` with no build step, and it is rebuilt whenever the content of any source file it was
// built from differs, so a stale build never runs. When it cannot be built or stored, the caller falls back to tsx.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** This file's own text is part of every key: a change in how bundles are built never reuses one built the old way. */
const RECIPE = readFileSync(import.meta.filename, 'utf8');
const ENTRY = 'server/cli/main.ts';
// Only the licence commands run from the bundle; the server's admin commands stay with tsx (see bin/seatkeeper.mjs).
const NOT_BUNDLED = /^\.\/(admin|db|backup)\.ts$/;

/** Where bundles are kept: beside the dependencies, or in the user's cache when node_modules is read-only. */
function cacheDirs(root) {
  const home = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return [join(root, 'node_modules', '.cache', 'seatkeeper-cli'), join(home, 'seatkeeper-cli')];
}

/**
 * The key of a set of sources: their paths and contents (dependencies bundled in included), the lock file (which
 * decides what a package name resolves to), the project's place, and how they are built.
 */
function keyOf(root, sources) {
  const hash = createHash('sha256').update(`${RECIPE}\0${root}\0${process.version}\0`);
  try {
    hash.update(readFileSync(join(root, 'package-lock.json')));
  } catch {
    hash.update('no lock file');
  }
  for (const [path, text] of sources) hash.update(`${path}\0${text.length}\0`).update(text);
  return hash.digest('hex').slice(0, 32);
}

/** The sources a manifest lists, as they are now; null when one is gone. */
function currentSources(root, files) {
  const sources = [];
  for (const path of files) {
    try {
      sources.push([path, readFileSync(join(root, path), 'utf8')]);
    } catch {
      return null;
    }
  }
  return sources;
}

/** Source text as esbuild sees it: import.meta.url and dirname keep naming the source file, not the bundle. */
function asBundled(path, text) {
  const url = pathToFileURL(path).href;
  return text
    .replaceAll('import.meta.url', JSON.stringify(url))
    .replaceAll('import.meta.dirname', JSON.stringify(resolve(path, '..')))
    .replaceAll('import.meta.filename', JSON.stringify(path));
}

/** The identifiers a binding pattern (or a plain identifier) assigns. */
function patternNames(node, names) {
  if (node === null) return;
  if (node.type === 'Identifier') names.add(node.name);
  else if (node.type === 'ObjectPattern') {
    for (const property of node.properties)
      patternNames(property.type === 'RestElement' ? property : property.value, names);
  } else if (node.type === 'ArrayPattern') for (const element of node.elements) patternNames(element, names);
  else if (node.type === 'RestElement') patternNames(node.argument, names);
  else if (node.type === 'AssignmentPattern') patternNames(node.left, names);
}

/**
 * The bundle with each top-level `var` that is never assigned again made a `const`. esbuild turns every top-level
 * const of the bundled modules into a var, which V8 must then reload and check at each use; as consts, the hot loops
 * of the licence count read their tables and helpers as constants (the bundle's value facts ran 10 to 15 % slower than
 * the same modules unbundled, and as fast once made consts, when measured). A name assigned anywhere (whatever the
 * scope: a shadowing local is counted too), declared twice, or declared without a value stays a var. Left as built
 * when acorn cannot be loaded or parse it: the bundle only runs slower.
 */
export async function withConstBindings(code) {
  let parse;
  try {
    ({ parse } = await import('acorn'));
  } catch {
    return code;
  }
  let program;
  try {
    program = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  } catch {
    return code;
  }
  const assigned = new Set();
  const visit = (node) => {
    if (node.type === 'AssignmentExpression') patternNames(node.left, assigned);
    else if (node.type === 'UpdateExpression') patternNames(node.argument, assigned);
    else if (
      (node.type === 'ForInStatement' || node.type === 'ForOfStatement') &&
      node.left.type !== 'VariableDeclaration'
    ) {
      patternNames(node.left, assigned);
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) {
        for (const item of value) if (item !== null && typeof item.type === 'string') visit(item);
      } else if (value !== null && typeof value === 'object' && typeof value.type === 'string') visit(value);
    }
  };
  visit(program);
  const declared = new Map();
  const count = (name) => declared.set(name, (declared.get(name) ?? 0) + 1);
  for (const statement of program.body) {
    const declaration = statement.type === 'ExportNamedDeclaration' ? statement.declaration : statement;
    if (declaration?.type === 'VariableDeclaration') {
      for (const declarator of declaration.declarations) {
        const names = new Set();
        patternNames(declarator.id, names);
        for (const name of names) count(name);
      }
    } else if (declaration?.type === 'FunctionDeclaration' || declaration?.type === 'ClassDeclaration') {
      count(declaration.id.name);
    }
  }
  const starts = [];
  for (const statement of program.body) {
    const declaration = statement.type === 'ExportNamedDeclaration' ? statement.declaration : statement;
    if (declaration?.type !== 'VariableDeclaration' || declaration.kind !== 'var') continue;
    const constant = declaration.declarations.every((declarator) => {
      if (declarator.init === null || declarator.id.type !== 'Identifier') return false;
      const name = declarator.id.name;
      return !assigned.has(name) && declared.get(name) === 1;
    });
    if (constant) starts.push(declaration.start);
  }
  let out = '';
  let from = 0;
  for (const start of starts) {
    out += `${code.slice(from, start)}const`;
    from = start + 3;
  }
  return out + code.slice(from);
}

async function build(root) {
  const { build: esbuild } = await import('esbuild');
  /** Every source file exactly as it was given to esbuild: what the key is computed from. */
  const sources = new Map();
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The tsconfig's own settings that change emitted code, so the build does not depend on files wxt generates.
    tsconfigRaw: { compilerOptions: { target: 'ES2022', verbatimModuleSyntax: true, useDefineForClassFields: true } },
    logLevel: 'silent',
    plugins: [
      {
        name: 'seatkeeper-sources',
        setup(build) {
          build.onResolve({ filter: NOT_BUNDLED }, (args) => ({
            path: pathToFileURL(resolve(args.resolveDir, args.path)).href,
            external: true,
          }));
          // Every file goes through here, so each one the bundle holds is part of its key.
          build.onLoad({ filter: /.*/ }, (args) => {
            const text = readFileSync(args.path, 'utf8');
            sources.set(relative(root, args.path), text);
            const loader = /\.[cm]?ts$/.test(args.path) ? 'ts' : args.path.endsWith('.json') ? 'json' : 'js';
            return { contents: asBundled(args.path, text), loader, resolveDir: dirname(args.path) };
          });
        },
      },
    ],
  });
  const files = [...sources.keys()].sort();
  return {
    files,
    key: keyOf(
      root,
      files.map((path) => [path, sources.get(path)]),
    ),
    code: await withConstBindings(result.outputFiles[0].text),
  };
}

/** Writes a file whole or not at all: a concurrent run reads the old file or the new one, never half of one. */
function writeWhole(path, text) {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, path);
}

/** The bundle's `main`; a bundle that starts workers is told where it is, so they start from it too. */
async function mainOf(bundle) {
  const url = pathToFileURL(bundle).href;
  const loaded = await import(url);
  loaded.workersFromBundle?.(url);
  return loaded.main;
}

/**
 * The CLI's `main`, loaded from an up-to-date bundle (built now if needed), or null when none can be had; the reason
 * is not shown, as the caller runs the same code through tsx instead.
 */
export async function compiledMain(root) {
  const rootKey = createHash('sha256').update(root).digest('hex').slice(0, 16);
  /** The bundle each place last held for this project: replaced by a new build, it is removed. */
  const previous = new Map();
  for (const dir of cacheDirs(root)) {
    const manifest = join(dir, `manifest-${rootKey}.json`);
    try {
      const { files, key } = JSON.parse(readFileSync(manifest, 'utf8'));
      previous.set(dir, key);
      const sources = currentSources(root, files);
      if (sources !== null && keyOf(root, sources) === key) return await mainOf(join(dir, `cli-${key}.mjs`));
    } catch {
      // No manifest, or its bundle is gone: build below.
    }
  }
  let built;
  try {
    built = await build(root);
  } catch {
    return null;
  }
  for (const dir of cacheDirs(root)) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const bundle = join(dir, `cli-${built.key}.mjs`);
      writeWhole(bundle, built.code);
      writeWhole(join(dir, `manifest-${rootKey}.json`), JSON.stringify({ files: built.files, key: built.key }));
      // Keys include the project's place, so no other project uses the replaced bundle.
      if (previous.has(dir) && previous.get(dir) !== built.key) {
        rmSync(join(dir, `cli-${previous.get(dir)}.mjs`), { force: true });
      }
      return await mainOf(bundle);
    } catch {
      // Not writable here: try the next place.
    }
  }
  return null;
}
