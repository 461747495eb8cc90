// The audit CLI reads a large list in two parts at once (account-csv.ts, read-part.ts): a worker thread reads the
// later part while the main thread reads the earlier one. Whatever the list holds, the result must be that of reading
// it in one go: the same rows in the same order with the same line numbers, the same count, identities and findings,
// and the same problems. When the part cannot be used (the split falls inside a quoted value, a problem, a tenant
// column of ids), the main thread reads on by itself. Here every list is split (splitFrom: 1) and read whole
// (splitFrom: Infinity), and the two readings compared.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { AccountCsvError, type ReadAccountCsvOptions, readAccountCsv } from '../../server/cli/account-csv.ts';
import { countAccountCsv } from '../../server/cli/count-list.ts';
import { writeJsonReport } from '../../server/cli/report.ts';
import type { EnvironmentRules } from '../../shared/licensing/count.ts';
import { UserListReader } from '../../shared/licensing/user-list-reader.ts';
import { accountsCsv, GENERATED_ENVIRONMENTS, generateAccounts } from '../support/generate-accounts.ts';

const dir = mkdtempSync(join(tmpdir(), 'seatkeeper-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function file(content: string | Uint8Array): string {
  const path = join(dir, `list-${files++}.csv`);
  writeFileSync(path, content);
  return path;
}

/**
 * Identity numbers as the partition they make: each number replaced by the place where it first occurs. Read in two
 * parts, the worker numbers identities by hash and the count confirms them, so the numbers may differ from a
 * reading in one go while meaning the same.
 */
function partition(ids: Int32Array): number[] {
  const first = new Map<number, number>();
  return Array.from(ids, (id, i) => {
    if (id === 0) return -1;
    if (!first.has(id)) first.set(id, i);
    return first.get(id) as number;
  });
}

/** The JSON report of a count, as the CLI writes it. */
async function jsonReport(
  result: Awaited<ReturnType<typeof countAccountCsv>>['detail']['result'],
  warnings: Awaited<ReturnType<typeof countAccountCsv>>['findings'],
  json: Awaited<ReturnType<typeof countAccountCsv>>['json'],
): Promise<string> {
  const out = new PassThrough();
  const pieces: Buffer[] = [];
  out.on('data', (piece: Buffer) => pieces.push(piece));
  const { duplicateGroups, ...figures } = result;
  const report = { input: 'list.csv', accounts: 0, ...figures, duplicateGroups, warnings };
  await writeJsonReport(out, { ...report, columns: { platform: 'seatkeeper', read: [], anonymousSkipped: 0 } }, json);
  out.end();
  return Buffer.concat(pieces).toString('utf8');
}

/** Everything a reading gives that a count or report can see, counted as the CLI counts (count-list.ts). */
async function reading(path: string, options: ReadAccountCsvOptions, environments: readonly EnvironmentRules[]) {
  const csv = await readAccountCsv(path, options);
  const { accounts } = csv;
  const rows = Array.from({ length: accounts.length }, (_, i) => accounts.record(i));
  const numberedByHash = (await csv.identities) !== null;
  const { detail, findings, json, jsonThreads } = await countAccountCsv(csv, environments, ['acme.com'], {
    json: true,
  });
  return {
    threads: csv.threads,
    numberedByHash,
    // The report's JSON, its duplicate groups and their findings written partly by the worker when it read a part.
    groupsByWorker: jsonThreads === 2,
    json: await jsonReport(detail.result, findings, json),
    rows,
    summary: { ...csv.summary, mapping: JSON.stringify(csv.summary.mapping) },
    result: detail.result,
    bits: [...detail.bits],
    identities: { email: partition(detail.identities.email), username: partition(detail.identities.username) },
    // All but the duplicate groups' findings, which are in the JSON.
    findings,
  };
}

/** Reads the list split and whole; expects the same, and the split reading to have used `threads` threads. */
async function sameBothWays(
  path: string,
  threads: 1 | 2,
  environments: readonly EnvironmentRules[] = GENERATED_ENVIRONMENTS,
  options: ReadAccountCsvOptions = {},
) {
  const split = await reading(path, { ...options, splitFrom: 1 }, environments);
  const whole = await reading(path, { ...options, splitFrom: Number.POSITIVE_INFINITY }, environments);
  expect(whole.threads).toBe(1);
  expect(split.threads).toBe(threads);
  // The worker numbered the identities exactly when its part was used.
  expect(whole.numberedByHash).toBe(false);
  expect(split.numberedByHash).toBe(threads === 2);
  expect(whole.groupsByWorker).toBe(false);
  expect(split.groupsByWorker).toBe(threads === 2);
  expect({ ...split, threads: 0, numberedByHash: false, groupsByWorker: false }).toEqual({ ...whole, threads: 0 });
  return split;
}

/** The problems of a refused list, read split or whole. */
async function problems(path: string, splitFrom: number): Promise<string[]> {
  try {
    await readAccountCsv(path, { splitFrom });
  } catch (error) {
    if (error instanceof AccountCsvError) return error.problems;
    throw error;
  }
  throw new Error('the list was not refused');
}

const HEADER = 'environment,production,provider,tenant,username,email,active,it_user';
const UNICODE_ENVIRONMENTS: EnvironmentRules[] = [
  { name: 'Production', production: true, internalDomains: ['acme.com', 'xn--bcher-kva.de', 'xn--wgv71a.jp'] },
  { name: '本番', production: true, internalDomains: ['acme.com'] },
];

describe('reading a list in two parts', () => {
  it('breaks only where a record ends: never inside a line or a quoted value', () => {
    const reader = new UserListReader();
    const bytes = (text: string) => new TextEncoder().encode(text);
    expect(reader.cleanBreak).toBe(true);
    reader.write(bytes('username,note\nann,"one\n'));
    // The line break is inside the quoted note: a reader starting after it would take "two" for a row.
    expect(reader.cleanBreak).toBe(false);
    reader.write(bytes('two"\nbob,'));
    expect(reader.cleanBreak).toBe(false);
    reader.write(bytes('x\n'));
    expect(reader.cleanBreak).toBe(true);
    expect(reader.nextLine).toBe(5);
  });

  it('gives the rows, line numbers, count, identities and findings of reading it whole (generated list)', async () => {
    const split = await sameBothWays(file(accountsCsv(generateAccounts(20_000, 3))), 2);
    expect(split.rows).toHaveLength(20_000);
    expect(split.rows.at(-1)?.ref).toBe(20_001);
    // Counted for the JSON report, the groups are only in it (count-list.ts).
    expect(split.result.duplicateGroups).toEqual([]);
    expect(JSON.parse(split.json).duplicateGroups.length).toBeGreaterThan(100);
  });

  it('reads Unicode, quoted and spaced values and IDN domains in the worker part as in the main part', async () => {
    const lines = [HEADER];
    for (let k = 0; k < 4000; k++) {
      const person = k % 1500;
      const row = [
        k % 3 === 0 ? '本番' : 'Production',
        'true',
        k % 2 === 0 ? 'Users' : 'ディレクトリ',
        k % 50 === 0 ? 'テナント' : '',
        k % 5 === 0 ? `"José ""${person}"", Jr"` : k % 7 === 0 ? `  山田${person}  ` : `user${person}`,
        k % 4 === 0 ? `ann.${person}@bücher.de` : k % 4 === 1 ? `ANN.${person}@XN--BCHER-KVA.DE` : `${person}@日本.jp`,
        k % 11 === 0 ? 'false' : 'true',
        '0',
      ];
      lines.push(row.join(','));
    }
    const split = await sameBothWays(file(`${lines.join('\r\n')}\r\n`), 2, UNICODE_ENVIRONMENTS);
    expect(split.rows.filter((row) => row.username.startsWith('José'))).toHaveLength(800);
    expect(split.result.internal).toBeGreaterThan(0);
  });

  it('finds staff accounts classified external (rule 30) when only the worker part holds any', async () => {
    const lines = ['environment,username,email,role'];
    const staffLines: number[] = [];
    for (let k = 0; k < 4000; k++) {
      const staff = k > 3500 && k % 10 === 0;
      const domain = k % 3 === 0 ? 'acme.com' : 'gmail.com';
      if (staff && domain !== 'acme.com') staffLines.push(k + 2);
      lines.push(`Production,user${k},user${k}@${domain},${staff ? 'admin' : 'candidate'}`);
    }
    const environments = [{ name: 'Production', production: true, internalDomains: ['acme.com'] }];
    const split = await sameBothWays(file(`${lines.join('\n')}\n`), 2, environments);
    expect(split.findings.find((finding) => finding.code === 'staff-external')?.accounts).toEqual(staffLines);
    expect(staffLines.length).toBeGreaterThan(30);
  });

  it('reads a PowerShell export (byte-order mark, quoted header) and blank lines the same', async () => {
    const records = generateAccounts(3000, 5);
    const quoted = accountsCsv(records)
      .split('\n')
      .map((line, k) =>
        k === 0
          ? line
              .split(',')
              .map((name) => `"${name}"`)
              .join(',')
          : line,
      )
      .map((line, k) => (k % 97 === 0 && k > 0 ? `${line}\n` : line))
      .join('\n');
    await sameBothWays(file(`\ufeff${quoted}`), 2);
  });

  it('reads a Shift_JIS list the same', async () => {
    const lines = ['username,email,active'];
    for (let k = 0; k < 3000; k++) lines.push(`山田${k},taro.${k % 900}@example.jp,${k % 9 === 0 ? 'false' : 'true'}`);
    // Encoded by hand (TextEncoder writes UTF-8 only): the Shift_JIS codes of the two kanji used, ASCII as itself.
    const SJIS: Record<string, number[]> = { 山: [0x8e, 0x52], 田: [0x93, 0x63] };
    const bytes: number[] = [];
    for (const ch of `${lines.join('\r\n')}\r\n`) bytes.push(...(SJIS[ch] ?? [ch.charCodeAt(0)]));
    const split = await sameBothWays(
      file(Uint8Array.from(bytes)),
      2,
      [{ name: 'Production', production: true, internalDomains: ['example.jp'] }],
      { encoding: 'shift_jis' },
    );
    expect(split.rows[2999]?.username).toBe('山田2999');
  });

  it('reads a Windows-1252 list (Excel\'s "CSV" in Western Europe) the same', async () => {
    const lines = ['username,email,active'];
    for (let k = 0; k < 3000; k++)
      lines.push(`J${k % 2 === 0 ? '\u00fc' : '\u00f6'}rgen${k},j${k % 700}@example.de,true`);
    lines.push('Euro\u20ac,euro@example.de,true');
    // Windows-1252: Latin-1 for these letters, 0x80 for the euro sign.
    const bytes = Uint8Array.from(`${lines.join('\r\n')}\r\n`, (ch) => (ch === '\u20ac' ? 0x80 : ch.charCodeAt(0)));
    const split = await sameBothWays(
      file(bytes),
      2,
      [{ name: 'Production', production: true, internalDomains: ['example.de'] }],
      { encoding: 'windows-1252' },
    );
    expect(split.rows.at(-1)?.username).toBe('Euro\u20ac');
    expect(split.rows.filter((row) => row.username.startsWith('J\u00fc'))).toHaveLength(1500);
  });

  it('reads on by itself when the split falls inside a quoted value running over many lines', async () => {
    const records = generateAccounts(2000, 9);
    // A note of 3,000 lines (a column the reader ignores) in the middle, each line of it like a row of the list: the
    // first line break after the middle is inside it, and a reader starting there would count 3,000 ghosts.
    const lines = accountsCsv(records)
      .trimEnd()
      .split('\n')
      .map((line, k) => (k === 0 ? `${line},note` : `${line},`));
    const ghosts = Array.from(
      { length: 3000 },
      (_, k) => `Production,true,Users,,ghost${k},ghost${k}@acme.com,true,0,`,
    );
    lines.splice(1000, 0, `Production,true,Users,,long,long@acme.com,true,0,"${ghosts.join('\n')}"`);
    const content = `${lines.join('\n')}\n`;
    expect(content.indexOf('ghost0@')).toBeLessThan(content.length * 0.56);
    expect(content.indexOf('ghost2999@')).toBeGreaterThan(content.length * 0.56);
    const split = await sameBothWays(file(content), 1);
    expect(split.rows.find((row) => row.username === 'long')?.ref).toBe(1001);
    expect(split.rows.filter((row) => row.username.startsWith('ghost'))).toHaveLength(0);
    expect(split.rows.at(-1)?.ref).toBe(2000 + 1 + 3000);
  });

  it('refuses a list with the problems of reading it whole, wherever they are', async () => {
    const lines = accountsCsv(generateAccounts(3000, 11)).trimEnd().split('\n');
    const late = [...lines];
    late[2900] = late[2900]?.replace(/,(true|false),(0|1)$/, ',maybe,$2') as string;
    expect(late[2900]).toContain('maybe');
    const latePath = file(`${late.join('\n')}\n`);
    expect(await problems(latePath, 1)).toEqual(await problems(latePath, Number.POSITIVE_INFINITY));
    expect((await problems(latePath, 1))[0]).toMatch(/^line 2901: active is "maybe"/);

    const both = [...late];
    both[10] = `${both[10]},extra`;
    const bothPath = file(`${both.join('\n')}\n`);
    const found = await problems(bothPath, 1);
    expect(found).toEqual(await problems(bothPath, Number.POSITIVE_INFINITY));
    expect(found).toHaveLength(2);
  });

  it('leaves a tenant column of ids to the main thread unless the default tenant is given (rule 16)', async () => {
    const list = (tenant: (k: number) => number) => {
      const lines = ['Username,Email,Is_Active,Tenant_Id'];
      for (let k = 0; k < 3000; k++) lines.push(`user${k},p${k % 1000}@acme.com,True,${tenant(k)}`);
      return file(`${lines.join('\n')}\n`);
    };
    const environments: EnvironmentRules[] = [{ name: 'Production', production: true, internalDomains: ['acme.com'] }];
    // One tenant: its id, first met by the main thread, is the default one; the worker could not know it.
    await sameBothWays(
      list(() => 7),
      1,
      environments,
    );
    const split = await sameBothWays(
      list((k) => (k % 40 === 0 ? 2 : 1)),
      2,
      environments,
      { defaultTenant: '1' },
    );
    expect(split.rows.filter((row) => row.tenant === '2')).toHaveLength(75);
  });
});
