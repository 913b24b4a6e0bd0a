import { RULES } from './rules';

/** How a configurable forbid rule applies: enforced (the default) or recorded as a warning only. */
export type RuleMode = 'enforce' | 'warn';

const CONFIGURABLE = new Set(RULES.filter((r) => r.effect === 'forbid' && r.configurable).map((r) => r.id));
for (const r of RULES) {
  if (r.effect === 'forbid' && r.configurable && !r.actorLevel) throw new Error(`Rule ${r.id}: only actor-level forbid rules may be configurable`);
}

let warnOnly: ReadonlySet<string> = new Set();

/** Whether the rule exists and may be switched to warn-only. */
export const isConfigurable = (ruleId: string) => CONFIGURABLE.has(ruleId);

/** True when the organisation switched this rule to warn-only. */
export const isWarnOnly = (ruleId: string) => warnOnly.size > 0 && warnOnly.has(ruleId);

/** Installs the stored modes (at start-up and after a change). Unknown or fixed rules are ignored. */
export function setRuleModes(modes: Readonly<Record<string, RuleMode>>): void {
  warnOnly = new Set(Object.entries(modes).filter(([id, mode]) => mode === 'warn' && CONFIGURABLE.has(id)).map(([id]) => id));
}
