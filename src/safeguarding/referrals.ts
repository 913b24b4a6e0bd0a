import { fromDecision } from '../audit/append';
import { enforce } from '../audit/enforce';
import type { Ctx } from '../context';
import type { Decision } from '../policy/types';
import type { ConcernRow, DisclosureRow, ReferralRow } from '../db/schema';
import { loadForChange } from '../disclosure/commands';
import { conflict, DomainError, invalidInput, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { activeManagers, notify } from '../notify/notify';
import { settleAlerts } from '../notify/settle';
import { decide } from '../policy/decide';
import { findVisible, requireAllowed } from '../records/guard';
import { addEntry, presentEntry } from './chronology';
import { acknowledgeIfRaised, workable } from './commands';
import { concernPath } from './escalation';
import { createReferralDisclosure, releaseReferralDisclosure } from './referral-disclosure';
import { presentReferral, referralComplete } from './referral-present';
import { DEFERRABLE_ANSWERS, type CompletionInput, type ReferralApprovalInput, type ReferralInput, type ReviewInput } from './schema';
import { notFoundAudited } from '../audit/not-found';

const HOUR = 3_600_000;
/** What a referral lacks while it waits for a manager's agreement (practice 4.2): listed with its missing answers. */
export const MANAGER_AGREEMENT = 'managerAgreement';


/**
 * Makes a referral of a concern to the local authority's safeguarding team or the police (practice 4.1–4.3; 1.3
 * legal duty; Caldicott principle 7: the duty to share can be as important as the duty to protect). The decision
 * aid's answers are its recorded reasons; consent rules never block it.
 *
 * With `share`, the information goes through the disclosure workflow under the legal-duty exception, linked both
 * ways (the disclosure names the concern; the chronology names the referral and its disclosure). Who approves:
 * - an urgent referral made by a manager is released at once (rule safeguarding/urgent-release-by-manager,
 *   practice 4.1: management's immediate action) and a second manager reviews it afterwards;
 * - any other — a lead who is not a manager, or a referral that is not urgent — waits for a manager who did not
 *   make it (practice 4.2; rule disclosure/no-self-approval, 1.3); managers are told at once.
 * An urgent referral may leave the consent and telling answers to complete; its record must be complete — those
 * answers and any review — within REFERRAL_COMPLETE_HOURS, or it is flagged (src/safeguarding/referral-clock.ts).
 *
 * Without `share` (the referral is made outside Confide, by telephone or the agency's portal, and recorded here) the
 * course of action is still agreed with management (practice 4.2: "Staff must bring all concerns to management for
 * appropriate course of action to be agreed"). A manager's referral is management's own action; anyone else's — a
 * safeguarding lead who is not a manager — is recorded at once but waits for a manager's agreement, given through
 * the same approval as a sharing referral (POST /api/referrals/:id/approval, by a manager who did not make it;
 * disclosure/no-self-approval), with `managerAgreement` among what is `missing`, `awaitingDecision` true, and the
 * managers told at once. Decided: urgency does not change this. Only a manager acts for management at once
 * (safeguarding/urgent-release-by-manager; practice 4.1 "for their immediate action"), so a lead's urgent referral —
 * made when no manager could be reached — is recorded at once and never blocked, and is agreed (or not) by a manager
 * afterwards, within REFERRAL_COMPLETE_HOURS, or flagged overdue like every incomplete referral.
 */
export async function makeReferral(ctx: Ctx, concernId: string, input: ReferralInput) {
  const { v, decision } = await workable(ctx, concernId, 'concern.refer');
  await acknowledgeIfRaised(ctx, v);
  const concern = v.row as unknown as ConcernRow;
  const id = newId(ctx.now.getTime());
  const missing: string[] = DEFERRABLE_ANSWERS.filter((k) => input[k] === null);
  const atOnceDecision = input.share && input.urgent ? decide(ctx.actor, 'concern.release', v.facts) : null;
  const atOnce = atOnceDecision?.allowed === true;
  // Practice 4.2: a referral that shares nothing through Confide is still management's course of action to agree. A
  // manager's is management's own (safeguarding/urgent-release-by-manager decides who acts for management); anyone
  // else's waits for a manager's agreement, urgent or not (see the JSDoc above).
  const management = input.share ? null : decide(ctx.actor, 'concern.release', v.facts);
  const needsAgreement = management !== null && !management.allowed;
  if (needsAgreement) missing.push(MANAGER_AGREEMENT);

  let disclosure: DisclosureRow | null = null;
  if (input.share) {
    disclosure = (await createReferralDisclosure(ctx, concern, id, input, input.share, atOnce)).row;
    if (atOnce) {
      await releaseReferralDisclosure(ctx, disclosure, atOnceDecision!, true, input.consentPossibleAndSafe);
      disclosure = await disclosureRow(ctx, disclosure.id);
    } else {
      await notify(ctx, await activeManagers(ctx, ctx.actor.id), {
        kind: 'referral-approval', subject: 'A safeguarding referral needs a manager\'s decision now',
        body: 'A referral that shares information under the legal duty waits for a manager who did not make it. Open the concern and approve or refuse it.',
        resourceType: 'concern', resourceId: concernId, emailPath: concernPath(concernId), decision,
      });
    }
  }

  if (needsAgreement) {
    await notify(ctx, await activeManagers(ctx, ctx.actor.id), {
      kind: 'referral-approval', subject: 'A safeguarding referral needs a manager\'s agreement now',
      body: 'A safeguarding lead made a referral; practice 4.2 asks management to agree the course of action. Open the concern and agree or refuse it.',
      resourceType: 'concern', resourceId: concernId, emailPath: concernPath(concernId), decision,
    });
  }

  const { share, agreedWith, ...answers } = input;
  const entry = await addEntry(ctx, concernId, {
    kind: 'referral', recordedBy: ctx.actor.id, agreedWith: agreedWith ?? null,
    detail: { ...answers, referralId: id, missing, releasedAtOnce: atOnce, disclosure: disclosure ? linkOf(disclosure) : null, shares: share ? { organisationId: share.recipient.organisationId, items: itemCount(share.items) } : null },
  });
  const awaiting = disclosure?.status === 'awaiting_approval' || needsAgreement;
  const completeBy = referralComplete(missing, atOnce, false, awaiting) ? null : new Date(ctx.now.getTime() + ctx.services.config.referralCompleteHours * HOUR).toISOString();
  const row: ReferralRow = {
    id, concern_id: concernId, entry_id: entry.id, disclosure_id: disclosure?.id ?? null, agency: input.to, urgent: input.urgent ? 1 : 0,
    answers: JSON.stringify({ ...answers, agreedWith: agreedWith ?? null }), missing: JSON.stringify(missing), released_at_once: atOnce ? 1 : 0,
    referred_by: ctx.actor.id, referred_at: ctx.nowIso, complete_by: completeBy, completed_at: completeBy ? null : ctx.nowIso,
    reviewed_by: null, reviewed_at: null, review_outcome: null, review_note: null, overdue_flagged_at: null, created_at: ctx.nowIso, updated_at: ctx.nowIso, version: 1,
  };
  await ctx.db.insertInto('referrals').values(row).execute();
  ctx.audit.add(fromDecision('concern.refer', decision, {
    resourceType: 'concern', resourceId: concernId, subjectPersonId: v.subjectPersonId,
    detail: {
      entry: entry.id, referralId: id, answers: Object.keys(answers).filter((k) => (answers as Record<string, unknown>)[k] !== null).sort(), missing, urgent: input.urgent,
      disclosure: disclosure?.id ?? null, release: !disclosure ? null : atOnce ? 'at-once' : 'awaiting-approval',
      atOnce: atOnceDecision ? { allowed: atOnceDecision.allowed, rule: atOnceDecision.ruleId, clause: atOnceDecision.clause } : null, completeBy,
      ...(management ? { agreement: needsAgreement ? 'awaiting-manager' : 'by-manager', management: { allowed: management.allowed, rule: management.ruleId, clause: management.clause } } : {}),
    },
  }));
  return { ...presentReferral(ctx.actor, row, disclosure), entry: presentEntry(entry) };
}

const itemCount = (items: NonNullable<ReferralInput['share']>['items']) => ({ personFields: items.personFields.length, notes: items.notes.length, attachments: items.attachments.length, concern: items.concern });
const linkOf = (d: DisclosureRow) => ({ id: d.id, reference: d.reference, status: d.status });
const disclosureRow = async (ctx: Ctx, id: string) => (await ctx.db.selectFrom('disclosures').selectAll().where('id', '=', id).executeTakeFirstOrThrow()) as DisclosureRow;

/**
 * A referral the actor may work: its concern must be visible and workable (the safeguarding leads and management);
 * anyone else gets the same 404 as for a referral that does not exist, so ids cannot be probed (3.4). Both are
 * audited as the action attempted: a missing referral by default/not-found (`found: false`), a hidden one against
 * its concern by the rule that hides it (src/records/guard.ts).
 */
async function loadReferral(ctx: Ctx, id: string, attempted: 'concern.work' | 'disclosure.approve' = 'concern.work') {
  const row = await ctx.db.selectFrom('referrals').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) {
    throw notFoundAudited(ctx, 'referral', { action: attempted, resourceType: 'referral', resourceId: id, detail: { found: false } });
  }
  const v = await findVisible(ctx, 'concern', row.concern_id, attempted).catch((error: unknown) => {
    // The concern's 404 would name a concern: answer exactly as for a referral that does not exist.
    throw error instanceof DomainError && error.kind === 'not-found' ? notFound('referral') : error;
  });
  const decision = requireAllowed(ctx, 'concern.work', v, 'general', { referralId: id });
  return { row: row as ReferralRow, v, decision };
}

