import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../db/schema';
import type { Action } from './actions';
import { RULES_BY_ACTION, decide } from './decide';
import { isWarnOnly } from './modes';
import { classBit, type ActiveGrant, type Actor, type Decision, type RecordType, type Relation } from './types';

/** Which rows of a record type an actor may list: all, none, or those meeting any of some relation conjunctions. */
export type Scope =
  | { kind: 'all' }
  | { kind: 'none'; denial?: Decision }
  | { kind: 'some'; conjunctions: readonly (readonly Relation[])[] };

const GENERAL = classBit('general');

/**
 * Actions a list filter cannot be derived for: a forbid rule that depends on the record (not only on the actor)
 * covers their general fields. SQL scopes express allow relations and actor-level forbids only, so such a rule would
 * make single reads stricter than lists — a leak. No read action may be among them (checked at start-up).
 */
const UNFILTERABLE: ReadonlySet<Action> = new Set(
  [...RULES_BY_ACTION].filter(([, r]) => r.forbid.some((f) => !f.rule.actorLevel && (f.classes === null || (f.classes & GENERAL) !== 0))).map(([a]) => a),
);
for (const a of ['person.read', 'organisation.read', 'case.read', 'note.read', 'attachment.read'] as const) {
  if (UNFILTERABLE.has(a)) throw new Error(`A record-dependent forbid rule covers general fields of ${a}: lists could not apply it`);
}

/**
 * The list filter for `action`, derived from the same rules as {@link decide}: a row is listed when its general
 * fields may be read. Actor-level forbids (policy not accepted) empty the list and carry the denial.
 */
export function filter(actor: Actor, action: Action): Scope {
  if (UNFILTERABLE.has(action)) throw new Error(`No list filter for ${action}: a record-dependent forbid rule covers its general fields`);
  const rules = RULES_BY_ACTION.get(action)!;
  for (const f of rules.forbid) {
    if (!f.rule.actorLevel || isWarnOnly(f.rule.id)) continue;
    if (f.roleMask !== 0 && (f.roleMask & actor.roleMask) === 0) continue;
    if (f.rule.when(actor, {})) return { kind: 'none', denial: decide(actor, action, {}) };
  }
  const conjunctions: Relation[][] = [];
  for (const a of rules.allow) {
    if (a.roleMask !== 0 && (a.roleMask & actor.roleMask) === 0) continue;
    if (typeof a.classes === 'number' && (a.classes & GENERAL) === 0) continue;
    if (a.relations.length === 1 && a.relations[0] === 'any') return { kind: 'all' };
    // A conjunction already listed adds no rows (break-glass/emergency-access and need-to-know/access-grant both
    // list the records the actor holds a grant on).
    if (conjunctions.some((c) => c.length === a.relations.length && c.every((r, i) => r === a.relations[i]))) continue;
    conjunctions.push([...a.relations]);
  }
  return conjunctions.length ? { kind: 'some', conjunctions } : { kind: 'none' };
}

/** How each record type connects to teams, grants and owners in SQL. Table names are used unaliased. */
const SHAPES = {
  person: { key: 'people.id', grantKey: 'personId', owner: null },
  case: { key: 'cases.id', grantKey: 'caseId', owner: null },
  note: { key: 'notes.case_id', grantKey: 'caseId', owner: 'notes.author_id' },
  attachment: { key: 'attachments.case_id', grantKey: 'caseId', owner: 'attachments.uploaded_by' },
  organisation: { key: 'organisations.id', grantKey: 'organisationId', owner: null },
} as const;

type AnyEb = ExpressionBuilder<Database, keyof Database>;

/** The set of record keys (person, case or organisation ids) whose team the actor is on — one definition. */
export function teamSet(eb: AnyEb, type: RecordType, actorId: string) {
  if (type === 'person') {
    // case_team.person_id is the case's person, kept by trigger (migration 0008): one index range, no join.
    return eb.selectFrom('case_team as tm').select(sql<string>`tm.person_id`.as('k')).where('tm.user_id', '=', actorId);
  }
  if (type === 'organisation') {
    return eb.selectFrom('organisation_team as tm').select('tm.organisation_id as k').where('tm.user_id', '=', actorId);
  }
  return eb.selectFrom('case_team as tm').select('tm.case_id as k').where('tm.user_id', '=', actorId);
}

