// `seatkeeper licence classify|count`: audit a user list exported from any platform. The flags and the JSON shape
// are a contract (README): add to them, never change them.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import type { AccountColumns } from '../../shared/licensing/account-columns.ts';
import { classifyUser, compileRules } from '../../shared/licensing/classify.ts';
import type { EnvironmentRules } from '../../shared/licensing/count.ts';
import { parseDomainList } from '../../shared/licensing/domains.ts';
import { environmentKey } from '../../shared/licensing/environment-names.ts';
import { quoteValue } from '../../shared/licensing/quote-value.ts';
import { describeMapping } from '../../shared/licensing/user-list-columns.ts';
import { USER_LIST_ENCODINGS, type UserListEncoding } from '../../shared/licensing/user-list-decoder.ts';
import { AccountCsvError, readAccountCsv } from './account-csv.ts';
import { countAccountCsv } from './count-list.ts';
import { type CliIo, UsageError } from './io.ts';
import { progressBar } from './progress.ts';
import { type CountReport, formatCountReport, writeJsonReport } from './report.ts';

export const LICENCE_USAGE = `Usage:
  seatkeeper licence classify --domains "<comma list>" [--username U] [--email E] [--environment NAME] [--json]
  seatkeeper licence count --input users.csv|- [--domains "<comma list>" | --rules rules.json]
                           [--org-domains "<comma list>"] [--encoding utf-8|shift_jis|windows-1252]
                           [--strict] [--default-tenant ID] [--json] [--progress]

CSV columns (header required, any order): environment (default Production), production (default true),
provider (default Users), tenant (empty = default tenant), username, email, active (default true),
it_user (default false), role (admin/support mark staff). Booleans: true/false, 1/0, yes/no.
User lists exported by OutSystems, Mendix, Microsoft Entra ID, Okta and Google Workspace are read with their own
column names; the columns read and ignored are printed on stderr, and --strict refuses unrecognised columns.
--default-tenant names the default tenant's id in a tenant-id column (OutSystems' Tenant_Id) holding several.
The file must decode in --encoding (UTF-8 by default; Excel's "CSV" is windows-1252 or shift_jis by locale).
rules.json: {"environments": {"<name>": {"internalDomains": ["example.com"], "production": true}},
             "organisationDomains": ["example.com"]}`;

const ENCODING_NAMES: Record<string, UserListEncoding> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  shift_jis: 'shift_jis',
  sjis: 'shift_jis',
  cp932: 'shift_jis',
  'windows-31j': 'shift_jis',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
};

function encodingOrFail(name: string | undefined): UserListEncoding {
  if (name === undefined) return 'utf-8';
  const encoding = ENCODING_NAMES[name.trim().toLowerCase()];
  if (encoding === undefined) {
    throw new UsageError(`--encoding ${quoteValue(name)} is not supported: use ${USER_LIST_ENCODINGS.join(', ')}`);
  }
  return encoding;
}

function domainsOrFail(input: string, what: string): string[] {
  const parsed = parseDomainList(input);
  if (!parsed.ok) throw new UsageError(`${what}: ${parsed.problems.map((p) => p.message).join('; ')}`);
  return parsed.domains;
}

async function classify(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      domains: { type: 'string' },
      username: { type: 'string' },
      email: { type: 'string' },
      environment: { type: 'string', default: 'Production' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.domains === undefined) {
    throw new UsageError('missing --domains: give the internal domains as one comma-separated list ("" for none)');
  }
  if (values.username === undefined && values.email === undefined) {
    throw new UsageError('give --username, --email or both: the account to classify');
  }
  const rules = compileRules(values.environment, domainsOrFail(values.domains, '--domains'));
  const result = classifyUser(rules, { username: values.username, email: values.email });
  if (values.json) {
    io.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const flags = result.flags.length > 0 ? ` [${result.flags.join(', ')}]` : '';
    io.stdout.write(`${result.classification === 'internal' ? 'Internal' : 'External'}: ${result.reason}${flags}\n`);
  }
  return 0;
}

