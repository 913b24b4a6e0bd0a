import { sql, type ExpressionBuilder } from 'kysely';
import type { Database } from '../db/schema';
import type { Scope } from '../policy/filter';
import { grantKeys, teamSet } from '../policy/relations';
import type { Actor } from '../policy/types';
import { COMPARTMENTS } from './descriptor';
import { recordOf, type RecordType } from './registry';

type AnyEb = ExpressionBuilder<Database, keyof Database>;

/**
 * The keys (person, case or organisation ids, as column `k`) that can possibly be visible under a 'some' scope:
 * the actor's team set, plus the keys of their grants; column `on_team` is 1 on rows from the team set, 0 on rows
 * from grants (a key may come from both). When `withTeam` (the team set is among the candidates), a key's largest
 * `on_team` is exactly its team flag, so a list driven from these rows needs no probe for it; otherwise the actor may
 * still be on some candidates' teams (a role whose rules do not use the team) and `on_team` says nothing.
 * A list can be driven from these rows (join) instead of scanning the whole table. `exact` says the candidates are
 * exactly the visible keys (every conjunction is a single team or grant relation); otherwise the scope's
 * visibleWhere must still be applied. Null when some conjunction cannot be driven from teams or grants (e.g. a
 * 'self' relation on notes).
 */
export function candidateKeys(eb: AnyEb, type: RecordType, scope: Scope, actor: Actor) {
  if (scope.kind !== 'some') return null;
  const record = recordOf(type);
  if (!record.access) return null; // no team or grant reaches it: nothing to drive a list from
  let team = false;
  let grant = false;
  let exact = true;
  for (const conj of scope.conjunctions) {
    if (conj.includes('team')) team = true;
    else if (conj.includes('grant')) grant = true;
    else if (conj.every((r) => r === 'self') && record.owner === null) continue; // always false for this type
    else return null;
    if (conj.length !== 1) exact = false;
  }
  const keys = grant ? grantKeys(actor, type) : [];
  // Grant keys are selected from the compartment's own table so the union is one subquery on both engines.
  const table = COMPARTMENTS[record.access.compartment].table;
  const granted = keys.length
    ? eb.selectFrom(`${table} as gk` as 'people as gk').select(['gk.id as k', sql<number>`0`.as('on_team')]).where('gk.id', 'in', keys)
    : null;
  if (!team) return granted ? { keys: granted, exact, withTeam: false } : { keys: null, exact, withTeam: false };
  const set = eb.selectFrom(teamSet(eb, type, actor.id).as('ts')).select(['ts.k', sql<number>`1`.as('on_team')]);
  return { keys: granted ? set.unionAll(granted) : set, exact, withTeam: true };
}
