// Issue 15, sections 2 and 3, through the audit CLI: user lists as platforms and Excel write them are read exactly,
// mapped column by column (shown on stderr), or refused with the line named.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../server/cli/main.ts';
import { csvField } from '../../shared/licensing/index.ts';
import { runCommand } from '../support/run-command.ts';

const dir = mkdtempSync(join(tmpdir(), 'seatkeeper-lists-'));
const FIXTURES = join(import.meta.dirname, '../fixtures/user-lists');
let files = 0;

function file(content: string | Uint8Array, name = `list-${files++}.csv`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const hex = (h: string) => Buffer.from(h, 'hex');

async function count(...args: string[]) {
  const { code, out, err } = await runCommand(main, ['licence', 'count', '--json', ...args]);
  return { code, report: code === 0 ? JSON.parse(out) : null, stdout: out, stderr: err };
}

const people = (report: { internal: number; external: number }) => ({
  internal: report.internal,
  external: report.external,
});

describe('rule 33 in the CLI', () => {
  it("a BOM before a quoted header (PowerShell's Export-Csv) keeps the first column: the tenant keeps two people apart", async () => {
    const content =
      '\ufeff"tenant","provider","username","email"\r\n"Acme","Okta","ann","ann@x.com"\r\n"","AD","ann","ann@x.com"\r\n';
    const result = await count('--input', file(content), '--domains', 'x.com');
    expect(result.code).toBe(0);
    // Rule 16: the Acme account is never merged; read without its tenant column it would be one person.
    expect(people(result.report)).toEqual({ internal: 2, external: 0 });
    expect(result.stderr).toContain('1. "tenant" read as tenant');
  });

  // Excel's "CSV" in Western Europe is Windows-1252: ü = FC, ö = F6 (Python's cp1252 codec).
  const cp1252 = Buffer.concat([
    Buffer.from('username,email,provider\nJ'),
    hex('fc'),
    Buffer.from('rgen,,Okta\nJ'),
    hex('f6'),
    Buffer.from('rgen,,AD\n'),
  ]);

  it('bytes that are not UTF-8 are refused, naming the line, never read as replacement characters', async () => {
    const result = await count('--input', file(cp1252), '--domains', 'x.com');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/line 2: a byte is not valid UTF-8/);
  });

  it('--encoding windows-1252 reads them exactly: Jürgen and Jörgen are two people', async () => {
    const result = await count('--input', file(cp1252), '--domains', 'x.com', '--encoding', 'windows-1252');
    expect(result.code).toBe(0);
    expect(people(result.report)).toEqual({ internal: 2, external: 0 });
    expect(result.report.duplicateGroups).toEqual([]);
  });

  it('--encoding cp932 reads Shift_JIS, as Excel writes CSV in Japan', async () => {
    // 山田 = 8E 52 93 63 in Shift_JIS (Python's shift_jis codec); the same username in two providers is one person.
    const sjis = Buffer.concat([
      Buffer.from('username,provider\n'),
      hex('8e529363'),
      Buffer.from(',Okta\n'),
      hex('8e529363'),
      Buffer.from(',AD\n'),
    ]);
    const result = await count('--input', file(sjis), '--domains', 'x.com', '--encoding', 'cp932');
    expect(result.code).toBe(0);
    expect(result.report.duplicateGroups[0].members.map((m: { username: string }) => m.username)).toEqual([
      '山田',
      '山田',
    ]);
  });

  it('an unknown --encoding is a usage error naming the supported ones', async () => {
    const result = await count('--input', file('username\nann\n'), '--encoding', 'latin-9');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--encoding "latin-9" is not supported: use utf-8, shift_jis, windows-1252/);
  });
});

describe('limits and messages in the CLI', () => {
  it('a username over 320 characters is refused at once (as the server refuses it), quoting at most 80 of them', async () => {
    const result = await count('--input', file(`username,email\n${'u'.repeat(5000)},a@x.com\n`));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/line 2: username is 5,000 characters long, more than the 320/);
    expect(result.stderr).toContain(`"${'u'.repeat(80)}…" (5,000 characters)`);
    expect(result.stderr).not.toContain('u'.repeat(81));
  });

  it('control characters from the file are escaped in the error message', async () => {
    const result = await count('--input', file('username,active\nann,"\u001b[31mred\u0007"\n'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('line 2: active is "\\u001b[31mred\\u0007"');
    expect([...result.stderr].some((ch) => ch.charCodeAt(0) < 0x20 && ch !== '\n')).toBe(false);
  });
});

describe('rule 10a in the CLI: Unicode domains are their punycode', () => {
  it('a list entry and emails in either form match, and the two forms of one email are one person', async () => {
    const content =
      'username,email,provider\nann,ann@xn--bcher-kva.de,Okta\nann2,ANN@Bücher.de,AD\nbob,bob@bücher.de,Okta\n';
    const result = await count('--input', file(content), '--domains', 'bücher.de');
    expect(result.code).toBe(0);
    expect(people(result.report)).toEqual({ internal: 2, external: 0 });
    expect(result.report.duplicateGroups).toHaveLength(1);
  });
});

describe('environment names in the CLI compare as the server compares them', () => {
  const content =
    'environment,username,email\nProduction,ann,ann@corp.com\nproduction ,bob,bob@corp.com\nQA,carl,carl@corp.com\n';

  it('rows naming one environment in another case are one environment, and a rules file may use either case', async () => {
    const rules = file(
      JSON.stringify({ environments: { PRODUCTION: { internalDomains: ['corp.com'] }, qa: { production: false } } }),
      'rules-case.json',
    );
    const result = await count('--input', file(content), '--rules', rules);
    expect(result.code).toBe(0);
    expect(result.report.environments.map((e: { name: string }) => e.name)).toEqual(['Production', 'QA']);
    expect(people(result.report)).toEqual({ internal: 2, external: 0 });
    expect(result.report.notCounted.nonProduction).toBe(1);
  });

  it('a rules file naming an environment no row has is an error naming both, not "everyone internal"', async () => {
    const rules = file(
      JSON.stringify({ environments: { Prod: { internalDomains: ['corp.com'] } } }),
      'rules-typo.json',
    );
    const result = await count('--input', file(content), '--rules', rules);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /names the environment "Prod", but no row of .* is in it \(the list's environments: "Production", "QA"\)/,
    );
  });

  it('rows of one environment in any spelling must agree on production (rule 4), naming both lines', async () => {
    const list = file(
      'environment,production,username,email\nProduction,,ann,ann@corp.com\nproduction ,true,bob,bob@corp.com\nPRODUCTION,no,carl,carl@corp.com\n',
      'production-flags.csv',
    );
    const result = await count('--input', list, '--domains', 'corp.com');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /line 4: environment "Production" is marked non-production, but line 3 marks it production; an environment is one or the other/,
    );
  });

  it('a rules file naming one environment twice in different case is refused', async () => {
    const rules = file(
      JSON.stringify({ environments: { Production: { internalDomains: [] }, production: { internalDomains: [] } } }),
      'rules-twice.json',
    );
    const result = await count('--input', file(content), '--rules', rules);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/names the environment "production" twice/);
  });
});

