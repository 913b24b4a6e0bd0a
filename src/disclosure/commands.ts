import { enforce } from '../audit/enforce';
import { randomBytes } from 'node:crypto';
import { fromDecision } from '../audit/append';
import { purposeInForceFor } from '../purposes/in-force';
import type { Ctx } from '../context';
import type { DisclosureRow } from '../db/schema';
import { isInFuture } from '../lib/clock';
import { consentSoughtColumns, consentSoughtDetail, consentSoughtOf } from '../lib/consent-sought';
import { conflict, invalidInput } from '../lib/errors';
import { newId } from '../lib/ids';
import { decide } from '../policy/decide';
import { factsFor } from '../policy/relations';
import type { DisclosureFacts, Resource } from '../policy/types';
import { findVisible, requireAllowed, type Visible } from '../records/guard';
import { alertManagersToDecide, tellRequesterDecided } from './alerts';
import { findBasis, groundFitsRecipient } from './basis';
import { resolveItems } from './items';
import { getDisclosure } from './queries';
import { leftAt } from './record';
import { basisRefusal, crimeRecipientRefusal, hardRuleRefusal, outsidePurposeRefusal, recipientOutsidePurposeRefusal, refuseAll, type Refusal } from './refusals';
import type { ApprovalInput, RequestInput } from './schema';

/** A short reference a recipient can quote: the day and six random characters. */
const newReference = (nowIso: string) => `D-${nowIso.slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex').slice(0, 6).toUpperCase()}`;

/**
 * Decides `action` on a disclosure with the facts of what it would send; a refusal is audited against `target` and
 * thrown as 403 naming the rule and clause. Forbid rules (bulk, organisation data, session details without the
 * client's request) win over every allow rule.
 */
export function decideDisclosure(ctx: Ctx, action: 'disclosure.request' | 'disclosure.release', base: Resource, facts: DisclosureFacts, target: { resourceType: string; resourceId: string; subjectPersonId: string | null }, detail: Record<string, unknown> = {}) {
  const d = decide(ctx.actor, action, { ...base, classification: 'general', disclosure: facts });
  return enforce(ctx, action, d, { ...target, detail: { ...detail, people: facts.people, sessionItems: facts.sessionItems, clientRequested: facts.clientRequested, organisationItems: facts.organisationItems } });
}

/**
 * Requests a disclosure of one person's chosen items to a named recipient for an active purpose (1.2, 1.3, 4.3;
 * Caldicott 3), or records an oral disclosure after the fact. The checks, each refused with its clause and audited,
 * nothing written on refusal:
 * - one person per disclosure (2.2), no organisation-specific data (3.2), on the person's case team;
 * - the items: chosen explicitly, each the person's, each readable by the requester (need to know);
 * - session details only when the client asked for it, recorded (practice 2);
 * - the purpose active (3.1), every item within the categories it uses, the recipient among those it names;
 *   pseudonymise only where it does not need identity;
 * - a basis decided here, never taken from the body: an exception asked for waits for a manager's approval (1.3),
 *   recorded with whether the person was asked for their consent first (1.3, 4.1; the schema requires the answer);
 *   otherwise the first automatic basis that holds (consent through the consent relation, then a sharing agreement in
 *   force, whose id is recorded with the disclosure and in the audit — practice 5.1), or refused citing 1.3.
 * The session, purpose and basis refusals are gathered and refused together, each audited, each item at fault named
 * in the problem's errors (src/disclosure/refusals.ts).
 */
