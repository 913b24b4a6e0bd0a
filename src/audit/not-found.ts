import type { Ctx } from '../context';
import { notFound } from '../lib/errors';

/** What a refused lookup was: the action attempted and the record asked for. */
export interface NotFoundTarget {
  action: string;
  resourceType: string;
  resourceId: string | null;
  subjectPersonId?: string | null;
  /** `{ found: false }` for a record that is not there; for a hidden one, what hid it. */
  detail: Record<string, unknown>;
}

/**
 * The 404 for a record that is not there or that the actor may not see — the same answer for both (3.4: never told
 * apart) — with its audit entry: the action attempted, denied by default/not-found under need to know, naming the
 * record asked for. Returns the error for the caller to throw.
 */
export function notFoundAudited(ctx: Ctx, noun: string, t: NotFoundTarget): Error {
  ctx.audit.add({
    action: t.action, decision: 'deny', resourceType: t.resourceType, resourceId: t.resourceId, subjectPersonId: t.subjectPersonId ?? null,
    ruleId: 'default/not-found', clause: ctx.actor.policy.clauseFor('need-to-know'), detail: t.detail,
  });
  return notFound(noun);
}
