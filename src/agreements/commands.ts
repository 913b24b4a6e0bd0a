import { enforce } from '../audit/enforce';
import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import type { AgreementRow } from '../db/schema';
import { conflict, DomainError, invalidInput, notFound, staleVersion } from '../lib/errors';
import { newId } from '../lib/ids';
import type { Action } from '../policy/actions';
import { decide } from '../policy/decide';
import { classMask, type Classification, type Decision } from '../policy/types';
import { PURPOSE_REACHES_PARTNERS, requirePurposesReachPartners } from './reach';
import { AGREEMENT_RECORD, agreementFact, agreementStatus, currentBlocker, loadParts, presentAgreement, variationBlocker, type CurrentStep } from './record';
import { datesOutOfOrder, type CreateAgreementInput, type SignatoryInput, type UpdateAgreementInput } from './schema';

/** Loads an agreement row (404 when there is none: that agreements exist is not hidden from anyone working here). */
export async function loadAgreement(ctx: Ctx, id: string): Promise<AgreementRow> {
  const row = await ctx.db.selectFrom('agreements').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('sharing agreement');
  return row;
}

/** Decides `action` on an agreement; a refusal is audited and answers 403 with the reason. */
export function requireAgreement(ctx: Ctx, action: Action, id: string | null) {
  return enforce(ctx, action, decide(ctx.actor, action, { type: 'agreement', id: id ?? undefined }), { resourceType: 'agreement', resourceId: id });
}

/** Whether the actor may see the signed copy's details (a pure decision, not audited: no document is read). */
export const mayReadDocument = (ctx: Ctx) => decide(ctx.actor, 'agreement.document', { type: 'agreement' }).allowed;

/**
 * What the actor may do with agreements, decided by the policy (pure decisions, not audited), so the web app offers
 * only what the API accepts: draft and sign them, change and end them (`manage`), open the signed copy (`document`).
 */
export const agreementCan = (ctx: Ctx) => ({
  manage: decide(ctx.actor, 'agreement.manage', { type: 'agreement' }).allowed,
  document: mayReadDocument(ctx),
});

/** Whether the actor may record a review of this agreement now: the policy allows it and the agreement is signed and current. */
export const mayReview = (ctx: Ctx, row: AgreementRow) =>
  decide(ctx.actor, 'agreement.review', { type: 'agreement', id: row.id }).allowed && currentBlocker(row, ctx.nowIso, 'review') === null;

/** The rule a step towards signing a variation is refused under when the version it varies is no longer current (5.1). */
export const VARIATION_OF_CURRENT = 'agreements/variation-of-current';

/** The steps towards signing a draft: changing its terms, recording a signatory, attaching the signed copy. */
type DraftStep = 'agreement.update' | 'agreement.sign' | 'agreement.attach';

/**
 * Why this draft variation can no longer be completed — the version it varies was ended early, is past its last day
 * or was already replaced (record.ts variationBlocker) — with that version; null when it still can, or when the
 * agreement is not a draft variation.
 */
export async function strandedVariation(ctx: Ctx, row: AgreementRow): Promise<{ source: AgreementRow; detail: string } | null> {
  if (row.status !== 'draft' || !row.supersedes) return null;
  const source = await loadAgreement(ctx, row.supersedes);
  const detail = variationBlocker(source, ctx.nowIso);
  return detail ? { source, detail } : null;
}

/**
 * The refusal of a step towards signing a variation that can no longer complete: 409 saying why and naming the status
 * of the version it varies, with the rule and clause. The refusal is audited (a denial is recorded though the unit
 * rolls back whatever it wrote).
 */
function refuseStranded(ctx: Ctx, row: AgreementRow, stranded: { source: AgreementRow; detail: string }, action: DraftStep): DomainError {
  const sourceStatus = agreementStatus(stranded.source, ctx.nowIso);
  const clause = ctx.actor.policy.clauseFor('sharing-agreements');
  ctx.audit.add({ action, decision: 'deny', ruleId: VARIATION_OF_CURRENT, clause, resourceType: 'agreement', resourceId: row.id, detail: { supersedes: stranded.source.id, sourceStatus } });
  return new DomainError('conflict', stranded.detail, { rule: VARIATION_OF_CURRENT, clause, errors: [{ path: 'params.id', message: `the agreement it varies is ${sourceStatus}` }] });
}

