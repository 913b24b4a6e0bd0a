import { COMPARTMENTS } from '../records/descriptor';
import { recordOf, type RecordType } from '../records/registry';
import { ACTIONS, READ_ACTIONS, RECORD_ACTIONS, type Action } from './actions';
import { RELATIONS, type RelationDef } from './relations';
import { RULES, type AllowRule, type ForbidRule } from './rules';
import { ROLES, classBit, classMask, roleBit, type Actor, type Decision, type Relation, type Resource, type Role } from './types';

interface CompiledAllow {
  rule: AllowRule;
  roleMask: number; // 0 = any role
  relations: readonly Relation[];
  /** The relations that must hold, other than 'any', resolved from the registry once. */
  checks: readonly RelationDef['holds'][];
  classes: number | 'granted' | 'emergency' | null; // null = not field-scoped
}
interface CompiledForbid {
  rule: ForbidRule;
  roleMask: number;
  classes: number | null;
  /** Its condition: the rule's `when`, or the pure form of the relation it names. */
  when: (actor: Actor, resource: Resource) => boolean;
}
interface ActionRules {
  forbid: CompiledForbid[];
  allow: CompiledAllow[];
}

const rolesMask = (roles: AllowRule['roles']) => (roles === 'any' ? 0 : roles.reduce((m, r) => m | roleBit(r), 0));

/** Rules indexed by action, compiled to bit masks so a decision is a few integer tests. */
export const RULES_BY_ACTION: ReadonlyMap<Action, ActionRules> = (() => {
  const map = new Map<Action, ActionRules>(ACTIONS.map((a) => [a, { forbid: [], allow: [] }]));
  for (const rule of RULES) {
    if (rule.effect === 'forbid') {
      const actions = rule.actions === 'read-actions' ? READ_ACTIONS : rule.actions;
      if ((rule.when === undefined) === (rule.relation === undefined)) throw new Error(`Rule ${rule.id}: a forbid rule has either a condition or a relation`);
      if (rule.relation !== undefined && !(rule.relation in RELATIONS)) throw new Error(`Rule ${rule.id}: unknown relation ${rule.relation}`);
      const when = rule.when ?? RELATIONS[rule.relation!].holds;
      const compiled = { rule, roleMask: rolesMask(rule.roles), classes: rule.classifications ? classMask(rule.classifications) : null, when };
      for (const a of actions) map.get(a)!.forbid.push(compiled);
    } else {
      const classes = typeof rule.classifications === 'string' ? rule.classifications : rule.classifications ? classMask(rule.classifications) : null;
      const relations = typeof rule.relation === 'string' ? [rule.relation] : rule.relation;
      for (const r of relations) if (!(r in RELATIONS)) throw new Error(`Rule ${rule.id}: unknown relation ${r}`);
      const checks = relations.filter((r) => r !== 'any').map((r) => RELATIONS[r].holds);
      for (const a of rule.actions) map.get(a)!.allow.push({ rule, roleMask: rolesMask(rule.roles), relations, checks, classes });
    }
  }
  return map;
})();

const AUDIT: readonly string[] = ['audit'];
const NONE: readonly string[] = [];
const GENERAL = classBit('general');
/** The bit of the class a decision is about: the resource's classification, general when it names none. */
const classBitOf = (resource: Resource) => (resource.classification ? classBit(resource.classification) : GENERAL);

/** The rule that decides `action` on a field of class `bit`: the first forbid that applies, else the first allow. */
function deciding(actor: Actor, rules: ActionRules, resource: Resource, bit: number): CompiledForbid | CompiledAllow | null {
  for (const f of rules.forbid) {
    if (f.roleMask !== 0 && (f.roleMask & actor.roleMask) === 0) continue;
    if (f.classes !== null && (f.classes & bit) === 0) continue;
    if (!f.when(actor, resource)) continue;
    if (actor.policy.isWarnOnly(f.rule.id)) continue; // warn-only: the pipeline records it (see warnedRules)
    return f;
  }
  for (const a of rules.allow) {
    if (a.roleMask !== 0 && (a.roleMask & actor.roleMask) === 0) continue;
    if (a.classes !== null) {
      const covered = a.classes === 'granted' ? (resource.granted ?? 0) : a.classes === 'emergency' ? (resource.emergency ?? 0) : a.classes;
      if ((covered & bit) === 0) continue;
    }
    let holds = true;
    for (const check of a.checks) if (!check(actor, resource)) { holds = false; break; }
    if (holds) return a;
  }
  return null;
}

