import { expressionBuilder, sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Ctx } from '../context';
import type { Database } from '../db/schema';
import { forbidden } from '../lib/errors';
import { filter, visibleWhere, type Scope } from '../policy/filter';
import { grantKeys, teamFlag } from '../policy/relations';
import { candidateKeys } from '../records/candidates';
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

type PageQuery = Pick<ListPeopleQuery, 'q' | 'includeArchived' | 'cursor' | 'limit'> & Walk;
type NameKey = (typeof NAME_SEARCH_KEYS)[number];

/**
 * Where a page of people is read from, and under which names it keeps a person's list fields:
 * - 'team': the actor's case-team rows, which carry their person's sort key, name-search keys, archived_at and
 *   told_at (kept by triggers, migration 0020), so the actor's people are one index range already in name order
 *   (case_team_list, case_team_given, case_team_preferred, case_team_not_yet_told). Used when the scope is exactly
 *   "on the team, or holding a grant" (3.4), so every team row is visible: a page reads ~50 index entries whatever
 *   the team's size. A person on two of the actor's cases has two rows (hence `distinct`).
 * - 'people': the people table and its own name indexes (0006, 0015, 0016), with the scope's visibility probed
 *   per row — nothing to probe for those who see everyone (managers); for a scope that is not exactly team or
 *   grant (a policy with a condition more), the walk skips the people the actor may not see.
 */
interface Source {
  kind: 'team' | 'people';
  /** Table and alias (the people source keeps the table's own name: the visibility probes refer to it). */
  from: string;
  alias: string;
  cols: Record<'id' | 'archived_at' | 'told_at' | NameKey, string>;
  distinct: boolean;
  /** The source's own condition: the actor's team rows, or the scope's visibility. */
  where: (eb: ExpressionBuilder<Database, never>) => Expression<SqlBool>;
}

const PEOPLE_COLS = { id: 'id', archived_at: 'archived_at', told_at: 'told_at', sort_key: 'sort_key', given_key: 'given_key', preferred_key: 'preferred_key' };
const TEAM_COLS = {
  id: 'person_id', archived_at: 'person_archived_at', told_at: 'person_told_at',
  sort_key: 'person_sort_key', given_key: 'person_given_key', preferred_key: 'person_preferred_key',
};

/** Where the actor's people list is read from: their team rows and grants, or the people table (see {@link Source}). */
export interface ListPlan {
  source: Source;
  /** Ids the actor holds a grant on (3.4), listed beside the team rows; empty when reading the people table. */
  grants: string[];
}

/**
 * Chooses the list's source for this scope (see {@link Source}); the rows are the same either way. `from: 'people'`
 * reads the people table whatever the scope (tests compare the two).
 */
export function listPlan(ctx: Ctx, scope: Scope, from: 'auto' | 'people' = 'auto'): ListPlan {
  const people = (where: Source['where']): ListPlan => ({ source: { kind: 'people', from: 'people', alias: 'people', cols: PEOPLE_COLS, distinct: false, where }, grants: [] });
  if (scope.kind !== 'some') return people((eb) => eb.and([]));
  const cand = candidateKeys(expressionBuilder<Database, 'people'>(), 'person', scope, ctx.actor);
  if (from === 'people' || !cand?.exact || !cand.withTeam) return people((eb) => visibleWhere(eb as never, 'person', scope, ctx.actor, 'probe'));
  const actorId = ctx.actor.id;
  return {
    source: { kind: 'team', from: 'case_team', alias: 'ct', cols: TEAM_COLS, distinct: true, where: (eb) => eb(sql.ref('ct.user_id'), '=', actorId) },
    grants: scope.conjunctions.some((c) => c.includes('grant')) ? grantKeys(ctx.actor, 'person') : [],
  };
}

/** Which source lists people for this actor ('team' rows or the 'people' table), for benchmarks and tests. */
export const listShape = (ctx: Ctx, scope: Scope): Source['kind'] => listPlan(ctx, scope).source.kind;

/** A column of the source's alias. */
const col = (src: Source, c: keyof Source['cols']) => sql.ref<string>(`${src.alias}.${src.cols[c]}`);

/** Not archived (unless asked for); for the worklist, not archived and not yet told (4.1) — as the partial indexes say. */
function statusOf(eb: ExpressionBuilder<Database, never>, src: Source, query: Pick<PageQuery, 'includeArchived' | 'notYetTold'>): Expression<SqlBool> {
  if (query.notYetTold) return eb.and([eb(col(src, 'told_at'), 'is', null), eb(col(src, 'archived_at'), 'is', null)]);
  return query.includeArchived === 'true' ? eb.and([]) : eb(col(src, 'archived_at'), 'is', null);
}

/** Rows after the cursor's (sort_key, id), as one row-value comparison: an index range on both engines. */
function afterCursor(eb: ExpressionBuilder<Database, never>, src: Source, cursor: string | undefined): Expression<SqlBool> {
  if (!cursor) return eb.and([]);
  const [k, id] = decodeCursor(cursor, 2);
  return sql<SqlBool>`(${col(src, 'sort_key')}, ${col(src, 'id')}) > (${k}, ${id})`;
}

