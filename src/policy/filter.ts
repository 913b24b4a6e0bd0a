import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../db/schema';
import { READ_ACTIONS, type Action } from './actions';
import { RULES_BY_ACTION, decide } from './decide';
import type { ConsentAsk } from './consent-relation';
import { RELATIONS, type TeamForm } from './relations';
import { classBit, type Actor, type Decision, type RecordType, type Relation } from './types';

/** One term of a conjunction: a relation that must hold, or one that must not (a record-dependent forbid rule's). */
export type Term = Relation | { readonly not: Relation };

/** Which rows of a record type an actor may list: all, none, or those meeting any of some conjunctions of terms. */
export type Scope =
  | { kind: 'all' }
  | { kind: 'none'; denial?: Decision }
  | { kind: 'some'; conjunctions: readonly (readonly Term[])[] };

const GENERAL = classBit('general');

/**
 * Actions a list filter cannot be derived for: a forbid rule that depends on the record (not only on the actor)
 * through a condition with no SQL form covers their general fields. SQL scopes express allow relations, actor-level
 * forbids and the relations record-dependent forbids name (their rows left out), so such a rule would make single
 * reads stricter than lists — a leak. No read action may be among them (checked at start-up).
 */
const UNFILTERABLE: ReadonlySet<Action> = new Set(
  [...RULES_BY_ACTION].filter(([, r]) => r.forbid.some((f) => !f.rule.actorLevel && f.rule.relation === undefined && (f.classes === null || (f.classes & GENERAL) !== 0))).map(([a]) => a),
);
for (const a of READ_ACTIONS) {
  if (UNFILTERABLE.has(a)) throw new Error(`A record-dependent forbid rule covers general fields of ${a}: lists could not apply it`);
}

/**
 * The list filter for `action`, derived from the same rules as {@link decide}: a row is listed when its general
 * fields may be read. Actor-level forbids (policy not accepted) empty the list and carry the denial; a
 * record-dependent forbid leaves out the rows its relation holds for (a breach about the actor's own conduct), as a
 * `not` term in every conjunction — so a scope with one is never 'all'.
 */
export function filter(actor: Actor, action: Action): Scope {
  if (UNFILTERABLE.has(action)) throw new Error(`No list filter for ${action}: a record-dependent forbid rule covers its general fields`);
  const rules = RULES_BY_ACTION.get(action)!;
  const unless: Term[] = [];
  for (const f of rules.forbid) {
    if (actor.policy.isWarnOnly(f.rule.id)) continue;
    if (f.roleMask !== 0 && (f.roleMask & actor.roleMask) === 0) continue;
    if (!f.rule.actorLevel) {
      if (f.rule.relation !== undefined && (f.classes === null || (f.classes & GENERAL) !== 0)) unless.push({ not: f.rule.relation });
      continue;
    }
    if (f.when(actor, {})) return { kind: 'none', denial: decide(actor, action, {}) };
  }
  let conjunctions: Relation[][] = [];
  for (const a of rules.allow) {
    if (a.roleMask !== 0 && (a.roleMask & actor.roleMask) === 0) continue;
    if (typeof a.classes === 'number' && (a.classes & GENERAL) === 0) continue;
    if (a.relations.length === 1 && a.relations[0] === 'any') {
      if (!unless.length) return { kind: 'all' };
      conjunctions = [['any']]; // every row, but those the forbid rules leave out
      break;
    }
    // A conjunction already listed adds no rows (break-glass/emergency-access and need-to-know/access-grant both
    // list the records the actor holds a grant on).
    if (conjunctions.some((c) => c.length === a.relations.length && c.every((r, i) => r === a.relations[i]))) continue;
    conjunctions.push([...a.relations]);
  }
  return conjunctions.length ? { kind: 'some', conjunctions: conjunctions.map((c) => [...c, ...unless]) } : { kind: 'none' };
}

type AnyEb = ExpressionBuilder<Database, keyof Database>;

const TRUE = sql<SqlBool>`1 = 1`;
const FALSE = sql<SqlBool>`1 = 0`;

/**
 * The WHERE condition that keeps only rows the scope allows, each relation written by its own SQL form
 * (src/policy/relations.ts). Use in every list, search, count and export. `team` picks how membership is tested
 * (same rows either way, see {@link TeamForm}). `consent` is the question the consent relation answers, for actions
 * that use it (consent.check): without it, that relation keeps no row. `conduct`, for rows that stand for a record of
 * `type` without being one (review flags, decided as the breach they may become), names whose conduct each row is
 * about (see RelationQuery).
 */
export function visibleWhere(eb: AnyEb, type: RecordType, scope: Scope, actor: Actor, team: TeamForm = 'set', consent?: ConsentAsk, conduct?: readonly string[]): Expression<SqlBool> {
  if (scope.kind === 'all') return TRUE;
  if (scope.kind === 'none') return FALSE;
  const term = (t: Term) => {
    const sqlOf = (r: Relation) => RELATIONS[r].sql({ eb, type, actor, form: team, consent, conduct });
    return typeof t === 'string' ? sqlOf(t) : eb.not(sqlOf(t.not));
  };
  return eb.or(scope.conjunctions.map((conj) => eb.and(conj.map(term))));
}
