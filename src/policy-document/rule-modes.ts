import type { Kysely } from 'kysely';
import type { Ctx } from '../context';
import type { Database } from '../db/schema';
import { conflict, notFound } from '../lib/errors';
import { clauseFor } from '../policy/clauses';
import { isConfigurable, isWarnOnly, setRuleModes, type RuleMode } from '../policy/modes';
import { RULES } from '../policy/rules';

/** Loads the stored modes into the engine. */
export async function applyRuleModes(db: Kysely<Database>): Promise<void> {
  const rows = await db.selectFrom('policy_rule_modes').select(['rule_id', 'mode']).execute();
  setRuleModes(Object.fromEntries(rows.map((r) => [r.rule_id, r.mode as RuleMode])));
}

/** Every rule with its clause, whether the organisation may relax it, and its current mode. */
export async function listRules(_ctx?: Ctx) {
  return {
    items: RULES.map((r) => ({
      id: r.id, effect: r.effect, clauseKey: r.clauseKey, clause: clauseFor(r.clauseKey), reason: r.reason,
      configurable: isConfigurable(r.id), mode: isWarnOnly(r.id) ? 'warn' : 'enforce',
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
    ctx.audit.add({ action: 'policy.load', decision: 'deny', resourceType: 'rule', resourceId: ruleId, ruleId, clause: clauseFor(rule.clauseKey), detail: { mode, reason: 'not configurable' } });
    throw conflict(`Rule ${ruleId} cannot be relaxed: it is always enforced.`, [{ path: 'params.ruleId', message: 'not configurable' }]);
  }
  await ctx.db.deleteFrom('policy_rule_modes').where('rule_id', '=', ruleId).execute();
  await ctx.db.insertInto('policy_rule_modes').values({ rule_id: ruleId, mode, set_by: ctx.actor.id, set_at: ctx.nowIso }).execute();
  ctx.audit.add({ action: 'policy.load', decision: 'change', resourceType: 'rule', resourceId: ruleId, ruleId, clause: clauseFor(rule.clauseKey), detail: { mode } });
  return { id: ruleId, mode }; // in force from the next request on (./sync.ts)
}
