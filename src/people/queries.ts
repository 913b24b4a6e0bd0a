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

/** Not archived (unless archived people were asked for); for the worklist, not archived and not yet told (4.1). */
function statusWhere(eb: PeopleEb, query: Pick<ListPeopleQuery, 'includeArchived'> & Walk): Expression<SqlBool> {
  if (query.notYetTold) return eb.and([eb('people.archived_at', 'is', null), eb('people.told_at', 'is', null)]);
  return query.includeArchived === 'true' ? eb.and([]) : eb('people.archived_at', 'is', null);
}

/**
 * The keys a name search matches the start of (issue 13): the sort key ("family given", so the family name, or the
 * family name and the start of the given name), the given name's key and the preferred name's key — each lower
 * case without accents (src/lib/name-key.ts), each with its own index (migrations 0006 and 0015).
 */
export const NAME_SEARCH_KEYS = ['sort_key', 'given_key', 'preferred_key'] as const;

/** The half-open key range a search term covers. */
const searchRange = (q: string) => prefixRange(sortKey(q));

/** `<table>.<key>` starts with the search term, for one of the name keys (true without a search). */
function nameWhere(eb: ExpressionBuilder<Database, never>, query: Pick<ListPeopleQuery, 'q'>, table: string): Expression<SqlBool> {
  if (!query.q) return eb.and([]);
  const { from, to } = searchRange(query.q);
  return eb.or(NAME_SEARCH_KEYS.map((k) => {
    const key = sql.ref<string>(`${table}.${k}`);
    return eb.and([eb(key, '>=', from), eb(key, '<', to)]);
  }));
}

/**
 * The people a name search finds that the actor may see, as (id, sort_key): one index range per name key, each
 * filtered by need to know in SQL (the same rules as a single read, 3.4), then united. A UNION of three range scans
 * rather than one OR, so each engine reads three index ranges instead of walking the whole name index (an OR over
 * three columns is not one range). Each index holds the sort key, so the matches need no row lookups.
 */
function nameMatches(ctx: Ctx, scope: Scope, query: Pick<ListPeopleQuery, 'q' | 'includeArchived'> & Walk) {
  const { from, to } = searchRange(query.q!);
  const branch = (key: (typeof NAME_SEARCH_KEYS)[number]) =>
    ctx.db
      .selectFrom('people')
      .select(['people.id', 'people.sort_key'])
      .where((eb) => eb.and([
        eb(`people.${key}`, '>=', from), eb(`people.${key}`, '<', to),
        statusWhere(eb, query),
        visibleWhere(eb, 'person', scope, ctx.actor, 'probe'),
      ]));
  return branch('sort_key').union(branch('given_key')).union(branch('preferred_key'));
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
export async function pageByNames(ctx: Ctx, scope: Scope, query: PageQuery, walkFrom = scope.kind === 'all' ? WALK_FROM_MATCHES : WALK_FROM_MATCHES_SOME) {
  if (query.q && !(await manyNameMatches(ctx, query.q, walkFrom))) return pageOfMatches(ctx, scope, query);
  return ctx.db
    .with(
      (w) => w('page').materialized(),
      (db) =>
        db
          .selectFrom('people')
          .select(['people.id', 'people.sort_key'])
          .where((eb) => eb.and([
            visibleWhere(eb, 'person', scope, ctx.actor, 'probe'), statusWhere(eb, query), walkNameWhere(eb, query), afterCursor(eb as never, query.cursor),
          ]))
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
 * From how many name matches a search by someone who sees everyone walks the name index instead of collecting the
 * matches: the walk reads about page size × people ÷ matches entries and stops, the collection reads every match
 * (they must be ordered by family name), so past ~√(50 × 1M) ≈ 7k matches of 1M the walk is cheaper — a one-letter
 * search ("a": ~20 % of people, what search as you type asks first) or a common first name.
 */
export const WALK_FROM_MATCHES = 5000;
/**
 * The same for an actor who sees some people (a team too large to drive from, see {@link listShape}): the walk also
 * passes over the people they may not see, so it pays only from more matches. Measured on 300k people (bench/list.ts,
 * one-letter search, on a heavily loaded machine so ratios only): seeing 10 %, walking 57 ms a page against 81 ms
 * collecting; seeing 2 %, about even. Not yet measured at 1M.
 */
export const WALK_FROM_MATCHES_SOME = 20_000;

/** Whether a search term matches at least `atLeast` names (counted on the three name indexes, up to there). */
async function manyNameMatches(ctx: Ctx, q: string, atLeast: number): Promise<boolean> {
  const { from, to } = searchRange(q);
  const branch = (key: (typeof NAME_SEARCH_KEYS)[number]) =>
    ctx.db.selectFrom('people').select('people.id').where(`people.${key}`, '>=', from).where(`people.${key}`, '<', to);
  const row = await ctx.db
    .selectFrom(branch('sort_key').unionAll(branch('given_key')).unionAll(branch('preferred_key')).limit(atLeast).as('m'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n) >= atLeast;
}

/**
 * The name search as a filter on a walk of the sort-key index (true without a search). The given and preferred keys
 * are wrapped in coalesce() so neither engine turns the OR into index ranges: the walk must stay in name order to
 * stop at the page.
 */
function walkNameWhere(eb: PeopleEb, query: Pick<ListPeopleQuery, 'q'>): Expression<SqlBool> {
  if (!query.q) return eb.and([]);
  const { from, to } = searchRange(query.q);
  const range = (key: Expression<string>) => eb.and([eb(key, '>=', from), eb(key, '<', to)]);
  return eb.or([
    range(sql.ref<string>('people.sort_key')),
    range(sql<string>`coalesce(${sql.ref('people.given_key')}, '')`),
    range(sql<string>`coalesce(${sql.ref('people.preferred_key')}, '')`),
  ]);
}

/**
 * A page of a name search for actors not driven from their team (managers, large teams): the visible matches of
 * the three name keys ({@link nameMatches}), ordered by name and cut to the page, then the page's rows by primary
 * key. Its cost grows with the number of matches, not of people: walking the sort-key index for a given-name prefix
 * would read the whole index for a rare one.
 */
function pageOfMatches(ctx: Ctx, scope: Scope, query: PageQuery) {
  return ctx.db
    .with((w) => w('matches').materialized(), () => nameMatches(ctx, scope, query))
    .with(
      (w) => w('page').materialized(),
      (db) =>
        db
          .selectFrom('matches')
          .select(['matches.id', 'matches.sort_key'])
          .where((eb) => afterCursor(eb as never, query.cursor, 'matches'))
          .orderBy('matches.sort_key')
          .orderBy('matches.id')
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
            // With a search, the sort key only when a name matches (null otherwise): the test is in the select list,
            // not the WHERE, so the lookup stays on the primary key (see above) and reads each candidate once.
            .select((p) => (query.q ? p.case().when(nameWhere(p as never, query, 'people')).then(p.ref('people.sort_key')).end() : p.ref('people.sort_key')).as('sort_key'))
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

/**
 * How many people the actor may see (same filter as the list; the team set is built once for a count); with a
 * search, how many visible people it finds by any of their names.
 */
export async function countPeople(ctx: Ctx, query: Pick<ListPeopleQuery, 'q' | 'includeArchived'>) {
  const scope = peopleScope(ctx);
  const row = query.q
    ? await ctx.db
      .selectFrom(nameMatches(ctx, scope, query).as('m'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    : await ctx.db
      .selectFrom('people')
      .where((eb) => eb.and([visibleWhere(eb, 'person', scope, ctx.actor), statusWhere(eb, query)]))
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