// zod's mini build: the CLI's bundle loads in a third of the time of one holding all of zod (every run pays it).
z.config(en());
const rulesFileSchema = z.strictObject({
  environments: z.record(
    z.string().check(z.minLength(1)),
    z.strictObject({
      internalDomains: z._default(z.array(z.string()), []),
      production: z.optional(z.boolean()),
    }),
  ),
  organisationDomains: z.optional(z.array(z.string())),
});

interface RulesEnvironment {
  /** The name as the rules file writes it. */
  name: string;
  internalDomains: string[];
  production?: boolean;
}

interface RulesFile {
  path: string;
  /** By environmentKey: names compare as the server compares them. */
  environments: Map<string, RulesEnvironment>;
  organisationDomains: string[];
}

function readRulesFile(path: string): RulesFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`cannot read the rules file ${path}: no such file`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = rulesFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new UsageError(`${path} does not match the rules format: ${issues.join('; ')}`);
  }
  const environments = new Map<string, RulesEnvironment>();
  for (const [name, env] of Object.entries(parsed.data.environments)) {
    const twice = environments.get(environmentKey(name));
    if (twice !== undefined) {
      throw new UsageError(
        `${path} names the environment ${quoteValue(name)} twice (also as ${quoteValue(twice.name)}); environment names do not differ by case or spaces`,
      );
    }
    environments.set(environmentKey(name), {
      name,
      internalDomains: domainsOrFail(env.internalDomains.join(','), `${path}: environments.${name}.internalDomains`),
      production: env.production,
    });
  }
  const organisationDomains = domainsOrFail(
    (parsed.data.organisationDomains ?? []).join(','),
    `${path}: organisationDomains`,
  );
  return { path, environments, organisationDomains };
}

/**
 * Each environment's rules: domains from --domains or the rules file; production from the rules file when it names
 * the environment, else from the CSV, which must agree with itself (rule 4). Rows naming one environment in different
 * case or spacing are one environment, named as first written; a rules file naming an environment no row has is an
 * error, so a typo never leaves everyone counted as internal.
 */
function environmentRules(accounts: AccountColumns, input: string, domains: string[] | null, rules: RulesFile | null) {
  const seen = new Map<string, { name: string; production: boolean | null; line: number }>();
  // Rows share a few environment names, each compared once: a row's environment is found by its number.
  const names = accounts.environments.names;
  const keys = names.map((name) => environmentKey(name));
  const byId: ({ name: string; production: boolean | null; line: number } | undefined)[] = names.map(() => undefined);
  for (let i = 0; i < accounts.length; i++) {
    const id = accounts.environmentId(i);
    const production = accounts.production(i);
    let known = byId[id];
    if (known === undefined) {
      const key = keys[id] as string;
      known = seen.get(key);
      if (known === undefined) {
        known = { name: names[id] as string, production, line: accounts.line(i) };
        seen.set(key, known);
        byId[id] = known;
        continue;
      }
      byId[id] = known;
    }
    if (production === null) continue;
    if (known.production === null) {
      known.production = production;
      known.line = accounts.line(i);
    } else if (known.production !== production) {
      throw new UsageError(
        `line ${accounts.line(i)}: environment "${known.name}" is marked ${production ? 'production' : 'non-production'}, but line ${known.line} marks it ${known.production ? 'production' : 'non-production'}; an environment is one or the other`,
      );
    }
  }
  // Every spelling of an environment takes the name it was first written with.
  keys.forEach((key, id) => {
    accounts.renameEnvironment(id, (seen.get(key) as { name: string }).name);
  });
  for (const [key, named] of rules?.environments ?? []) {
    if (seen.has(key)) continue;
    const inCsv = [...seen.values()].map((env) => quoteValue(env.name)).join(', ') || 'none';
    throw new UsageError(
      `${rules?.path} names the environment ${quoteValue(named.name)}, but no row of ${input} is in it (the list's environments: ${inCsv}); correct the name in one of the two files`,
    );
  }
  const environments: EnvironmentRules[] = [];
  for (const [key, fromCsv] of seen) {
    const fromRules = rules?.environments.get(key);
    environments.push({
      name: fromCsv.name,
      production: fromRules?.production ?? fromCsv.production ?? true,
      internalDomains: domains ?? fromRules?.internalDomains ?? [],
    });
  }
  return environments;
}