/** One name key starts with the term. */
function keyRange(eb: ExpressionBuilder<Database, never>, key: Expression<string>, q: string): Expression<SqlBool> {
  const { from, to } = searchRange(q);
  return eb.and([eb(key, '>=', from), eb(key, '<', to)]);
}

/**
 * The name search as a filter on a walk in name order: any key starts with the term. The given and preferred keys
 * are wrapped in coalesce() so neither engine turns the OR into index ranges: the walk must stay in name order to
 * stop at the page.
 */
function walkNameWhere(eb: ExpressionBuilder<Database, never>, src: Source, q: string): Expression<SqlBool> {
  return eb.or([
    keyRange(eb, col(src, 'sort_key'), q),
    keyRange(eb, sql<string>`coalesce(${col(src, 'given_key')}, '')`, q),
    keyRange(eb, sql<string>`coalesce(${col(src, 'preferred_key')}, '')`, q),
  ]);
}

/** How a source's rows are matched to a search: one key's range, a walk testing all three, or a plain OR (few rows). */
type Match = { key?: NameKey; walk?: boolean; any?: boolean };

/**
 * The source's (id, sort_key) rows the actor may list, after the cursor: with `key`, those whose `key` starts with
 * the search term (one index range); with `walk`, rows any of whose names match, tested as the index is walked in
 * name order; with `any`, the same as one OR.
 */
function sourceRows(ctx: Ctx, src: Source, query: Omit<PageQuery, 'limit'>, match: Match) {
  const b = ctx.db
    .selectFrom(`${src.from} as ${src.alias}` as 'people')
    .select([col(src, 'id').as('id'), col(src, 'sort_key').as('sort_key')])
    .where((eb) => eb.and([
      src.where(eb as never),
      statusOf(eb as never, src, query),
      afterCursor(eb as never, src, query.cursor),
      !query.q ? eb.and([])
        : match.key ? keyRange(eb as never, col(src, match.key), query.q)
          : match.walk ? walkNameWhere(eb as never, src, query.q)
            : match.any ? nameWhere(eb as never, query, src.alias) : eb.and([]),
    ]));
  return src.distinct ? b.distinct() : b;
}

/**
 * At most a page (+1) of the source's rows in name order ({@link sourceRows}): by the sort key, already in name
 * order and stopping at the page; by the given or preferred name, every match in the range read and the first page
 * kept; walking, stopping at the page.
 */
function branch(ctx: Ctx, src: Source, query: PageQuery, match: Match) {
  const b = sourceRows(ctx, src, query, match).orderBy('sort_key').orderBy('id').limit(query.limit + 1);
  return ctx.db.selectFrom(b.as('b')).select(['b.id', 'b.sort_key']);
}

/** The people the actor holds a grant on (3.4): a few ids, read by primary key and filtered like the page. */
const grantSource = (ids: string[]): Source => ({
  kind: 'people', from: 'people', alias: 'people', cols: PEOPLE_COLS, distinct: false, where: (eb) => eb(sql.ref('people.id'), 'in', ids),
});

/**
 * From how many given- or preferred-name matches a search walks its source in name order instead of collecting
 * those matches: the walk reads about page size × source ÷ matches entries and stops, the collection reads and sorts
 * every match (they must be ordered by family name), so the walk pays from about √(page × source) matches. Family-
 * name matches never count: their index range is already in name order and stops at the page. A one-letter search
 * (what search as you type asks first) or a common first name walks.
 *
 * For the people table (someone who sees everyone, 1M people): 5,000.
 */
export const WALK_FROM_MATCHES = 5000;
/**
 * The same for an actor's team rows, a smaller source. Measured on 1M people (bench/out, machine at load ~14 on 2
 * cores, so ratios only), SQLite p50 per page for a 3-letter given name (~2.6 % of the team) and one letter:
 * seeing 100k, 1.3 ms walking from 1,000 matches against 7.1 ms from 5,000 (one letter 1.6 against 4.3); seeing
 * 500k, 1.6 against 2.7 (1.3 against 3.1); PostgreSQL seeing 100k, 3.5 against 6.4 ms. Walking from fewer (1)
 * cost a 500k team 3–5 ms on rare names. The worst case, a term matching ~1,000 of a 500k team, walks ~25k index
 * entries.
 */
export const WALK_FROM_TEAM_MATCHES = 1000;
/**
 * The same for a people-table source whose visibility is probed row by row (a scope not exactly team or grant):
 * the walk also passes over the people the actor may not see, so it pays only from more matches.
 */
export const WALK_FROM_MATCHES_PROBED = 20_000;

