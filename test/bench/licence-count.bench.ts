// Benchmark: the licence count of 1,000,000 accounts in memory, and the audit CLI on the same data as CSV.
// Targets (issue: licensing engine): count <= 1.5 s median and <= 600 MB peak; CLI <= 4 s.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readAccountCsv } from '../../server/cli/account-csv.ts';
import { countLicencesDetailed } from '../../shared/licensing/count.ts';
import { hygieneFindings } from '../../shared/licensing/hygiene.ts';
import { accountsCsv, GENERATED_ENVIRONMENTS, generateAccounts } from '../support/generate-accounts.ts';
import { median, report } from './report.ts';

const COUNT = Number(process.env.BENCH_ACCOUNTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

if (process.argv[2] === '--count-child') {
  // Runs in a fresh process so its peak memory is the count's own (data included), not the parent's.
  const records = generateAccounts(COUNT);
  const started = performance.now();
  const detail = countLicencesDetailed(records, GENERATED_ENVIRONMENTS);
  const elapsed = performance.now() - started;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ elapsed, maxRssMb, internal: detail.result.internal }));
  process.exit(0);
}

const self = resolve(import.meta.dirname, 'licence-count.bench.ts');
const tsx = resolve('node_modules/.bin/tsx');
const counts: number[] = [];
const peaks: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const out = execFileSync(tsx, [self, '--count-child'], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const { elapsed, maxRssMb } = JSON.parse(out) as { elapsed: number; maxRssMb: number };
  counts.push(elapsed);
  peaks.push(maxRssMb);
}

const records = generateAccounts(COUNT);
const detail = countLicencesDetailed(records, GENERATED_ENVIRONMENTS);
let started = performance.now();
hygieneFindings(records, detail, ['acme.com', 'acme-group.com']);
const hygieneMs = performance.now() - started;

const dir = mkdtempSync(join(tmpdir(), 'seatkeeper-bench-'));
const csvPath = join(dir, 'users.csv');
writeFileSync(csvPath, accountsCsv(records));
const rules = join(dir, 'rules.json');
writeFileSync(
  rules,
  JSON.stringify({
    environments: Object.fromEntries(
      GENERATED_ENVIRONMENTS.map((env) => [
        env.name,
        { internalDomains: env.internalDomains, production: env.production },
      ]),
    ),
    organisationDomains: ['acme.com', 'acme-group.com'],
  }),
);

const parses: number[] = [];
const clis: number[] = [];
for (let run = 0; run < RUNS; run++) {
  started = performance.now();
  await readAccountCsv(csvPath);
  parses.push(performance.now() - started);
  started = performance.now();
  const cli = spawnSync(
    process.execPath,
    ['bin/seatkeeper.mjs', 'licence', 'count', '--input', csvPath, '--rules', rules, '--json'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  clis.push(performance.now() - started);
  if (cli.status !== 0) throw new Error(`the CLI exited with ${cli.status}`);
}
rmSync(dir, { recursive: true, force: true });

const countMs = median(counts);
const cliMs = median(clis);
const parseMs = median(parses);
report(`licence count, ${COUNT.toLocaleString('en-GB')} accounts (${RUNS} runs, medians)`, [
  { name: 'in-memory count', value: countMs, unit: 'ms', target: 1500, runs: counts },
  { name: 'peak memory (generate + count)', value: median(peaks), unit: 'MB', target: 600, runs: peaks },
  { name: 'hygiene checks on the counted data', value: hygieneMs, unit: 'ms' },
  { name: 'CSV parse alone (the floor)', value: parseMs, unit: 'ms', runs: parses },
  { name: 'CLI: licence count --json, whole process', value: cliMs, unit: 'ms', target: 4000, runs: clis },
  { name: 'CLI / parse floor', value: cliMs / parseMs, unit: 'x' },
]);