/** Marks a referral complete when nothing is left, in the same statement that records the change. */
async function settle(ctx: Ctx, row: ReferralRow, change: Partial<ReferralRow>, awaitingDecision: boolean) {
  const next = { ...row, ...change };
  const complete = referralComplete(JSON.parse(next.missing) as string[], Number(next.released_at_once) === 1, next.reviewed_at !== null, awaitingDecision);
  const done = await ctx.db.updateTable('referrals').set((eb) => ({
    ...change, completed_at: complete ? (row.completed_at ?? ctx.nowIso) : null, updated_at: ctx.nowIso, version: eb('version', '+', 1),
  })).where('id', '=', row.id).where('version', '=', Number(row.version)).executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw conflict('This referral was changed meanwhile; reload it.', [{ path: 'params.id', message: 'changed meanwhile' }]);
  return (await ctx.db.selectFrom('referrals').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow()) as ReferralRow;
}

/**
 * Settles the managers' alerts to decide a concern's referral (src/notify/settle.ts) once none of its referrals
 * awaits a decision any more: taken by the actor, so the other managers see it no longer waits on them.
 */
async function settleApprovalAlerts(ctx: Ctx, concernId: string, decision: Pick<Decision, 'ruleId' | 'clause'>) {
  const waiting = await ctx.db.selectFrom('disclosures').select('id').where('concern_id', '=', concernId).where('status', '=', 'awaiting_approval').executeTakeFirst()
    ?? await ctx.db.selectFrom('referrals').select('id').where('concern_id', '=', concernId).where('missing', 'like', `%"${MANAGER_AGREEMENT}"%`).executeTakeFirst();
  if (!waiting) await settleAlerts(ctx, { resourceType: 'concern', resourceId: concernId, kinds: ['referral-approval'], decision });
}