/**
 * Refuses (409, audited as the step attempted) a step towards signing a draft that cannot be signed as it stands: a
 * draft variation whose version varied is no longer current (5.1), or a draft naming a purpose that no longer
 * reaches one of its partners — a purpose's recipients or a partner's kind changed since it was drafted (3.1,
 * agreements/purpose-reaches-partners): what is signed could never be a basis for sharing that purpose.
 */
export async function requireCompletable(ctx: Ctx, row: AgreementRow, action: DraftStep): Promise<void> {
  const stranded = await strandedVariation(ctx, row);
  if (stranded) throw refuseStranded(ctx, row, stranded, action);
  if (action === 'agreement.update') return; // the change sent is checked against the terms it would leave (updateAgreement)
  const parts = (await loadParts(ctx.db, [row.id])).get(row.id)!;
  try {
    await requirePurposesReachPartners(ctx, parts.partners.map((p) => p.organisationId), parts.purposeIds, 'signing');
  } catch (err) {
    if (err instanceof DomainError) ctx.audit.add({ action, decision: 'deny', ruleId: PURPOSE_REACHES_PARTNERS, clause: err.clause ?? null, resourceType: 'agreement', resourceId: row.id });
    throw err;
  }
}

/**
 * The agreement as answered, with its parts and what the actor may do with it — including, for this agreement,
 * whether they may record a review of it (`review`: the web app offers the form only then). A draft variation that
 * can no longer complete (the version it varies is no longer current) accepts no step: `manage` is false for it, so
 * the web app offers no signing or upload.
 */
export async function present(ctx: Ctx, row: AgreementRow) {
  const parts = (await loadParts(ctx.db, [row.id])).get(row.id)!;
  const can = agreementCan(ctx);
  const manage = can.manage && (await strandedVariation(ctx, row)) === null;
  return { ...presentAgreement(row, parts, ctx.nowIso, mayReadDocument(ctx)), can: { ...can, manage, review: mayReview(ctx, row) } };
}

/** Partners must be organisations of the register, not archived; purposes must be in the register (400 naming the field). */
async function requireParties(ctx: Ctx, partnerIds: readonly string[] | undefined, purposeIds: readonly string[] | undefined) {
  if (partnerIds) {
    const found = await ctx.db.selectFrom('organisations').select('id').where('id', 'in', partnerIds).where('archived_at', 'is', null).execute();
    if (found.length !== partnerIds.length) throw invalidInput('Every partner must be a current organisation of the register.', [{ path: 'body.partnerIds', message: 'no current organisation with one of these ids' }]);
  }
  if (purposeIds) {
    const found = await ctx.db.selectFrom('purposes').select('id').where('id', 'in', purposeIds).where('status', '!=', 'retired').execute();
    if (found.length !== purposeIds.length) throw invalidInput('Every purpose must be in the register and not retired.', [{ path: 'body.purposeIds', message: 'no such purpose, or it is retired' }]);
  }
}

/** Inserts an agreement's partners and purposes. */
async function insertParts(ctx: Ctx, id: string, partnerIds: readonly string[], purposeIds: readonly string[]) {
  await ctx.db.insertInto('agreement_parties').values(partnerIds.map((organisation_id) => ({ agreement_id: id, organisation_id }))).execute();
  await ctx.db.insertInto('agreement_purposes').values(purposeIds.map((purpose_id) => ({ agreement_id: id, purpose_id }))).execute();
}

/**
 * Drafts a sharing agreement (practice 5.1): management or the guardian set out the partners, purposes, categories of
 * information, conditions, whether each disclosure also needs consent, and the dates. It is usable for nothing until
 * every party has signed and the signed copy is attached.
 */
