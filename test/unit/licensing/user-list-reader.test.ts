// Rule 33 and the limits of issue 15: the one user-list reader reads a list exactly or refuses it, naming the line.
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { ASCII_TEXT_MAX_BYTES, asciiText } from '../../../server/licensing/ascii-text.ts';
import { AccountColumns } from '../../../shared/licensing/account-columns.ts';
import {
  type AccountRow,
  readUserList,
  UserListError,
  type UserListOptions,
  UserListReader,
} from '../../../shared/licensing/index.ts';
import { USER_LIST_ENCODINGS, type UserListEncoding } from '../../../shared/licensing/user-list-decoder.ts';

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);
const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const join = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

/** Reads the list fed in chunks of `size` bytes (all at once by default). */
function read(input: string | Uint8Array, options: UserListOptions = {}, size = Number.POSITIVE_INFINITY) {
  const data = typeof input === 'string' ? bytes(input) : input;
  const reader = new UserListReader(options);
  const accounts: AccountRow[] = [];
  for (let from = 0; from < data.length; from += Math.min(size, data.length)) {
    accounts.push(...reader.write(data.subarray(from, from + size)));
  }
  const end = reader.end();
  accounts.push(...end.accounts);
  return { accounts, summary: end.summary };
}

function problems(input: string | Uint8Array, options: UserListOptions = {}): string[] {
  try {
    read(input, options);
  } catch (error) {
    if (error instanceof UserListError) return error.problems.map((problem) => problem.message);
    throw error;
  }
  throw new Error('the list was read without a problem');
}

describe('rule 33: the byte-order mark', () => {
  it.each([
    ['before a plain header', '\ufefftenant,provider,username,active\r\nAcme,Okta,ann,false\r\n'],
    // What PowerShell's Export-Csv -Encoding UTF8 writes: BOM, then every name and value quoted.
    [
      'before a quoted header, as PowerShell writes it',
      '\ufeff"tenant","provider","username","active"\r\n"Acme","Okta","ann","False"\r\n',
    ],
  ])('is dropped %s, so the first column is read', (_label, text) => {
    const { accounts, summary } = read(text);
    expect(summary.mapping.columns[0]).toMatchObject({ header: 'tenant', readAs: 'tenant', status: 'read' });
    expect(accounts).toEqual([expect.objectContaining({ tenant: 'Acme', provider: 'Okta', active: false })]);
  });

  it('is dropped when it arrives one byte at a time', () => {
    const { accounts } = read('\ufeff"tenant","username"\n"T1","ann"\n', {}, 1);
    expect(accounts[0]?.tenant).toBe('T1');
  });

  it('a UTF-16 file (Excel\'s "Unicode Text") is refused with what to do', () => {
    const utf16 = join(hex('fffe'), Uint8Array.from([...'email\n'].flatMap((c) => [c.charCodeAt(0), 0])));
    expect(problems(utf16)[0]).toMatch(/^line 1: the file is UTF-16 .*CSV UTF-8/);
  });
});

