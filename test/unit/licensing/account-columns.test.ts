// The audit CLI reads a list into columns (positions in the decoded text) instead of one object per account: the same
// list must give the same accounts, the same count and the same hygiene findings either way, whatever the quoting,
// spacing, Unicode, guarded cells of Seatkeeper's own export, and how the bytes arrive.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccountColumns } from '../../../shared/licensing/account-columns.ts';
import type { AccountRow } from '../../../shared/licensing/account-rows.ts';
import { countLicencesDetailed, type EnvironmentRules } from '../../../shared/licensing/count.ts';
import { hygieneFindings } from '../../../shared/licensing/hygiene.ts';
import { csvField, guardSpreadsheetCell } from '../../../shared/licensing/spreadsheet-cells.ts';
import { UserListReader } from '../../../shared/licensing/user-list-reader.ts';
import { accountsCsv, GENERATED_ENVIRONMENTS, generateAccounts } from '../../support/generate-accounts.ts';

const OWN_HEADER = 'environment,production,provider,tenant,username,email,active,it_user,role';
const EXPORT_HEADER = `${OWN_HEADER},name,classification,reason,last_sign_in_at`;

const ENVIRONMENTS: EnvironmentRules[] = [
  { name: 'Prod-EU', production: true, internalDomains: ['mycompany.com', 'xn--bcher-kva.de'] },
  { name: 'Prod-US', production: true, internalDomains: ['mycompany.com'] },
  { name: 'QA', production: false, internalDomains: [] },
];
const USERNAMES = [
  'jsmith',
  'JSmith',
  'José',
  'JOSÉ',
  'ann',
  '=cmd|calc',
  '-dash',
  "'x",
  'two\nlines',
  'jane@mycompany.com',
  '',
];
const EMAILS = [
  'john@mycompany.com',
  'John@MyCompany.com',
  'ann@sales.mycompany.com',
  'ann@bücher.de',
  'ANN@xn--bcher-kva.de',
  'a,b@partner.org',
  'say "hi"@partner.org',
  'n/a',
  '',
];

