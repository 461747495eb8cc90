// Bytes of a user list into text, exactly or not at all (rule 33): the byte-order mark is dropped, every byte must
// decode in the declared encoding, and an undecodable byte is an error naming its line, never a replacement
// character (which would make J\xfcrgen and J\xf6rgen one person). Fed chunks as they arrive (a file, an HTTP upload),
// it hands out text in whole lines: a line break byte (0x0A) never occurs inside a character in UTF-8, Shift_JIS or
// Windows-1252, so cutting at it never splits one, and a failure can be pinned to its line.
import { AccountRowError } from './account-rows.ts';
import { quoteValue } from './quote-value.ts';

export const USER_LIST_ENCODINGS = ['utf-8', 'shift_jis', 'windows-1252'] as const;
export type UserListEncoding = (typeof USER_LIST_ENCODINGS)[number];

/** A line longer than this is refused: no user list has one, and a file without line breaks must not fill memory. */
export const MAX_LINE_BYTES = 1 << 20;

const NEWLINE = 0x0a;
const ENCODING_HINT =
  'choose the encoding the file was saved in (Excel saves "CSV" as Windows-1252 in Western Europe and as Shift_JIS in Japan) or save it as "CSV UTF-8"';

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}

function countNewlines(bytes: Uint8Array): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) count++;
  return count;
}

/**
 * The characters of Windows-1252's bytes 0x80 to 0x9F (the WHATWG encoding standard's index-windows-1252; the same as
 * Python's cp1252 codec), 0 where the encoding leaves a byte undefined. Node 20's TextDecoder decodes these bytes as
 * the C1 controls U+0080 to U+009F (Latin-1): the euro sign, Š, ž, Œ and typographic quotes came out wrong.
 */
const CP1252_C1 = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0, 0,
  0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];
const C1 = /[\u0080-\u009f]/g;

/** Text decoded by a TextDecoder as Windows-1252, its C1 controls made the characters the bytes stand for. */
function cp1252Characters(text: string): string {
  C1.lastIndex = 0;
  if (!C1.test(text)) return text;
  return text.replace(C1, (c) => {
    const code = CP1252_C1[c.charCodeAt(0) - 0x80] as number;
    // An undefined byte stays a control, refused by firstUndefinedCp1252.
    return code === 0 ? c : String.fromCharCode(code);
  });
}

/** Windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined; the WHATWG decoder passes them as C1 controls. */
function firstUndefinedCp1252(text: string): number {
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x81 || c === 0x8d || c === 0x8f || c === 0x90 || c === 0x9d) return k;
  }
  return -1;
}

/**
 * The text of bytes that are all ASCII, or undefined when one is not: ASCII bytes are the same characters in UTF-8 and
 * Windows-1252, and a platform can tell and copy them much faster than a TextDecoder decodes (Node:
 * server/licensing/ascii-text.ts).
 */
export type AsciiText = (bytes: Uint8Array) => string | undefined;

export class UserListDecoder {
  readonly #encoding: UserListEncoding;
  readonly #decoder: TextDecoder;
  readonly #asciiText: AsciiText | undefined;
  /** Bytes after the last line break seen, waiting for the rest of their line. */
  #carry: Uint8Array = new Uint8Array(0);
  /** Line number of the first byte not yet handed out, counted here unless the caller counts (lineOfNextText). */
  #line = 1;
  readonly #lineOfNextText: (() => number) | undefined;
  #started = false;
  #bytes = 0;

