// The JSON report is a contract (README): its groups and warnings are written item by item from the engine's objects,
// and the text must be exactly what JSON.stringify gives for the contract's shape (members' ref as "line", findings'
// accounts as "lines"), escapes included.
import { PassThrough } from 'node:stream';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { FormJson, groupRowsForJson, groupsForJson, type ReportJson } from '../../server/cli/group-json.ts';
import { type CountReport, warningsJson, writeJsonReport } from '../../server/cli/report.ts';
import { UnitClaims } from '../../server/cli/unit-claims.ts';
import { AccountColumns } from '../../shared/licensing/account-columns.ts';
import { type AccountRecord, countLicencesDetailed, prepareCount } from '../../shared/licensing/count.ts';
import { duplicateGroupFindings, hygieneFindings } from '../../shared/licensing/hygiene.ts';
import { UserListReader } from '../../shared/licensing/user-list-reader.ts';
import { accountsCsv, GENERATED_ENVIRONMENTS, generateAccounts } from '../support/generate-accounts.ts';

async function written(report: CountReport, json: ReportJson | null = null): Promise<string> {
  const out = new PassThrough();
  const pieces: Buffer[] = [];
  out.on('data', (piece: Buffer) => pieces.push(piece));
  await writeJsonReport(out, report, json);
  out.end();
  return Buffer.concat(pieces).toString('utf8');
}

function reportOf(records: AccountRecord[]): CountReport {
  const detail = countLicencesDetailed(records, GENERATED_ENVIRONMENTS);
  const { result } = detail;
  return {
    input: 'list "1".csv',
    accounts: records.length,
    internal: result.internal,
    external: result.external,
    raw: result.raw,
    notCounted: result.notCounted,
    environments: result.environments,
    duplicateGroups: result.duplicateGroups,
    warnings: hygieneFindings(records, detail, ['acme.com', 'acme-group.com']),
    columns: { platform: 'seatkeeper', read: [], anonymousSkipped: 0 },
  };
}

/** The contract's shape, made the plain way. */
function contract(report: CountReport) {
  return {
    ...report,
    duplicateGroups: report.duplicateGroups.map((group) => ({
      ...group,
      members: group.members.map(({ ref, ...member }) => ({ line: ref, ...member })),
    })),
    warnings: report.warnings.map(({ accounts, ...rest }) => ({ ...rest, lines: accounts })),
  };
}