/**
 * "Is the actor on this row's team?" as a per-row probe: a correlated scalar subquery with LIMIT 1, true when it
 * finds a team row. It means exactly `key IN teamSet(...)` (keys are never null), but costs one index seek per row
 * instead of building the actor's whole team set first — what an index-ordered scan that stops after one page, or
 * a single-record read, needs. A scalar subquery rather than EXISTS on purpose: PostgreSQL may turn an EXISTS under
 * OR (or in the select list) into a hashed subplan that builds the entire set (~100k rows for a large team) even
 * when only 50 rows are wanted; it never hashes a scalar subquery.
 */
export function teamProbe(_eb: AnyEb, type: RecordType, actorId: string): Expression<SqlBool> {
  // SQL text, not the builder: it is built for every single-record read, where the builder's work cost more than
  // running the query. Same SQL either way.
  const key = sql.ref(SHAPES[type].key);
  if (type === 'person') {
    return sql<SqlBool>`(select 1 from case_team as tm where tm.person_id = ${key} and tm.user_id = ${actorId} limit 1) is not null`;
  }
  if (type === 'organisation') {
    return sql<SqlBool>`(select 1 from organisation_team as tm where tm.organisation_id = ${key} and tm.user_id = ${actorId} limit 1) is not null`;
  }
  return sql<SqlBool>`(select 1 from case_team as tm where tm.case_id = ${key} and tm.user_id = ${actorId} limit 1) is not null`;
}

/** Keys of records of this type the actor holds an active grant on. */
export function grantKeys(actor: Actor, type: RecordType): string[] {
  const key = SHAPES[type].grantKey;
  const keys: string[] = [];
  for (const g of actor.grants) {
    const v = g[key];
    if (v) keys.push(v);
  }
  return keys;
}

/**
 * Mask of classifications the actor's grants cover for one record (by its person, case or organisation key); with
 * `kind`, only grants of that kind (break-glass uses: the `emergency` fact).
 */
export function grantedMask(actor: Actor, type: RecordType, key: string, kind?: ActiveGrant['kind']): number {
  const prop = SHAPES[type].grantKey;
  let mask = 0;
  for (const g of actor.grants) if (g[prop] === key && (kind === undefined || g.kind === kind)) mask |= g.mask;
  return mask;
}

const TRUE = sql<SqlBool>`1 = 1`;
const FALSE = sql<SqlBool>`1 = 0`;

/**
 * How {@link visibleWhere} tests team membership; both forms select exactly the same rows.
 * - 'set': `key IN (the actor's team set)`: the engine builds the set once; good for counts and exports.
 * - 'probe': {@link teamProbe} per row: good for index-ordered pages (LIMIT) and single rows.
 */
export type TeamForm = 'set' | 'probe';

function relationSql(eb: AnyEb, type: RecordType, relation: Relation, actor: Actor, form: TeamForm): Expression<SqlBool> {
  const shape = SHAPES[type];
  switch (relation) {
    case 'any':
      return TRUE;
    case 'team':
      return form === 'probe' ? teamProbe(eb, type, actor.id) : eb(sql.ref(shape.key), 'in', teamSet(eb, type, actor.id));
    case 'grant': {
      const keys = grantKeys(actor, type);
      return keys.length ? eb(sql.ref(shape.key), 'in', keys) : FALSE;
    }
    case 'self':
      return shape.owner ? eb(sql.ref(shape.owner), '=', actor.id) : FALSE;
  }
}

/**
 * The WHERE condition that keeps only rows the scope allows. Use in every list, search, count and export.
 * `team` picks how membership is tested (same rows either way, see {@link TeamForm}).
 */
