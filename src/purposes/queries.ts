import type { Ctx } from '../context';
import { decodeCursor, encodeCursor } from '../records/paging';
import { allows } from '../policy/decide';
import { openCasesHeldFor } from './cases-held';
import { loadPurpose } from './commands';
import { presentPurpose } from './record';
import type { ListPurposesQuery } from './schema';

/**
 * One purpose of the register (everyone working here may read it: it is not confidential). Those who decide what
 * a purpose covers — a guardian who may retire it, a manager who moves cases between purposes — also read how many
 * open cases are held for it (2.1), which a retirement leaves taking nothing new.
 */
export async function getPurpose(ctx: Ctx, id: string) {
  const presented = presentPurpose(await loadPurpose(ctx, id), ctx.nowIso);
  const decides = allows(ctx.actor, 'purpose.retire', { type: 'purpose', id }) || allows(ctx.actor, 'purpose.assign', { type: 'purpose', id });
  if (!decides) return presented;
  return { ...presented, data: { ...presented.data, openCases: await openCasesHeldFor(ctx.db, id) } };
}

/**
 * The register, by name, optionally by status: `review_due` lists the active purposes whose review date has
 * passed (3.1: continuing uses regularly reviewed), the guardian's worklist; `active` those still in force.
 */
export async function listPurposes(ctx: Ctx, query: ListPurposesQuery) {
  const today = ctx.nowIso.slice(0, 10);
  let q = ctx.db.selectFrom('purposes').selectAll();
  if (query.status === 'review_due') q = q.where('status', '=', 'active').where('next_review_on', '<', today);
  else if (query.status === 'active') q = q.where('status', '=', 'active').where('next_review_on', '>=', today);
  else if (query.status) q = q.where('status', '=', query.status);
  if (query.cursor) {
    const [name, id] = decodeCursor(query.cursor, 2);
    q = q.where((eb) => eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('id', '>', id)])]));
  }
  const rows = await q.orderBy('name').orderBy('id').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => presentPurpose(r, ctx.nowIso).data),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.name, last.id]) : null,
  };
}
