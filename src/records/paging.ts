import { z } from 'zod';
import { invalidInput } from '../lib/errors';
import { nameKey } from '../lib/name-key';

/**
 * A whole number in a query string or path, written in decimal digits only. `z.coerce.number()` alone took what
 * Number() takes: `limit=0x10` read as 16, `1e1` as 10, `0b11` as 3 (issue 9). Other text is refused as invalid.
 */
export const decimalInt = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && !/^[0-9]{1,15}$/.test(v) ? Number.NaN : v),
    z.coerce.number({ error: 'must be a whole number in decimal digits' })
      .int({ error: 'must be a whole number in decimal digits' })
      .min(min, { error: `must be between ${min} and ${max}` })
      .max(max, { error: `must be between ${min} and ${max}` }),
  );

/** Common list query: page size and an opaque cursor from the previous page. */
export const pageQuery = {
  limit: decimalInt(1, 200).default(50),
  cursor: z.string().max(500).optional(),
};

/** Encodes the sort position of the last row of a page. */
export const encodeCursor = (values: readonly (string | number)[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

/** Decodes a cursor into `n` sort values; 400 naming `query.cursor` when it is not one of ours. */
export function decodeCursor(cursor: string, n: number): string[] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'string')) return v;
  } catch {
    // fall through
  }
  throw invalidInput('The cursor is not valid; start again from the first page.', [{ path: 'query.cursor', message: 'invalid cursor' }]);
}

/** Lower-cased, accent-free text for sorting and prefix search (the parts joined by a space, see {@link nameKey}). */
export function sortKey(...parts: (string | null | undefined)[]): string {
  return nameKey(parts.filter(Boolean).join(' '));
}

/**
 * The half-open range [from, to) of sort keys that start with `prefix`, for an index-friendly prefix search
 * (sort keys compare byte-wise on both engines).
 */
export function prefixRange(prefix: string): { from: string; to: string } {
  const last = prefix.charCodeAt(prefix.length - 1);
  return { from: prefix, to: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
}
