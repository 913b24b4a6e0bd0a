import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database } from '../db/schema';
import type { Action } from './actions';
import { RULES_BY_ACTION, decide } from './decide';
import { classBit, type Actor, type Decision, type RecordType, type Relation } from './types';

/** Which rows of a record type an actor may list: all, none, or those meeting any of some relation conjunctions. */
export type Scope =
  | { kind: 'all' }
  | { kind: 'none'; denial?: Decision }
  | { kind: 'some'; conjunctions: readonly (readonly Relation[])[] };

const GENERAL = classBit('general');

/**
 * The list filter for `action`, derived from the same rules as {@link decide}: a row is listed when its general
 * fields may be read. Actor-level forbids (policy not accepted) empty the list and carry the denial.
 */
export function filter(actor: Actor, action: Action): Scope {
  const rules = RULES_BY_ACTION.get(action)!;
  for (const f of rules.forbid) {
    if (!f.rule.actorLevel) continue;
    if (f.roleMask !== 0 && (f.roleMask & actor.roleMask) === 0) continue;
    if (f.rule.when(actor, {})) return { kind: 'none', denial: decide(actor, action, {}) };
  }
  const conjunctions: Relation[][] = [];
  for (const a of rules.allow) {
    if (a.roleMask !== 0 && (a.roleMask & actor.roleMask) === 0) continue;
    if (a.classes !== null && a.classes !== 'granted' && (a.classes & GENERAL) === 0) continue;
    if (a.relations.length === 1 && a.relations[0] === 'any') return { kind: 'all' };
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
    return eb
      .selectFrom('case_team as tm')
      .innerJoin('cases as tc', 'tc.id', 'tm.case_id')
      .select('tc.person_id as k')
      .where('tm.user_id', '=', actorId);
  }
  if (type === 'organisation') {
    return eb.selectFrom('organisation_team as tm').select('tm.organisation_id as k').where('tm.user_id', '=', actorId);
  }
  return eb.selectFrom('case_team as tm').select('tm.case_id as k').where('tm.user_id', '=', actorId);
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

/** Mask of classifications the actor's grants cover for one record (by its person, case or organisation key). */
export function grantedMask(actor: Actor, type: RecordType, key: string): number {
  const prop = SHAPES[type].grantKey;
  let mask = 0;
  for (const g of actor.grants) if (g[prop] === key) mask |= g.mask;
  return mask;
}

const TRUE = sql<SqlBool>`1 = 1`;
const FALSE = sql<SqlBool>`1 = 0`;

function relationSql(eb: AnyEb, type: RecordType, relation: Relation, actor: Actor): Expression<SqlBool> {
  const shape = SHAPES[type];
  switch (relation) {
    case 'any':
      return TRUE;
    case 'team':
      return eb(sql.ref(shape.key), 'in', teamSet(eb, type, actor.id));
    case 'grant': {
      const keys = grantKeys(actor, type);
      return keys.length ? eb(sql.ref(shape.key), 'in', keys) : FALSE;
    }
    case 'self':
      return shape.owner ? eb(sql.ref(shape.owner), '=', actor.id) : FALSE;
  }
}

/** The WHERE condition that keeps only rows the scope allows. Use in every list, search, count and export. */
export function visibleWhere(eb: AnyEb, type: RecordType, scope: Scope, actor: Actor): Expression<SqlBool> {
  if (scope.kind === 'all') return TRUE;
  if (scope.kind === 'none') return FALSE;
  return eb.or(scope.conjunctions.map((conj) => eb.and(conj.map((r) => relationSql(eb, type, r, actor)))));
}

/** A selectable 0/1 column telling whether the actor is on the record's team, for {@link decide} facts. */
export function teamFlag(eb: AnyEb, type: RecordType, actorId: string) {
  return eb
    .case()
    .when(sql.ref(SHAPES[type].key), 'in', teamSet(eb, type, actorId))
    .then(1)
    .else(0)
    .end()
    .as('_team');
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
