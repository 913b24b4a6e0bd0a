import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

/** Why a CSV file was refused as a whole (a message naming what is wrong, never a cell's value). */
export class TransferError extends Error {}

/** The largest import file accepted. */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;
/** The most data rows one import may hold. */
export const MAX_IMPORT_ROWS = 50_000;

/**
 * Neutralises spreadsheet formula injection: a cell starting with = + - @ tab or carriage return is prefixed with
 * a single quote, so a spreadsheet shows it as text instead of running it.
 */
export function neutralise(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** Renders rows as RFC 4180 CSV (header first, CRLF line ends), every cell neutralised. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | null | undefined)[])[]): string {
  return toCsvRows([header, ...rows]);
}

/**
 * How every CSV the product writes is stringified (people export, disclosure register). 3.7: a cell holding a CR,
 * LF, double quote or comma is quoted and its quotes doubled (RFC 4180), so no text crosses into another row or
 * column. `quote_record_delimiter` must be set: once `record_delimiter` is given, csv-stringify otherwise quotes only
 * cells holding the whole CRLF, and a bare LF in a note ended the row for spreadsheets and line-based readers.
 * Formula escaping is ours ({@link neutralise}), applied before quoting.
 */
const STRINGIFY_OPTIONS = { record_delimiter: '\r\n', quote_record_delimiter: true, escape_formulas: false } as const;

/** Renders rows as RFC 4180 CSV lines (CRLF line ends), every cell neutralised: a page of a longer file. */
export function toCsvRows(rows: readonly (readonly (string | null | undefined)[])[]): string {
  if (rows.length === 0) return '';
  return stringify(rows.map((r) => r.map((c) => (c == null ? '' : neutralise(String(c))))), STRINGIFY_OPTIONS);
}

/** Parses CSV text into a header and records; malformed CSV is a TransferError naming the line. */
export function fromCsv(text: string): { header: string[]; records: string[][] } {
  let all: string[][];
  try {
    all = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: false, skip_empty_lines: true, max_record_size: MAX_IMPORT_BYTES }) as string[][];
  } catch (error) {
    const e = error as { code?: string; lines?: number };
    throw new TransferError(`The file is not valid CSV${e.lines ? ` (near line ${e.lines})` : ''}: ${e.code ?? 'parse error'}.`);
  }
  if (all.length === 0) throw new TransferError('The file is empty: it needs a header row naming the columns.');
  const [header, ...records] = all;
  return { header: header.map((h) => h.trim()), records };
}