export function visibleWhere(eb: AnyEb, type: RecordType, scope: Scope, actor: Actor, team: TeamForm = 'set'): Expression<SqlBool> {
  if (scope.kind === 'all') return TRUE;
  if (scope.kind === 'none') return FALSE;
  return eb.or(scope.conjunctions.map((conj) => eb.and(conj.map((r) => relationSql(eb, type, r, actor, team)))));
}

/**
 * The keys (person, case or organisation ids, as column `k`) that can possibly be visible under a 'some' scope:
 * the actor's team set, plus the keys of their grants; column `on_team` is 1 on rows from the team set, 0 on rows
 * from grants (a key may come from both). When `withTeam` (the team set is among the candidates), a key's largest
 * `on_team` is exactly its team flag, so a list driven from these rows needs no probe for it; otherwise the actor may
 * still be on some candidates' teams (a role whose rules do not use the team) and `on_team` says nothing.
 * A list can be driven from these rows (join) instead of scanning the whole table. `exact` says the candidates are exactly the visible keys (every conjunction is a
 * single team or grant relation); otherwise {@link visibleWhere} must still be applied. Null when some
 * conjunction cannot be driven from teams or grants (e.g. a 'self' relation on notes).
 */
export function candidateKeys(eb: AnyEb, type: RecordType, scope: Scope, actor: Actor) {
  if (scope.kind !== 'some') return null;
  let team = false;
  let grant = false;
  let exact = true;
  for (const conj of scope.conjunctions) {
    if (conj.includes('team')) team = true;
    else if (conj.includes('grant')) grant = true;
    else if (conj.every((r) => r === 'self') && SHAPES[type].owner === null) continue; // always false for this type
    else return null;
    if (conj.length !== 1) exact = false;
  }
  const keys = grant ? grantKeys(actor, type) : [];
  // Grant keys are selected from the record table itself so the union is one subquery on both engines.
  const off = sql<number>`0`.as('on_team');
  const granted = !keys.length
    ? null
    : type === 'person'
      ? eb.selectFrom('people as gk').select(['gk.id as k', off]).where('gk.id', 'in', keys)
      : type === 'organisation'
        ? eb.selectFrom('organisations as gk').select(['gk.id as k', off]).where('gk.id', 'in', keys)
        : eb.selectFrom('cases as gk').select(['gk.id as k', off]).where('gk.id', 'in', keys);
  if (!team) return granted ? { keys: granted, exact, withTeam: false } : { keys: null, exact, withTeam: false };
  const set = eb.selectFrom(teamSet(eb, type, actor.id).as('ts')).select(['ts.k', sql<number>`1`.as('on_team')]);
  return { keys: granted ? set.unionAll(granted) : set, exact, withTeam: true };
}

/**
 * A selectable 0/1 column telling whether the actor is on the record's team, for {@link decide} facts.
 * Uses the per-row {@link teamProbe}: a single-record read or a page of 50 never builds the actor's whole team set.
 */
export function teamFlag(eb: AnyEb, type: RecordType, actorId: string) {
  return sql<number>`case when ${teamProbe(eb, type, actorId)} then 1 else 0 end`.as('_team');
}

/** How many case-team rows the actor has, counted up to `cap` (cheap: an index range of at most `cap` entries). */
export async function teamSizeAtMost(db: Kysely<Database>, actorId: string, cap: number): Promise<number> {
  const row = await db
    .selectFrom((qb) => qb.selectFrom('case_team').select('case_id').where('user_id', '=', actorId).limit(cap).as('t'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The key a record type is scoped by (person id, case id or organisation id) for a row. */
export function scopeKey(type: RecordType, row: Record<string, unknown>): string {
  const column = SHAPES[type].key.split('.')[1];
  return String(row[column]);
}

/** The owner column value of a row, if the type has one. */
export function ownerOf(type: RecordType, row: Record<string, unknown>): string | null {
  const owner = SHAPES[type].owner;
  return owner ? (row[owner.split('.')[1]] as string) : null;
}
