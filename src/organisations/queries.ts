import type { Ctx } from '../context';
import { forbidden } from '../http/errors';
import { filter, teamFlag, visibleWhere } from '../policy/filter';
import { capabilities } from '../records/can';
import { presentSummary, readRecord } from '../records/guard';
import { decodeCursor, encodeCursor, prefixRange, sortKey } from '../records/paging';
import { organisationFields, type ListOrganisationsQuery } from './schema';

/**
 * One organisation as the actor may see it. Its commercial notes are shown only to those who deal with it (its
 * team, 1.4, 2.3); everyone else sees them listed as restricted. A read that shows them is audited.
 */
export async function getOrganisation(ctx: Ctx, id: string) {
  const { row, presented } = await readRecord(ctx, 'organisation', id);
  const can = capabilities(ctx, 'organisation', row, Object.keys(organisationFields), null);
  return { data: presented.data, restricted: presented.restricted, version: Number(row.version), can };
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
  return {
    items: page.map((r) => presentSummary(ctx, 'organisation', r)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.sort_key, last.id]) : null,
  };
}
