import type { Ctx } from '../context';
import { forbidden } from '../http/errors';
import { filter, teamFlag, visibleWhere } from '../policy/filter';
import { presentSummary, readRecord } from '../records/guard';
import { decodeCursor, encodeCursor, prefixRange, sortKey } from '../records/paging';
import type { ListPeopleQuery } from './schema';

/** One person as the actor may see them (fields they may not see are listed as restricted). */
export async function getPerson(ctx: Ctx, id: string) {
  const { row, presented } = await readRecord(ctx, 'person', id);
  return { data: presented.data, restricted: presented.restricted, version: Number(row.version) };
}

/** People the actor may see, matching the search: the one filtered base for list and count (3.4). */
function visiblePeople(ctx: Ctx, query: Pick<ListPeopleQuery, 'q' | 'includeArchived'>) {
  const scope = filter(ctx.actor, 'person.read');
  if (scope.kind === 'none' && scope.denial) throw forbidden(scope.denial);
  let q = ctx.db.selectFrom('people').where((eb) => visibleWhere(eb, 'person', scope, ctx.actor));
  if (query.includeArchived !== 'true') q = q.where('people.archived_at', 'is', null);
  if (query.q) {
    const { from, to } = prefixRange(sortKey(query.q));
    q = q.where('people.sort_key', '>=', from).where('people.sort_key', '<', to);
  }
  return q;
}

/**
 * People the actor needs to know about, name-ordered, filtered in SQL by the same rules as a single read.
 * Items carry general fields only; open a person for more.
 */
export async function listPeople(ctx: Ctx, query: ListPeopleQuery) {
  let q = visiblePeople(ctx, query).selectAll('people').select((eb) => teamFlag(eb, 'person', ctx.actor.id));
  if (query.cursor) {
    const [k, id] = decodeCursor(query.cursor, 2);
    q = q.where((eb) => eb.or([eb('people.sort_key', '>', k), eb.and([eb('people.sort_key', '=', k), eb('people.id', '>', id)])]));
  }
  const rows = await q.orderBy('people.sort_key').orderBy('people.id').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => presentSummary(ctx, 'person', r)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.sort_key, last.id]) : null,
  };
}

/** How many people the actor may see (same filter as the list). */
export async function countPeople(ctx: Ctx, query: Pick<ListPeopleQuery, 'q' | 'includeArchived'>) {
  const row = await visiblePeople(ctx, query).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { count: Number(row.n) };
}
