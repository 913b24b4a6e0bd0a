import type { Ctx } from '../context';
import { conflict, notFound } from '../lib/errors';
import { isConfigurable, type RuleMode } from '../policy/modes';
import { RULES } from '../policy/rules';
import { allHolders, notify } from '../notify/notify';

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
 * a roll-out); safety rules answer 409. Administrators only; audited with the mode before and after. A change (not a
 * repeat of the mode in force) is told at once, in the app and by an e-mail without details, to every active manager
 * and the guardian: which rule and clause, from what to what, by whom and when (3.5, 3.7) — switching a gate off is
 * never one administrator's silent decision. The traceability matrix shows it too (./matrix.ts).
 */
export async function setRuleMode(ctx: Ctx, ruleId: string, mode: RuleMode) {
  const rule = RULES.find((r) => r.id === ruleId);
  if (!rule) throw notFound('rule');
  if (!isConfigurable(ruleId)) {
    ctx.audit.add({ action: 'policy.load', decision: 'deny', resourceType: 'rule', resourceId: ruleId, ruleId, clause: ctx.actor.policy.clauseFor(rule.clauseKey), detail: { mode, reason: 'not configurable' } });
    throw conflict(`Rule ${ruleId} cannot be relaxed: it is always enforced.`, [{ path: 'params.ruleId', message: 'not configurable' }]);
  }
  const stored = await ctx.db.selectFrom('policy_rule_modes').select('mode').where('rule_id', '=', ruleId).executeTakeFirst();
  const previous: RuleMode = stored?.mode === 'warn' ? 'warn' : 'enforce';
  await ctx.db.deleteFrom('policy_rule_modes').where('rule_id', '=', ruleId).execute();
  await ctx.db.insertInto('policy_rule_modes').values({ rule_id: ruleId, mode, set_by: ctx.actor.id, set_at: ctx.nowIso }).execute();
  const clause = ctx.actor.policy.clauseFor(rule.clauseKey);
  ctx.audit.add({ action: 'policy.load', decision: 'change', resourceType: 'rule', resourceId: ruleId, ruleId, clause, detail: { mode, previous } });
  if (previous !== mode) await tellOfModeChange(ctx, ruleId, clause, previous, mode);
  return { id: ruleId, mode }; // in force from the next request on (./sync.ts)
}

const MODE_WORDS: Record<RuleMode, string> = { enforce: 'enforced', warn: 'warn only (what it would refuse is allowed and recorded)' };

/** Tells every active manager and the guardian that a rule's mode changed (see setRuleMode). */
async function tellOfModeChange(ctx: Ctx, ruleId: string, clause: string, previous: RuleMode, mode: RuleMode) {
  const me = await ctx.db.selectFrom('users').select(['username', 'display_name']).where('id', '=', ctx.actor.id).executeTakeFirst();
  const who = me ? `${me.display_name} (${me.username})` : 'Confide\'s console (the system)';
  const { ids } = await allHolders(ctx, ['manager', 'guardian'], ctx.actor.id);
  await notify(ctx, ids, {
    kind: 'rule-mode', subject: 'How the confidentiality policy is applied has changed',
    body: `${who} switched rule ${ruleId} (clause ${clause}) from ${MODE_WORDS[previous]} to ${MODE_WORDS[mode]} at ${ctx.nowIso}.`
      + (mode === 'warn' ? ' Until it is switched back, the policy\'s traceability matrix lists this clause among the gaps.' : ''),
    resourceType: 'rule', resourceId: ruleId, emailPath: '/#/notifications', decision: { ruleId, clause },
  });
}
