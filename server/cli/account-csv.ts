// Streams an account list in CSV into AccountRows, naming the line of every problem.
import { createReadStream, statSync } from 'node:fs';
import Papa from 'papaparse';
import {
  type AccountRow,
  AccountRowError,
  accountColumns,
  accountFromRow,
  type ColumnIndex,
} from '../../shared/licensing/account-rows.ts';

export class AccountCsvError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'AccountCsvError';
  }
}

export interface AccountCsv {
  rows: AccountRow[];
  /** Lines read, header included. */
  lines: number;
}

const MAX_PROBLEMS = 20;

function newlines(row: readonly string[]): number {
  let count = 0;
  for (const field of row) {
    let at = field.indexOf('\n');
    while (at !== -1) {
      count++;
      at = field.indexOf('\n', at + 1);
    }
  }
  return count;
}

/**
 * Reads the file at `path`. `onProgress` receives the fraction of bytes read. Fails with every problem found (up to
 * 20), each naming its line, and returns nothing partial.
 */
export function readAccountCsv(path: string, onProgress?: (fraction: number) => void): Promise<AccountCsv> {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return Promise.reject(new AccountCsvError([`${path} is not a file`]));
    size = stat.size;
  } catch {
    return Promise.reject(new AccountCsvError([`cannot read ${path}: no such file`]));
  }
  return new Promise((resolve, reject) => {
    const rows: AccountRow[] = [];
    const problems: string[] = [];
    let columns: ColumnIndex | null = null;
    let width = 0;
    let line = 1;
    let bytes = 0;
    const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
    stream.on('error', (error) => reject(new AccountCsvError([`cannot read ${path}: ${error.message}`])));
    if (onProgress && size > 0) {
      stream.on('data', (chunk) => {
        bytes += Buffer.byteLength(chunk as string);
        onProgress(Math.min(1, bytes / size));
      });
    }
    const problem = (message: string, parser: Papa.Parser) => {
      problems.push(message);
      if (problems.length >= MAX_PROBLEMS) parser.abort();
    };
    Papa.parse<string[]>(stream, {
      delimiter: ',',
      chunk(results, parser) {
        // Lines of this chunk's rows, for papaparse's own errors, which give a row index within the chunk.
        const firstLineOf: number[] = [];
        for (const row of results.data) {
          const rowLine = line;
          firstLineOf.push(rowLine);
          line += 1 + newlines(row);
          if (row.length === 1 && row[0] === '') continue;
          try {
            if (columns === null) {
              columns = accountColumns(row, rowLine);
              width = row.length;
              continue;
            }
            if (row.every((cell) => cell.trim() === '')) continue;
            if (row.length !== width) {
              problem(
                `line ${rowLine}: ${row.length} field${row.length === 1 ? '' : 's'} where the header has ${width}; check for a missing or extra comma, or an unquoted comma inside a value`,
                parser,
              );
              continue;
            }
            rows.push(accountFromRow(row, columns, rowLine));
          } catch (error) {
            if (!(error instanceof AccountRowError)) throw error;
            problem(error.message, parser);
            if (columns === null) parser.abort();
          }
        }
        for (const error of results.errors) {
          const at = firstLineOf[error.row ?? firstLineOf.length - 1] ?? line;
          const hint = error.type === 'Quotes' ? ': a quoted value is not closed or has a stray quote' : '';
          problem(`line ${at}: malformed CSV (${error.message})${hint}`, parser);
        }
      },
      complete() {
        stream.destroy();
        if (columns === null && problems.length === 0)
          problems.push(`${path} is empty: the first line must name the columns`);
        if (problems.length > 0) reject(new AccountCsvError(problems));
        else resolve({ rows, lines: line - 1 });
      },
      error(error) {
        reject(new AccountCsvError([`cannot read ${path}: ${error.message}`]));
      },
    });
  });
}
