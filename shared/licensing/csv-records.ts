// CSV records (RFC 4180, as Excel, PowerShell and the platforms' exports write them) from text that arrives in whole
// lines, each record with the line it starts on. Quoted values may hold separators, quotes ("") and line breaks; a
// quote inside an unquoted value is kept as it stands, as Excel reads it. The separator is the one the header uses
// most: a comma, or a semicolon or tab where Excel's locale writes those. A record hands out its fields as positions
// in the text, so a reader that needs two columns of thirty makes two strings, not thirty.
import { AccountRowError } from './account-rows.ts';
import { isSpaceCode, sameText } from './identity-index.ts';
import { quoteValue } from './quote-value.ts';

export type CsvSeparator = ',' | ';' | '\t';

/** A record longer than this is refused: it can only be a quote that is never closed. */
export const MAX_RECORD_CHARS = 1 << 20;

const QUOTE = 34;
const CR = 13;
const LF = 10;

/** One record, reused for the next one: read what you need before the sink returns. */
export class CsvRecord {
  /** The text the positions point into. */
  text = '';
  /** Number of fields. */
  count = 0;
  /** The line the record starts on. */
  line = 0;
  /** Each field's start and end in `text`, surrounding spaces excluded. */
  starts: number[] = [];
  ends: number[] = [];
  /** A quoted field's trimmed value (quotes undone), which is not a plain range of the text; undefined otherwise. */
  values: (string | undefined)[] = [];

  /** Sets field `i` to the range [start, end) of the text, surrounding spaces excluded. */
  setRange(i: number, start: number, end: number): void {
    const text = this.text;
    let s = start;
    let e = end;
    while (s < e && isSpaceCode(text.charCodeAt(s))) s++;
    while (e > s && isSpaceCode(text.charCodeAt(e - 1))) e--;
    this.starts[i] = s;
    this.ends[i] = e;
    this.values[i] = undefined;
  }

  /** The field's value, surrounding spaces trimmed. */
  field(i: number): string {
    const value = this.values[i];
    if (value !== undefined) return value;
    return this.text.slice(this.starts[i], this.ends[i]);
  }

  /** Whether the trimmed field is exactly `expected`, without making a string. */
  is(i: number, expected: string): boolean {
    const value = this.values[i];
    if (value !== undefined) return value === expected;
    const start = this.starts[i] as number;
    return (this.ends[i] as number) - start === expected.length && sameText(this.text, start, expected);
  }

  /** Length of the trimmed field. */
  length(i: number): number {
    const value = this.values[i];
    if (value !== undefined) return value.length;
    return (this.ends[i] as number) - (this.starts[i] as number);
  }

  isBlank(): boolean {
    for (let i = 0; i < this.count; i++) if (this.length(i) > 0) return false;
    return true;
  }

  toArray(): string[] {
    const fields: string[] = [];
    for (let i = 0; i < this.count; i++) fields.push(this.field(i));
    return fields;
  }
}

export type CsvRecordSink = (record: CsvRecord) => void;

/** The separator the header line uses most outside quotes; a comma when it uses none. */
function separatorOf(header: string): CsvSeparator {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[',']) return '\t';
  return ',';
}

export class CsvRecordReader {
  #separator: CsvSeparator | null;
  #sep = 44;
  /** Text of a record that is still open (a quoted value running past the text received), from its start. */
  #pending = '';
  #pendingLine = 1;
  /** Line number of the next text's first character. */
  #line = 1;
  readonly #record = new CsvRecord();
  /** Where the next double quote is in the text being read: -1 none, -2 not looked for yet. */
  #nextQuote = -2;

  constructor(separator?: CsvSeparator) {
    this.#separator = separator ?? null;
    if (separator) this.#sep = separator.charCodeAt(0);
  }

