import type { ReactNode } from 'react';

export interface TableColumn<T> {
  /** Stable key of the column. */
  id: string;
  header: ReactNode;
  /** The cell content for one row; rendered as text unless it returns elements. */
  cell: (row: T) => ReactNode;
  align?: 'start' | 'end';
  /** Row header column (`<th scope="row">`), usually the name. */
  isRowHeader?: boolean;
  /** Header hidden visually but kept for screen readers (e.g. an actions column). */
  isHeaderHidden?: boolean;
}

export interface TableProps<T> {
  /** Accessible name of the table, also used for the scrollable region. */
  caption: string;
  /** Show the caption visually; it is always available to screen readers. */
  isCaptionVisible?: boolean;
  columns: readonly TableColumn<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  /** A `data-testid` for each row, for end-to-end tests that address one row. */
  rowTestId?: (row: T) => string;
  /** Marks the table busy while rows (re)load. */
  busy?: boolean;
}

/**
 * A data table with real header cells. It sits in a focusable, labelled region so keyboard users
 * can scroll wide tables horizontally.
 */
export function Table<T>({ caption, isCaptionVisible = false, columns, rows, rowKey, rowTestId, busy = false }: TableProps<T>) {
  return (
    <div className="ds-table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table className="ds-table" aria-busy={busy || undefined}>
        <caption className={isCaptionVisible ? 'ds-table__caption' : 'ds-visually-hidden'}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.id} scope="col" className={cellClass(column)}>
                {column.isHeaderHidden ? <span className="ds-visually-hidden">{column.header}</span> : column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} data-testid={rowTestId?.(row)}>
              {columns.map((column) =>
                column.isRowHeader ? (
                  <th key={column.id} scope="row" className={cellClass(column)}>
                    {column.cell(row)}
                  </th>
                ) : (
                  <td key={column.id} className={cellClass(column)}>
                    {column.cell(row)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function cellClass<T>(column: TableColumn<T>): string | undefined {
  return column.align === 'end' ? 'ds-table__cell--end' : undefined;
}
