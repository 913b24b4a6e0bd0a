import { enforce } from '../audit/enforce';
import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import type { ConcernRow } from '../db/schema';
import { conflict, DomainError, invalidInput } from '../lib/errors';
import { addMinutes, isInFuture } from '../lib/clock';
import { newId } from '../lib/ids';
import { activeManagers, notify } from '../notify/notify';
import { decide } from '../policy/decide';
import { factsFor } from '../policy/relations';
import { offered } from '../records/can';
import type { Decision } from '../policy/types';
import { checkWrite, findVisible, refusalTarget, requireAllowed, type Visible } from '../records/guard';
import { addEntry, presentEntry } from './chronology';
import { alertedAs } from '../notify/notify';
import { settleAlerts } from '../notify/settle';
import { alertConcern, CONCERN_ALERT_KINDS, concernPath, concernRecipients, escalationMinutes } from './escalation';
import { getConcern } from './queries';
import type { CloseInput, EntryInput, RaiseConcernInput } from './schema';

/**
 * Raises a safeguarding concern (practice 4.1–4.2): anyone working here, in one request. It goes at once to every
 * designated safeguarding lead and every manager (never the raiser) in the app and by e-mail, in this transaction,
 * and they are reminded if nobody acknowledges it in time (sooner when there is immediate risk). It says what was
 * seen or heard: a time it happened in the future is a 400 on body.occurredAt, and nothing is written.
 *
 * The person is named by `personId` only if the raiser may see that person's record; an id they may not see answers
 * exactly like an id that does not exist (the same 404 after the same lookup and audit, naming body.personId), so
 * the answer tells them nothing they could not already see. Anyone else is described in `personDescription`; the
 * leads link the concern to a record.
 */
export async function raiseConcern(ctx: Ctx, input: RaiseConcernInput) {
  if (isInFuture(input.occurredAt, ctx.now)) {
    throw invalidInput('A concern says what was seen or heard: when it happened cannot be in the future.', [{ path: 'body.occurredAt', message: 'must not be in the future' }]);
  }
  const draft = { raised_by: ctx.actor.id, person_id: input.personId ?? null };
  checkWrite(ctx, 'concern.raise', 'concern', input, draft);
  const allowed = decide(ctx.actor, 'concern.raise', { type: 'concern', ownerId: ctx.actor.id, classification: 'safeguarding' });
  if (input.personId) await requireVisiblePerson(ctx, input.personId);

  const id = newId(ctx.now.getTime());
  const immediateRisk = input.immediateRisk;
  const row: ConcernRow = {
    id, concern_for: input.concernFor, person_id: input.personId ?? null, person_description: input.personDescription ?? null,
    what_happened: input.whatHappened, occurred_at: new Date(input.occurredAt).toISOString(), people_involved: input.peopleInvolved ?? null,
    immediate_risk: immediateRisk ? 1 : 0, actions_taken: input.actionsTaken ?? null, status: 'raised', raised_by: ctx.actor.id,
    raised_at: ctx.nowIso, acknowledged_at: null, acknowledged_by: null, escalation_level: 0,
    next_escalation_at: addMinutes(ctx.now, escalationMinutes(ctx.services.config, immediateRisk)).toISOString(),
    closed_at: null, closed_by: null, created_at: ctx.nowIso, updated_at: ctx.nowIso, version: 1,
  };
  await ctx.db.insertInto('concerns').values(row).execute();
  ctx.audit.add(fromDecision('concern.raise', allowed, { resourceType: 'concern', resourceId: id, subjectPersonId: row.person_id, detail: { fields: Object.keys(input).sort() } }));
  await addEntry(ctx, id, { kind: 'raised', recordedBy: ctx.actor.id, detail: { immediateRisk } });
  // The leads and management, at once (practice 4.1); the raiser is told who was alerted, as it is: how many who can
  // act on it, through which roles, and how many more whose accounts are not set up yet (src/accounts/can-act.ts).
  const recipients = await concernRecipients(ctx, ctx.actor.id);
  const alerted = alertedAs(ctx, recipients, await alertConcern(ctx, row, 0, recipients));
  // Someone who has not accepted the current policy yet raises all the same (3.5 gates reading, never raising), but
  // does not read records back: the answer then carries the concern's id and status only, as a breach report's does.
  const loaded = row as unknown as Record<string, unknown>;
  const readBack = decide(ctx.actor, 'concern.read', { ...factsFor(ctx.actor, 'concern', loaded), classification: 'general' });
  if (!readBack.allowed) return { data: { id, status: row.status, raisedAt: row.raised_at, immediateRisk }, restricted: [], version: 1, can: offered(ctx, 'concern', loaded), alerted };
  return { ...(await getConcern(ctx, id)), alerted };
}

