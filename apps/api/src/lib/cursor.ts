import { ValidationError } from '../http/errors';

/**
 * Opaque cursors for "newest first" lists: the (time, id) of the last row seen, so the next page
 * starts strictly after it even when several rows share a timestamp.
 */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

/** @throws ValidationError (400 at `query.cursor`) for anything we did not issue. */
export function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(at ?? '');
  if (!id || Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw new ValidationError('Invalid cursor', [{ path: 'query.cursor', message: 'Invalid cursor' }]);
  }
  return { at: date, id };
}