describe('rule 33: strict decoding in the declared encoding', () => {
  // Bytes as Excel writes "CSV" in Western Europe (Windows-1252): ü is FC, ö is F6. Computed with Python's cp1252 codec.
  const cp1252 = join(
    bytes('username,email\nJ'),
    hex('fc'),
    bytes('rgen,j1@x.com\nJ'),
    hex('f6'),
    bytes('rgen,j2@x.com\n'),
  );

  it('Windows-1252 read as UTF-8 is an error naming the first line holding an undecodable byte', () => {
    const found = problems(cp1252);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^line 2: a byte is not valid UTF-8 \(shown as \ufffd in "J\ufffdrgen,j1@x.com"\)/);
    expect(found[0]).toMatch(/Windows-1252/);
  });

  it('read as windows-1252, Jürgen and Jörgen are two different people', () => {
    const { accounts } = read(cp1252, { encoding: 'windows-1252' });
    expect(accounts.map((a) => a.username)).toEqual(['Jürgen', 'Jörgen']);
  });

  it('names the right line when the bad byte is far into a large file, fed in odd chunks', () => {
    const good = `username\n${'a\n'.repeat(99_998)}`;
    const data = join(bytes(good), hex('ff0a'), bytes('b\n'));
    const reader = new UserListReader();
    let error: unknown;
    try {
      for (let from = 0; from < data.length; from += 4093) reader.write(data.subarray(from, from + 4093));
      reader.end();
    } catch (caught) {
      error = caught;
    }
    expect((error as UserListError).problems).toEqual([
      expect.objectContaining({
        line: 100000,
        code: 'invalid-byte',
        message: expect.stringMatching(/^line 100000: a byte is not valid UTF-8/),
      }),
    ]);
  });

  it('counts lines inside quoted values too when naming the line of a bad byte, whatever the chunking', () => {
    const data = join(bytes('username,tenant\nann,"a\nb\nc"\nbob,x'), hex('ff'), bytes('\n'));
    for (const size of [1, 3, 1000]) {
      const reader = new UserListReader();
      let error: unknown;
      try {
        for (let from = 0; from < data.length; from += size) reader.write(data.subarray(from, from + size));
        reader.end();
      } catch (caught) {
        error = caught;
      }
      expect((error as UserListError).problems[0]?.message).toMatch(/^line 5: a byte is not valid UTF-8/);
    }
    const open = join(bytes('username,tenant\nann,"a\nb'), hex('ff'), bytes('"\n'));
    expect(() => read(open, {}, 2)).toThrow(/line 3: a byte is not valid UTF-8/);
  });

  it('a UTF-8 sequence cut by a chunk boundary is not an error', () => {
    const text = 'username,email\nJürgen,ü@bücher.de\n山田,yamada@example.jp\n';
    for (const size of [1, 2, 3, 5, 7]) {
      expect(read(text, {}, size).accounts.map((a) => a.username)).toEqual(['Jürgen', '山田']);
    }
  });

  it('reads Shift_JIS (CP932) exactly, split at any byte', () => {
    // "username,email\n山田,yamada@example.jp\n" in Shift_JIS: 山 = 8E 52, 田 = 93 63 (Python's shift_jis codec).
    const sjis = join(bytes('username,email\n'), hex('8e529363'), bytes(',yamada@example.jp\n'));
    for (const size of [1, 2, 3, 64]) {
      expect(read(sjis, { encoding: 'shift_jis' }, size).accounts).toEqual([
        expect.objectContaining({ username: '山田', email: 'yamada@example.jp', ref: 2 }),
      ]);
    }
    expect(problems(join(bytes('username\n'), hex('8eff0a')), { encoding: 'shift_jis' })[0]).toMatch(
      /^line 2: a byte is not valid shift_jis/,
    );
  });

  it('reads the bytes 0x80 to 0x9F as the characters Windows-1252 gives them, not as Latin-1 controls', () => {
    // The WHATWG encoding standard's index-windows-1252 (and Python's cp1252): 80 €, 8A Š, 8C Œ, 8E Ž, 9A š, 9E ž,
    // 9F Ÿ, 85 …, 91-94 the typographic quotes, 96 and 97 the dashes, 99 ™.
    const { accounts } = read(join(bytes('username\n'), hex('808a8c8e9a9e9f85919293949697990a')), {
      encoding: 'windows-1252',
    });
    expect(accounts.map((a) => a.username)).toEqual([
      '\u20ac\u0160\u0152\u017d\u0161\u017e\u0178\u2026\u2018\u2019\u201c\u201d\u2013\u2014\u2122',
    ]);
  });

  it('a byte that Windows-1252 leaves undefined is refused too', () => {
    expect(problems(join(bytes('username\nx'), hex('81'), bytes('\n')), { encoding: 'windows-1252' })[0]).toMatch(
      /^line 2: byte 0x81 is not a character in Windows-1252/,
    );
  });

  it('a UTF-8 byte-order mark in a file declared as another encoding is refused', () => {
    expect(problems('\ufeffusername\nann\n', { encoding: 'windows-1252' })[0]).toMatch(/it is UTF-8, not windows-1252/);
  });
});

describe("Node's reading of all-ASCII bytes (server/licensing/ascii-text.ts)", () => {
  it('gives the text a strict decoder gives, for every ASCII byte, and nothing for any other byte', () => {
    const all = Uint8Array.from({ length: 128 }, (_, k) => k);
    expect(asciiText(all)).toBe(new TextDecoder('utf-8', { fatal: true }).decode(all));
    for (const byte of [0x80, 0x9f, 0xc3, 0xff]) expect(asciiText(join(all, Uint8Array.of(byte), all))).toBeUndefined();
    expect(asciiText(new Uint8Array(ASCII_TEXT_MAX_BYTES + 1).fill(0x61))).toBeUndefined();
  });

  // Lines of ASCII, of characters each encoding has, and of bytes some encodings do not decode, fed in any chunks: the
  // reader given asciiText reads the same accounts, or refuses with the same problems, as the reader without it.
  const ascii = ['ann,a@x.com', 'bob,B@EXAMPLE.ORG', '"c, d",c@x.com', ',', '"line\nbreak",q@x.com', 'x\x7f,\x01'];
  const other: Record<UserListEncoding, Uint8Array> = {
    'utf-8': bytes('Jürgen,j@bücher.de'),
    // Jürgen (FC) and 山田 (8E 52 93 63), as Python's cp1252 and shift_jis codecs write them.
    'windows-1252': join(bytes('J'), hex('fc'), bytes('rgen,j@x.de')),
    shift_jis: join(hex('8e529363'), bytes(',yamada@example.jp')),
  };
  const line = fc.oneof(
    fc.constantFrom(...ascii).map((text) => () => bytes(text)),
    fc.constant((encoding: UserListEncoding) => other[encoding]),
    fc.constantFrom('ff', '81', '8eff', 'c328').map((h) => () => hex(h)),
  );
  it('reads every list as the TextDecoder alone does, in all three encodings', () => {
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 12 }),
        fc.constantFrom(...USER_LIST_ENCODINGS),
        fc.integer({ min: 1, max: 64 }),
        (body, encoding, size) => {
          const data = join(bytes('username,email\n'), ...body.flatMap((made) => [made(encoding), bytes('\n')]));
          const outcome = (options: UserListOptions) => {
            try {
              return read(data, options, size);
            } catch (error) {
              if (error instanceof UserListError) return error.problems;
              throw error;
            }
          };
          expect(outcome({ encoding, asciiText })).toEqual(outcome({ encoding }));
        },
      ),
    );
  });
});

