import { sql } from 'kysely';
import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import { forbidden, invalidInput } from '../lib/errors';
import { decide } from '../policy/decide';
import { CHARACTERISTICS, CHARACTERISTIC_KEYS, NOT_ANSWERED, categoriesOf, type Characteristic } from './characteristics';
import type { EqualityReportQuery } from './schema';
import { PERIOD_PATTERN } from './schema';
import { ROUNDING_BASE, THRESHOLD, publishTable, type PublishedTable } from './suppress';

const DIMENSIONS = ['none', 'service', 'quarter'] as const;
type Dimension = (typeof DIMENSIONS)[number];

/** The quarters of a period and the moment it closes. */
export function periodQuarters(period: string): { quarters: string[]; closesAt: string } {
  const m = PERIOD_PATTERN.exec(period)!;
  const year = Number(m[1]);
  if (m[2]) {
    const q = Number(m[2]);
    return { quarters: [`${year}-Q${q}`], closesAt: new Date(Date.UTC(year, q * 3, 1)).toISOString() };
  }
  return { quarters: [1, 2, 3, 4].map((q) => `${year}-Q${q}`), closesAt: new Date(Date.UTC(year + 1, 0, 1)).toISOString() };
}

/** The published tables of one characteristic, as stored. */
interface StoredTable extends PublishedTable {
  columns: string[];
}

/** True counts of one characteristic × dimension over the period's quarters (rows: categories, columns: dimension values). */
async function trueCounts(ctx: Ctx, c: Characteristic, by: Dimension, quarters: string[]) {
  const col = sql.ref(`equality_declarations.${CHARACTERISTICS[c].column}`);
  const category = sql<string>`coalesce(${col}, ${NOT_ANSWERED})`;
  const rows = by === 'service'
    ? await ctx.db.selectFrom('equality_declarations').innerJoin('equality_declaration_services as s', 's.person_id', 'equality_declarations.person_id')
      .where('equality_declarations.recorded_quarter', 'in', quarters)
      .select((eb) => [category.as('category'), 's.service as dim', eb.fn.countAll<number>().as('n')]).groupBy([category, 's.service']).execute()
    : await ctx.db.selectFrom('equality_declarations').where('equality_declarations.recorded_quarter', 'in', quarters)
      .select((eb) => [category.as('category'), (by === 'quarter' ? sql<string>`equality_declarations.recorded_quarter` : sql<string>`'all'`).as('dim'), eb.fn.countAll<number>().as('n')])
      .groupBy(by === 'quarter' ? [category, sql`equality_declarations.recorded_quarter`] : [category]).execute();
  const columns = by === 'quarter' ? quarters : by === 'none' ? ['all'] : [...new Set(rows.map((r) => r.dim))].sort();
  const categories = categoriesOf(c);
  const counts = categories.map(() => columns.map(() => 0));
  for (const r of rows) {
    const i = categories.indexOf(r.category);
    const j = columns.indexOf(r.dim);
    if (i >= 0 && j >= 0) counts[i][j] += Number(r.n);
  }
  return { columns, counts };
}

/**
 * The published figures of a closed period, computed once for every characteristic and crossing in one go and
 * stored; later requests read the stored figures. A closed period's answers only change when someone re-records or
 * withdraws, and a stored table never shows that change, so two reports of the same table never differ by one
 * person. Only the published (suppressed, rounded) figures are stored.
 */
async function snapshot(ctx: Ctx, period: string, quarters: string[]): Promise<{ tables: Map<string, StoredTable>; computedAt: string; computedNow: boolean }> {
  const read = async () => {
    const stored = await ctx.db.selectFrom('equality_snapshots').selectAll().where('period', '=', period).execute();
    return { tables: new Map(stored.map((r) => [`${r.characteristic}|${r.dimension}`, JSON.parse(r.figures) as StoredTable])), computedAt: stored[0]?.computed_at ?? ctx.nowIso };
  };
  const existing = await read();
  if (existing.tables.size) return { ...existing, computedNow: false };
  const values = [];
  for (const c of CHARACTERISTIC_KEYS) {
    for (const by of DIMENSIONS) {
      const { columns, counts } = await trueCounts(ctx, c, by, quarters);
      const table: StoredTable = { columns, ...publishTable(counts) };
      values.push({ period, characteristic: c, dimension: by, figures: JSON.stringify(table), computed_at: ctx.nowIso });
    }
  }
  await ctx.db.insertInto('equality_snapshots').values(values).onConflict((oc) => oc.columns(['period', 'characteristic', 'dimension']).doNothing()).execute();
  return { ...(await read()), computedNow: true };
}

/**
 * An equality monitoring report for the senior management team: counts of one characteristic for a closed year or
 * quarter, optionally crossed with the services of the person's cases (a person with cases in two services counts
 * in each) or the quarter of recording — with small numbers suppressed and every figure rounded (src/equality/
 * suppress.ts). Shaped for charts: column labels and one series per category. Audited with the question, never the
 * figures. The open (current) period is refused: its figures would change with each new declaration.
 */
export async function equalityReport(ctx: Ctx, q: EqualityReportQuery) {
  const d = decide(ctx.actor, 'equality.report', { type: 'system' });
  if (!d.allowed) {
    ctx.audit.add(fromDecision('equality.report', d, { resourceType: 'system', resourceId: null }));
    throw forbidden(d);
  }
  const { quarters, closesAt } = periodQuarters(q.period);
  if (closesAt > ctx.nowIso) {
    throw invalidInput('Only closed periods are reported: the figures of an open period would change with each new answer.', [{ path: 'query.period', message: `closes at ${closesAt}` }]);
  }
  const snap = await snapshot(ctx, q.period, quarters);
  const t = snap.tables.get(`${q.characteristic}|${q.by}`)!;
  const categories = categoriesOf(q.characteristic);
  const options = CHARACTERISTICS[q.characteristic];
  ctx.audit.add(fromDecision('equality.report', d, { resourceType: 'system', resourceId: null, detail: { characteristic: q.characteristic, period: q.period, by: q.by, snapshot: snap.computedNow ? 'computed' : 'stored' } }));
  return {
    characteristic: q.characteristic, title: options.label, period: q.period, quarters, by: q.by,
    figuresAsOf: snap.computedAt,
    method: { threshold: THRESHOLD, roundingBase: ROUNDING_BASE, description: `Counts below ${THRESHOLD} (zero included) are shown as "<${THRESHOLD}"; a second cell is suppressed wherever one would be alone in its row or column; totals are shown only beside no suppressed cell; every figure is rounded to the nearest ${ROUNDING_BASE}. Closed periods only, computed once.` },
    labels: t.columns,
    rows: categories.map((category, i) => ({ category, cells: t.cells[i], total: t.rowTotals[i] })),
    columnTotals: t.columnTotals,
    total: t.total,
    series: categories.map((category, i) => ({ label: category, data: t.cells[i].map((f) => f.value) })),
  };
}
