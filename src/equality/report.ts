import { enforce } from '../audit/enforce';
import { sql } from 'kysely';
import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import { invalidInput } from '../lib/errors';
import { decide } from '../policy/decide';
import { CHARACTERISTICS, CHARACTERISTIC_KEYS, NOT_ANSWERED, categoriesOf, type Characteristic } from './characteristics';
import type { EqualityReportQuery } from './schema';
import { PERIOD_PATTERN } from './schema';
import { ROUNDING_BASE, THRESHOLD, publishTable, suppressionPattern, type PublishedTable } from './suppress';


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

/** True counts of one table: rows are categories, columns the dimension's values. */
interface Counts {
  columns: string[];
  counts: number[][];
}

/** Dimensions frozen per quarter: none (one column) and the services of the person's cases at declaration. */
const FROZEN = ['none', 'service'] as const;

/** True counts of one characteristic over one quarter, overall or by service, from the declarations as they are now. */
async function countQuarter(ctx: Ctx, c: Characteristic, by: (typeof FROZEN)[number], quarter: string): Promise<Counts> {
  const col = sql.ref(`equality_declarations.${CHARACTERISTICS[c].column}`);
  // A literal, not a parameter: PostgreSQL matches the grouped expression to the selected one only when identical.
  const category = sql<string>`coalesce(${col}, ${sql.lit(NOT_ANSWERED)})`;
  const rows = by === 'service'
    ? await ctx.db.selectFrom('equality_declarations').innerJoin('equality_declaration_services as s', 's.person_id', 'equality_declarations.person_id')
      .where('equality_declarations.recorded_quarter', '=', quarter)
      .select((eb) => [category.as('category'), 's.service as dim', eb.fn.countAll<number>().as('n')]).groupBy([category, 's.service']).execute()
    : (await ctx.db.selectFrom('equality_declarations').where('equality_declarations.recorded_quarter', '=', quarter)
      .select((eb) => [category.as('category'), eb.fn.countAll<number>().as('n')]).groupBy(category).execute()).map((r) => ({ ...r, dim: quarter }));
  const columns = by === 'none' ? [quarter] : [...new Set(rows.map((r) => r.dim))].sort();
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
 * The true counts of a closed quarter, frozen the first time any report needs them and read from then on: later
 * changes to that quarter's answers (a re-recording, a withdrawal) never reach any report, so no two reports ever
 * differ by one person's change. Only aggregate counts are kept, server-side; the API publishes them only through
 * suppression and rounding. Returns the tables by "characteristic|dimension", and whether they were frozen now.
 */
async function frozenQuarter(ctx: Ctx, quarter: string): Promise<{ tables: Map<string, Counts>; frozenNow: boolean }> {
  const read = async () => new Map((await ctx.db.selectFrom('equality_snapshots').selectAll().where('period', '=', quarter).execute())
    .map((r) => [`${r.characteristic}|${r.dimension}`, JSON.parse(r.figures) as Counts]));
  const existing = await read();
  if (existing.size) return { tables: existing, frozenNow: false };
  const values = [];
  for (const c of CHARACTERISTIC_KEYS) {
    for (const by of FROZEN) values.push({ period: quarter, characteristic: c, dimension: by, figures: JSON.stringify(await countQuarter(ctx, c, by, quarter)), computed_at: ctx.nowIso });
  }
  await ctx.db.insertInto('equality_snapshots').values(values).onConflict((oc) => oc.columns(['period', 'characteristic', 'dimension']).doNothing()).execute();
  return { tables: await read(), frozenNow: true };
}

/**
 * The published table a question gets. A quarter: its own counts, overall or by service. A year: the four quarters
 * side by side (by=quarter); its overall figures (by=none) are that table's row totals, so they show only where every
 * quarter's figure shows — a year never reveals what its quarters hide (a quarter holding one person cannot be
 * recovered as year minus the other quarters). Crossing a year by service is refused: use each quarter.
 */
async function tableFor(ctx: Ctx, q: EqualityReportQuery, quarters: string[]) {
  const frozen = [];
  for (const quarter of quarters) frozen.push(await frozenQuarter(ctx, quarter));
  const frozenNow = frozen.filter((f) => f.frozenNow).length;
  if (quarters.length === 1) {
    const t = frozen[0].tables.get(`${q.characteristic}|${q.by === 'service' ? 'service' : 'none'}`)!;
    return { columns: t.columns, published: publishTable(t.counts), frozenNow };
  }
  const year = publishYear(frozen.map((f) => f.tables.get(`${q.characteristic}|none`)!.counts.map((row) => row[0])));
  return q.by === 'quarter' ? { columns: quarters, published: year.byQuarter, frozenNow } : { columns: [q.period], published: year.overall, frozenNow };
}

/**
 * A year from its quarters' counts (one array of category counts per quarter): the quarters side by side, and the
 * year's overall figures as that table's row totals — hidden wherever any quarter's cell in the row is.
 */
export function publishYear(quarterCounts: readonly (readonly number[])[]): { byQuarter: PublishedTable; overall: PublishedTable } {
  const counts = quarterCounts[0].map((_, i) => quarterCounts.map((q) => q[i]));
  // Each quarter's own suppression, as its own report shows it, is where the year starts.
  const own = quarterCounts.map((q) => suppressionPattern(q.map((c) => [c])).map((row) => row[0]));
  const byQuarter = publishTable(counts, counts.map((_, i) => own.map((q) => q[i])));
  return {
    byQuarter,
    overall: { cells: byQuarter.rowTotals.map((f) => [f]), rowTotals: byQuarter.rowTotals, columnTotals: [byQuarter.total], total: byQuarter.total },
  };
}

/**
 * An equality monitoring report for the senior management team: counts of one characteristic for a closed year or
 * quarter, optionally crossed with the services of the person's cases (a person with cases in two services counts
 * in each) or the quarter of recording — with small numbers suppressed and every figure rounded (src/equality/
 * suppress.ts). Shaped for charts: column labels and one series per category. Audited with the question, never the
 * figures. The open (current) period is refused: its figures would change with each new declaration.
 */
export async function equalityReport(ctx: Ctx, q: EqualityReportQuery) {
  const d = enforce(ctx, 'equality.report', decide(ctx.actor, 'equality.report', { type: 'system' }), { resourceType: 'system', resourceId: null });
  const { quarters, closesAt } = periodQuarters(q.period);
  if (closesAt > ctx.nowIso) {
    throw invalidInput('Only closed periods are reported: the figures of an open period would change with each new answer.', [{ path: 'query.period', message: `closes at ${closesAt}` }]);
  }
  if (quarters.length > 1 && q.by === 'service') {
    throw invalidInput('Cross a single quarter by service: a year by service could reveal what its quarters hide.', [{ path: 'query.by', message: 'service needs a quarter period' }]);
  }
  const { columns, published: t, frozenNow } = await tableFor(ctx, q, quarters);
  const categories = categoriesOf(q.characteristic);
  const options = CHARACTERISTICS[q.characteristic];
  ctx.audit.add(fromDecision('equality.report', d, { resourceType: 'system', resourceId: null, detail: { characteristic: q.characteristic, period: q.period, by: q.by, quartersFrozenNow: frozenNow } }));
  return {
    characteristic: q.characteristic, title: options.label, period: q.period, quarters, by: q.by,
    method: { threshold: THRESHOLD, roundingBase: ROUNDING_BASE, description: `Counts below ${THRESHOLD} (zero included) are shown as "<${THRESHOLD}"; a second cell is suppressed wherever one would be alone in its row or column; totals are shown only beside no suppressed cell; every figure is rounded to the nearest ${ROUNDING_BASE}. Closed periods only; each quarter's counts are frozen when first reported, and a year shows only what all its quarters show.` },
    labels: columns,
    rows: categories.map((category, i) => ({ category, cells: t.cells[i], total: t.rowTotals[i] })),
    columnTotals: t.columnTotals,
    total: t.total,
    series: categories.map((category, i) => ({ label: category, data: t.cells[i].map((f) => f.value) })),
  };
}
