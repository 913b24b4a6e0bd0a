import type { Ctx } from '../context';
import { forbidden } from '../lib/errors';
import type { Decision } from '../policy/types';
import { fromDecision, type AuditEntry } from './append';

/** The record a refusal is recorded against, with what the entry may say beside the decision (never a value). */
export type RefusalTarget = Pick<AuditEntry, 'resourceType' | 'resourceId' | 'subjectPersonId' | 'detail'>;

/**
 * Enforces a policy decision: returns it when it allows; otherwise records the refusal — the action `attempted`,
 * the rule and clause that decided, the record — and throws 403 with the policy's explanation (1.1: every denial by
 * a rule is in the audit). The one way a command refuses; `attempted` may differ from the action decided, e.g.
 * closing a concern is decided as settling it.
 */
export function enforce(ctx: Pick<Ctx, 'audit'>, attempted: string, d: Decision, target: RefusalTarget): Decision {
  if (d.allowed) return d;
  ctx.audit.add(fromDecision(attempted, d, target));
  throw forbidden(d);
}
