import { expressionBuilder, sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Ctx } from '../context';
import type { Database } from '../db/schema';
import { forbidden } from '../lib/errors';
import { filter, visibleWhere, type Scope } from '../policy/filter';
import { teamFlag } from '../policy/relations';
import { candidateKeys, teamSizeAtMost } from '../records/candidates';
import { presentSummary, openRecord } from '../records/guard';
import { auditList } from '../records/list-audit';
import { decodeCursor, encodeCursor, prefixRange, sortKey } from '../records/paging';
import type { ListPeopleQuery } from './schema';

/** One person as the actor may see them (fields they may not see are listed as restricted). */
export function getPerson(ctx: Ctx, id: string) {
  return openRecord(ctx, 'person', id);
}

/** The scope of person.read for the actor; an actor-level denial (policy not accepted, 3.5) answers 403. */
function peopleScope(ctx: Ctx): Scope {
  const scope = filter(ctx.actor, 'person.read');
  if (scope.kind === 'none' && scope.denial) throw forbidden(scope.denial);
  return scope;
}

type PeopleEb = ExpressionBuilder<Database, 'people'>;

/**
 * Which people a list walks: all of them, or only those not yet told of the policy (4.1), which the worklist reads
 * from its own partial index (people_not_yet_told, migration 0016: told_at and archived_at both null).
 */
type Walk = { notYetTold?: boolean };

/** The search conditions shared by list and count: archived or not, not yet told, and the name prefix. */
function searchWhere(eb: PeopleEb, query: Pick<ListPeopleQuery, 'q' | 'includeArchived'> & Walk): Expression<SqlBool> {
  const terms: Expression<SqlBool>[] = [];
  if (query.includeArchived !== 'true' || query.notYetTold) terms.push(eb('people.archived_at', 'is', null));
  if (query.notYetTold) terms.push(eb('people.told_at', 'is', null));
  terms.push(nameWhere(eb as never, query, 'people'));
  return eb.and(terms);
}

/** The name-prefix condition on `<table>.sort_key` (true without a search). */
function nameWhere(eb: ExpressionBuilder<Database, never>, query: Pick<ListPeopleQuery, 'q'>, table: string): Expression<SqlBool> {
  if (!query.q) return eb.and([]);
  const { from, to } = prefixRange(sortKey(query.q));
  const key = sql.ref<string>(`${table}.sort_key`);
  return eb.and([eb(key, '>=', from), eb(key, '<', to)]);
}

/** Rows after the cursor's (sort_key, id) of `<table>`, in list order (true without a cursor). */
function afterCursor(eb: ExpressionBuilder<Database, never>, cursor: string | undefined, table = 'people'): Expression<SqlBool> {
  if (!cursor) return eb.and([]);
  const [k, id] = decodeCursor(cursor, 2);
  const key = sql.ref<string>(`${table}.sort_key`);
  return eb.or([eb(key, '>', k), eb.and([eb(key, '=', k), eb(sql.ref<string>(`${table}.id`), '>', id)])]);
}

/**
 * Below this many case-team rows a page is found by joining from the actor's team rows (cost grows with the team);
 * from it on, by walking the name index and probing membership row by row (cost grows with
 * people ÷ team). The crossover measured on 1M people is ~5–10k (bench/list.ts); both shapes return the same rows
 * (test/integration/list-shapes.test.ts).
 */
export const DRIVE_FROM_TEAM_BELOW = 4000;

/** Which query shape lists people for this actor: 'team' (driven from team rows) or 'names' (ordered scan). */
export async function listShape(ctx: Ctx, scope: Scope): Promise<'team' | 'names'> {
  if (scope.kind !== 'some') return 'names';
  if (candidateKeys(expressionBuilder<Database, 'people'>(), 'person', scope, ctx.actor) === null) return 'names';
  return (await teamSizeAtMost(ctx.db, ctx.actor.id, DRIVE_FROM_TEAM_BELOW)) < DRIVE_FROM_TEAM_BELOW ? 'team' : 'names';
}

type PageQuery = Pick<ListPeopleQuery, 'q' | 'includeArchived' | 'cursor' | 'limit'> & Walk;

/**
 * The page by walking people in name order (index people_by_sort_key) and keeping the visible rows: a per-row
 * membership probe, so it stops as soon as the page is full. Best for managers (everyone) and large teams.
 *
 * The walk selects only the id and sort key, which the index holds together with `archived_at` (migration 0006),
 * so the rows it passes over are never fetched; the page's rows are then looked up by primary key. An actor who
 * sees 2 % of 1M people walks ~2,300 entries per page: fetching each row cost SQLite ~40 % of the page
 * (~15 → ~9 ms with a name search). The team flag is computed for the page's rows only.
 */
export function pageByNames(ctx: Ctx, scope: Scope, query: PageQuery) {
  return ctx.db
    .with(
      (w) => w('page').materialized(),
      (db) =>
        db
          .selectFrom('people')
          .select(['people.id', 'people.sort_key'])
          .where((eb) => eb.and([visibleWhere(eb, 'person', scope, ctx.actor, 'probe'), searchWhere(eb, query), afterCursor(eb as never, query.cursor)]))
          .orderBy('people.sort_key')
          .orderBy('people.id')
          .limit(query.limit + 1),
    )
    .selectFrom('page')
    .innerJoin('people', 'people.id', 'page.id')
    .selectAll('people')
    .select((eb) => teamFlag(eb as never, 'person', ctx.actor.id))
    .orderBy('page.sort_key')
    .orderBy('page.id')
    .execute();
}