function rulesFor(action: Action): ActionRules {
  const rules = RULES_BY_ACTION.get(action);
  if (!rules) throw new Error(`Unknown action: ${action}`);
  return rules;
}

/**
 * Decides whether `actor` may perform `action` on `resource` (for field-scoped actions, on a field of
 * `resource.classification`, default general). Deny by default; forbid rules win. Pure: no I/O.
 */
export function decide(actor: Actor, action: Action, resource: Resource = {}): Decision {
  const rules = rulesFor(action);
  const bit = classBitOf(resource);
  const by = deciding(actor, rules, resource, bit);
  if (by === null) return defaultDeny(actor, action, resource, rules);
  if (by.rule.effect === 'forbid') {
    const f = by as CompiledForbid;
    return {
      allowed: false, ruleId: f.rule.id, clauseKey: f.rule.clauseKey, clause: actor.policy.clauseFor(f.rule.clauseKey),
      reason: f.rule.reason, via: null, obligations: NONE, actorLevel: f.rule.actorLevel,
    };
  }
  const a = by as CompiledAllow;
  return {
    allowed: true, ruleId: a.rule.id, clauseKey: a.rule.clauseKey, clause: actor.policy.clauseFor(a.rule.clauseKey),
    reason: a.rule.reason, via: a.relations[a.relations.length - 1], obligations: bit === GENERAL ? NONE : AUDIT,
    actorLevel: false,
  };
}

/**
 * {@link decide}'s answer alone, without building the decision or the explanation of a denial: for offering what
 * may be done (src/records/can.ts), where dozens are decided per record and only yes or no is shown.
 */
export function allows(actor: Actor, action: Action, resource: Resource = {}): boolean {
  const by = deciding(actor, rulesFor(action), resource, classBitOf(resource));
  return by !== null && by.rule.effect === 'allow';
}

/** Builds a helpful denial: says what is missing, so the user knows what to request. */
function defaultDeny(actor: Actor, action: Action, resource: Resource, rules: ActionRules): Decision {
  const mine = rules.allow.filter((a) => a.roleMask === 0 || (a.roleMask & actor.roleMask) !== 0);
  const isRecord = (RECORD_ACTIONS as readonly string[]).includes(action);
  // A rule that would allow but for a relation that can say what is missing (no consent covers this, the purpose is
  // not in force): name that rule and clause, not the default.
  for (const a of mine) {
    const failing = a.relations.filter((r) => r !== 'any' && !RELATIONS[r].holds(actor, resource));
    const only = failing.length === 1 ? (RELATIONS[failing[0]] as RelationDef) : null;
    if (only?.missing && (a.classes === null || typeof a.classes !== 'number' || (a.classes & classBit(resource.classification ?? 'general')) !== 0)) {
      const m = only.missing(resource);
      return { allowed: false, ruleId: m.ruleId, clauseKey: m.clauseKey, clause: actor.policy.clauseFor(m.clauseKey), reason: m.reason, via: null, obligations: NONE, actorLevel: false };
    }
  }
  const own = mine.length > 0 && !isRecord ? ownOnly(actor, resource, mine) : null;
  if (own) {
    // Rules give this to the actor's roles only for what is their own (a purpose's author, a report's reporter, a
    // request's requester), and this is someone else's: cite the clause those rules rest on (3.1 and 2.1 for the
    // purpose register, 5 for breach reports), not need to know.
    return {
      allowed: false, ruleId: 'default/deny', clauseKey: own, clause: actor.policy.clauseFor(own),
      reason: 'This is open to you only for your own, and this one is someone else\'s.', via: null, obligations: NONE, actorLevel: false,
    };
  }
  let reason = 'Your role does not allow this.';
  if (mine.length === 0 && !isRecord) {
    // No rule gives this to any of the actor's roles: name who may, under the clause that gives it to them, when the
    // action's rules all rest on one clause (practice 5.1 for agreements, 3.7 for accounts) — the default
    // refusal otherwise cited need to know, which says nothing about why a manager's task is not a volunteer's.
    const given = governing(rules);
    if (given) {
      return {
        allowed: false, ruleId: 'default/deny', clauseKey: given.clauseKey, clause: actor.policy.clauseFor(given.clauseKey),
        reason: given.who, via: null, obligations: NONE, actorLevel: true,
      };
    }
  }
  if (mine.length > 0 && isRecord) {
    // Name what is really missing: the team only when being on it would open this field; else the grant the actor
    // holds, when it does not cover the field; else the role.
    const cls = resource.classification ?? 'general';
    const bit = classBit(cls);
    const access = recordOf(action.slice(0, action.indexOf('.')) as RecordType).access;
    const teamWouldOpen = access !== null && !resource.team && mine.some((a) => a.relations.includes('team') && (a.classes === null || (typeof a.classes === 'number' && (a.classes & bit) !== 0)));
    reason = teamWouldOpen
      ? COMPARTMENTS[access.compartment].notOnTeam
      : (resource.granted ?? 0) !== 0
        ? `Your access grant does not cover ${cls} information — request access.`
        : `Your role does not give access to ${cls} information here — request access.`;
  }
  return {
    allowed: false, ruleId: 'default/deny', clauseKey: 'need-to-know', clause: actor.policy.clauseFor('need-to-know'), reason,
    via: null, obligations: NONE, actorLevel: !isRecord,
  };
}

