import { SAMPLE_CLAUSE_MAP } from './clauses';
import { isConfigurable, type RuleMode } from './modes';

/** Clause key → the organisation's clause ids for it. */
export type ClauseMap = Readonly<Record<string, readonly string[]>>;

/**
 * The organisation's policy as decisions apply it: which clause numbers a rule's clause key stands for (the loaded
 * policy document's map), and which configurable forbid rules are switched to warn-only. It travels with the actor
 * (`Actor.policy`) into `decide()` and `filter()`, so a decision depends only on its inputs: two requests read at
 * different access epochs each decide under the policy their own transaction sees. Immutable once built.
 */
export class PolicyState {
  private readonly warnOnly: ReadonlySet<string>;
  private readonly rendered = new Map<string, string>();

  constructor(readonly clauseMap: ClauseMap, modes: Readonly<Record<string, RuleMode>> = {}) {
    this.warnOnly = new Set(Object.entries(modes).filter(([id, mode]) => mode === 'warn' && isConfigurable(id)).map(([id]) => id));
  }

  /** The organisation's clause numbers for a key, joined for display ("3.4, 4.2"); the key itself if unmapped. */
  clauseFor(key: string): string {
    let text = this.rendered.get(key);
    if (text === undefined) {
      text = (this.clauseMap[key] ?? [key]).join(', ');
      this.rendered.set(key, text);
    }
    return text;
  }

  /** True when the organisation switched this rule to warn-only. */
  isWarnOnly(ruleId: string): boolean {
    return this.warnOnly.size > 0 && this.warnOnly.has(ruleId);
  }

  /** The rule's mode under this policy. */
  modeOf(ruleId: string): RuleMode {
    return this.isWarnOnly(ruleId) ? 'warn' : 'enforce';
  }
}

/** The sample policy Confide ships with, every rule enforced: what decisions apply before a policy is loaded. */
export const SAMPLE_POLICY_STATE = new PolicyState(SAMPLE_CLAUSE_MAP);