/**
 * A manager who did not make the referral approves it — and so it is released at once, the pack made — or refuses
 * it, with a justification (1.3 disclosure/manager-decides-exception; disclosure/no-self-approval refuses the
 * referrer, audited). Recorded in the concern's chronology.
 */
export async function decideReferral(ctx: Ctx, id: string, input: ReferralApprovalInput) {
  const { row, v } = await loadReferral(ctx, id, 'disclosure.approve');
  if (!row.disclosure_id) return agreeReferral(ctx, row, input, v.subjectPersonId);
  const { row: d, decision } = await loadForChange(ctx, row.disclosure_id, 'disclosure.approve');
  if (d.status !== 'awaiting_approval') throw conflict(`This referral's disclosure is ${d.status.replace(/_/g, ' ')}, not awaiting approval.`, [{ path: 'params.id', message: d.status }]);
  const approve = input.decision === 'approve';
  const done = await ctx.db.updateTable('disclosures').set((eb) => ({
    status: approve ? 'acknowledged' : 'refused', approved_by: approve ? ctx.actor.id : null, approved_at: ctx.nowIso, justification: input.justification,
    updated_at: ctx.nowIso, version: eb('version', '+', 1),
  })).where('id', '=', d.id).where('status', '=', 'awaiting_approval').executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw conflict('This referral was decided meanwhile.', [{ path: 'params.id', message: 'already decided' }]);
  ctx.audit.add(fromDecision('disclosure.approve', decision, {
    resourceType: 'disclosure', resourceId: d.id, subjectPersonId: d.person_id, detail: { decision: input.decision, ground: 'legal_duty', concernId: row.concern_id, referralId: id, requestedBy: d.requested_by },
  }));
  await settleApprovalAlerts(ctx, row.concern_id, decision);
  if (approve) {
    const release = requireAllowed(ctx, 'disclosure.release', await findVisible(ctx, 'disclosure', d.id, 'disclosure.release'));
    await releaseReferralDisclosure(ctx, await disclosureRow(ctx, d.id), release, false, (JSON.parse(row.answers) as { consentPossibleAndSafe?: boolean | null }).consentPossibleAndSafe ?? null);
  }
  const after = await disclosureRow(ctx, d.id);
  await addEntry(ctx, row.concern_id, { kind: 'referral-update', recordedBy: ctx.actor.id, reason: input.justification, detail: { event: approve ? 'approved' : 'refused', referralId: id, disclosure: linkOf(after) } });
  const updated = await settle(ctx, row, {}, false);
  return presentReferral(ctx.actor, updated, after);
}

