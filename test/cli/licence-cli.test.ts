// The audit CLI's contract: flags, JSON shape, exit codes and error messages (README, "The audit CLI").
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../server/cli/main.ts';
import { countLicences } from '../../shared/licensing/index.ts';
import { accountsCsv, GENERATED_ENVIRONMENTS, generateAccounts } from '../support/generate-accounts.ts';
import { runCommand } from '../support/run-command.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'seatkeeper-cli-'));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function cli(...args: string[]) {
  const { code, out, err } = await runCommand(main, args);
  return { code, stdout: out, stderr: err };
}

const USERS = `username,email,provider,environment,active
sgreen,scott.green@mycompany.com,Users,Production,true
sgreen,scott.green@sales.mycompany.com,LDAP,Production,yes
jane.green@mycompany.com,,Users,Production,1
sjones,scarlett.jones@outsourcing.com,Users,Production,TRUE
sdavidson,samantha.davidson@finance.mycompany.com,Users,Production,True
mjohnson,,Users,Production,
old,old@outsourcing.com,Users,Production,no
qa,qa@outsourcing.com,Users,QA,true
`;

describe('seatkeeper licence classify', () => {
  it.each([
    ['sgreen', 'scott.green@mycompany.com', 'internal', []],
    ['sdavidson', 'samantha.davidson@finance.mycompany.com', 'external', ['subdomain-of-listed']],
    ['mjohnson', '', 'internal', ['no-email']],
    ['sjones', 'scarlett.jones@outsourcing.com', 'external', []],
  ])('%s <%s> is %s', async (username, email, classification, flags) => {
    const result = await cli(
      'licence',
      'classify',
      '--domains',
      'mycompany.com,sales.mycompany.com',
      '--username',
      username,
      '--email',
      email,
      '--json',
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const json = JSON.parse(result.stdout);
    expect(json).toEqual({ classification, reason: expect.any(String), flags });
  });

  it('refuses a bad domain entry with exit code 2, naming it, and prints nothing on stdout', async () => {
    const result = await cli(
      'licence',
      'classify',
      '--domains',
      'mycompany.com, *.example.com',
      '--email',
      'a@b.com',
      '--json',
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('*.example.com');
  });

  it('asks for the account when neither --username nor --email is given', async () => {
    const result = await cli('licence', 'classify', '--domains', 'x.com', '--json');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--username, --email/);
  });
});

describe('seatkeeper licence count', () => {
  it('counts the worked example: deduplicated totals, raw figures, not counted, environments, groups', async () => {
    const input = file('users.csv', USERS);
    const result = await cli(
      'licence',
      'count',
      '--input',
      input,
      '--domains',
      'mycompany.com,sales.mycompany.com',
      '--json',
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    // sgreen in Users and LDAP is one internal person; jane and mjohnson internal; sjones and sdavidson external,
    // and so is qa: without a production column every environment, QA included, is production (the default).
    expect(report.internal).toBe(3);
    expect(report.external).toBe(3);
    expect(report.raw).toEqual({ internal: 4, external: 3 });
    expect(report.notCounted).toEqual({ inactive: 1, nonProduction: 0, itUsers: 0 });
    const production = report.environments.find((e: { name: string }) => e.name === 'Production');
    expect(production.providers).toEqual([
      { name: 'Users', internal: 3, external: 2 },
      { name: 'LDAP', internal: 1, external: 0 },
    ]);
    expect(report.duplicateGroups).toHaveLength(1);
    expect(report.duplicateGroups[0].members.map((m: { line: number }) => m.line)).toEqual([2, 3]);
    expect(report.duplicateGroups[0].classification).toBe('internal');
    const codes = report.warnings.map((w: { code: string }) => w.code);
    expect(codes).toContain('external-on-subdomain');
    expect(codes).toContain('no-valid-email');
  });

  it('takes per-environment rules and production flags from --rules', async () => {
    const input = file('users-rules.csv', USERS);
    const rules = file(
      'rules.json',
      JSON.stringify({
        environments: {
          Production: { internalDomains: ['mycompany.com'], production: true },
          QA: { internalDomains: [], production: false },
        },
        organisationDomains: ['mycompany.com', 'mycompany-group.com'],
      }),
    );
    const result = await cli('licence', 'count', '--input', input, '--rules', rules, '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.notCounted.nonProduction).toBe(1);
    // With only mycompany.com listed, the sales subdomain account is external, but sgreen merges with it (rule 18).
    expect(report.internal).toBe(3);
    expect(report.warnings.map((w: { code: string }) => w.code)).toContain('organisation-domain-missing');
  });

  it('agrees with the engine on a generated list of 5,000 accounts', async () => {
    const records = generateAccounts(5000, 7);
    const input = file('generated.csv', accountsCsv(records));
    const rules = file(
      'generated-rules.json',
      JSON.stringify({
        environments: Object.fromEntries(
          GENERATED_ENVIRONMENTS.map((env) => [
            env.name,
            { internalDomains: env.internalDomains, production: env.production },
          ]),
        ),
      }),
    );
    const result = await cli('licence', 'count', '--input', input, '--rules', rules, '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    // Written in pieces, it is still exactly what JSON.stringify writes.
    expect(result.stdout).toBe(`${JSON.stringify(report)}\n`);
    const expected = countLicences(records, GENERATED_ENVIRONMENTS);
    expect({ internal: report.internal, external: report.external, raw: report.raw }).toEqual({
      internal: expected.internal,
      external: expected.external,
      raw: expected.raw,
    });
    expect(report.duplicateGroups.length).toBe(expected.duplicateGroups.length);
  });

  it('reads quoted values with commas and line breaks, and reports later lines by their real line number', async () => {
    const input = file(
      'quoted.csv',
      'email,username,active\n"a@x.com","multi\nline",true\n"b@x.com","b, with comma",maybe\n',
    );
    const result = await cli('licence', 'count', '--input', input, '--json');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('line 4: active is "maybe"');
  });

  it.each([
    ['a missing file', null, /no such file/],
    ['an empty file', '', /empty/],
    ['a header without username or email', 'name,phone\nann,123\n', /neither a "username" nor an "email" column/],
    ['an unknown boolean', 'email,active\na@x.com,true\nb@x.com,perhaps\n', /line 3: active is "perhaps"/],
    [
      'a row with too few fields',
      'email,username,active\na@x.com,ann,true\nb@x.com\n',
      /line 3: 1 field where the header has 3/,
    ],
    ['an unclosed quote', 'email,username\na@x.com,ann\n"b@x.com,bob\n', /line 3: a quoted value is not closed/],
    [
      'environments disagreeing on production',
      'email,environment,production\na@x.com,QA,false\nb@x.com,QA,true\n',
      /line 3: environment "QA"/,
    ],
  ])('refuses %s with exit code 2 and a message naming the problem', async (_label, content, message) => {
    const input = content === null ? join(dir, 'does-not-exist.csv') : file(`bad-${Math.random()}.csv`, content);
    const result = await cli('licence', 'count', '--input', input, '--json');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('refuses an invalid domain in the rules file, naming the environment and the entry', async () => {
    const input = file('ok.csv', 'email\na@x.com\n');
    const rules = file(
      'bad-rules.json',
      JSON.stringify({ environments: { Production: { internalDomains: ['http://x.com'] } } }),
    );
    const result = await cli('licence', 'count', '--input', input, '--rules', rules);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('environments.Production.internalDomains');
    expect(result.stderr).toContain('http://x.com');
  });

  it('says in English what in a rules file does not match the format, every mistake with its path', async () => {
    const input = file('ok-format.csv', 'email\na@x.com\n');
    const rules = file(
      'wrong-format.json',
      JSON.stringify({ environments: { '': {}, QA: { internalDomains: [1], production: 'yes', extra: 1 } }, x: 1 }),
    );
    const result = await cli('licence', 'count', '--input', input, '--rules', rules);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `seatkeeper: ${rules} does not match the rules format: environments.: Invalid key in record; environments.QA.internalDomains.0: Invalid input: expected string, received number; environments.QA.production: Invalid input: expected boolean, received string; environments.QA: Unrecognized key: "extra"; (top level): Unrecognized key: "x"\n`,
    );
  });

  // Issue 15, rule 15: accounts of one provider never link, so they never pull unrelated people into one group.
  it.each([
    {
      label: 'Okta anna and ben share team@, AD anna and carl share it@',
      csv: 'provider,username,email\nOkta,anna,team@corp.com\nOkta,ben,team@corp.com\nAD,anna,it@corp.com\nAD,carl,it@corp.com\n',
      domains: 'corp.com',
      expected: { internal: 3, external: 0 },
      groups: [[2, 4]],
    },
    {
      label: 'two AD accounts share a username, one of them shares an email with Okta',
      csv: 'email,username,provider\nalice,ÄRGER@corp.com,AD\ndave@ext.com,ÄRGER@corp.com,AD\ndave@ext.com,,Okta\n',
      domains: 'ext.com',
      expected: { internal: 1, external: 1 },
      groups: [[3, 4]],
    },
  ])('counts the issue example right: $label', async ({ csv, domains, expected, groups }) => {
    const input = file(`same-provider-${domains}.csv`, csv);
    const result = await cli('licence', 'count', '--input', input, '--domains', domains, '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect({ internal: report.internal, external: report.external }).toEqual(expected);
    expect(report.duplicateGroups.map((g: { members: { line: number }[] }) => g.members.map((m) => m.line))).toEqual(
      groups,
    );
  });

  it('prints a readable table without --json', async () => {
    const input = file('table.csv', USERS);
    const result = await cli('licence', 'count', '--input', input, '--domains', 'mycompany.com,sales.mycompany.com');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/People \(deduplicated\)\s+3\s+3/);
    expect(result.stdout).toContain('Duplicate groups: 1');
  });
});

describe('the installed bin', () => {
  it('runs as `npx seatkeeper` and keeps stdout to the JSON answer', async () => {
    const { stdout } = await run('npx', [
      '--no-install',
      'seatkeeper',
      'licence',
      'classify',
      '--domains',
      'acme.com',
      '--email',
      'x@acme.com',
      '--json',
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ classification: 'internal', flags: [] });
  });

  it('exits with code 2 on bad input', async () => {
    const failure = await run('node', [
      'bin/seatkeeper.mjs',
      'licence',
      'count',
      '--input',
      join(dir, 'nope.csv'),
      '--json',
    ]).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2, stdout: '' });
  });
});
