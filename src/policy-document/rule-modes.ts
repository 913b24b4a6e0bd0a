import type { Ctx } from '../context';
import { conflict, notFound } from '../lib/errors';
import { isConfigurable, type RuleMode } from '../policy/modes';
import { RULES } from '../policy/rules';

/** Every rule with its clause, whether the organisation may relax it, and its current mode. */
export async function listRules(ctx: Ctx) {
  const policy = ctx.actor.policy;
  return {
    items: RULES.map((r) => ({
      id: r.id, effect: r.effect, clauseKey: r.clauseKey, clause: policy.clauseFor(r.clauseKey), reason: r.reason,
      configurable: isConfigurable(r.id), mode: policy.modeOf(r.id),
    })),
  };
}

/**
 * Switches a rule between enforce and warn-only — only where the rule declares it may be (the agreement gate, for
 * a roll-out); safety rules answer 409. Administrators only; audited.
 */
export async function setRuleMode(ctx: Ctx, ruleId: string, mode: RuleMode) {
  const rule = RULES.find((r) => r.id === ruleId);
  if (!rule) throw notFound('rule');
  if (!isConfigurable(ruleId)) {
    ctx.audit.add({ action: 'policy.load', decision: 'deny', resourceType: 'rule', resourceId: ruleId, ruleId, clause: ctx.actor.policy.clauseFor(rule.clauseKey), detail: { mode, reason: 'not configurable' } });
    throw conflict(`Rule ${ruleId} cannot be relaxed: it is always enforced.`, [{ path: 'params.ruleId', message: 'not configurable' }]);
  }
  await ctx.db.deleteFrom('policy_rule_modes').where('rule_id', '=', ruleId).execute();
  await ctx.db.insertInto('policy_rule_modes').values({ rule_id: ruleId, mode, set_by: ctx.actor.id, set_at: ctx.nowIso }).execute();
  ctx.audit.add({ action: 'policy.load', decision: 'change', resourceType: 'rule', resourceId: ruleId, ruleId, clause: ctx.actor.policy.clauseFor(rule.clauseKey), detail: { mode } });
  return { id: ruleId, mode }; // in force from the next request on (./sync.ts)
}
