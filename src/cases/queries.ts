import type { Ctx } from '../context';
import { forbidden } from '../lib/errors';
import { filter, visibleWhere } from '../policy/filter';
import { teamFlag } from '../policy/relations';
import { findVisible, presentSummary, openRecord } from '../records/guard';
import { auditList } from '../records/list-audit';
import { decodeCursor, encodeCursor } from '../records/paging';
import type { ListCasesQuery } from './schema';

/** Fields of a case its update accepts (PATCH /api/cases/:id). */

/** One case as the actor may see it: fields they may not see are listed as restricted (3.4). */
export function getCase(ctx: Ctx, id: string) {
  return openRecord(ctx, 'case', id);
}

/**
 * The cases of a person that the actor needs to know about, newest first, filtered in SQL by the same rules as a
 * single read: a worker on one of the person's cases does not learn of the others (3.4, 4.2). The person must be
 * visible, else 404. Items carry general fields only.
 */
export async function listCasesOfPerson(ctx: Ctx, personId: string, query: ListCasesQuery) {
  await findVisible(ctx, 'person', personId);
  const scope = filter(ctx.actor, 'case.read');
  if (scope.kind === 'none' && scope.denial) throw forbidden(scope.denial);
  let q = ctx.db
    .selectFrom('cases')
    .selectAll('cases')
    .select((eb) => teamFlag(eb, 'case', ctx.actor.id))
    .where('cases.person_id', '=', personId)
    .where((eb) => visibleWhere(eb, 'case', scope, ctx.actor));
  if (query.includeArchived !== 'true') q = q.where('cases.archived_at', 'is', null);
  if (query.status) q = q.where('cases.status', '=', query.status);
  if (query.cursor) {
    const [id] = decodeCursor(query.cursor, 1);
    q = q.where('cases.id', '<', id);
  }
  const rows = await q.orderBy('cases.id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  auditList(ctx, 'case', { within: { type: 'person', id: personId, subjectPersonId: personId }, results: page.length, rows: page });
  return {
    items: page.map((r) => presentSummary(ctx, 'case', r)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.id]) : null,
  };
}