describe('the JSON report', () => {
  it('is, byte for byte, JSON.stringify of the contract shape, over thousands of groups and findings', async () => {
    const records = generateAccounts(40_000);
    // Names and values a serializer must escape: quotes, backslashes, controls, non-ASCII and lone surrogates.
    const odd = ['a"b\\c', 'tab\there', 'ctl\u0001\u001f', 'Jürgen 山田', 'lone \ud800 half', '\u2028sep'];
    records.forEach((record, i) => {
      if (i % 97 === 0) record.username = odd[i % odd.length] as string;
      if (i % 89 === 0) record.provider = odd[(i >> 3) % odd.length] as string;
    });
    const report = reportOf(records);
    expect(report.duplicateGroups.length).toBeGreaterThan(1_000);
    expect(report.warnings.length).toBeGreaterThan(1_000);
    expect(report.duplicateGroups.some((group) => group.members.some((m) => m.notCountedReason))).toBe(true);
    expect(await written(report)).toBe(`${JSON.stringify(contract(report))}\n`);
  });

  it('writes groups of any shape the contract allows: flags in any order, references that are not lines', async () => {
    const report = reportOf(generateAccounts(2_000));
    const [first, second, third] = report.duplicateGroups;
    if (!first || !second || !third) throw new Error('the generated list has too few groups');
    // The engine's flags in another order, and a flag it does not make; a member counted with a reason.
    first.flags = ['cross-environment', 'mixed'];
    second.flags = ['same-provider', 'unheard-of' as never];
    third.members = third.members.map((member, k) => ({
      ...member,
      ref: [-4, 'row "7"', 2 ** 33, 1.5][k % 4] as number,
      notCountedReason: k === 0 ? 'inactive' : member.notCountedReason,
      classification: k === 1 ? ('neither' as never) : member.classification,
    }));
    expect(await written(report)).toBe(`${JSON.stringify(contract(report))}\n`);
    // Their findings, written from the same form, as hygiene makes them from the groups; one first member has
    // neither email nor username.
    const fourth = report.duplicateGroups[3];
    if (!fourth?.members[0]) throw new Error('the generated list has too few groups');
    fourth.members[0] = { ...fourth.members[0], email: '', username: '' };
    const writer = new FormJson(groupsForJson(report.duplicateGroups));
    const json = writer.assemble(null, writer.fromBack(UnitClaims.of(writer.units)), [], []);
    const findings = duplicateGroupFindings(report.duplicateGroups);
    expect(findings.some((finding) => finding.message.includes('one person'))).toBe(true);
    expect(`[${json.warnings.join(',')}]`).toBe(JSON.stringify(contract({ ...report, warnings: findings }).warnings));
  });

  it("makes the same form from the count's group numbers as from its group objects, for columns and records", () => {
    const records = generateAccounts(20_000, 4);
    const columns = new AccountColumns();
    const reader = new UserListReader({ into: columns });
    reader.write(new TextEncoder().encode(accountsCsv(records)));
    reader.end();
    for (const accounts of [records, columns]) {
      const detail = countLicencesDetailed(accounts, GENERATED_ENVIRONMENTS);
      expect(detail.result.duplicateGroups.length).toBeGreaterThan(500);
      const bare = prepareCount(accounts, GENERATED_ENVIRONMENTS);
      const withoutObjects = bare.finish(bare.identities(null), { groupObjects: false });
      expect(withoutObjects.result.duplicateGroups).toEqual([]);
      expect(groupRowsForJson(withoutObjects, accounts)).toEqual(groupsForJson(detail.result.duplicateGroups));
    }
  });

  it('writes the groups and their findings shared by two threads, wherever the threads meet, byte for byte', async () => {
    const report = reportOf(generateAccounts(20_000));
    const expected = `${JSON.stringify(contract(report))}\n`;
    const form = groupsForJson(report.duplicateGroups);
    const writer = new FormJson(form);
    expect(writer.units).toBeGreaterThan(4);
    // What the reading worker receives: the form copied through a port, and the claims' shared memory.
    const received = async (claims: UnitClaims) => {
      const { port1, port2 } = new MessageChannel();
      const message = new Promise<{ form: typeof form; claims: SharedArrayBuffer }>((resolve) => {
        port2.once('message', resolve);
      });
      port1.postMessage({ form, claims: claims.buffer });
      const copy = await message;
      port1.close();
      port2.close();
      return new FormJson(copy.form).fromFront(new UnitClaims(copy.claims));
    };
    const [classified, grouped] = [
      report.warnings.filter((w) => w.rule !== 32),
      report.warnings.filter((w) => w.rule === 32),
    ];
    const shared = grouped.slice(report.duplicateGroups.length);
    for (const back of [0, 1, writer.groupUnits - 1, writer.groupUnits, writer.groupUnits + 1, writer.units]) {
      const claims = UnitClaims.of(writer.units);
      const mine = new Map<number, string>();
      for (let k = 0; k < back; k++) {
        const u = claims.fromBack();
        mine.set(u, writer.unit(u));
      }
      const theirs = await received(claims);
      expect(theirs.units + mine.size).toBe(writer.units);
      expect(claims.fromFront()).toBe(-1);
      const json = writer.assemble(theirs, mine, warningsJson(classified), warningsJson(shared));
      expect(await written(report, json)).toBe(expected);
    }
    // A thread that failed gives nothing: what it took is written here too.
    const claims = UnitClaims.of(writer.units);
    expect(claims.fromFront()).toBe(0);
    const mine = writer.fromBack(claims);
    expect(mine.size).toBe(writer.units - 1);
    expect(await written(report, writer.assemble(null, mine, warningsJson(classified), warningsJson(shared)))).toBe(
      expected,
    );
  });
});