export async function requestDisclosure(ctx: Ctx, input: RequestInput) {
  const personId = input.personIds[0];
  const person = await findVisible(ctx, 'person', personId, 'disclosure.request');
  const draft = factsFor(ctx.actor, 'disclosure', { person_id: personId, _team: person.row._team, requested_by: ctx.actor.id });
  const target = { resourceType: 'person', resourceId: personId, subjectPersonId: person.subjectPersonId };
  const facts: DisclosureFacts = {
    people: new Set(input.personIds).size, sessionItems: false, clientRequested: input.clientRequest !== undefined, organisationItems: input.items.organisationFields.length > 0,
  };
  decideDisclosure(ctx, 'disclosure.request', draft, facts, target);

  const resolved = await resolveItems(ctx, person, input.items);
  facts.sessionItems = resolved.sessionItems;
  // Every reason to refuse is gathered and refused at once (session details, items outside the purpose, no basis).
  const allowed = decide(ctx.actor, 'disclosure.request', { ...draft, classification: 'general', disclosure: facts });
  const refusals: Refusal[] = allowed.allowed ? [] : [hardRuleRefusal(allowed, facts, resolved, target)];

  const purpose = await purposeInForceFor(ctx, input.purposeId, 'body.purposeId', 'disclosure.request', person);
  const outside = outsidePurposeRefusal(ctx, resolved, purpose, target);
  if (outside) refusals.push(outside);
  const org = await ctx.db.selectFrom('organisations').select(['id', 'kind']).where('id', '=', input.recipient.organisationId).where('archived_at', 'is', null).executeTakeFirst();
  if (!org) throw invalidInput('The recipient must be an organisation in the register.', [{ path: 'body.recipient.organisationId', message: 'no organisation with that id in the register' }]);
  if (input.exception && !groundFitsRecipient(input.exception.ground, org.kind)) refusals.push(crimeRecipientRefusal(ctx, org, target));
  const unnamed = recipientOutsidePurposeRefusal(ctx, purpose, org, target);
  if (unnamed) refusals.push(unnamed);
  if (input.pseudonymise && Number(purpose.needs_identity) === 1) throw invalidInput('This purpose needs to know who the person is: it cannot be served by a pseudonymised pack.', [{ path: 'body.pseudonymise', message: 'the purpose needs identity' }]);
  if (input.pseudonymise && resolved.items.attachments.length) throw invalidInput('A document cannot be pseudonymised: leave documents out of a pseudonymised pack.', [{ path: 'body.items.attachments', message: 'not allowed with pseudonymise' }]);
  const occurredAt = input.oral ? new Date(input.oral.occurredAt).toISOString() : null;
  if (occurredAt && isInFuture(occurredAt, ctx.now)) throw invalidInput('An oral disclosure is recorded after it happened.', [{ path: 'body.oral.occurredAt', message: 'must not be in the future' }]);

  const id = newId(ctx.now.getTime());
  const row: DisclosureRow = {
    id, reference: newReference(ctx.nowIso), person_id: personId, recipient_org_id: org.id, recipient_name: input.recipient.name, recipient_role: input.recipient.role,
    recipient_email: input.recipient.email ?? null, purpose_id: purpose.id, reason: input.reason, items: JSON.stringify(resolved.items), item_count: resolved.count,
    data_categories: JSON.stringify(resolved.categories), categories_mask: resolved.mask, pseudonymise: input.pseudonymise ? 1 : 0,
    mode: input.oral ? 'oral' : 'written', oral_channel: input.oral?.channel ?? null, occurred_at: occurredAt,
    client_requested: input.clientRequest ? 1 : 0, client_request_detail: input.clientRequest?.detail ?? null,
    client_request_recorded_by: input.clientRequest ? ctx.actor.id : null, client_request_recorded_at: input.clientRequest ? ctx.nowIso : null,
    basis: 'consent', consent_id: null, agreement_id: null, exception_ground: input.exception?.ground ?? null, exception_reference: input.exception?.reference ?? null,
    approved_by: null, approved_at: null, justification: null, tell_person: null, not_told_reason: null, person_told_at: null,
    status: 'awaiting_acknowledgement', ack_token_hash: null, ack_expires_at: null, ack_method: null, ack_name: null, ack_date: null, ack_at: null, ack_attested_by: null,
    pack_sha256: null, pack_json_sha256: null, released_at: null, released_by: null, requested_by: ctx.actor.id, requested_at: ctx.nowIso,
    created_at: ctx.nowIso, updated_at: ctx.nowIso, version: 1,
  };
  let basisDetail: Record<string, unknown>;
  if (input.exception) {
    row.basis = 'exception';
    row.status = 'awaiting_approval';
    // 1.3, 4.1: whether the person was asked first, as the requester answered it (its shape checked by the schema).
    Object.assign(row, consentSoughtColumns(input.exception));
    basisDetail = { basis: 'exception', ground: input.exception.ground, approval: 'awaiting', ...consentSoughtDetail(consentSoughtOf(row)) };
  } else if (outside) {
    // Consent cannot cover what the purpose does not use: asking the basis would only repeat that refusal.
    basisDetail = {};
  } else {
    const { basis, outcome } = await findBasis(ctx, { row, person });
    if (!outcome.holds) refusals.push(basisRefusal(outcome, target));
    row.basis = basis.kind;
    row.consent_id = (outcome.detail.consentId as string | null | undefined) ?? null;
    // Practice 5.1: which agreement it rests on, so the register and the audit can show it afterwards.
    row.agreement_id = basis.kind === 'agreement' ? ((outcome.detail.agreementId as string | null | undefined) ?? null) : null;
    basisDetail = outcome.detail;
  }
  if (refusals.length) refuseAll(ctx, refusals);
  await ctx.db.insertInto('disclosures').values(row).execute();
  ctx.audit.add(fromDecision('disclosure.request', allowed, {
    resourceType: 'disclosure', resourceId: id, subjectPersonId: personId,
    detail: {
      ...basisDetail, recipientOrganisationId: org.id, purposeId: purpose.id, mode: row.mode, pseudonymise: input.pseudonymise, categories: resolved.categories,
      items: { personFields: resolved.items.personFields, notes: resolved.items.notes.length, attachments: resolved.items.attachments.length }, clientRequested: facts.clientRequested,
    },
  }));
  if (row.status === 'awaiting_approval') await alertManagersToDecide(ctx, row, allowed);
  return getDisclosure(ctx, id);
}