async function count(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      input: { type: 'string' },
      domains: { type: 'string' },
      rules: { type: 'string' },
      'org-domains': { type: 'string' },
      encoding: { type: 'string' },
      strict: { type: 'boolean', default: false },
      'default-tenant': { type: 'string' },
      json: { type: 'boolean', default: false },
      progress: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.input) throw new UsageError('missing --input: the CSV file of accounts to count');
  if (values.domains !== undefined && values.rules !== undefined) {
    throw new UsageError(
      'give either --domains (one list for every environment) or --rules (per environment), not both',
    );
  }
  const encoding = encodingOrFail(values.encoding);
  const domains = values.domains === undefined ? null : domainsOrFail(values.domains, '--domains');
  const rules = values.rules === undefined ? null : readRulesFile(values.rules);
  const organisationDomains =
    values['org-domains'] === undefined
      ? (rules?.organisationDomains ?? [])
      : domainsOrFail(values['org-domains'], '--org-domains');

  const showProgress = values.progress || Boolean((io.stderr as { isTTY?: boolean }).isTTY);
  const bar = showProgress ? progressBar(io.stderr, 'Reading') : null;
  let csv: Awaited<ReturnType<typeof readAccountCsv>>;
  try {
    csv = await readAccountCsv(values.input, {
      encoding,
      strict: values.strict,
      ...(values['default-tenant'] === undefined ? {} : { defaultTenant: values['default-tenant'] }),
      onProgress: bar?.update,
      stdin: io.stdin,
      // Rule 34: what is read and what is ignored is shown before anything is counted.
      onMapping: (mapping) => {
        bar?.clear();
        io.stderr.write(`${describeMapping(mapping).join('\n')}\n`);
      },
    });
  } catch (error) {
    bar?.clear();
    if (error instanceof AccountCsvError)
      throw new UsageError(`${values.input}: ${error.problems.join(`\n${values.input}: `)}`);
    throw error;
  }
  bar?.done();
  if (csv.summary.anonymous > 0) {
    io.stderr.write(
      `Skipped ${csv.summary.anonymous.toLocaleString('en-GB')} anonymous users (rule 2: they never count)\n`,
    );
  }
  const { accounts } = csv;
  const environments = environmentRules(accounts, values.input, domains, rules);
  const { detail, findings, json } = await countAccountCsv(csv, environments, organisationDomains, {
    json: values.json,
  });
  const { result } = detail;
  const { mapping } = csv.summary;
  const report: CountReport = {
    input: values.input,
    accounts: accounts.length,
    internal: result.internal,
    external: result.external,
    raw: result.raw,
    notCounted: result.notCounted,
    environments: result.environments,
    duplicateGroups: result.duplicateGroups,
    // With --json, the findings not made as objects are in `json` (count-list.ts), which writeJsonReport writes.
    warnings: findings,
    columns: { platform: mapping.platform, read: mapping.columns, anonymousSkipped: csv.summary.anonymous },
  };
  if (values.json) await writeJsonReport(io.stdout, report, json);
  else io.stdout.write(formatCountReport(report));
  return 0;
}

export async function runLicenceCommand(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  if (command === 'classify') return classify(rest, io);
  if (command === 'count') return count(rest, io);
  throw new UsageError(
    command === undefined
      ? `missing command\n${LICENCE_USAGE}`
      : `unknown command "licence ${command}"\n${LICENCE_USAGE}`,
  );
}