export async function createAgreement(ctx: Ctx, input: CreateAgreementInput, supersedes: string | null = null) {
  const d = requireAgreement(ctx, 'agreement.manage', null);
  await requireParties(ctx, input.partnerIds, input.purposeIds);
  await requirePurposesReachPartners(ctx, input.partnerIds, input.purposeIds, supersedes ? 'variation' : { purposes: true, partners: true });
  const id = newId(ctx.now.getTime());
  const row: AgreementRow = {
    id, title: input.title, status: 'draft', data_categories: JSON.stringify(input.dataCategories), categories_mask: classMask(input.dataCategories as Classification[]),
    security: input.conditions.security, onward_sharing: input.conditions.onwardSharing, retention: input.conditions.retention,
    breach_notification: input.conditions.breachNotification, requires_consent: input.requiresConsent ? 1 : 0,
    starts_on: input.startsOn, ends_on: input.endsOn, review_on: input.reviewOn, document_sha256: null, document_filename: null,
    document_content_type: null, document_size: null, document_uploaded_by: null, document_uploaded_at: null, signed_at: null,
    terminated_at: null, terminated_by: null, termination_reason: null, supersedes, superseded_by: null, created_by: ctx.actor.id,
    created_at: ctx.nowIso, updated_at: ctx.nowIso, version: 1,
  };
  await ctx.db.insertInto('agreements').values(row).execute();
  await insertParts(ctx, id, input.partnerIds, input.purposeIds);
  ctx.audit.add(fromDecision(supersedes ? 'agreement.vary' : 'agreement.create', d, {
    resourceType: 'agreement', resourceId: id,
    detail: { partnerIds: [...input.partnerIds].sort(), purposeIds: [...input.purposeIds].sort(), dataCategories: [...input.dataCategories].sort(), supersedes },
  }));
  return present(ctx, row);
}

/** Applies `changes` if the agreement is still at `expected` (412 otherwise); returns the row as written. */
export async function writeVersioned(ctx: Ctx, row: AgreementRow, expected: number, changes: Partial<AgreementRow>): Promise<AgreementRow> {
  const done = await ctx.db.updateTable('agreements').set({ ...changes, version: expected + 1, updated_at: ctx.nowIso })
    .where('id', '=', row.id).where('version', '=', expected).executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw staleVersion(Number(row.version));
  return { ...row, ...changes, version: expected + 1, updated_at: ctx.nowIso };
}

/** A draft only, and — for its terms — one nobody has signed yet: what was signed is never changed. */
async function requireUnsignedDraft(ctx: Ctx, row: AgreementRow, terms: boolean) {
  if (row.status !== 'draft') throw conflict('A signed agreement is not edited: record a variation, which is a new version.', [{ path: 'params.id', message: `the agreement is ${row.status}` }]);
  if (terms) {
    const signed = await ctx.db.selectFrom('agreement_signatories').select('id').where('agreement_id', '=', row.id).limit(1).executeTakeFirst();
    if (signed) throw conflict('Someone has already signed these terms: they cannot change now. Draft a new agreement instead.', [{ path: 'params.id', message: 'already signed by a party' }]);
  }
}

/** Changes an unsigned draft, from the version the caller loaded. */
export async function updateAgreement(ctx: Ctx, id: string, expected: number, input: UpdateAgreementInput) {
  const row = await loadAgreement(ctx, id);
  const d = requireAgreement(ctx, 'agreement.manage', id);
  await requireUnsignedDraft(ctx, row, true);
  await requireCompletable(ctx, row, 'agreement.update');
  await requireParties(ctx, input.partnerIds, input.purposeIds);
  const parts = (await loadParts(ctx.db, [id])).get(id)!;
  await requirePurposesReachPartners(ctx, input.partnerIds ?? parts.partners.map((p) => p.organisationId), input.purposeIds ?? parts.purposeIds,
    { purposes: input.purposeIds !== undefined, partners: input.partnerIds !== undefined });
  const starts = input.startsOn ?? row.starts_on, ends = input.endsOn ?? row.ends_on, review = input.reviewOn ?? row.review_on;
  const dates = datesOutOfOrder({ startsOn: starts, endsOn: ends, reviewOn: review });
  if (dates.length) throw invalidInput(dates[0].detail, dates.map((e) => ({ path: `body.${e.field}`, message: e.message })));
  const changes: Partial<AgreementRow> = { starts_on: starts, ends_on: ends, review_on: review };
  if (input.title !== undefined) changes.title = input.title;
  if (input.dataCategories !== undefined) {
    changes.data_categories = JSON.stringify(input.dataCategories);
    changes.categories_mask = classMask(input.dataCategories as Classification[]);
  }
  if (input.conditions !== undefined) {
    Object.assign(changes, { security: input.conditions.security, onward_sharing: input.conditions.onwardSharing, retention: input.conditions.retention, breach_notification: input.conditions.breachNotification });
  }
  if (input.requiresConsent !== undefined) changes.requires_consent = input.requiresConsent ? 1 : 0;
  const written = await writeVersioned(ctx, row, expected, changes);
  if (input.partnerIds) {
    await ctx.db.deleteFrom('agreement_parties').where('agreement_id', '=', id).execute();
    await ctx.db.insertInto('agreement_parties').values(input.partnerIds.map((organisation_id) => ({ agreement_id: id, organisation_id }))).execute();
  }
  if (input.purposeIds) {
    await ctx.db.deleteFrom('agreement_purposes').where('agreement_id', '=', id).execute();
    await ctx.db.insertInto('agreement_purposes').values(input.purposeIds.map((purpose_id) => ({ agreement_id: id, purpose_id }))).execute();
  }
  ctx.audit.add(fromDecision('agreement.update', d, { resourceType: 'agreement', resourceId: id, detail: { fields: Object.keys(input).sort(), version: written.version } }));
  return present(ctx, written);
}