  /** The line number of the next text's first character: the line after all text received so far. */
  get nextLine(): number {
    if (this.#pending === '') return this.#line;
    let line = this.#pendingLine;
    for (let at = this.#pending.indexOf('\n'); at !== -1; at = this.#pending.indexOf('\n', at + 1)) line++;
    return line;
  }

  /** Whether all text received ends a record: no quoted value runs on past it. */
  get atRecordStart(): boolean {
    return this.#pending === '';
  }

  /** The separator in use: given, or found on the header line. */
  get separator(): CsvSeparator {
    return this.#separator ?? ',';
  }

  /** Reads whole lines of text (as UserListDecoder hands them out), passing each complete record to `sink`. */
  write(text: string, sink: CsvRecordSink): void {
    if (text === '') return;
    if (this.#pending !== '') {
      const joined = this.#pending + text;
      this.#pending = '';
      this.#line = this.#pendingLine;
      this.#parse(joined, sink, false);
      return;
    }
    this.#parse(text, sink, false);
  }

  /** The end of the text: a record still open here has a quote that is never closed. */
  end(sink: CsvRecordSink): void {
    if (this.#pending === '') return;
    const text = this.#pending;
    this.#pending = '';
    this.#line = this.#pendingLine;
    this.#parse(text, sink, true);
  }

  #parse(text: string, sink: CsvRecordSink, atEnd: boolean): void {
    if (this.#separator === null) {
      const firstBreak = text.indexOf('\n');
      this.#separator = separatorOf(firstBreak === -1 ? text : text.slice(0, firstBreak));
      this.#sep = this.#separator.charCodeAt(0);
    }
    const record = this.#record;
    record.text = text;
    this.#nextQuote = -2;
    let pos = 0;
    while (pos < text.length) {
      // The common case first: a record on one line with no quotes.
      let next = this.#plainRecord(text, pos);
      let lines = 1;
      if (next === -1) {
        next = this.#quotedRecord(text, pos, atEnd);
        if (next !== -1) lines = this.#linesIn(text, pos, next);
      }
      if (next === -1) {
        if (text.length - pos > MAX_RECORD_CHARS) {
          throw new AccountRowError(
            this.#line,
            'a quoted value is not closed (it runs on for more than a million characters): check for a stray double quote',
            'quote-runaway',
          );
        }
        this.#pending = text.slice(pos);
        this.#pendingLine = this.#line;
        return;
      }
      record.line = this.#line;
      sink(record);
      this.#line += lines;
      pos = next;
    }
  }

  /**
   * Reads a record on one line without quotes, finding separators with indexOf (three times faster than a loop over
   * the characters when measured, once the text is one flat string); returns where the next record starts, or -1
   * when the line holds a quote, which #quotedRecord reads.
   */
  #plainRecord(text: string, pos: number): number {
    if (this.#nextQuote !== -1 && this.#nextQuote < pos) this.#nextQuote = text.indexOf('"', pos);
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd === -1) lineEnd = text.length;
    if (this.#nextQuote !== -1 && this.#nextQuote < lineEnd) return -1;
    const record = this.#record;
    const separator = this.#separator as string;
    const end = lineEnd > pos && text.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd;
    let count = 0;
    let from = pos;
    for (let at = text.indexOf(separator, from); at !== -1 && at < end; at = text.indexOf(separator, from)) {
      record.setRange(count++, from, at);
      from = at + 1;
    }
    record.setRange(count++, from, end);
    record.count = count;
    return lineEnd === text.length ? lineEnd : lineEnd + 1;
  }

  #linesIn(text: string, from: number, to: number): number {
    let count = 0;
    for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) count++;
    return to >= text.length && text.charCodeAt(text.length - 1) !== LF ? count + 1 : count;
  }

  /**
   * Reads the record starting at `start` character by character into the record; returns where the next record
   * starts, or -1 when the text ends inside a quoted value (more text may close it).
   */
  #quotedRecord(text: string, start: number, atEnd: boolean): number {
    const record = this.#record;
    const { starts, ends, values } = record;
    const sep = this.#sep;
    let count = 0;
    const done = (next: number) => {
      record.count = count;
      return next;
    };
    let k = start;
    for (;;) {
      // One field starts at k; spaces before an opening quote are dropped, as Excel does.
      let q = k;
      for (let c = text.charCodeAt(q); c !== sep && c !== LF && c !== CR && isSpaceCode(c); c = text.charCodeAt(q)) q++;
      if (text.charCodeAt(q) === QUOTE) {
        let value = '';
        let from = q + 1;
        for (;;) {
          const close = text.indexOf('"', from);
          if (close === -1) {
            if (!atEnd) return -1;
            throw new AccountRowError(
              this.#line,
              'a quoted value is not closed: check for a stray double quote (a quote inside a quoted value is written "")',
              'quote-not-closed',
            );
          }
          value += text.slice(from, close);
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += '"';
            from = close + 2;
            continue;
          }
          k = close + 1;
          break;
        }
        // Spaces after the closing quote are dropped too.
        while (
          k < text.length &&
          text.charCodeAt(k) !== sep &&
          text.charCodeAt(k) !== LF &&
          text.charCodeAt(k) !== CR
        ) {
          if (!isSpaceCode(text.charCodeAt(k))) break;
          k++;
        }
        starts[count] = 0;
        ends[count] = 0;
        values[count] = value.trim();
        count++;
        const c = text.charCodeAt(k);
        if (c === sep) {
          k++;
          continue;
        }
        if (Number.isNaN(c)) return done(text.length);
        if (c === LF) return done(k + 1);
        if (c === CR && text.charCodeAt(k + 1) === LF) return done(k + 2);
        if (c === CR && k + 1 >= text.length) return done(text.length);
        const lineEnd = text.indexOf('\n', k);
        throw new AccountRowError(
          this.#line + this.#linesIn(text, start, k) - (k >= text.length ? 1 : 0),
          `a quoted value is followed by other text (${quoteValue(text.slice(k, lineEnd === -1 ? undefined : lineEnd))}): put the whole value in quotes and write a quote inside it as ""`,
          'text-after-quote',
          { text: quoteValue(text.slice(k, lineEnd === -1 ? undefined : lineEnd)) },
        );
      }
      // An unquoted field runs to the next separator or line break.
      let end = k;
      for (;;) {
        const c = text.charCodeAt(end);
        if (Number.isNaN(c) || c === sep || c === LF) break;
        end++;
      }
      const c = text.charCodeAt(end);
      record.setRange(count++, k, c === LF && end > k && text.charCodeAt(end - 1) === CR ? end - 1 : end);
      if (c === sep) {
        k = end + 1;
        continue;
      }
      return done(Number.isNaN(c) ? text.length : end + 1);
    }
  }
}
