import type { Ctx, Services } from '../context';
import { activeWithRole, notify } from '../notify/notify';
import { runUnit } from '../unit';
import { policyReviewStatus } from './policy-reviews';

/** The rule under which managers are told the policy review is overdue. */
export const OVERDUE_RULE = { id: 'review/senior-management', clauseKey: 'management-review' } as const;

/**
 * Flags an overdue review of the policy (3.6, "Monitoring and Review"): once the next review date has passed on the
 * injected clock, every active manager is told — in the app and by e-mail through the outbox — once per due date.
 * The flag row's key is the claim, so repeated runs or two processes at the same moment tell them once. Returns the
 * due date flagged now, or null.
 */
export async function flagOverdueReview(ctx: Ctx): Promise<{ dueOn: string; recipients: number } | null> {
  const status = await policyReviewStatus(ctx);
  if (status.state !== 'overdue' || !status.nextReviewOn) return null;
  const claimed = await ctx.db.insertInto('policy_review_flags').values({ due_on: status.nextReviewOn, flagged_at: ctx.nowIso, notified: 1 })
    .onConflict((oc) => oc.column('due_on').doNothing()).returning('due_on').executeTakeFirst();
  if (!claimed) return null;
  const recipients = await activeWithRole(ctx, 'manager');
  const overdue = { ruleId: OVERDUE_RULE.id, clause: ctx.actor.policy.clauseFor(OVERDUE_RULE.clauseKey) };
  const { emailed } = await notify(ctx, recipients, {
    kind: 'policy-review-overdue',
    subject: 'The review of the confidentiality policy is overdue',
    body: `The Senior Management Team were due to review the confidentiality policy by ${status.nextReviewOn}. Review it and record the outcome and the next review date.`,
    resourceType: 'policy_review', emailPath: '/#/review', decision: overdue,
  });
  ctx.audit.add({
    action: 'review.overdue', decision: 'change', ruleId: overdue.ruleId, clause: overdue.clause,
    resourceType: 'policy_review', resourceId: status.lastReview?.id ?? null,
    detail: { dueOn: status.nextReviewOn, daysOverdue: status.daysOverdue, recipients: [...recipients].sort(), emailed },
  });
  return { dueOn: status.nextReviewOn, recipients: recipients.length };
}

/** Runs {@link flagOverdueReview} once as the system (the job, and `confide review check`). */
export const runReviewChecks = (services: Services) => runUnit(services, { actor: 'system', requestId: 'job:policy-review', work: flagOverdueReview });

/** Runs {@link runReviewChecks} every BREACH_CHECK_SECONDS, with the breach register's checks. Returns a stop function. */
export function startReviewJobs(services: Services): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runReviewChecks(services)
      .catch((error: Error) => services.logger.error({ err: { type: error.name, stack: error.stack } }, 'policy review check failed'))
      .finally(() => { running = false; });
  }, services.config.breachCheckSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