/**
 * A manager who did not make it agrees (or refuses) a referral that shared nothing through Confide and waits for
 * management's agreement (practice 4.2), decided and audited as the approval of a sharing referral is (1.3
 * disclosure/manager-decides-exception; disclosure/no-self-approval refuses the referrer). Recorded in the
 * chronology and the referral's answers (`managerAgreement`: decision, by, at), and the managers' alerts settled.
 */
async function agreeReferral(ctx: Ctx, row: ReferralRow, input: ReferralApprovalInput, subjectPersonId: string | null) {
  const missing = JSON.parse(row.missing) as string[];
  const facts = { type: 'disclosure' as const, id: row.id, ownerId: row.referred_by, referral: true };
  const decision = enforce(ctx, 'disclosure.approve', decide(ctx.actor, 'disclosure.approve', facts), { resourceType: 'concern', resourceId: row.concern_id, subjectPersonId, detail: { referralId: row.id } });
  if (!missing.includes(MANAGER_AGREEMENT)) throw conflict('This referral shared nothing through Confide and does not wait for a manager\'s agreement.', [{ path: 'params.id', message: 'not awaiting agreement' }]);
  const agreement = { decision: input.decision, by: ctx.actor.id, at: ctx.nowIso };
  const answers = { ...(JSON.parse(row.answers) as Record<string, unknown>), managerAgreement: agreement };
  const updated = await settle(ctx, row, { answers: JSON.stringify(answers), missing: JSON.stringify(missing.filter((k) => k !== MANAGER_AGREEMENT)) }, false);
  await addEntry(ctx, row.concern_id, { kind: 'referral-update', recordedBy: ctx.actor.id, reason: input.justification, detail: { event: input.decision === 'approve' ? 'agreed' : 'refused', referralId: row.id } });
  ctx.audit.add(fromDecision('disclosure.approve', decision, {
    resourceType: 'concern', resourceId: row.concern_id, subjectPersonId, detail: { decision: input.decision, referralId: row.id, requestedBy: row.referred_by, shared: false },
  }));
  await settleApprovalAlerts(ctx, row.concern_id, decision);
  return presentReferral(ctx.actor, updated, null);
}

/**
 * A second manager reviews a referral a manager released at once (practice 4.1): upheld, or concerns recorded for
 * management to act on. The manager who released it cannot review it (disclosure/no-self-approval, 1.3).
 */
