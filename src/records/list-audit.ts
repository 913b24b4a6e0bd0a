import type { Ctx } from '../context';
import type { Action } from '../policy/actions';
import { decide, RULES_BY_ACTION } from '../policy/decide';
import { factsFor } from '../policy/relations';
import type { AllowRule } from '../policy/rules';
import { classBit, type RecordType } from '../policy/types';

const GENERAL = classBit('general');

/** What one list or search looked at: the record it lists inside (if any), its search terms, what it returned. */
export interface ListAudit {
  /**
   * The record whose contents are listed (a person's cases, a case's notes); none for a top-level list. For a case,
   * the purpose it is held for (2.1), named by id in the entry.
   */
  within?: { type: RecordType; id: string; subjectPersonId: string | null; purposeId?: string | null };
  /** The search terms as given: only their length is recorded, never the terms (a name is personal data). */
  terms?: string;
  /** How many records the page returned. */
  results: number;
  /** A named view of the list (e.g. "not-yet-told", the first-contact worklist), recorded as it is. */
  view?: string;
  /**
   * The rows returned, as loaded with their facts: the entry then names the rules that opened these rows (a
   * break-glass grant, the case team, management oversight), not every rule the actor's roles have for the list.
   */
  rows?: readonly Record<string, unknown>[];
}

/**
 * The allow rules a list of `action` is filtered by for this actor: those of their roles that open general fields
 * (the rows filter() in policy/filter.ts keeps), or the one rule that opens every row. The first is named as the
 * entry's rule; all are listed in its detail.
 */
export function listRules(ctx: Ctx, action: Action): AllowRule[] {
  const rules: AllowRule[] = [];
  for (const a of RULES_BY_ACTION.get(action)!.allow) {
    if (a.roleMask !== 0 && (a.roleMask & ctx.actor.roleMask) === 0) continue;
    if (typeof a.classes === 'number' && (a.classes & GENERAL) === 0) continue;
    if (a.relations.length === 1 && a.relations[0] === 'any') return [a.rule]; // every row: this rule alone decides
    rules.push(a.rule);
  }
  return rules;
}

/** The rules that opened each row's general fields to the actor, each once, in the order the rows came. */
function rowRules(ctx: Ctx, action: Action, type: RecordType, rows: readonly Record<string, unknown>[]): AllowRule[] {
  const rules = new Map<string, AllowRule>();
  for (const row of rows) {
    const d = decide(ctx.actor, action, { ...factsFor(ctx.actor, type, row), classification: 'general' });
    if (!d.allowed || rules.has(d.ruleId)) continue;
    const rule = RULES_BY_ACTION.get(action)!.allow.find((a) => a.rule.id === d.ruleId)?.rule;
    if (rule) rules.set(d.ruleId, rule);
  }
  return rules.size ? [...rules.values()] : listRules(ctx, action);
}

/**
 * Records one list or search of records of `type` (one entry per page, not one per row: rows carry general fields
 * only): the action, the rules that filtered it, the record it lists inside, the length of the search terms and the
 * number of results. The terms themselves are never recorded.
 */
export function auditList(ctx: Ctx, type: RecordType, list: ListAudit): void {
  const action = `${type}.read` as Action;
  const rules = list.rows?.length ? rowRules(ctx, action, type, list.rows) : listRules(ctx, action);
  const detail: Record<string, unknown> = { list: type, results: list.results };
  if (list.terms !== undefined) detail.termsLength = list.terms.length;
  if (list.view !== undefined) detail.view = list.view;
  if (list.within?.purposeId !== undefined) detail.purposeId = list.within.purposeId;
  const first = rules[0];
  ctx.audit.add({
    action, decision: 'allow', ruleId: first?.id ?? null, clause: first ? ctx.actor.policy.clauseFor(first.clauseKey) : null,
    resourceType: list.within?.type ?? type, resourceId: list.within?.id ?? null, subjectPersonId: list.within?.subjectPersonId ?? null,
    detail: { ...detail, rules: rules.map((r) => r.id) },
  });
}
