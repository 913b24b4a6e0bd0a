import { sql } from 'kysely';
import type { Config } from '../config';
import type { Ctx, Services } from '../context';
import type { ConcernRow } from '../db/schema';
import { runUnit } from '../unit';
import { addMinutes } from '../lib/clock';
import { allHolders, notify, type Holders, type Notified } from '../notify/notify';
import type { Role } from '../policy/types';
import { addEntry } from './chronology';

/**
 * How many times an unacknowledged concern escalates: each time, the people it alerted when it was raised — every
 * lead and every manager — are reminded of it. After that it waits at the top of their list, still marked
 * unacknowledged.
 */
export const MAX_ESCALATIONS = 2;
/** The rule under which a concern reaches the leads and management; alerts and escalations are its obligations. */
export const ALERT_RULE = { id: 'safeguarding/raise-concern', clauseKey: 'safeguarding-management' } as const;
/** The kinds of alert asking the leads and management to act on a concern: settled for all once one acknowledges it. */
export const CONCERN_ALERT_KINDS = ['concern-raised', 'concern-escalated'] as const;
/** Where an e-mail's link leads: the concern in the web app (the fragment never reaches a server log). */
export const concernPath = (id: string) => `/#/concerns/${id}`;

/** Minutes until an unacknowledged concern escalates (its leads and managers are reminded): shorter when the raiser said there is immediate risk. */
export const escalationMinutes = (config: Config, immediateRisk: boolean) =>
  immediateRisk ? config.safeguardingUrgentEscalateMinutes : config.safeguardingEscalateMinutes;

/** The roles whose holders a concern reaches, in the order the raiser is told them: the leads, then management. */
export const CONCERN_ROLES: readonly Role[] = ['safeguarding_lead', 'manager'];

/**
 * Whom a concern alerts at once, and reminds while it waits: every active designated safeguarding lead and every
 * active manager (practice 4.1: brought to the attention of management for their immediate action), leaving out the
 * raiser, and someone holding both roles once; which of them can act on it now (`ready`: an account whose holder has
 * never signed in to set their password cannot, src/accounts/can-act.ts); with the roles through which anyone
 * who can act was found ({@link CONCERN_ROLES} order). No role, and nobody ready, when no lead or manager can act.
 */
export const concernRecipients = (ctx: Ctx, raisedBy: string) => allHolders(ctx, CONCERN_ROLES, raisedBy);

/** Everyone a concern reaches — every lead and every manager — leaving out the raiser ({@link concernRecipients}). */
export async function escalationRecipients(ctx: Ctx, raisedBy: string): Promise<string[]> {
  return (await concernRecipients(ctx, raisedBy)).ids;
}

/**
 * Alerts people to a concern — in the app and by e-mail through the outbox, in the caller's transaction — and
 * records it with its time in the chronology and the audit trail (practice 4.1: brought to the attention of
 * management for their immediate action). Level 0 is the alert when it is raised; 1 and up are escalations, which
 * remind the same people that it still waits. The chronology and the audit entry name everyone alerted and, apart
 * (`notSetUp`), those who cannot act on it yet (src/accounts/can-act.ts). Returns what {@link notify} did.
 */
export async function alertConcern(ctx: Ctx, concern: Pick<ConcernRow, 'id' | 'person_id' | 'immediate_risk'>, level: number, found: Pick<Holders, 'ids' | 'ready'>): Promise<Notified> {
  const recipients = found.ids;
  const escalated = level > 0;
  // Someone at risk now stands out in the alert list and the inbox (the subject is all an e-mail says).
  const urgent = Number(concern.immediate_risk) === 1 ? 'Urgent, someone may be at risk now. ' : '';
  const alert = { ruleId: ALERT_RULE.id, clause: ctx.actor.policy.clauseFor(ALERT_RULE.clauseKey) };
  const notified = await notify(ctx, recipients, {
    kind: escalated ? 'concern-escalated' : 'concern-raised',
    subject: `${urgent}${escalated ? 'Reminder: a concern has not been acknowledged and needs your attention' : 'A concern needs your attention'}`,
    body: escalated
      ? 'A reminder: a safeguarding concern raised earlier has not been acknowledged yet. Open it and acknowledge it.'
      : 'A colleague raised a safeguarding concern. Open it and acknowledge it.',
    resourceType: 'concern', resourceId: concern.id, emailPath: concernPath(concern.id), decision: alert,
  });
  const ready = new Set(found.ready);
  const notSetUp = recipients.filter((id) => !ready.has(id)).sort();
  const detail = { level, recipients: [...recipients].sort(), emailed: notified.emailed, ...(notSetUp.length ? { notSetUp } : {}) };
  await addEntry(ctx, concern.id, { kind: escalated ? 'escalated' : 'alerted', recordedBy: null, detail });
  ctx.audit.add({
    action: escalated ? 'concern.escalate' : 'concern.alert', decision: 'change', ruleId: alert.ruleId, clause: alert.clause,
    resourceType: 'concern', resourceId: concern.id, subjectPersonId: concern.person_id, detail,
  });
  return notified;
}

/**
 * Escalates every concern that is still unacknowledged when its time is up: every lead and every manager (as
 * {@link concernRecipients} finds them now, the raiser left out) is reminded of it, and the next escalation is set
 * (none after {@link MAX_ESCALATIONS}). Due concerns are locked with FOR UPDATE
 * SKIP LOCKED on PostgreSQL, and each move is conditional on the level it read, so two server processes running the
 * job never escalate a concern twice. Returns the ids escalated.
 */
export async function escalateDue(ctx: Ctx): Promise<string[]> {
  const lock = ctx.services.db.dialect === 'postgres' ? sql` for update skip locked` : sql``;
  const { rows: due } = await sql<ConcernRow>`
    select * from concerns where status = 'raised' and next_escalation_at is not null and next_escalation_at <= ${ctx.nowIso}
    order by next_escalation_at, id limit 100${lock}`.execute(ctx.db);
  const escalated: string[] = [];
  for (const c of due) {
    const level = Number(c.escalation_level) + 1;
    const next = level >= MAX_ESCALATIONS ? null : addMinutes(ctx.now, escalationMinutes(ctx.services.config, Number(c.immediate_risk) === 1)).toISOString();
    const moved = await ctx.db
      .updateTable('concerns')
      .set({ escalation_level: level, next_escalation_at: next })
      .where('id', '=', c.id).where('status', '=', 'raised').where('escalation_level', '=', Number(c.escalation_level))
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) continue;
    await alertConcern(ctx, c, level, await concernRecipients(ctx, c.raised_by));
    escalated.push(c.id);
  }
  return escalated;
}

/** Runs {@link escalateDue} once as a unit of work with the system as actor (the job, and `confide safeguarding escalate`). */
export const runEscalations = (services: Services) => runUnit(services, { actor: 'system', requestId: 'job:safeguarding-escalation', work: escalateDue });

/**
 * Runs the escalation job every SAFEGUARDING_CHECK_SECONDS in this process, one run at a time. Returns a function
 * that stops it.
 */
export function startEscalationJob(services: Services): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runEscalations(services)
      .catch((error: Error) => services.logger.error({ err: { type: error.name, stack: error.stack } }, 'safeguarding escalation failed'))
      .finally(() => { running = false; });
  }, services.config.safeguardingCheckSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
