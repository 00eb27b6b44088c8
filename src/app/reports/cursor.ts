import { AppError } from '../errors.ts';

// Opaque keyset cursors: the last row's sort key as base64url JSON. A cursor is either one we
// handed out, checked field by field, or a 400; it never reaches SQL unchecked.

export const CURSOR_ID = /^[1-9][0-9]{0,18}$/;
const INT8_MAX = 9_223_372_036_854_775_807n;

export const isRowId = (value: unknown): value is string => typeof value === 'string' && CURSOR_ID.test(value) && BigInt(value) <= INT8_MAX;

export const encodeCursor = (value: Record<string, string>): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The decoded cursor when `accept` recognises it, else a 400 naming what to send instead. */
export function decodeCursor<T>(text: string, accept: (value: Record<string, unknown>) => T | null): T {
  let found: T | null = null;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) found = accept(value as Record<string, unknown>);
  } catch {
    // Falls through to the error below: a cursor is either ours or invalid.
  }
  if (found === null) throw new AppError('invalid_input', 'The cursor is not valid; pass the nextCursor of a previous page.');
  return found;
}