export async function reviewReferral(ctx: Ctx, id: string, input: ReviewInput) {
  const { row } = await loadReferral(ctx, id, 'disclosure.approve');
  if (row.released_at_once !== 1 || !row.disclosure_id) throw conflict('Only a referral released at once is reviewed afterwards; others are approved before release.', [{ path: 'params.id', message: 'not released at once' }]);
  if (row.reviewed_at) throw conflict('This referral has been reviewed already.', [{ path: 'params.id', message: 'already reviewed' }]);
  const { row: d, decision } = await loadForChange(ctx, row.disclosure_id, 'disclosure.approve');
  const updated = await settle(ctx, row, { reviewed_by: ctx.actor.id, reviewed_at: ctx.nowIso, review_outcome: input.outcome, review_note: input.note }, false);
  await addEntry(ctx, row.concern_id, { kind: 'referral-update', recordedBy: ctx.actor.id, text: input.note, detail: { event: 'reviewed', outcome: input.outcome, referralId: id, disclosure: linkOf(d) } });
  ctx.audit.add(fromDecision('referral.review', decision, {
    resourceType: 'concern', resourceId: row.concern_id, subjectPersonId: d.person_id, detail: { referralId: id, disclosure: d.id, outcome: input.outcome, releasedBy: d.released_by, complete: updated.completed_at !== null },
  }));
  return presentReferral(ctx.actor, updated, d);
}

/**
 * Completes the answers an urgent referral left (whether consent could be sought, and whether the person will be
 * told) and adds who agreed or the agency's reference (practice 4.3). An answer given already is not changed here:
 * a correction is a new chronology entry. When nothing is left (and a release at once is reviewed) the record is
 * complete and leaves the incomplete list.
 */
export async function completeReferral(ctx: Ctx, id: string, input: CompletionInput) {
  const { row, v, decision } = await loadReferral(ctx, id);
  const answers = JSON.parse(row.answers) as Record<string, unknown>;
  const missing = JSON.parse(row.missing) as string[];
  const given = Object.keys(input).filter((k) => k !== 'agreedWith' && k !== 'reference' && k !== 'notToldReason');
  const already = given.filter((k) => !missing.includes(k));
  if (already.length) throw invalidInput('These answers were given already; record a correction in the chronology instead.', already.map((k) => ({ path: `body.${k}`, message: 'answered already' })));
  if (input.notToldReason && input.personTold === undefined) throw invalidInput('A reason for not telling the person goes with the answer that they will not be told.', [{ path: 'body.personTold', message: 'say whether the person will be told' }]);
  const merged = { ...answers, ...input };
  const left = missing.filter((k) => !(k in input));
  const before = row.disclosure_id ? await disclosureRow(ctx, row.disclosure_id) : null;
  const updated = await settle(ctx, row, { answers: JSON.stringify(merged), missing: JSON.stringify(left) }, before?.status === 'awaiting_approval');
  if (row.disclosure_id && (input.personTold !== undefined || input.reference)) {
    await ctx.db.updateTable('disclosures').set((eb) => ({
      ...(input.personTold !== undefined ? { tell_person: input.personTold ? 1 : 0, not_told_reason: input.notToldReason ?? null } : {}),
      ...(input.reference ? { exception_reference: input.reference } : {}), updated_at: ctx.nowIso, version: eb('version', '+', 1),
    })).where('id', '=', row.disclosure_id).execute();
  }
  const fields = Object.keys(input).sort();
  await addEntry(ctx, row.concern_id, { kind: 'referral-update', recordedBy: ctx.actor.id, agreedWith: input.agreedWith ?? null, detail: { event: 'completed', referralId: id, ...input, missing: left } });
  ctx.audit.add(fromDecision('referral.complete', decision, {
    resourceType: 'concern', resourceId: row.concern_id, subjectPersonId: v.subjectPersonId, detail: { referralId: id, fields, missing: left, complete: updated.completed_at !== null },
  }));
  const d = row.disclosure_id ? await disclosureRow(ctx, row.disclosure_id) : null;
  return presentReferral(ctx.actor, updated, d);
}
