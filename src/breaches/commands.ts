import { fromDecision, type AuditEntry } from '../audit/append';
import type { Ctx } from '../context';
import type { BreachRow } from '../db/schema';
import { isInFuture } from '../lib/clock';
import { forbidden, invalidInput } from '../lib/errors';
import { newId } from '../lib/ids';
import { alertedAs, firstHolders, notify, type Alerted } from '../notify/notify';
import { decide } from '../policy/decide';
import type { Decision } from '../policy/types';
import { checkWrite } from '../records/guard';
import { icoDeadline } from './assessment';
import { breachConductOf } from './conduct';
import { getBreach } from './queries';
import type { ReportBreachInput } from './schema';

/** Where an e-mail's link leads: the breach in the web app (the fragment never reaches a server log). */
export const breachPath = (id: string) => `/#/breaches/${id}`;

/** What a new breach record starts from. */
export interface NewBreach {
  source: BreachRow['source'];
  report: string;
  reportedOccurredAt?: string | null;
  status?: 'reported' | 'assessing';
  grantId?: string | null;
  flagId?: string | null;
}

/**
 * Who is told of a breach and warned of its ICO clock: every active manager (they handle breaches) but those left
 * out — the people whose conduct it is about, the one acting — and, when none of them can act (there is none, or
 * none has signed in to set their password yet: src/accounts/can-act.ts), the guardian too, so a breach is never
 * silent, never only in the hands of the person it concerns, and never only with accounts nobody can use (clause 5).
 */
export async function breachRecipients(ctx: Ctx, except: readonly string[] = []): Promise<string[]> {
  return (await breachAudience(ctx, except)).ids;
}

/**
 * {@link breachRecipients} with those of them who can act, and the role they were found through (managers, else the
 * guardian; none when nobody who can act).
 */
const breachAudience = (ctx: Ctx, except: readonly string[]) => firstHolders(ctx, ['manager', 'guardian'], except);

/** The audit entry of a change allowed by `decision`: recorded as a change, naming the rule and clause. */
export const changeEntry = (action: string, decision: Decision, target: Pick<AuditEntry, 'resourceType' | 'resourceId' | 'subjectPersonId' | 'detail'>): AuditEntry => ({
  ...fromDecision(action, decision, target), decision: 'change',
});

/**
 * Writes a breach record and tells management at once — in the app and by e-mail through the outbox, with no
 * detail — because the 72-hour ICO clock (UK GDPR Art 33(1)) starts now: the organisation is aware from the moment
 * a breach is reported to it. `action` names how it was opened (a report, a break-glass review, a flag). Returns
 * its id and who was told.
 */
export async function createBreach(ctx: Ctx, input: NewBreach, decision: Decision, action: string, detail: Record<string, unknown>): Promise<{ id: string; alerted: Alerted }> {
  const id = newId(ctx.now.getTime());
  const row: BreachRow = {
    id, status: input.status ?? 'reported', source: input.source, reported_by: ctx.actor.id, reported_at: ctx.nowIso, report: input.report,
    reported_occurred_at: input.reportedOccurredAt ? new Date(input.reportedOccurredAt).toISOString() : null, what_happened: null, occurred_at: null,
    aware_at: ctx.nowIso, ico_deadline_at: icoDeadline(ctx.nowIso), data_categories: '[]', people_affected: null, likelihood: null, severity: null,
    risk_level: null, risk_notes: null, containment: null, ico_decision: null, ico_reason: null, ico_reported_at: null, ico_reference: null,
    people_told_decision: null, people_not_told_ground: null, people_told_reason: null, people_told_at: null, disciplinary_reference: null,
    grant_id: input.grantId ?? null, flag_id: input.flagId ?? null, closed_at: null, closed_by: null, closing_note: null,
    created_at: ctx.nowIso, updated_at: ctx.nowIso, version: 1,
  };
  await ctx.db.insertInto('breaches').values(row).execute();
  ctx.audit.add(changeEntry(action, decision, { resourceType: 'breach', resourceId: id, detail: { source: input.source, ...detail } }));
  const audience = await breachAudience(ctx, [ctx.actor.id, ...(await breachConductOf(ctx, row))]);
  const notified = await notify(ctx, audience.ids, {
    kind: 'breach-reported', subject: 'A suspected breach of the confidentiality policy needs your attention',
    body: 'A suspected breach was recorded. The 72 hours for telling the ICO count from now: assess it and record the decisions.',
    resourceType: 'breach', resourceId: id, emailPath: breachPath(id), decision,
  });
  return { id, alerted: alertedAs(ctx, audience, notified) };
}

/**
 * Reports a suspected breach (clause 5): anyone working here, in one request. Management are told at once; the
 * reporter reads back what they wrote and its status, nothing of the handling, and who was told (`alerted`). A report
 * says what has happened: a time it happened in the future is a 400 on body.occurredAt, and nothing is written.
 */
export async function reportBreach(ctx: Ctx, input: ReportBreachInput) {
  if (input.occurredAt && isInFuture(input.occurredAt, ctx.now)) {
    throw invalidInput('A report says what has happened: when it happened cannot be in the future.', [{ path: 'body.occurredAt', message: 'must not be in the future' }]);
  }
  checkWrite(ctx, 'breach.report', 'breach', { report: input.report }, { reported_by: ctx.actor.id });
  const decision = decide(ctx.actor, 'breach.report', { type: 'breach', ownerId: ctx.actor.id, classification: 'personal' });
  if (!decision.allowed) throw forbidden(decision);
  const { id, alerted } = await createBreach(ctx, { source: 'report', report: input.report, reportedOccurredAt: input.occurredAt }, decision, 'breach.report', {
    fields: Object.keys(input).sort(),
  });
  // Someone who has not yet accepted the policy (3.5) may report but not read records back: they get a receipt.
  const readBack = decide(ctx.actor, 'breach.read', { type: 'breach', ownerId: ctx.actor.id, classification: 'general' });
  if (!readBack.allowed) return { data: { id, status: 'reported', reportedAt: ctx.nowIso } as Record<string, unknown>, restricted: [], version: 1, can: { review: false, handle: false }, alerted };
  return { ...(await getBreach(ctx, id)), alerted };
}
