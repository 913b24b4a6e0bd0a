import type { Ctx } from '../context';
import type { Decision } from '../policy/types';

/** Which alerts one person's action settles: those of these kinds about this record. */
export interface SettleTarget {
  resourceType: string;
  resourceId: string;
  kinds: readonly [string, ...string[]];
  /** The decision whose action settles them (the acknowledgement, approval or review just made): its rule and clause are recorded. */
  decision: Pick<Decision, 'ruleId' | 'clause'>;
}

/**
 * Settles the alerts that asked several people to act once one of them has (practice 4.1: a concern goes to
 * management for immediate action; 1.3: an exception waits on one manager's decision; 3.4: so does an access request;
 * practice 4.2: a break-glass use waits on one manager's review): every not yet settled alert of `kinds` about the
 * record — each recipient's, the actor's own included — is marked settled now by the actor, in the operation's
 * transaction. Whether each recipient read it is left as it was; the inbox shows who took it and
 * stops counting it as unread. Audited (`notification.settle`) with the recipients, when there were any, under the
 * rule and clause of the decision that settled them. Returns
 * the recipients whose alerts were settled.
 */
export async function settleAlerts(ctx: Ctx, target: SettleTarget): Promise<string[]> {
  const rows = await ctx.db
    .updateTable('notifications')
    .set({ settled_at: ctx.nowIso, settled_by: ctx.actor.id })
    .where('resource_id', '=', target.resourceId)
    .where('resource_type', '=', target.resourceType)
    .where('kind', 'in', target.kinds)
    .where('settled_at', 'is', null)
    .returning('user_id')
    .execute();
  const recipients = [...new Set(rows.map((r) => r.user_id))].sort();
  if (recipients.length) {
    ctx.audit.add({
      action: 'notification.settle', decision: 'change', ruleId: target.decision.ruleId, clause: target.decision.clause,
      resourceType: target.resourceType, resourceId: target.resourceId,
      detail: { kinds: [...target.kinds], recipients, notifications: rows.length },
    });
  }
  return recipients;
}