/** A value as a file may hold it: spaced around, quoted when it need not be, or as csvField writes it. */
const written = (value: string, guarded: boolean) =>
  fc.constantFrom('plain', 'spaced', 'quoted').map((how) => {
    const cell = guarded ? guardSpreadsheetCell(value) : value;
    if (how === 'quoted' || /[",\n]/.test(cell)) return `"${cell.replaceAll('"', '""')}"`;
    return how === 'spaced' ? ` ${cell} ` : csvField(cell);
  });

const listArb = fc.boolean().chain((exported) => {
  const row = fc
    .tuple(
      fc.constantFrom('Prod-EU', 'Prod-US', 'QA'),
      fc.constantFrom('Users', 'Okta', 'AzureAD'),
      fc.constantFrom('', '', 'tenant-2'),
      fc.constantFrom(...USERNAMES).chain((value) => written(value, exported)),
      fc.constantFrom(...EMAILS).chain((value) => written(value, exported)),
      fc.constantFrom('true', 'true', 'false', ''),
      fc.constantFrom('false', 'false', 'true'),
      fc.constantFrom('', '', 'admin', 'Support'),
    )
    .map(([environment, provider, tenant, username, email, active, itUser, role]) =>
      [
        environment,
        '',
        provider,
        tenant,
        username,
        email,
        active,
        itUser,
        role,
        ...(exported ? ['Name', 'external', '', ''] : []),
      ].join(','),
    );
  return fc.record({
    header: fc.constant(exported ? EXPORT_HEADER : OWN_HEADER),
    rows: fc.array(fc.oneof({ arbitrary: row, weight: 12 }, { arbitrary: fc.constant(''), weight: 1 }), {
      maxLength: 60,
    }),
    lineBreak: fc.constantFrom('\n', '\r\n'),
    chunk: fc.integer({ min: 1, max: 97 }),
  });
});

function readBoth(text: string, chunk: number) {
  const bytes = new TextEncoder().encode(text);
  const objects = new UserListReader();
  const rows: AccountRow[] = [...objects.write(bytes), ...objects.end().accounts];
  const columns = new AccountColumns();
  const reader = new UserListReader({ into: columns });
  // Columns point into the decoded pieces: the bytes arrive in odd chunks so values and records cross them.
  for (let from = 0; from < bytes.length; from += chunk) {
    expect(reader.write(bytes.subarray(from, from + chunk))).toEqual([]);
  }
  expect(reader.end().accounts).toEqual([]);
  return { rows, columns };
}

describe('a list read into columns', () => {
  it('holds the same accounts, counts the same and finds the same as the list read as objects', () => {
    fc.assert(
      fc.property(listArb, ({ header, rows, lineBreak, chunk }) => {
        const text = `${header}${lineBreak}${rows.join(lineBreak)}${lineBreak}`;
        const { rows: objects, columns } = readBoth(text, chunk);
        expect(columns.length).toBe(objects.length);
        expect(Array.from({ length: columns.length }, (_, i) => columns.record(i))).toEqual(objects);
        const fromObjects = countLicencesDetailed(objects, ENVIRONMENTS);
        const fromColumns = countLicencesDetailed(columns, ENVIRONMENTS);
        expect(fromColumns.result).toEqual(fromObjects.result);
        expect(fromColumns.bits).toEqual(fromObjects.bits);
        expect(fromColumns.identities).toEqual(fromObjects.identities);
        const domains = ['mycompany.com', 'partner.org'];
        expect(hygieneFindings(columns, fromColumns, domains)).toEqual(hygieneFindings(objects, fromObjects, domains));
      }),
      { numRuns: 300 },
    );
  });

  it('reads a list of megabytes fed in chunks of a megabyte and more, each decoded whole, as the objects do', () => {
    const records = generateAccounts(60_000);
    const bytes = new TextEncoder().encode(accountsCsv(records));
    expect(bytes.length).toBeGreaterThan(3 << 20);
    const objects = new UserListReader();
    const rows: AccountRow[] = [];
    const columns = new AccountColumns();
    const reader = new UserListReader({ into: columns });
    // Chunk ends fall anywhere in a line, as a file stream's do.
    for (let from = 0; from < bytes.length; from += (1 << 20) + 4_099) {
      const chunk = bytes.subarray(from, from + (1 << 20) + 4_099);
      rows.push(...objects.write(chunk));
      reader.write(chunk);
    }
    rows.push(...objects.end().accounts);
    reader.end();
    expect(columns.length).toBe(records.length);
    expect(Array.from({ length: columns.length }, (_, i) => columns.record(i))).toEqual(rows);
    expect(countLicencesDetailed(columns, GENERATED_ENVIRONMENTS).result).toEqual(
      countLicencesDetailed(rows, GENERATED_ENVIRONMENTS).result,
    );
  });

  it('refuses a list exactly as the object reading does, naming the same lines', () => {
    const text = `${OWN_HEADER}\nProd-EU,,Users,,a,a@x.com,maybe,false,\nProd-EU,,Users,,${'u'.repeat(321)},,true,false,\n`;
    const problems = (into?: AccountColumns) => {
      const reader = new UserListReader(into ? { into } : {});
      reader.write(new TextEncoder().encode(text));
      try {
        reader.end();
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(problems(new AccountColumns())).toBe(problems());
    expect(problems()).toMatch(/^line 2: .*\nline 3: /);
  });

  it('makes a string for a value only on request, from the text it was read from', () => {
    const columns = new AccountColumns();
    const reader = new UserListReader({ into: columns });
    reader.write(new TextEncoder().encode('username,email\n  Ann ,"a,b@x.com"\n,\n'));
    reader.end();
    expect(columns.length).toBe(1);
    expect(columns.username(0)).toBe('Ann');
    expect(columns.email(0)).toBe('a,b@x.com');
    expect(columns.record(0)).toMatchObject({ ref: 2, environment: 'Production', provider: 'Users', tenant: '' });
  });
});
