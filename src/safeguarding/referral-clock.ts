import type { Ctx, Services } from '../context';
import { notify } from '../notify/notify';
import { runUnit } from '../unit';
import { addEntry } from './chronology';
import { awaitingDecision as awaiting } from './referral-present';
import { concernPath, escalationRecipients } from './escalation';

/** The rule under which an incomplete referral is flagged: the referral's, whose reasons must be recorded (practice 4.3). */
export const REFERRAL_CLOCK_RULE = { id: 'safeguarding/referral', clauseKey: 'safeguarding-duty-to-share' } as const;

/**
 * Flags every referral whose record is still incomplete past its deadline (REFERRAL_COMPLETE_HOURS after it was
 * made: the answers an urgent referral left, a manager's decision it still waits for, a second manager's review of
 * one released at once). Each is flagged
 * once — the conditional update is the claim, so a repeated run or a second process sends nothing more — in its
 * concern's chronology, the audit trail, and to every safeguarding lead and manager in the app and by e-mail. It
 * stays on the incomplete and overdue lists until completed. Returns the referral ids flagged.
 */
export async function flagOverdueReferrals(ctx: Ctx): Promise<string[]> {
  const due = await ctx.db.selectFrom('referrals').selectAll()
    .where('completed_at', 'is', null).where('complete_by', '<=', ctx.nowIso).where('overdue_flagged_at', 'is', null)
    .orderBy('complete_by').orderBy('id').limit(500).execute();
  const flagged: string[] = [];
  for (const r of due) {
    const claimed = await ctx.db.updateTable('referrals').set({ overdue_flagged_at: ctx.nowIso })
      .where('id', '=', r.id).where('overdue_flagged_at', 'is', null).where('completed_at', 'is', null).executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    const recipients = await escalationRecipients(ctx, '');
    const clock = { ruleId: REFERRAL_CLOCK_RULE.id, clause: ctx.actor.policy.clauseFor(REFERRAL_CLOCK_RULE.clauseKey) };
    const { emailed } = await notify(ctx, recipients, {
      kind: 'referral-overdue', subject: 'A safeguarding referral\'s record is overdue',
      body: 'A safeguarding referral was made without its record complete, and the time to complete it has passed. Open the concern and complete it.',
      resourceType: 'concern', resourceId: r.concern_id, emailPath: concernPath(r.concern_id), decision: clock,
    });
    const missing = JSON.parse(r.missing) as string[];
    const review = Number(r.released_at_once) === 1 && !r.reviewed_at;
    const d = r.disclosure_id ? await ctx.db.selectFrom('disclosures').select('status').where('id', '=', r.disclosure_id).executeTakeFirst() : undefined;
    const awaitingDecision = awaiting(r, d);
    await addEntry(ctx, r.concern_id, { kind: 'referral-update', recordedBy: null, detail: { event: 'overdue', referralId: r.id, completeBy: r.complete_by, missing, reviewDue: review, awaitingDecision } });
    ctx.audit.add({
      action: 'referral.overdue', decision: 'change', ruleId: clock.ruleId, clause: clock.clause,
      resourceType: 'concern', resourceId: r.concern_id, detail: { referralId: r.id, completeBy: r.complete_by, missing, reviewDue: review, awaitingDecision, recipients: [...recipients].sort(), emailed },
    });
    flagged.push(r.id);
  }
  return flagged;
}

/** Runs {@link flagOverdueReferrals} once as a unit of work with the system as actor (the job, and `confide safeguarding referrals-check`). */
export const runReferralClock = (services: Services) => runUnit(services, { actor: 'system', requestId: 'job:referral-clock', work: flagOverdueReferrals });

/** Runs the referral clock every SAFEGUARDING_CHECK_SECONDS in this process, one run at a time. Returns a function that stops it. */
export function startReferralClock(services: Services): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runReferralClock(services)
      .catch((error: Error) => services.logger.error({ err: { type: error.name, stack: error.stack } }, 'referral clock failed'))
      .finally(() => { running = false; });
  }, services.config.safeguardingCheckSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
