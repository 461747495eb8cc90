// Exports out (issue 15, section 3): cells a spreadsheet would run as formulas are guarded, also after a separator, and
// an export read back through the user-list reader gives back the same values.
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import {
  csvField,
  guardSpreadsheetCell,
  UserListReader,
  unguardSpreadsheetCell,
} from '../../../shared/licensing/index.ts';

const FORMULA = /^[=+\-@\t\r]/;
/** The pieces a spreadsheet may split a cell into: at any list separator (`,` or `;` by locale) or line break. */
const pieces = (value: string) => value.split(/[,;\t\r\n]/);

describe('the formula guard', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+31 20 123', "'+31 20 123"],
    ['-5', "'-5"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['Jo;=1+1;', "Jo;'=1+1;"],
    ['a,@b', "a,'@b"],
    ["'=1", "''=1"],
    ['plain', 'plain'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j is exported as %j', (value, guarded) => {
    expect(guardSpreadsheetCell(value)).toBe(guarded);
    expect(unguardSpreadsheetCell(guarded)).toBe(value);
  });

  it('leaves no piece of a cell that a spreadsheet would run as a formula, whatever the separator', () => {
    const text = fc.string({ unit: fc.constantFrom('=', '+', '-', '@', ',', ';', '\t', '\n', "'", 'a', ' ') });
    fc.assert(
      fc.property(text, (value) => {
        for (const piece of pieces(guardSpreadsheetCell(value))) expect(piece).not.toMatch(/^[=+\-@]/);
        expect(guardSpreadsheetCell(value)).not.toMatch(FORMULA);
      }),
      { numRuns: 2000 },
    );
  });

  it('is undone exactly: unguard(guard(x)) is x for any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom('=', '-', ';', "'", 'x', '\r') })),
        (value) => {
          expect(unguardSpreadsheetCell(guardSpreadsheetCell(value))).toBe(value);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('csvField quotes what any locale would split, and papaparse reads back the guarded value', () => {
    for (const value of ['Jo;=1+1;', 'a,b', 'say "hi"', 'two\nlines', 'tab\there']) {
      const line = `${csvField(value)},end`;
      const parsed = Papa.parse<string[]>(line).data[0] as string[];
      expect(parsed).toEqual([guardSpreadsheetCell(value), 'end']);
    }
  });
});

describe("re-importing Seatkeeper's users export", () => {
  const HEADER =
    'environment,production,provider,tenant,username,email,active,it_user,role,name,classification,reason,last_sign_in_at';

  it('gives back the same usernames and emails: the guard is recognised and removed', () => {
    const usernames = ['=cmd|calc', 'Jo;=1+1;', '-dash', "'quoted", 'plain'];
    const lines = usernames.map((username) =>
      [
        'Production',
        'true',
        'Okta',
        '',
        username,
        `${username.replace(/[^a-z]/gi, '')}@x.com`,
        'true',
        'false',
        '',
        'N',
        'internal',
        'r',
        '',
      ]
        .map(csvField)
        .join(','),
    );
    const reader = new UserListReader({ strict: true });
    const accounts = [...reader.write(new TextEncoder().encode(`\ufeff${HEADER}\n${lines.join('\n')}\n`))];
    const end = reader.end();
    expect(end.summary.mapping.seatkeeperExport).toBe(true);
    expect([...accounts, ...end.accounts].map((a) => a.username)).toEqual(usernames);
  });

  it("a hand-made list in Seatkeeper's columns is read as written, apostrophes included", () => {
    const reader = new UserListReader();
    const accounts = reader.write(new TextEncoder().encode("username,email\n'=x,x@y.com\n"));
    expect(reader.end().summary.mapping.seatkeeperExport).toBe(false);
    expect(accounts[0]?.username).toBe("'=x");
  });
});
