/**
 * Small-number suppression for equality monitoring tables (counts of people, special-category data).
 *
 * The method, and why (each step is tested by trying to recover a small count, test/unit/equality-suppression.test.ts):
 * 1. Primary suppression: every cell counting fewer than 5 people — zero included, so "none" cannot be told from
 *    "one" — is shown as "<5".
 * 2. Complementary suppression: a row or column with exactly one suppressed cell gets a second one (its smallest
 *    other cell, shown as "suppressed"), repeated until no line has a lone suppressed cell, so no hidden cell is a
 *    line total minus the others.
 * 3. Totals are never published beside a suppressed cell: a row or column total is shown only when no cell of its
 *    line is suppressed, the grand total only when no cell of the table is.
 * 4. Every published figure, cells and totals, is rounded to the nearest 5. Another table of the same population
 *    (the gender table's total equals the ethnicity table's) or a crossing (by service) of the same cells then
 *    differs by the rounding, up to ±2 per figure, so subtracting one from the other never pins down a small cell.
 * Differencing over time and filters is closed off where the figures are made (src/equality/report.ts):
 * - only fixed, closed periods are reported (calendar quarters and years; never the open quarter, never a free date
 *   range or free filter), and declarations count in the quarter they were first recorded, never moved;
 * - a closed quarter's counts are frozen the first time any report needs them, so a later re-recording or withdrawal
 *   never changes any report: no two reports differ by one person's change;
 * - quarters are disjoint; a year is published as its quarters side by side — starting from each quarter's own
 *   suppression, so it hides at least what they hide — and its overall figures are that table's row totals, shown
 *   only where every quarter's figure shows, so year minus quarters recovers nothing;
 * - crossings are fixed (service, frozen at declaration; quarter) and a service holding one person shows only "<5".
 * The price, accepted: a small organisation sees many figures suppressed, annual ones especially.
 */

/** Counts at or below this are hidden (threshold: fewer than 5). */
export const THRESHOLD = 5;
/** Published figures are rounded to a multiple of this. */
export const ROUNDING_BASE = 5;

/** A published figure: a rounded number, or hidden with the reason. */
export interface Figure {
  value: number | null;
  display: string;
  suppressed: null | 'small' | 'complementary' | 'total';
}

const shown = (n: number): Figure => {
  const value = Math.round(n / ROUNDING_BASE) * ROUNDING_BASE;
  return { value, display: String(value), suppressed: null };
};
const SMALL: Figure = { value: null, display: `<${THRESHOLD}`, suppressed: 'small' };
const COMPLEMENTARY: Figure = { value: null, display: 'suppressed', suppressed: 'complementary' };
const TOTAL_HIDDEN: Figure = { value: null, display: 'suppressed', suppressed: 'total' };

/** The published form of a table of true counts, rows × columns. */
export interface PublishedTable {
  cells: Figure[][];
  rowTotals: Figure[];
  columnTotals: Figure[];
  total: Figure;
}

/** Why a cell is hidden, or null when it is shown. */
export type Hidden = null | 'small' | 'complementary';

/**
 * Which cells to hide: primary (small) and complementary, as a matrix of reasons. `seed` marks cells already hidden
 * elsewhere (a quarter's own table, when its quarters are laid side by side for a year), so linked tables hide the
 * same cells and one never shows what another hides.
 */
export function suppressionPattern(counts: readonly (readonly number[])[], seed?: readonly (readonly Hidden[])[]): Hidden[][] {
  const pattern: Hidden[][] = counts.map((row, i) => row.map((c, j) => (c < THRESHOLD ? 'small' : seed?.[i]?.[j] ?? null)));
  const rows = counts.length;
  const cols = counts[0]?.length ?? 0;
  const lines: [number, number][][] = [];
  if (cols > 1) for (let i = 0; i < rows; i++) lines.push(Array.from({ length: cols }, (_, j) => [i, j]));
  if (rows > 1) for (let j = 0; j < cols; j++) lines.push(Array.from({ length: rows }, (_, i) => [i, j]));
  let changed = true;
  while (changed) {
    changed = false;
    for (const line of lines) {
      const hidden = line.filter(([i, j]) => pattern[i][j] !== null);
      if (hidden.length !== 1) continue;
      const open = line.filter(([i, j]) => pattern[i][j] === null).sort(([a, b], [c, d]) => counts[a][b] - counts[c][d]);
      if (!open.length) continue;
      const [i, j] = open[0];
      pattern[i][j] = 'complementary';
      changed = true;
    }
  }
  return pattern;
}

/** Publishes a table of true counts: suppression (from `seed` on), then totals only beside no hidden cell, then rounding. */
export function publishTable(counts: readonly (readonly number[])[], seed?: readonly (readonly Hidden[])[]): PublishedTable {
  const pattern = suppressionPattern(counts, seed);
  const cells = counts.map((row, i) => row.map((c, j) => (pattern[i][j] === 'small' ? SMALL : pattern[i][j] === 'complementary' ? COMPLEMENTARY : shown(c))));
  const cols = counts[0]?.length ?? 0;
  const rowTotals = counts.map((row, i) => (pattern[i].some((p) => p !== null) ? TOTAL_HIDDEN : shown(row.reduce((s, c) => s + c, 0))));
  const columnTotals = Array.from({ length: cols }, (_, j) =>
    (pattern.some((row) => row[j] !== null) ? TOTAL_HIDDEN : shown(counts.reduce((s, row) => s + row[j], 0))));
  const any = pattern.some((row) => row.some((p) => p !== null));
  const total = any ? TOTAL_HIDDEN : shown(counts.reduce((s, row) => s + row.reduce((a, c) => a + c, 0), 0));
  return { cells, rowTotals, columnTotals, total };
}
