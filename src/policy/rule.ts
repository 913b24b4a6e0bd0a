import type { Action } from './actions';
import type { Actor, Classification, Relation, Resource, Role } from './types';

/**
 * A rule is data plus, for a few forbid rules, a small condition. Allow rules say: these roles, tied to the record
 * by this relation, may do these actions on fields of these classifications. Because the relation is data — a name
 * in the relation registry (relations.ts), defined once in memory and in SQL — the same rule drives the
 * single-record check (decide.ts) and the list filter in SQL (filter.ts).
 */
export interface AllowRule {
  id: string;
  clauseKey: string;
  effect: 'allow';
  actions: readonly Action[];
  roles: readonly Role[] | 'any';
  /** All listed relations must hold. */
  relation: Relation | readonly Relation[];
  /**
   * Field classifications the rule covers; 'granted' = whatever the actor's grants cover; 'emergency' = whatever the
   * actor's break-glass uses cover (a break-glass is a grant, so its relation is 'grant'); omitted = not field-scoped.
   */
  classifications?: readonly Classification[] | 'granted' | 'emergency';
  reason: string;
}

/** A forbid rule wins over every allow rule. */
export interface ForbidRule {
  id: string;
  clauseKey: string;
  effect: 'forbid';
  actions: readonly Action[] | 'read-actions';
  roles: readonly Role[] | 'any';
  /** Field classifications it protects; omitted = every request for the action. */
  classifications?: readonly Classification[];
  /** Actor-level forbids (e.g. policy not accepted) answer 403 and also empty every list. */
  actorLevel: boolean;
  /**
   * When it applies. A record-dependent forbid on what a read opens names a `relation` instead: the relation's pure
   * form decides a single record, and its SQL form leaves the same rows out of every list (src/policy/filter.ts),
   * so a list never shows what a read refuses. A record-dependent `when` on a read action stops the app starting.
   */
  when?: (actor: Actor, resource: Resource) => boolean;
  relation?: Relation;
  reason: string;
  /**
   * Whether an organisation may switch it to warn-only (recorded, not enforced). Only actor-level rules may be, and
   * never the safety rules: disclosure without basis, session notes, break-glass review.
   */
  configurable: boolean;
}

export type Rule = AllowRule | ForbidRule;