describe("rule 34 in the CLI: other platforms' exports are mapped, never half-read", () => {
  it('an OutSystems export: Is_Active is read, so inactive users are not counted, and the mapping is on stderr', async () => {
    const result = await count('--input', join(FIXTURES, 'outsystems-users.csv'), '--domains', 'corp.example');
    expect(result.code).toBe(0);
    expect(result.report.notCounted.inactive).toBe(2);
    expect(people(result.report)).toEqual({ internal: 2, external: 1 });
    expect(result.stderr).toContain('Columns read as OutSystems (User entity):');
    expect(result.stderr).toContain('5. "Is_Active" read as active');
    expect(result.stderr).toMatch(/"Last_Login" ignored: not needed for counting/);
    expect(result.report.columns.platform).toBe('outsystems');
  });

  it.each([
    ['okta-user-export.csv', { internal: 2, external: 0 }, 2],
    ['okta-password-health.csv', { internal: 2, external: 0 }, 1],
    ['entra-users.csv', { internal: 1, external: 1 }, 1],
    ['google-workspace-users.csv', { internal: 2, external: 0 }, 1],
    ['mendix-users.csv', { internal: 1, external: 1 }, 1],
  ])('%s counts its active users only', async (name, expected, inactive) => {
    const result = await count('--input', join(FIXTURES, name), '--domains', 'corp.example', '--strict');
    expect(result.code).toBe(0);
    expect(people(result.report)).toEqual(expected);
    expect(result.report.notCounted.inactive).toBe(inactive);
  });

  it('Mendix: the anonymous user is skipped and said so; the web-service user is an IT user', async () => {
    const result = await count('--input', join(FIXTURES, 'mendix-users.csv'), '--domains', 'corp.example');
    expect(result.stderr).toContain('Skipped 1 anonymous users (rule 2: they never count)');
    expect(result.report.notCounted.itUsers).toBe(1);
    expect(result.report.columns.anonymousSkipped).toBe(1);
  });

  it('--strict refuses a column it does not recognise', async () => {
    const result = await count(
      '--input',
      file('Username,Email,Is_Active,Cost_Centre\nann,a@x.com,True,7\n'),
      '--strict',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /line 1: the strict reading refuses columns it does not recognise: "Cost_Centre" \(column 4\)/,
    );
  });

  it('an unknown status value is an error naming the line', async () => {
    const result = await count('--input', file('login,email,status\nann,a@x.com,ACTIVE\nbob,b@x.com,ON_HOLD\n'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/line 3: status is "ON_HOLD": use an Okta status/);
  });

  it('--default-tenant names the default tenant of an export holding several', async () => {
    const content =
      'Username,Email,Is_Active,Tenant_Id\nann,ann@x.com,True,1\nann,ann@x.com,True,2\nbob,bob@x.com,True,2\n';
    const refused = await count('--input', file(content));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/line 3: Tenant_Id is "2" but line 2 has "1"/);
    const result = await count('--input', file(content), '--default-tenant', '2');
    expect(result.code).toBe(0);
    expect(result.report.warnings.map((w: { code: string }) => w.code)).toContain('tenant-lookalike');
  });

  it("Seatkeeper's own export, guarded against spreadsheets, counts as the list it was made from", async () => {
    const header =
      'environment,production,provider,tenant,username,email,active,it_user,role,name,classification,reason,last_sign_in_at';
    const rows = [
      ['Production', 'true', 'Okta', '', '=jo;+x', '', 'true', 'false', '', '', 'internal', '', ''],
      ['Production', 'true', 'AD', '', '=jo;+x', '', 'true', 'false', '', '', 'internal', '', ''],
    ];
    const exported = `\ufeff${header}\n${rows.map((r) => r.map(csvField).join(',')).join('\n')}\n`;
    expect(exported).toContain(`"'=jo;'+x"`);
    const result = await count('--input', file(exported), '--strict');
    expect(result.code).toBe(0);
    expect(result.report.duplicateGroups[0].members.map((m: { username: string }) => m.username)).toEqual([
      '=jo;+x',
      '=jo;+x',
    ]);
  });
});