/**
 * Once every party's signatory is recorded and the signed copy attached, the draft becomes signed (5.1: agreed and
 * signed by appropriate people); a signed variation supersedes the version it varies from then on — only while that
 * version is current (see {@link supersede}). `allowedBy` is the decision that allowed the step completing it
 * (`action`: a signatory or the signed copy): the signing's audit cites its rule.
 */
export async function signIfComplete(ctx: Ctx, row: AgreementRow, allowedBy: Decision, action: DraftStep): Promise<AgreementRow> {
  const parts = (await loadParts(ctx.db, [row.id])).get(row.id)!;
  const fact = agreementFact(row, parts);
  if (row.status !== 'draft' || !fact.hasDocument || !fact.parties.every((p) => fact.signed.includes(p))) return row;
  if (row.supersedes) await supersede(ctx, row, action);
  await ctx.db.updateTable('agreements').set({ status: 'signed', signed_at: ctx.nowIso }).where('id', '=', row.id).execute();
  ctx.audit.add({ action: 'agreement.signed', decision: 'change', ruleId: allowedBy.ruleId, clause: allowedBy.clause, resourceType: 'agreement', resourceId: row.id, detail: { supersedes: row.supersedes } });
  return { ...row, status: 'signed', signed_at: ctx.nowIso };
}

/**
 * Marks the version a completed variation varies as replaced by it, only while that version is still current —
 * checked in the same statement, so an early end or another variation that landed since the step began is never
 * overwritten (the step is then refused, 409, as for a variation that can no longer complete). The replaced version's
 * `version` moves on: an early end sent with the version loaded before answers 412.
 */
async function supersede(ctx: Ctx, row: AgreementRow, action: DraftStep): Promise<void> {
  const done = await ctx.db.updateTable('agreements').set((eb) => ({ superseded_by: row.id, updated_at: ctx.nowIso, version: eb('version', '+', 1) }))
    .where('id', '=', row.supersedes!).where('status', '=', 'signed').where('superseded_by', 'is', null).where('ends_on', '>=', ctx.nowIso.slice(0, 10))
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) === 1) return;
  const stranded = await strandedVariation(ctx, row);
  if (stranded) throw refuseStranded(ctx, row, stranded, action);
  throw conflict('The agreement this varies changed meanwhile: reload it and try again.', [{ path: 'params.id', message: 'the agreement it varies changed' }]);
}

/**
 * Records one party's signatory. Ours is a manager or the guardian (an active user with that role: 400 otherwise);
 * a partner's is recorded from the signed copy. One per party; not dated in the future.
 */
export async function recordSignatory(ctx: Ctx, id: string, expected: number, input: SignatoryInput) {
  const row = await loadAgreement(ctx, id);
  const d = requireAgreement(ctx, 'agreement.manage', id);
  await requireUnsignedDraft(ctx, row, false);
  await requireCompletable(ctx, row, 'agreement.sign');
  if (input.signedOn > ctx.nowIso.slice(0, 10)) throw invalidInput('The signature date cannot be in the future.', [{ path: 'body.signedOn', message: 'in the future' }]);
  let party: string, name: string, userId: string | null = null;
  if (input.party === 'ours') {
    const user = await ctx.db.selectFrom('users').innerJoin('user_roles', 'user_roles.user_id', 'users.id').select(['users.id', 'users.display_name'])
      .where('users.id', '=', input.userId).where('users.active', '=', 1).where('user_roles.role', 'in', ['manager', 'guardian']).executeTakeFirst();
    if (!user) throw invalidInput('Our signatory must be an active manager or guardian.', [{ path: 'body.userId', message: 'not an active manager or guardian' }]);
    party = AGREEMENT_RECORD.ours; name = user.display_name; userId = user.id;
  } else {
    const isParty = await ctx.db.selectFrom('agreement_parties').select('organisation_id').where('agreement_id', '=', id).where('organisation_id', '=', input.organisationId).executeTakeFirst();
    if (!isParty) throw invalidInput('That organisation is not a party to this agreement.', [{ path: 'body.organisationId', message: 'not a party' }]);
    party = input.organisationId; name = input.name;
  }
  const already = await ctx.db.selectFrom('agreement_signatories').select('id').where('agreement_id', '=', id).where('party', '=', party).executeTakeFirst();
  if (already) throw conflict("This party's signatory is already recorded.", [{ path: input.party === 'ours' ? 'body.party' : 'body.organisationId', message: 'already signed' }]);
  const written = await writeVersioned(ctx, row, expected, {});
  await ctx.db.insertInto('agreement_signatories').values({
    id: newId(ctx.now.getTime()), agreement_id: id, party, user_id: userId, name, role: input.role, signed_on: input.signedOn,
    recorded_by: ctx.actor.id, recorded_at: ctx.nowIso,
  }).execute();
  ctx.audit.add(fromDecision('agreement.sign', d, { resourceType: 'agreement', resourceId: id, detail: { party: input.party, organisationId: input.party === 'partner' ? input.organisationId : null, version: written.version } }));
  return present(ctx, await signIfComplete(ctx, written, d, 'agreement.sign'));
}