/**
 * The clause key the actor's rules for an action rest on, when each of those that could apply to this resource's
 * class fails only because the resource is not the actor's own (relation `self`); else null.
 */
function ownOnly(actor: Actor, resource: Resource, mine: readonly CompiledAllow[]): string | null {
  const bit = classBitOf(resource);
  const applicable = mine.filter((a) => a.classes === null || typeof a.classes !== 'number' || (a.classes & bit) !== 0);
  if (applicable.length === 0) return null;
  const keys = new Set(applicable.map((a) => a.rule.clauseKey));
  const onlySelf = applicable.every((a) => {
    const failing = a.relations.filter((r) => r !== 'any' && !RELATIONS[r].holds(actor, resource));
    return failing.length === 1 && failing[0] === 'self';
  });
  return keys.size === 1 && onlySelf ? [...keys][0] : null;
}

const ROLE_WORDS: Readonly<Record<Role, string>> = {
  administrator: 'administrators', manager: 'managers', guardian: 'the guardian', staff: 'staff', volunteer: 'volunteers',
  student: 'students', safeguarding_lead: 'safeguarding leads',
};

/**
 * The clause every allow rule of an action rests on, and who those rules give it to (in words), or null when the
 * rules rest on several clauses or give it to any role. Computed once per action.
 */
const GOVERNING = new Map<ActionRules, { clauseKey: string; who: string } | null>();
function governing(rules: ActionRules): { clauseKey: string; who: string } | null {
  if (GOVERNING.has(rules)) return GOVERNING.get(rules)!;
  const keys = new Set(rules.allow.map((a) => a.rule.clauseKey));
  let found: { clauseKey: string; who: string } | null = null;
  if (keys.size === 1 && rules.allow.every((a) => a.rule.roles !== 'any')) {
    const roles = ROLES.filter((r) => rules.allow.some((a) => (a.rule.roles as readonly Role[]).includes(r)));
    const words = roles.map((r) => ROLE_WORDS[r]);
    const list = words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : words[0];
    found = { clauseKey: [...keys][0], who: `Only ${list} may do this.` };
  }
  GOVERNING.set(rules, found);
  return found;
}

/**
 * Whether any rule could allow this action for the actor's roles: the pipeline's coarse check before a
 * handler runs. Record-level decisions still follow in the command. Actor-level forbids apply here too.
 */
export function decideAction(actor: Actor, action: Action): Decision | null {
  const rules = RULES_BY_ACTION.get(action)!;
  for (const f of rules.forbid) {
    if (!f.rule.actorLevel || actor.policy.isWarnOnly(f.rule.id)) continue;
    if (f.roleMask !== 0 && (f.roleMask & actor.roleMask) === 0) continue;
    if (f.when(actor, {})) return decide(actor, action, {});
  }
  const anyRule = rules.allow.some((a) => a.roleMask === 0 || (a.roleMask & actor.roleMask) !== 0);
  return anyRule ? null : defaultDeny(actor, action, {}, rules);
}

/** Actor-level forbid rules that would deny this action but are switched to warn-only: the pipeline audits them. */
export function warnedRules(actor: Actor, action: Action): ForbidRule[] {
  const out: ForbidRule[] = [];
  for (const f of RULES_BY_ACTION.get(action)!.forbid) {
    if (!f.rule.actorLevel || !actor.policy.isWarnOnly(f.rule.id)) continue;
    if (f.roleMask !== 0 && (f.roleMask & actor.roleMask) === 0) continue;
    if (f.when(actor, {})) out.push(f.rule);
  }
  return out;
}
