// The consoles a page keeps something for (their environment, what was taught), one row an origin with a button that
// drops it: the options page and the teaching section list them alike.
import type { ComponentChildren } from 'preact';
import { t } from '../i18n.ts';

export function ConsoleTable<Row extends { origin: string }>({
  id,
  rows,
  heading,
  kept,
  drop,
  onDrop,
}: {
  id: string;
  rows: readonly Row[];
  /** The heading of the column that says what is kept for the console. */
  heading: string;
  kept: (row: Row) => ComponentChildren;
  /** The button's words. */
  drop: string;
  onDrop: (row: Row) => void;
}) {
  if (rows.length === 0) return null;
  return (
    <table id={id}>
      <thead>
        <tr>
          <th scope="col">{t('optionsConsole')}</th>
          <th scope="col">{heading}</th>
          <th scope="col">
            <span class="visually-hidden">{t('optionsActions')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.origin} data-origin={row.origin}>
            <td>{row.origin}</td>
            <td>{kept(row)}</td>
            <td>
              <button type="button" class="secondary" onClick={() => onDrop(row)}>
                {drop}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