/** A disclosure the actor may see, for a change: the same 404 as a missing one otherwise. */
export async function loadForChange(ctx: Ctx, id: string, action: 'disclosure.approve' | 'disclosure.release' | 'disclosure.pack' | 'disclosure.told'): Promise<{ v: Visible; row: DisclosureRow; decision: ReturnType<typeof requireAllowed> }> {
  const v = await findVisible(ctx, 'disclosure', id, action);
  const decision = requireAllowed(ctx, action, v);
  return { v, row: v.row as unknown as DisclosureRow, decision };
}

/**
 * A manager other than the requester decides an exception (1.3): approve or refuse, with a written justification
 * and a recorded decision whether the person is told (and why not, when telling would prejudice the purpose).
 * Self-approval is refused by rule disclosure/no-self-approval.
 */
export async function decideException(ctx: Ctx, id: string, input: ApprovalInput) {
  const { v, row, decision } = await loadForChange(ctx, id, 'disclosure.approve');
  if (row.concern_id) throw conflict('A safeguarding referral is decided through its referral: POST /api/referrals/{id}/approval.', [{ path: 'params.id', message: 'safeguarding referral' }]);
  if (row.basis !== 'exception' || row.status !== 'awaiting_approval') throw conflict('Only a disclosure asked for under an exception, not yet decided, is approved.', [{ path: 'params.id', message: row.status }]);
  const approve = input.decision === 'approve';
  const done = await ctx.db.updateTable('disclosures').set((eb) => ({
    status: approve ? 'awaiting_acknowledgement' : 'refused', approved_by: approve ? ctx.actor.id : null, approved_at: ctx.nowIso, justification: input.justification,
    tell_person: input.tellPerson ? 1 : 0, not_told_reason: input.tellPerson ? null : (input.notToldReason ?? null), updated_at: ctx.nowIso, version: eb('version', '+', 1),
  })).where('id', '=', id).where('status', '=', 'awaiting_approval').executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw conflict('This disclosure was decided meanwhile.', [{ path: 'params.id', message: 'already decided' }]);
  ctx.audit.add(fromDecision('disclosure.approve', decision, {
    resourceType: 'disclosure', resourceId: id, subjectPersonId: v.subjectPersonId,
    // Whether the person was asked first, as recorded with the request: the structured answer, never any reason's text.
    detail: { decision: input.decision, ground: row.exception_ground, ...consentSoughtDetail(consentSoughtOf(row)), tellPerson: input.tellPerson, requestedBy: row.requested_by },
  }));
  await tellRequesterDecided(ctx, row, approve, decision);
  return getDisclosure(ctx, id);
}

/**
 * Why the person cannot be recorded as told of this disclosure (409), or null: they are told of what was shared —
 * a released disclosure, not one refused or still waiting — unless the manager who approved the exception decided
 * they are not told (1.3), and once: a date recorded already is not overwritten.
 */
function notToldRefusal(row: DisclosureRow) {
  if (row.status !== 'released') {
    return conflict(`Nothing was shared yet, so there is nothing to tell: this disclosure is ${row.status.replace(/_/g, ' ')}, not released.`, [{ path: 'params.id', message: row.status }]);
  }
  if (row.tell_person !== null && Number(row.tell_person) === 0) return conflict('It was decided that the person is not told of this disclosure (1.3).', [{ path: 'params.id', message: 'decided not to tell' }]);
  if (row.person_told_at) return conflict(`The person was recorded as told on ${row.person_told_at} already.`, [{ path: 'params.id', message: 'told already' }]);
  return null;
}

/**
 * Records when the person was told of a released disclosure (the register shows whether and when; Caldicott 8): once,
 * at a time that has happened and is not before the information left (the web app sends a day chosen as that day's
 * noon, or the moment it left when that was later the same day). A disclosure not released, one the person is not to be told of, or one told of already is
 * refused (409); nothing is written on a refusal.
 */
export async function recordPersonTold(ctx: Ctx, id: string, toldAt: string) {
  const { v, row, decision } = await loadForChange(ctx, id, 'disclosure.told');
  const refusal = notToldRefusal(row);
  if (refusal) throw refusal;
  const at = new Date(toldAt).toISOString();
  if (isInFuture(at, ctx.now)) throw invalidInput('Record that the person was told after it happened.', [{ path: 'body.toldAt', message: 'must not be in the future' }]);
  const left = leftAt(row);
  if (left && Date.parse(at) < Date.parse(left)) {
    throw invalidInput('The person cannot have been told of this disclosure before it was made.', [{ path: 'body.toldAt', message: `must not be before the disclosure (${left})` }]);
  }
  const done = await ctx.db.updateTable('disclosures').set((eb) => ({ person_told_at: at, updated_at: ctx.nowIso, version: eb('version', '+', 1) }))
    .where('id', '=', id).where('status', '=', 'released').where('person_told_at', 'is', null).executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw conflict('The person was recorded as told meanwhile.', [{ path: 'params.id', message: 'told already' }]);
  ctx.audit.add(fromDecision('disclosure.told', decision, { resourceType: 'disclosure', resourceId: id, subjectPersonId: v.subjectPersonId, detail: { toldAt: at } }));
  return getDisclosure(ctx, id);
}
