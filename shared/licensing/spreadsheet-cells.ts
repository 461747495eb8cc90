// CSV cells that spreadsheets cannot run as formulas, and back. A cell is a formula when it starts with = + - @ (or a
// tab or carriage return), and Excel splits cells at its list separator (`,` or `;` by locale) even inside a value it
// was not meant to split, so "Jo;=1+1;" is a formula in a semicolon locale. The guard puts an apostrophe before every
// such start; the reverse takes exactly that apostrophe away, so an exported list imports back to the same values.

// Where a spreadsheet may start a cell: the value's start and after any list separator or line break.
const CELL_BREAKS = new Set([',', ';', '\t', '\r', '\n']);
const FORMULA_STARTS = new Set(['=', '+', '-', '@']);
// At the value's very start a tab or carriage return is dropped by some spreadsheets, exposing what follows.
const FIRST_FORMULA_STARTS = new Set([...FORMULA_STARTS, '\t', '\r']);

/**
 * Calls `at(start, run)` for each place where a spreadsheet could start a formula: `start` is where a cell may start
 * and `run` the number of apostrophes there, which precede a formula character.
 */
function forEachFormulaStart(value: string, at: (start: number, run: number) => void): void {
  for (let start = 0; start < value.length; start++) {
    if (start > 0 && !CELL_BREAKS.has(value[start - 1] as string)) continue;
    let end = start;
    while (value[end] === "'") end++;
    const next = value[end];
    if (next !== undefined && (start === 0 ? FIRST_FORMULA_STARTS : FORMULA_STARTS).has(next)) at(start, end - start);
  }
}

/** The value with one more apostrophe at every place a spreadsheet could start a formula. */
export function guardSpreadsheetCell(value: string): string {
  let out = '';
  let from = 0;
  forEachFormulaStart(value, (start) => {
    out += `${value.slice(from, start)}'`;
    from = start;
  });
  return from === 0 && out === '' ? value : out + value.slice(from);
}

/** The inverse of guardSpreadsheetCell: one apostrophe fewer where the guard added one. */
export function unguardSpreadsheetCell(value: string): string {
  let out = '';
  let from = 0;
  let changed = false;
  forEachFormulaStart(value, (start, run) => {
    if (run === 0) return;
    out += value.slice(from, start);
    from = start + 1;
    changed = true;
  });
  return changed ? out + value.slice(from) : value;
}

/** One CSV field (RFC 4180), guarded, and quoted when it holds a separator of any locale, a quote or a line break. */
export function csvField(value: string): string {
  const guarded = guardSpreadsheetCell(value);
  return /[",;\t\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}
