import { RULES } from './rules';

/** How a configurable forbid rule applies: enforced (the default) or recorded as a warning only. */
export type RuleMode = 'enforce' | 'warn';

const CONFIGURABLE = new Set(RULES.filter((r) => r.effect === 'forbid' && r.configurable).map((r) => r.id));
for (const r of RULES) {
  if (r.effect === 'forbid' && r.configurable && !r.actorLevel) throw new Error(`Rule ${r.id}: only actor-level forbid rules may be configurable`);
}

/** Whether the rule exists and may be switched to warn-only (the modes themselves are in the PolicyState). */
export const isConfigurable = (ruleId: string) => CONFIGURABLE.has(ruleId);