  /**
   * `lineOfNextText`, when given, tells the line number of the next text handed out: a CSV reader counts lines
   * anyway, and counting them twice cost a tenth of reading a million rows when measured.
   */
  constructor(encoding: UserListEncoding = 'utf-8', lineOfNextText?: () => number, asciiText?: AsciiText) {
    this.#encoding = encoding;
    this.#lineOfNextText = lineOfNextText;
    // Not for Shift_JIS: Node's decoder (ICU's) reads the bytes 0x1A, 0x1C and 0x7F as other controls than ASCII's.
    this.#asciiText = encoding === 'shift_jis' ? undefined : asciiText;
    // ignoreBOM keeps a U+FEFF where it stands: only the one at the file's start is dropped, by #start.
    this.#decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  }

  /** Whether the bytes received so far end with a line break (or none were received): no line is half read. */
  get atLineStart(): boolean {
    return this.#carry.length === 0;
  }

  /** Bytes received so far, for progress. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Hands `take` the text of the lines completed by `chunk`, each with its line break, in up to two pieces of whole
   * lines: the line the previous chunk began, then the rest, so the chunk's bytes are decoded where they are instead
   * of copied behind the previous chunk's end. `take` must have read each piece before the next is decoded: a bad
   * byte is pinned to its line by what was read (lineOfNextText).
   */
  write(chunk: Uint8Array, take: (text: string) => void): void {
    this.#bytes += chunk.length;
    let bytes = chunk;
    if (!this.#started) {
      bytes = this.#carry.length > 0 ? concat(this.#carry, chunk) : chunk;
      this.#carry = new Uint8Array(0);
      // A byte-order mark is up to 3 bytes: decide once they are all here.
      if (bytes.length < 3 && !bytes.includes(NEWLINE)) {
        // A copy, as below: the caller may reuse its buffer.
        this.#carry = bytes.slice();
        return;
      }
      bytes = this.#start(bytes);
    }
    const last = bytes.lastIndexOf(NEWLINE);
    if (last === -1) {
      this.#carry = this.#carry.length > 0 ? concat(this.#carry, bytes) : bytes.slice();
      this.#refuseLongLine();
      return;
    }
    let from = 0;
    if (this.#carry.length > 0) {
      from = bytes.indexOf(NEWLINE) + 1;
      const line = concat(this.#carry, bytes.subarray(0, from));
      this.#carry = new Uint8Array(0);
      take(this.#decode(line));
    }
    // One decode for the rest gives one flat string: the tokenizer's loop stays fast on strings of one shape.
    if (from <= last) take(this.#decode(bytes.subarray(from, last + 1)));
    // A copy: the caller may reuse its buffer for the next chunk.
    this.#carry = bytes.slice(last + 1);
    this.#refuseLongLine();
  }

  /** The last line, which may lack a line break. */
  end(): string {
    const rest = this.#started ? this.#carry : this.#start(this.#carry);
    this.#carry = new Uint8Array(0);
    return rest.length > 0 ? this.#decode(rest) : '';
  }

  #nextLine(): number {
    return this.#lineOfNextText?.() ?? this.#line;
  }

  #start(bytes: Uint8Array): Uint8Array {
    this.#started = true;
    const [a, b, c] = bytes;
    if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)) {
      throw new AccountRowError(
        1,
        'the file is UTF-16 (what Excel saves as "Unicode Text"): save it as "CSV UTF-8" or "CSV (Comma delimited)"',
        'utf-16',
      );
    }
    if (a === 0xef && b === 0xbb && c === 0xbf) {
      if (this.#encoding !== 'utf-8') {
        throw new AccountRowError(
          1,
          `the file starts with a UTF-8 byte-order mark, so it is UTF-8, not ${this.#encoding}: read it as utf-8`,
          'bom-not-utf8',
          { encoding: this.#encoding },
        );
      }
      return bytes.subarray(3);
    }
    return bytes;
  }

  #refuseLongLine(): void {
    if (this.#carry.length > MAX_LINE_BYTES) {
      throw new AccountRowError(
        this.#nextLine(),
        `the line is longer than ${MAX_LINE_BYTES.toLocaleString('en-GB')} bytes; a user list has one account a line (lines must end with a line break)`,
        'line-too-long',
        { max: MAX_LINE_BYTES },
      );
    }
  }

  /** Decodes whole lines, or names the first line holding a byte that does not decode. */
  #decode(lines: Uint8Array): string {
    const text = this.#asciiText?.(lines) ?? this.#decodeStrictly(lines);
    if (this.#lineOfNextText === undefined) this.#line += countNewlines(lines);
    return text;
  }

  /** #decode's text by the TextDecoder, the line count left to #decode. */
  #decodeStrictly(lines: Uint8Array): string {
    let text: string;
    try {
      text = this.#decoder.decode(lines);
    } catch {
      throw this.#undecodable(lines);
    }
    if (this.#encoding === 'windows-1252') {
      text = cp1252Characters(text);
      const at = firstUndefinedCp1252(text);
      if (at !== -1) {
        const before = text.slice(0, at);
        const line = this.#nextLine() + before.split('\n').length - 1;
        const code = text.charCodeAt(at).toString(16).toUpperCase();
        throw new AccountRowError(
          line,
          `byte 0x${code} is not a character in Windows-1252 (in ${quoteValue(text.slice(before.lastIndexOf('\n') + 1).split('\n')[0] ?? '')}): ${ENCODING_HINT}`,
          'not-windows-1252',
          { byte: `0x${code}`, text: quoteValue(text.slice(before.lastIndexOf('\n') + 1).split('\n')[0] ?? '') },
        );
      }
    }
    return text;
  }

  #undecodable(lines: Uint8Array): AccountRowError {
    const strict = new TextDecoder(this.#encoding, { fatal: true, ignoreBOM: true });
    let line = this.#nextLine();
    let from = 0;
    while (from < lines.length) {
      const end = lines.indexOf(NEWLINE, from);
      const one = lines.subarray(from, end === -1 ? lines.length : end);
      try {
        strict.decode(one);
      } catch {
        const shown = new TextDecoder(this.#encoding, { ignoreBOM: true }).decode(one);
        return new AccountRowError(
          line,
          `a byte is not valid ${this.#encoding === 'utf-8' ? 'UTF-8' : this.#encoding} (shown as \ufffd in ${quoteValue(shown)}): ${ENCODING_HINT}`,
          'invalid-byte',
          { encoding: this.#encoding === 'utf-8' ? 'UTF-8' : this.#encoding, text: quoteValue(shown) },
        );
      }
      if (end === -1) break;
      from = end + 1;
      line++;
    }
    return new AccountRowError(line, `the text is not valid ${this.#encoding}: ${ENCODING_HINT}`, 'invalid-text', {
      encoding: this.#encoding,
    });
  }
}