/**
 * 404 naming body.personId, alike for a person who does not exist and one the raiser may not see (3.4). Naming a
 * client one works with is not reading their record: it is decided on need to know alone, so the acceptance gate
 * (3.5, agreement/not-accepted) never holds a concern up (practice 4.1).
 */
async function requireVisiblePerson(ctx: Ctx, personId: string) {
  const naming: Ctx = { ...ctx, actor: { ...ctx.actor, policyAccepted: true } };
  try {
    await findVisible(naming, 'person', personId, 'concern.raise', { resourceType: 'concern', resourceId: null });
  } catch (error) {
    if (!(error instanceof DomainError) || error.kind !== 'not-found') throw error;
    throw new DomainError('not-found', 'No person with that id, or you do not have access to their record: describe the person in your own words instead.', {
      errors: [{ path: 'body.personId', message: 'no person with that id that you may see' }],
    });
  }
}

/** A concern the actor works (safeguarding leads, management), with the decision allowing `action` on it. */
export async function workable(ctx: Ctx, id: string, action: 'concern.work' | 'concern.refer') {
  const v = await findVisible(ctx, 'concern', id);
  const decision = requireAllowed(ctx, action, v);
  if (v.row.status === 'closed') throw conflict('This concern is closed.', [{ path: 'params.id', message: 'closed' }]);
  return { v, decision };
}

/**
 * Marks a raised concern acknowledged (stopping its escalation), records it, settles every lead's and manager's
 * alert about it — taken by the actor, so the others can see it no longer waits on them (practice 4.1) — and tells
 * the raiser.
 */
async function acknowledge(ctx: Ctx, v: Visible, decision: Decision) {
  const done = await ctx.db
    .updateTable('concerns')
    .set((eb) => ({ status: 'acknowledged', acknowledged_at: ctx.nowIso, acknowledged_by: ctx.actor.id, next_escalation_at: null, updated_at: ctx.nowIso, version: eb('version', '+', 1) }))
    .where('id', '=', v.row.id).where('status', '=', 'raised')
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw conflict('This concern was already acknowledged.', [{ path: 'params.id', message: 'already acknowledged' }]);
  await addEntry(ctx, v.row.id, { kind: 'acknowledged', recordedBy: ctx.actor.id });
  ctx.audit.add(fromDecision('concern.acknowledge', decision, { resourceType: 'concern', resourceId: v.row.id, subjectPersonId: v.subjectPersonId, detail: { escalationLevel: Number(v.row.escalation_level) } }));
  await settleAlerts(ctx, { resourceType: 'concern', resourceId: v.row.id, kinds: CONCERN_ALERT_KINDS, decision });
  await notify(ctx, [v.row.raised_by as string], {
    kind: 'concern-acknowledged', subject: 'Your concern was acknowledged', body: 'The concern you raised has been acknowledged and is being acted on.',
    resourceType: 'concern', resourceId: v.row.id, decision,
  });
}

/** Whether the actor may acknowledge or close a concern (concern.settle): never its raiser (safeguarding/not-own-concern). */
const settleDecision = (ctx: Ctx, v: Visible) => decide(ctx.actor, 'concern.settle', { ...v.facts, classification: 'general' });

/**
 * The decision allowing the actor to acknowledge or close a concern (concern.settle), or 403: never its raiser
 * (safeguarding/not-own-concern). A refusal is audited as what was attempted.
 */
function requireSettle(ctx: Ctx, v: Visible, attempted: 'concern.acknowledge' | 'concern.close'): Decision {
  return enforce(ctx, attempted, settleDecision(ctx, v), refusalTarget(v));
}

/**
 * Acknowledges a concern: its escalation stops and the raiser sees the new status (practice 4.1). Never by its raiser
 * (safeguarding/not-own-concern: 403, audited).
 */