/** The id of the draft variation of this agreement being signed, if there is one (there is at most one). */
async function pendingVariationOf(ctx: Ctx, id: string): Promise<string | null> {
  const pending = await ctx.db.selectFrom('agreements').select('id').where('supersedes', '=', id).where('status', '=', 'draft').executeTakeFirst();
  return pending?.id ?? null;
}

/**
 * Ends a signed agreement early, with the reason: from now it covers nothing (5.1). A draft variation of it can then
 * no longer be signed (src/agreements/record.ts variationBlocker): the answer says so in `pendingVariation` (its id
 * and why), and the audit entry names it.
 */
export async function terminateAgreement(ctx: Ctx, id: string, expected: number, input: { reason: string }) {
  const row = await loadAgreement(ctx, id);
  const d = requireAgreement(ctx, 'agreement.manage', id);
  requireCurrent(ctx, row, 'end');
  const pending = await pendingVariationOf(ctx, id);
  const written = await writeVersioned(ctx, row, expected, { status: 'terminated', terminated_at: ctx.nowIso, terminated_by: ctx.actor.id, termination_reason: input.reason });
  ctx.audit.add(fromDecision('agreement.terminate', d, { resourceType: 'agreement', resourceId: id, detail: { version: written.version, pendingVariation: pending } }));
  return { ...(await present(ctx, written)), pendingVariation: pending ? { id: pending, detail: variationBlocker(written, ctx.nowIso)! } : null };
}

/**
 * Refuses (409, saying why) a review, a variation or an early end of an agreement that is not current: a draft, a
 * superseded version, or one that has ended or was ended early (5.1). An agreement past its last day is over: varying
 * it would revive terms nobody signed for the time since, and ending it early ends nothing.
 */
export function requireCurrent(ctx: Ctx, row: AgreementRow, step: CurrentStep): void {
  const blocker = currentBlocker(row, ctx.nowIso, step);
  if (blocker) throw conflict(blocker, [{ path: 'params.id', message: `the agreement is ${agreementStatus(row, ctx.nowIso)}` }]);
}

/**
 * Starts a variation of a signed agreement: a new draft with the same terms that `supersedes` it. The signed version
 * stays in force until the variation is signed in its turn.
 */
export async function varyAgreement(ctx: Ctx, id: string) {
  const row = await loadAgreement(ctx, id);
  requireAgreement(ctx, 'agreement.manage', id);
  requireCurrent(ctx, row, 'vary');
  const pending = await pendingVariationOf(ctx, id);
  if (pending) throw conflict('A variation of this agreement is already being drafted.', [{ path: 'params.id', message: `variation ${pending} is a draft` }]);
  const parts = (await loadParts(ctx.db, [id])).get(id)!;
  return createAgreement(ctx, {
    title: row.title, partnerIds: parts.partners.map((p) => p.organisationId), purposeIds: parts.purposeIds,
    dataCategories: JSON.parse(row.data_categories), requiresConsent: Number(row.requires_consent) === 1,
    conditions: { security: row.security, onwardSharing: row.onward_sharing, retention: row.retention, breachNotification: row.breach_notification },
    startsOn: row.starts_on, endsOn: row.ends_on, reviewOn: row.review_on,
  }, id);
}
