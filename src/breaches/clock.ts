import type { Ctx, Services } from '../context';
import type { BreachRow } from '../db/schema';
import { notify } from '../notify/notify';
import { runUnit } from '../unit';
import { clockRuns } from './assessment';
import { breachPath, breachRecipients } from './commands';
import { breachConductOf } from './conduct';

/** The rule under which management are warned of a breach's ICO clock; the warnings are its obligations. */
export const CLOCK_RULE = { id: 'breaches/management', clauseKey: 'breach-handling' } as const;
const HOUR = 3_600_000;

/** The stages of a breach's ICO clock that have been reached at `now`: each warning's hours left, then overdue. */
export function stagesReached(deadlineAt: string, now: Date, warnHours: readonly number[]): string[] {
  const left = new Date(deadlineAt).getTime() - now.getTime();
  const stages = [...warnHours].sort((a, b) => b - a).filter((h) => left <= h * HOUR).map((h) => `hours-${h}`);
  if (left <= 0) stages.push('overdue');
  return stages;
}

/** The words of one warning (no detail of the breach: it leaves by e-mail). */
function noticeFor(stage: string) {
  if (stage === 'overdue') {
    return {
      subject: 'The 72 hours for telling the ICO about a breach have passed',
      body: 'A breach has been known for 72 hours without a report to the ICO or a decision that none is needed. Report it now with the reasons for the delay, or record the decision.',
    };
  }
  const hours = stage.slice('hours-'.length);
  return {
    subject: `A breach must be reported to the ICO within ${hours} hours`,
    body: `Less than ${hours} hours remain to report a breach to the ICO, or to record why no report is needed (UK GDPR Art 33).`,
  };
}

/**
 * Warns management of every breach whose ICO clock nears or passes its deadline (UK GDPR Art 33(1): within 72 hours
 * of becoming aware), in the app and by e-mail through the outbox. Each stage (BREACH_ICO_WARN_HOURS hours left, then
 * overdue) is recorded once per breach in breach_escalations, whose key makes the insert the claim: a repeated run,
 * or a second server process running at the same moment, finds the stage taken and sends nothing. A run that finds
 * several stages newly reached at once (the server was down) sends only the most urgent and records the others as
 * passed. Returns the breach ids warned, with the stage sent.
 */
export async function escalateIcoClock(ctx: Ctx): Promise<{ breachId: string; stage: string }[]> {
  const warnHours = ctx.services.config.breachIcoWarnHours;
  const horizon = new Date(ctx.now.getTime() + Math.max(0, ...warnHours) * HOUR).toISOString();
  const due = await ctx.db
    .selectFrom('breaches')
    .selectAll()
    .where('status', '<>', 'closed')
    .where('ico_reported_at', 'is', null)
    .where((eb) => eb.or([eb('ico_decision', 'is', null), eb('ico_decision', '=', 'report')]))
    .where('ico_deadline_at', '<=', horizon)
    .orderBy('ico_deadline_at')
    .orderBy('id')
    .execute();
  // Stages already recorded, read in one query so a run that finds nothing new writes nothing.
  const recorded = new Set<string>();
  for (let i = 0; i < due.length; i += 500) {
    const ids = due.slice(i, i + 500).map((b) => b.id);
    for (const e of await ctx.db.selectFrom('breach_escalations').select(['breach_id', 'stage']).where('breach_id', 'in', ids).execute()) recorded.add(`${e.breach_id}|${e.stage}`);
  }
  const sent: { breachId: string; stage: string }[] = [];
  for (const b of due as BreachRow[]) {
    if (!clockRuns(b)) continue;
    const reached = stagesReached(b.ico_deadline_at, ctx.now, warnHours).filter((stage) => !recorded.has(`${b.id}|${stage}`));
    if (!reached.length) continue;
    const claimed: string[] = [];
    for (const stage of reached) {
      const inserted = await ctx.db
        .insertInto('breach_escalations')
        .values({ breach_id: b.id, stage, at: ctx.nowIso, notified: 0 })
        .onConflict((oc) => oc.columns(['breach_id', 'stage']).doNothing())
        .returning('stage')
        .executeTakeFirst();
      if (inserted) claimed.push(stage);
    }
    const stage = claimed.at(-1);
    if (!stage) continue;
    await ctx.db.updateTable('breach_escalations').set({ notified: 1 }).where('breach_id', '=', b.id).where('stage', '=', stage).execute();
    const recipients = await breachRecipients(ctx, await breachConductOf(ctx, b));
    const clock = { ruleId: CLOCK_RULE.id, clause: ctx.actor.policy.clauseFor(CLOCK_RULE.clauseKey) };
    const { emailed } = await notify(ctx, recipients, { kind: 'breach-ico-clock', ...noticeFor(stage), resourceType: 'breach', resourceId: b.id, emailPath: breachPath(b.id), decision: clock });
    ctx.audit.add({
      action: 'breach.escalate', decision: 'change', ruleId: clock.ruleId, clause: clock.clause, resourceType: 'breach', resourceId: b.id,
      detail: { stage, passed: claimed.slice(0, -1), deadlineAt: b.ico_deadline_at, recipients: [...recipients].sort(), emailed },
    });
    sent.push({ breachId: b.id, stage });
  }
  return sent;
}

/** Runs {@link escalateIcoClock} once as a unit of work with the system as actor (the job, and `confide breaches check`). */
export const runIcoClock = (services: Services) => runUnit(services, { actor: 'system', requestId: 'job:breach-ico-clock', work: escalateIcoClock });