export async function acknowledgeConcern(ctx: Ctx, id: string) {
  const { v } = await workable(ctx, id, 'concern.work');
  await acknowledge(ctx, v, requireSettle(ctx, v, 'concern.acknowledge'));
  return getConcern(ctx, id);
}

/**
 * Working a concern that nobody has acknowledged yet acknowledges it: an urgent action never waits for a click. Not
 * when its raiser works it: it stays waiting, and escalating, for someone else (safeguarding/not-own-concern).
 */
export async function acknowledgeIfRaised(ctx: Ctx, v: Visible) {
  if (v.row.status !== 'raised') return;
  const settle = settleDecision(ctx, v);
  if (settle.allowed) await acknowledge(ctx, v, settle);
}

/**
 * Adds a fact, an action, a decision (with its reason and who agreed) or an outcome to the chronology (practice
 * 4.2–4.3). A decision names the manager it was agreed with (practice 4.2: "for appropriate course of action to be
 * agreed" with management) by user id: an active manager, or 400 on body.agreedWith and nothing written. The
 * manager named is told, so a decision recorded in their name without their agreement does not go unseen; anyone
 * else consulted is the free-text `agreedWithNote`, kept apart.
 */
export async function recordEntry(ctx: Ctx, id: string, input: EntryInput) {
  const { v, decision } = await workable(ctx, id, 'concern.work');
  const agreedBy = input.kind === 'decision' ? input.agreedWith : null;
  if (agreedBy !== null && !(await activeManagers(ctx)).includes(agreedBy)) {
    throw invalidInput('A decision is agreed with management: name the manager who agreed it (an active manager\'s user id).', [{ path: 'body.agreedWith', message: 'not an active manager' }]);
  }
  await acknowledgeIfRaised(ctx, v);
  const entry = await addEntry(ctx, id, {
    kind: input.kind, recordedBy: ctx.actor.id, text: input.text, reason: 'reason' in input ? input.reason : null,
    detail: agreedBy !== null ? { agreedBy, ...(input.kind === 'decision' && input.agreedWithNote ? { agreedWithNote: input.agreedWithNote } : {}) } : undefined,
  });
  ctx.audit.add(fromDecision('concern.record', decision, { resourceType: 'concern', resourceId: id, subjectPersonId: v.subjectPersonId, detail: { kind: input.kind, entry: entry.id, fields: Object.keys(input).sort(), ...(agreedBy !== null ? { agreedBy } : {}) } }));
  if (agreedBy !== null && agreedBy !== ctx.actor.id) {
    await notify(ctx, [agreedBy], {
      kind: 'concern-decision-agreed', subject: 'You were named as agreeing a safeguarding decision',
      body: 'A safeguarding lead recorded a decision on a concern as agreed with you (practice 4.2). Open the concern to see it; if you did not agree it, say so in its chronology.',
      resourceType: 'concern', resourceId: id, emailPath: concernPath(id), decision,
    });
  }
  return presentEntry(entry);
}

/** Closes a concern with its outcome and the reason; the raiser sees it closed. */
export async function closeConcern(ctx: Ctx, id: string, input: CloseInput) {
  const { v } = await workable(ctx, id, 'concern.work');
  const decision = requireSettle(ctx, v, 'concern.close');
  await acknowledgeIfRaised(ctx, v);
  await ctx.db
    .updateTable('concerns')
    .set((eb) => ({ status: 'closed', closed_at: ctx.nowIso, closed_by: ctx.actor.id, next_escalation_at: null, updated_at: ctx.nowIso, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .execute();
  await addEntry(ctx, id, { kind: 'closed', recordedBy: ctx.actor.id, text: input.outcome, reason: input.reason });
  ctx.audit.add(fromDecision('concern.close', decision, { resourceType: 'concern', resourceId: id, subjectPersonId: v.subjectPersonId, detail: { fields: Object.keys(input).sort() } }));
  await notify(ctx, [v.row.raised_by as string], {
    kind: 'concern-closed', subject: 'A concern you raised was closed', body: 'The concern you raised has been closed by those who handled it.', resourceType: 'concern', resourceId: id, decision,
  });
  return getConcern(ctx, id);
}