describe('CSV as platforms and Excel write it', () => {
  it('reads what papaparse writes, values with separators, quotes and line breaks, whatever the chunking', () => {
    const cell = fc.oneof(
      fc.constantFrom('', ' ', 'a,b', 'say "hi"', 'two\nlines', 'cr\r\nlf', ';', 'ü', '"', "'=1"),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 40 }),
        (rows, size) => {
          const data = rows.map(([username, tenant]) => [`u${username}`, tenant]);
          const text = Papa.unparse({ fields: ['username', 'tenant'], data }, { newline: '\r\n' });
          const { accounts } = read(`${text}\r\n`, {}, size);
          expect(accounts.map((a) => [a.username, a.tenant])).toEqual(data.map(([u, t]) => [u?.trim(), t?.trim()]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads each environment, provider and tenant as written, however alike the names, into objects or columns', () => {
    // Names of one length ending alike, quoted or spaced, and more of them than are matched in place (16).
    const name = fc.oneof(
      fc.constantFrom('', ' ', 'Production', 'Production-EU', 'Production-US', 'QA', ' QA ', '"QA"', '"a,b"'),
      fc.stringMatching(/^[AB]{1,3}[xy]$/),
      fc.integer({ min: 10, max: 40 }).map((n) => `P${n}x`),
    );
    const unquoted = (cell: string) => (cell.startsWith('"') ? cell.slice(1, -1) : cell).trim();
    fc.assert(
      fc.property(fc.array(fc.tuple(name, name, name), { minLength: 1, maxLength: 60 }), (rows) => {
        const text = `environment,provider,tenant,username\n${rows.map((row, k) => `${row.join(',')},u${k}`).join('\n')}\n`;
        const expected = rows.map(([environment, provider, tenant]) => [
          unquoted(environment) || 'Production',
          unquoted(provider) || 'Users',
          unquoted(tenant),
        ]);
        const { accounts } = read(text);
        expect(accounts.map((a) => [a.environment, a.provider, a.tenant])).toEqual(expected);
        const columns = new AccountColumns();
        read(text, { into: columns });
        const fromColumns = Array.from({ length: columns.length }, (_, i) => columns.record(i));
        expect(fromColumns.map((a) => [a.environment, a.provider, a.tenant])).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a yes/no column however its values are spelt, quoted or spaced, and refuses an unknown one by its line', () => {
    // More spellings than are matched in place (16), alike in length; the vocabulary lower-cases what it is given.
    const spellings = [
      'true',
      'false',
      'True',
      'FALSE',
      'TRUE',
      'False',
      'tRUE',
      'fALSE',
      '1',
      '0',
      'YES',
      'no',
      'Yes',
      'TrUe',
      'FaLsE',
      'yEs',
      'No',
      'NO',
      'nO',
      'YeS',
    ];
    const meaning = (cell: string) => ['true', '1', 'yes'].includes(cell.toLowerCase());
    const cell = fc.tuple(fc.constantFrom(...spellings), fc.constantFrom('plain', 'quoted', 'spaced'));
    const write = ([value, how]: [string, string]) =>
      how === 'quoted' ? `"${value}"` : how === 'spaced' ? ` ${value} ` : value;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 40 }),
        fc.option(fc.nat(), { nil: undefined }),
        (rows, bad) => {
          const cells = rows.map(([active, itUser]) => [write(active), write(itUser)]);
          const badRow = bad === undefined ? -1 : bad % rows.length;
          if (badRow !== -1) (cells[badRow] as string[])[1] = 'maybe';
          const text = `username,active,it_user\n${cells.map(([a, b], k) => `u${k},${a},${b}`).join('\n')}\n`;
          if (badRow !== -1) {
            expect(problems(text)).toEqual([expect.stringMatching(new RegExp(`^line ${badRow + 2}: .*maybe`))]);
            return;
          }
          const expected = rows.map(([active, itUser]) => [meaning(active[0]), meaning(itUser[0])]);
          expect(read(text).accounts.map((a) => [a.active, a.itUser])).toEqual(expected);
          const columns = new AccountColumns();
          read(text, { into: columns });
          const fromColumns = Array.from({ length: columns.length }, (_, i) => [columns.active(i), columns.itUser(i)]);
          expect(fromColumns).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('numbers records by the line they start on, line breaks inside quotes included', () => {
    const { accounts } = read('username,tenant\r\nann,"multi\r\nline\r\nvalue"\r\nbob,x\r\n');
    expect(accounts.map((a) => [a.username, a.ref])).toEqual([
      ['ann', 2],
      ['bob', 5],
    ]);
  });

  it.each([
    ['semicolons', 'username;email;active\nann;ann@x.com;false\n'],
    ['tabs', 'username\temail\tactive\nann\tann@x.com\tfalse\n'],
  ])('finds the separator Excel used from the header: %s', (_label, text) => {
    const { accounts, summary } = read(text);
    expect(summary.separator).not.toBe(',');
    expect(accounts).toEqual([expect.objectContaining({ username: 'ann', email: 'ann@x.com', active: false })]);
  });

  it('refuses a quote that is never closed, and text after a closing quote, naming the line', () => {
    expect(problems('email,username\na@x.com,ann\n"b@x.com,bob\n')).toEqual([
      expect.stringMatching(/^line 3: a quoted value is not closed/),
    ]);
    expect(problems('email,username\n"a@x.com"x,ann\n')[0]).toMatch(
      /^line 2: a quoted value is followed by other text \("x,ann"\)/,
    );
  });

  it('refuses a line longer than 1 MiB at once, without reading the rest into memory', () => {
    const reader = new UserListReader();
    reader.write(bytes('username,email\n'));
    const huge = new Uint8Array(64 * 1024).fill(0x61);
    let error: unknown;
    let fed = 0;
    try {
      for (; fed < 200; fed++) reader.write(huge);
    } catch (caught) {
      error = caught;
    }
    expect((error as UserListError).problems[0]?.message).toMatch(/^line 2: the line is longer than 1,048,576 bytes/);
    expect(fed).toBeLessThan(20);
  });
});

describe('limits and what an error message quotes', () => {
  it('refuses a username or an email over 320 characters, quoting at most 80 of them', () => {
    const long = `${'x'.repeat(330)}@example.com`;
    const [message] = problems(`username,email\nann,${long}\n`);
    expect(message).toMatch(/^line 2: email is 342 characters long, more than the 320 an email address can have/);
    expect(message).toContain(`"${'x'.repeat(80)}…" (342 characters)`);
    expect(message?.length).toBeLessThan(250);
    expect(read(`username\n${'u'.repeat(320)}\n`).accounts[0]?.username).toHaveLength(320);
  });

  it('escapes control characters and direction overrides of the file in messages', () => {
    const [message] = problems('username,active\nann,"ye\u0007s\u202e\r\n"\n');
    expect(message).toBe('line 2: active is "ye\\u0007s\\u202e": use true or false, 1 or 0, yes or no');
    expect([...(message ?? '')].some((ch) => ch.charCodeAt(0) < 0x20 || ch === '\u202e')).toBe(false);
  });

  it('gathers up to 20 problems, each naming its line, and returns nothing partial', () => {
    const text = `username,active\n${Array.from({ length: 30 }, (_, i) => `u${i},maybe`).join('\n')}\n`;
    const found = problems(text);
    expect(found).toHaveLength(20);
    expect(found[0]).toMatch(/^line 2: /);
    expect(found[19]).toMatch(/^line 21: /);
  });
});

describe('the streaming entry point an upload can feed', () => {
  it('yields accounts in batches as chunks arrive and returns the summary', async () => {
    async function* upload() {
      yield bytes('username,em');
      yield bytes('ail\nann,ann@x.com\nbo');
      yield bytes('b,bob@x.com\n');
    }
    const reading = readUserList(upload(), { strict: true });
    const batches: AccountRow[][] = [];
    let next = await reading.next();
    while (!next.done) {
      batches.push(next.value);
      next = await reading.next();
    }
    expect(batches.flat().map((a) => a.username)).toEqual(['ann', 'bob']);
    expect(next.value).toMatchObject({ accounts: 2, anonymous: 0, mapping: { platform: 'seatkeeper' } });
  });

  it('throws after its batches when a later line is bad: nothing may be kept', async () => {
    const reading = readUserList([bytes('username,active\nann,true\n'), bytes('bob,perhaps\n')]);
    await expect(
      (async () => {
        for await (const _ of reading) {
          // Consumed, as an import would stage them.
        }
      })(),
    ).rejects.toThrow(/line 3: active is "perhaps"/);
  });
});
