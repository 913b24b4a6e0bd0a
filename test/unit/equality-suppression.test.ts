import { describe, expect, it } from 'vitest';
import { publishYear } from '../../src/equality/report';
import { publishTable, suppressionPattern, type Figure, type PublishedTable } from '../../src/equality/suppress';

const UPPER = 30;

/** The true values a published cell allows on its own: 0–4 when small, ≥5 when hidden otherwise, ±2 of a shown figure. */
function candidates(f: Figure): number[] {
  if (f.suppressed === 'small') return [0, 1, 2, 3, 4];
  if (f.suppressed) return Array.from({ length: UPPER - 4 }, (_, i) => i + 5);
  return [-2, -1, 0, 1, 2].map((d) => f.value! + d).filter((v) => v >= 5);
}
const fits = (f: Figure, sum: number) => f.value === null || Math.round(sum / 5) * 5 === f.value;

/**
 * An attacker who knows the method: every table of true counts consistent with everything published — the cells,
 * the totals, and any extra totals learnt elsewhere (another table of the same population) — by brute force.
 * Returns the values the target cell can still take.
 */
function recover(t: PublishedTable, target: [number, number], extraTotals: { rows?: (number | null)[]; grand?: number | null } = {}): Set<number> {
  const cells = t.cells.flatMap((row, i) => row.map((f, j) => ({ i, j, options: candidates(f) })));
  const cols = t.cells[0].length;
  const found = new Set<number>();
  const values = t.cells.map((row) => row.map(() => 0));
  const rowFits = (i: number) => {
    const s = values[i].reduce((a, b) => a + b, 0);
    const extra = extraTotals.rows?.[i];
    return fits(t.rowTotals[i], s) && (extra == null || Math.round(s / 5) * 5 === extra);
  };
  const consistent = () => {
    for (let j = 0; j < cols; j++) if (!fits(t.columnTotals[j], values.reduce((a, r) => a + r[j], 0))) return false;
    const grand = values.flat().reduce((a, b) => a + b, 0);
    if (!fits(t.total, grand)) return false;
    if (extraTotals.grand != null && Math.round(grand / 5) * 5 !== extraTotals.grand) return false;
    return true;
  };
  const walk = (k: number) => {
    if (k === cells.length) {
      if (consistent()) found.add(values[target[0]][target[1]]);
      return;
    }
    for (const v of cells[k].options) {
      values[cells[k].i][cells[k].j] = v;
      if (cells[k].j === cols - 1 && !rowFits(cells[k].i)) continue; // a finished row must fit its totals
      walk(k + 1);
    }
  };
  walk(0);
  return found;
}

const column = (...counts: number[]) => counts.map((c) => [c]);

describe('equality monitoring: small-number suppression (equality-and-diversity)', () => {
  it('equality-monitoring: counts below 5 (zero included) show as "<5", others are rounded to 5, and no total is shown beside a suppressed cell', () => {
    const t = publishTable(column(3, 0, 12, 22));
    expect(t.cells.map((r) => r[0].display)).toEqual(['<5', '<5', '10', '20']);
    expect(t.total).toMatchObject({ value: null, suppressed: 'total' });
    const clean = publishTable(column(7, 12, 23));
    expect(clean.cells.map((r) => r[0].value)).toEqual([5, 10, 25]);
    expect(clean.total).toMatchObject({ value: 40, display: '40', suppressed: null });
  });

  it('equality-monitoring: a lone small cell gets a complementary suppression, so neither the total nor the others give it away', () => {
    const t = publishTable(column(3, 10, 22));
    expect(t.cells.map((r) => r[0].suppressed)).toEqual(['small', 'complementary', null]);
    expect(t.cells[1][0].display).toBe('suppressed');
    // Even with the exact-population total from another table (gender's total = ethnicity's, rounded), the small cell stays ambiguous.
    const possible = recover(t, [0, 0], { grand: 35 });
    expect(possible.size).toBeGreaterThan(1);
    expect([...possible].some((v) => v === 0) && [...possible].some((v) => v >= 1)).toBe(true);
  });

  it('equality-monitoring: in a crossing (category × service) every row and column with a suppressed cell has at least two, and totals beside them are hidden', () => {
    const counts = [
      [1, 12, 9],
      [8, 15, 30],
      [6, 7, 20],
    ];
    const pattern = suppressionPattern(counts);
    for (const line of [...pattern, ...pattern[0].map((_, j) => pattern.map((r) => r[j]))]) {
      const hidden = line.filter((p) => p !== null).length;
      expect(hidden === 0 || hidden >= 2).toBe(true);
    }
    const t = publishTable(counts);
    expect(t.total.value).toBeNull();
    expect(t.rowTotals[0].value).toBeNull();
    expect(t.columnTotals[0].value).toBeNull();
    // The attacker knows the method, every shown figure and the row totals of the one-dimensional table (rounded).
    const rowTotals = counts.map((r) => Math.round(r.reduce((a, b) => a + b, 0) / 5) * 5);
    const possible = recover(t, [0, 0], { rows: rowTotals });
    expect(possible.size).toBeGreaterThan(1);
  });

  it('equality-monitoring: a filter that isolates one person shows nothing about them — every cell "<5", no totals', () => {
    const t = publishTable(column(0, 1, 0, 0, 0, 0, 0));
    expect(t.cells.every((r) => r[0].display === '<5')).toBe(true);
    expect(t.total.value).toBeNull();
    expect(recover(t, [1, 0]).size).toBe(5);
  });

  it('equality-monitoring: one person apart, a change inside a small cell is invisible, but a change across a rounding boundary shows — so the same table is never published twice from changing data (closed quarters are frozen, see test/integration/equality.test.ts)', () => {
    expect(publishTable(column(4, 10, 22, 9))).toEqual(publishTable(column(3, 10, 22, 9)));
    // 12 → 13 crosses 12.5: rounding alone cannot hide one person's change; freezing each closed quarter does.
    expect(publishTable(column(3, 13, 22, 9)).cells[1][0].value).not.toBe(publishTable(column(3, 12, 22, 9)).cells[1][0].value);
  });

  it('equality-monitoring: a year never shows a figure from which a quarter\'s hidden cell could be recovered — over 2,000 generated years, every cell hidden in a quarter\'s own table is hidden beside the other quarters, and every category hidden in any quarter is hidden in the year', () => {
    let seed = 12;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let k = 0; k < 2000; k++) {
      const quarters = Array.from({ length: 4 }, () => Array.from({ length: 6 }, () => (rand() < 0.3 ? Math.floor(rand() * 5) : Math.floor(rand() * 40))));
      const { overall, byQuarter } = publishYear(quarters);
      for (let i = 0; i < 6; i++) {
        const own = quarters.map((q) => publishTable(q.map((c) => [c])).cells[i][0]);
        own.forEach((f, j) => { if (f.value === null) expect(byQuarter.cells[i][j].value, `year ${k} category ${i} quarter ${j}`).toBeNull(); });
        const hiddenInAQuarter = own.some((f) => f.value === null);
        if (hiddenInAQuarter) expect(overall.cells[i][0].value, `year ${k} category ${i}`).toBeNull();
      }
      if (overall.cells.some((r) => r[0].value === null)) expect(overall.total.value).toBeNull();
    }
  });
});
