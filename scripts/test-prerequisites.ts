// Run by `npm test` before the suite (the "pretest" script): the browser tests need Chromium and Firefox ESR, the
// PostgreSQL half of the suite needs the PostgreSQL server binaries (npm test starts a private cluster with them).
// What is missing is installed when that can be done here (Debian/Ubuntu as root, with apt-get); otherwise the run
// stops at once with the exact command to run. `.ci/run` relies on this and installs nothing itself.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export interface Found {
  chromium: boolean;
  firefox: boolean;
  /** initdb and pg_ctl, or a TEST_DATABASE_URL that makes them unnecessary. */
  postgres: boolean;
  /** Running as root (initdb then runs as the `postgres` user the package creates). */
  root: boolean;
  aptGet: boolean;
}

export type Plan = { ok: true } | { install: string[] } | { stop: string };

/** Debian package names for what is missing. */
export function missingPackages(found: Found): string[] {
  return [
    ...(found.chromium ? [] : ['chromium']),
    ...(found.firefox ? [] : ['firefox-esr']),
    ...(found.postgres ? [] : ['postgresql']),
  ];
}

export function plan(found: Found): Plan {
  const packages = missingPackages(found);
  if (packages.length === 0) return { ok: true };
  if (found.root && found.aptGet) return { install: packages };
  const command = found.aptGet
    ? `sudo apt-get install -y ${packages.join(' ')}`
    : `install ${packages.join(', ')} with your system's package manager`;
  return {
    stop: [
      `npm test needs ${packages.join(', ')}, which this machine lacks, and cannot install ${packages.length > 1 ? 'them' : 'it'} itself${found.root ? '' : ' (not root)'}.`,
      `Run: ${command}`,
      'Or name binaries elsewhere with CHROME_PATH / FIREFOX_PATH, or a PostgreSQL server with TEST_DATABASE_URL.',
    ].join('\n'),
  };
}

const onPath = (name: string) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;

function postgresBinaries(): boolean {
  if (process.env.PG_BIN) return existsSync(`${process.env.PG_BIN}/initdb`);
  const root = '/usr/lib/postgresql';
  if (existsSync(root) && readdirSync(root).some((version) => existsSync(`${root}/${version}/bin/initdb`))) return true;
  const bindir = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  return bindir.status === 0 && existsSync(`${bindir.stdout.trim()}/initdb`);
}

export function look(env: NodeJS.ProcessEnv = process.env): Found {
  return {
    chromium: env.CHROME_PATH ? existsSync(env.CHROME_PATH) : existsSync('/usr/bin/chromium') || onPath('chromium'),
    firefox: env.FIREFOX_PATH
      ? existsSync(env.FIREFOX_PATH)
      : existsSync('/usr/bin/firefox-esr') || onPath('firefox-esr'),
    postgres: Boolean(env.TEST_DATABASE_URL) || postgresBinaries(),
    root: process.getuid?.() === 0,
    aptGet: onPath('apt-get'),
  };
}

function main(): number {
  const decided = plan(look());
  if ('ok' in decided) return 0;
  if ('stop' in decided) {
    console.error(`\n${decided.stop}\n`);
    return 1;
  }
  console.error(`npm test: installing ${decided.install.join(', ')} (apt-get, once)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install =
    update.status === 0
      ? spawnSync('apt-get', ['install', '-y', '-qq', ...decided.install], { stdio: 'inherit', env })
      : update;
  if (install.status !== 0) {
    console.error(
      `\nnpm test: apt-get could not install ${decided.install.join(' ')}; install them, then run npm test again.\n`,
    );
    return 1;
  }
  const still = missingPackages(look());
  if (still.length > 0) {
    console.error(
      `\nnpm test: ${still.join(', ')} still missing after apt-get; install by hand, then run npm test again.\n`,
    );
    return 1;
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main();
