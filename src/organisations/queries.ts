import type { Ctx } from '../context';
import { forbidden } from '../lib/errors';
import { filter, visibleWhere } from '../policy/filter';
import { teamFlag } from '../policy/relations';
import { presentSummary, openRecord } from '../records/guard';
import { auditList } from '../records/list-audit';
import { decodeCursor, encodeCursor, prefixRange, sortKey } from '../records/paging';
import type { ListOrganisationsQuery } from './schema';

/**
 * One organisation as the actor may see it. Its commercial notes are shown only to those who deal with it (its
 * team, 1.4, 2.3); everyone else sees them listed as restricted. A read that shows them is audited.
 */
export function getOrganisation(ctx: Ctx, id: string) {
  return openRecord(ctx, 'organisation', id);
}

/** The organisations the actor may see, name-ordered, filtered in SQL by the same rules as a single read. */
export async function listOrganisations(ctx: Ctx, query: ListOrganisationsQuery) {
  const scope = filter(ctx.actor, 'organisation.read');
  if (scope.kind === 'none' && scope.denial) throw forbidden(scope.denial);
  let q = ctx.db
    .selectFrom('organisations')
    .selectAll('organisations')
    .select((eb) => teamFlag(eb, 'organisation', ctx.actor.id))
    .where((eb) => visibleWhere(eb, 'organisation', scope, ctx.actor));
  if (query.includeArchived !== 'true') q = q.where('organisations.archived_at', 'is', null);
  if (query.kind) q = q.where('organisations.kind', '=', query.kind);
  if (query.q) {
    const { from, to } = prefixRange(sortKey(query.q));
    q = q.where('organisations.sort_key', '>=', from).where('organisations.sort_key', '<', to);
  }
  if (query.cursor) {
    const [k, id] = decodeCursor(query.cursor, 2);
    q = q.where((eb) => eb.or([eb('organisations.sort_key', '>', k), eb.and([eb('organisations.sort_key', '=', k), eb('organisations.id', '>', id)])]));
  }
  const rows = await q.orderBy('organisations.sort_key').orderBy('organisations.id').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  auditList(ctx, 'organisation', { terms: query.q, results: page.length });
  return {
    items: page.map((r) => presentSummary(ctx, 'organisation', r)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.sort_key, last.id]) : null,
  };
}
