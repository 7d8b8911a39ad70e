import { ValidationError } from '../http/errors';

/**
 * Opaque cursors for "newest first" lists: the (time, id) of the last row seen, so the next page
 * starts strictly after it even when several rows share a timestamp. The time keeps Postgres'
 * microseconds (a JS Date has milliseconds only, and rows written by one statement share one
 * microsecond `now()`): list queries select it as text with `cursorTime(column)`.
 */
export function encodeCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`).toString('base64url');
}

/** A list row with the time of its cursor, selected as `${cursorTime(column)} AS cursor_at`. */
export type Paged<T> = T & { cursorAt: string };

/** A record with the cursor time of the row it was read from. */
export function paged<T>(record: T, row: { cursor_at: string }): Paged<T> {
  return { ...record, cursorAt: row.cursor_at };
}

/** The first `limit` rows of a list queried with `limit + 1`, and the next page's cursor when there is one. */
export function pageOf<T extends { cursorAt: string; id: string }>(
  rows: T[],
  limit: number,
): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(last.cursorAt, last.id) : null };
}

/** SQL for a timestamptz column as UTC ISO 8601 text with all six fractional digits. */
export function cursorTime(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/**
 * The (time, id) of a cursor; the time is ISO text for a `$n::timestamptz` parameter.
 * @throws ValidationError (400 at `query.cursor`) for anything we did not issue.
 */
export function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || !ISO_INSTANT.test(at) || Number.isNaN(new Date(at).getTime()) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw new ValidationError('Invalid cursor', [{ path: 'query.cursor', message: 'Invalid cursor' }]);
  }
  return { at, id };
}