/**
 * The page by starting from the actor's team rows (and grants): the distinct candidate people, then for each one
 * a primary-key lookup of its sort key (null when archived and not asked for, or not visible), then the first page
 * of those by name and search, then the rows. Every step is materialized and the lookup is a scalar subquery on the
 * primary key alone, so neither engine can turn it back into a name-ordered scan or a range scan with membership
 * probes. (With the name prefix inside the lookup, PostgreSQL picked the name index for prefixes it thought rare and
 * scanned the whole prefix range once per team member: ~250 ms.) The cost grows with the team, not with the
 * number of people: the team's people come from one index range (case_team.person_id, migration 0008), then one
 * primary-key lookup of the sort key per person, ~1,000 for 1,000 people. The team flag travels with the
 * candidates (`on_team`) when they include the team set, instead of a probe per page row.
 */
export async function pageFromTeam(ctx: Ctx, scope: Scope, query: PageQuery) {
  const cand = candidateKeys(expressionBuilder<Database, 'people'>(), 'person', scope, ctx.actor);
  if (!cand) throw new Error('pageFromTeam: this scope cannot be driven from team rows');
  if (!cand.keys) return []; // no team and no grants: nothing is visible
  const keys = cand.keys;
  return ctx.db
    .with(
      (w) => w('team').materialized(),
      (db) => db.selectFrom(keys.as('t')).select((eb) => ['t.k', eb.fn.max('t.on_team').as('on_team')]).groupBy('t.k'),
    )
    .with(
      (w) => w('cand').materialized(),
      (db) =>
        db.selectFrom('team').select((eb) => [
          'team.k as id',
          'team.on_team',
          eb
            .selectFrom('people')
            .select('people.sort_key')
            .where((p) =>
              p.and([
                p('people.id', '=', eb.ref('team.k')),
                query.includeArchived === 'true' && !query.notYetTold ? p.and([]) : p('people.archived_at', 'is', null),
                query.notYetTold ? p('people.told_at', 'is', null) : p.and([]),
                cand.exact ? p.and([]) : visibleWhere(p as never, 'person', scope, ctx.actor, 'probe'),
              ]),
            )
            .as('sort_key'),
        ]),
    )
    .with(
      (w) => w('page').materialized(),
      (db) =>
        db
          .selectFrom('cand')
          .select(['cand.id', 'cand.sort_key', 'cand.on_team'])
          .where((eb) =>
            eb.and([
              eb('cand.sort_key', 'is not', null),
              nameWhere(eb as never, query, 'cand'),
              afterCursor(eb as never, query.cursor, 'cand'),
            ]),
          )
          .orderBy('cand.sort_key')
          .orderBy('cand.id')
          .limit(query.limit + 1),
    )
    .selectFrom('page')
    .innerJoin('people', 'people.id', 'page.id')
    .selectAll('people')
    .select((eb) => (cand.withTeam ? sql.ref<number>('page.on_team').as('_team') : teamFlag(eb as never, 'person', ctx.actor.id)))
    .orderBy('page.sort_key')
    .orderBy('page.id')
    .execute();
}

/**
 * People the actor needs to know about, name-ordered, filtered in SQL by the same rules as a single read (3.4).
 * The query shape is chosen per actor (see {@link listShape}); the rows are the same either way.
 * Items carry general fields only; open a person for more.
 */
export async function listPeople(ctx: Ctx, query: ListPeopleQuery) {
  const scope = peopleScope(ctx);
  const rows = scope.kind === 'none' ? [] : (await listShape(ctx, scope)) === 'team' ? await pageFromTeam(ctx, scope, query) : await pageByNames(ctx, scope, query);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  auditList(ctx, 'person', { terms: query.q, results: page.length });
  return {
    items: page.map((r) => presentSummary(ctx, 'person', r)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.sort_key, last.id]) : null,
  };
}

/** How many people the actor may see (same filter as the list; the team set is built once for a count). */
export async function countPeople(ctx: Ctx, query: Pick<ListPeopleQuery, 'q' | 'includeArchived'>) {
  const scope = peopleScope(ctx);
  const row = await ctx.db
    .selectFrom('people')
    .where((eb) => eb.and([visibleWhere(eb, 'person', scope, ctx.actor), searchWhere(eb, query)]))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  auditList(ctx, 'person', { terms: query.q, results: Number(row.n) });
  return { count: Number(row.n) };
}

/**
 * The worklist "people we have not yet told" (4.1): people the actor needs to know about who have no recorded first
 * contact with the notice, not archived, name-ordered and paged like the people list, filtered in SQL by the same
 * rules as a single read (3.4) and by the same query shapes. Audited like the people list, naming the worklist.
 */
export async function listNotYetTold(ctx: Ctx, query: Pick<ListPeopleQuery, 'q' | 'cursor' | 'limit'>) {
  const scope = peopleScope(ctx);
  const walk: PageQuery = { ...query, includeArchived: 'false', notYetTold: true };
  const rows = scope.kind === 'none' ? [] : (await listShape(ctx, scope)) === 'team' ? await pageFromTeam(ctx, scope, walk) : await pageByNames(ctx, scope, walk);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  auditList(ctx, 'person', { terms: query.q, results: page.length, view: 'not-yet-told' });
  return {
    items: page.map((r) => presentSummary(ctx, 'person', r)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.sort_key, last.id]) : null,
  };
}
