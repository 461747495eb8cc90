// CSV files as spreadsheets open them: Excel reads a file without a UTF-8 byte-order mark in the system's legacy code
// page (Shift_JIS in Japan), which garbles every name that is not ASCII.
export const UTF8_BOM = '\uFEFF';

/** The headers of a CSV download named `fileName`. */
export const csvDownload = (fileName: string) => ({
  'content-type': 'text/csv; charset=utf-8',
  'content-disposition': `attachment; filename="${fileName}"`,
});

/** One cell: quoted when it holds a separator, and a leading formula character defused (spreadsheets run them). */
export const csvCell = (value: string) =>
  /[",\n\r]/.test(value) || /^[=+\-@\t]/.test(value)
    ? `"${(/^[=+\-@\t]/.test(value) ? `'${value}` : value).replace(/"/g, '""')}"`
    : value;
