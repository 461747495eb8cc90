// The one table component of the portal's pages: a caption, column headers, one row per item, and a box that
// scrolls sideways on a narrow screen instead of widening the page (keyboard users can scroll it: it takes focus).
import type { ComponentChildren } from 'preact';

export interface Column<Row> {
  header: ComponentChildren;
  cell: (row: Row) => ComponentChildren;
  /** Numbers align right. */
  numeric?: boolean;
  /** The column that names the row: a row header for screen readers. */
  rowHeader?: boolean;
}

export interface DataTableProps<Row> {
  /** Says what the rows are; shown, or only read out when `captionHidden`. */
  caption: string;
  captionHidden?: boolean;
  columns: readonly (Column<Row> | false | null | undefined)[];
  rows: readonly Row[];
  /** Attributes of a row's <tr>, e.g. data-* for the browser extension's console adapter. */
  rowProps?: (row: Row) => Record<string, string | undefined>;
  /** Shown instead of an empty table. */
  empty?: ComponentChildren;
  id?: string;
}

export function DataTable<Row>({ caption, captionHidden, columns, rows, rowProps, empty, id }: DataTableProps<Row>) {
  if (rows.length === 0 && empty !== undefined) return <p>{empty}</p>;
  const shown = columns.filter((c): c is Column<Row> => Boolean(c));
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard to scroll it.
    <section class="table-scroll" aria-label={caption} tabIndex={0}>
      <table id={id}>
        <caption class={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          <tr>
            {shown.map((column) => (
              <th scope="col" class={column.numeric ? 'num' : undefined}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr {...rowProps?.(row)}>
              {shown.map((column) =>
                column.rowHeader ? (
                  <th scope="row">{column.cell(row)}</th>
                ) : (
                  <td class={column.numeric ? 'num' : undefined}>{column.cell(row)}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