/** Whether the term matches at least `atLeast` given or preferred names in the source (counted up to there). */
async function manyNameMatches(ctx: Ctx, src: Source, q: string, atLeast: number): Promise<boolean> {
  const count = (key: NameKey) =>
    ctx.db
      .selectFrom(`${src.from} as ${src.alias}` as 'people')
      .select(col(src, 'id').as('id'))
      .where((eb) => eb.and([src.kind === 'team' ? src.where(eb as never) : eb.and([]), keyRange(eb as never, col(src, key), q)]));
  const row = await ctx.db
    .selectFrom(count('given_key').unionAll(count('preferred_key')).limit(atLeast).as('m'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n) >= atLeast;
}

/**
 * A page of the people the actor may see, name-ordered after the cursor, `limit + 1` rows (the extra one says
 * there is a next page), each with its team flag: from the source {@link listPlan} chooses and the actor's grants,
 * each contributing at most a page in name order, united and cut to the page; then the page's rows by primary
 * key. With a search, the source gives a page of each name key's matches (or, when the given and preferred names
 * match many, one walk in name order testing all three); see {@link branch}. Need to know is exact either way
 * (test/integration/list-shapes.test.ts, test/property/need-to-know.property.test.ts).
 */
export async function pagePeople(ctx: Ctx, scope: Scope, query: PageQuery, opts: { plan?: ListPlan; walkFrom?: number } = {}) {
  const { source, grants } = opts.plan ?? listPlan(ctx, scope);
  const walkFrom = opts.walkFrom ?? (source.kind === 'team' ? WALK_FROM_TEAM_MATCHES : scope.kind === 'some' ? WALK_FROM_MATCHES_PROBED : WALK_FROM_MATCHES);
  const walk = !!query.q && (await manyNameMatches(ctx, source, query.q, walkFrom));
  const branches = !query.q || walk
    ? [branch(ctx, source, query, { walk })]
    : NAME_SEARCH_KEYS.map((key) => branch(ctx, source, query, { key }));
  if (grants.length) branches.push(branch(ctx, grantSource(grants), query, { any: true }));
  const united = branches.slice(1).reduce((u, b) => u.union(b), branches[0]);
  return ctx.db
    .with(
      (w) => w('page').materialized(),
      (db) => db.selectFrom(united.as('u')).select(['u.id', 'u.sort_key']).orderBy('u.sort_key').orderBy('u.id').limit(query.limit + 1),
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
 * People the actor needs to know about, name-ordered, filtered in SQL by the same rules as a single read (3.4).
 * Read from the actor's team rows or the people table (see {@link listPlan}); the rows are the same either way.
 * Items carry general fields only; open a person for more.
 */
export async function listPeople(ctx: Ctx, query: ListPeopleQuery) {
  const scope = peopleScope(ctx);
  const rows = scope.kind === 'none' ? [] : await pagePeople(ctx, scope, query);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  auditList(ctx, 'person', { terms: query.q, results: page.length });
  return {
    items: page.map((r) => presentSummary(ctx, 'person', r)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.sort_key, last.id]) : null,
  };
}

/**
 * How many people the actor may see (same filter as the list); with a search, how many visible people it finds by
 * any of their names. Read from the same source as the list ({@link listPlan}): for team rows, the distinct people
 * of the actor's team rows (with a search, of the three name-key ranges there) and of their grants, so the count
 * costs the team's matches, not every match among all people each probed for membership; otherwise the people table
 * filtered by the scope (the team set built once).
 */
export async function countPeople(ctx: Ctx, query: Pick<ListPeopleQuery, 'q' | 'includeArchived'>) {
  const scope = peopleScope(ctx);
  const plan = scope.kind === 'none' ? null : listPlan(ctx, scope);
  const n = sql<number>`count(*)`.as('n');
  let row: { n: number };
  if (plan?.source.kind === 'team') {
    const sets = query.q ? NAME_SEARCH_KEYS.map((key) => sourceRows(ctx, plan.source, query, { key })) : [sourceRows(ctx, plan.source, query, {})];
    if (plan.grants.length) sets.push(sourceRows(ctx, grantSource(plan.grants), query, { any: true }));
    row = await ctx.db.selectFrom(sets.slice(1).reduce((u, x) => u.union(x), sets[0]).as('m')).select(n).executeTakeFirstOrThrow();
  } else if (query.q) {
    row = await ctx.db.selectFrom(nameMatches(ctx, scope, query).as('m')).select(n).executeTakeFirstOrThrow();
  } else {
    row = await ctx.db.selectFrom('people').where((eb) => eb.and([visibleWhere(eb, 'person', scope, ctx.actor), statusWhere(eb, query)])).select(n).executeTakeFirstOrThrow();
  }
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
  const rows = scope.kind === 'none' ? [] : await pagePeople(ctx, scope, walk);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  auditList(ctx, 'person', { terms: query.q, results: page.length, view: 'not-yet-told' });
  return {
    items: page.map((r) => presentSummary(ctx, 'person', r)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.sort_key, last.id]) : null,
  };
}
