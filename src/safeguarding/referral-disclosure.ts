import { randomBytes } from 'node:crypto';
import { fromDecision } from '../audit/append';
import { purposeInForceFor } from '../purposes/in-force';
import type { Ctx } from '../context';
import type { ConcernRow, DisclosureRow, PurposeRow } from '../db/schema';
import { basisEntry, type BasisOutcome } from '../disclosure/basis';
import { decideDisclosure } from '../disclosure/commands';
import { resolveItems, type ResolvedItems, type StoredItems } from '../disclosure/items';
import { buildPackModel, sha256 } from '../disclosure/pack';
import { hardRuleRefusal, refuseAll } from '../disclosure/refusals';
import { releasePackJson, releasePackPdf } from '../documents/release-pack-pdf';
import { conflict, DomainError, invalidInput } from '../lib/errors';
import { decide } from '../policy/decide';
import { factsFor } from '../policy/relations';
import { classBit, classesOf, type Decision, type DisclosureFacts } from '../policy/types';
import { findVisible, type Visible } from '../records/guard';
import type { ReferralInput } from './schema';

/** The rule under which a manager releases an urgent referral at once (practice 4.1), and its clause key. */
export const AT_ONCE_RULE = { id: 'safeguarding/urgent-release-by-manager', clauseKey: 'safeguarding-management' } as const;

type Share = NonNullable<ReferralInput['share']>;
type Items = Share['items'];

/**
 * The items of a referral, checked like every disclosure's (Caldicott 3; src/disclosure/items.ts) — each the
 * person's, each readable by whoever sends it — plus the concern's own account, which is safeguarding information.
 * Nothing chosen is a 400 naming `path`.
 */
async function resolveReferralItems(ctx: Ctx, person: Visible, items: Items | StoredItems, path: string): Promise<ResolvedItems> {
  const concern = items.concern === true;
  const others = { personFields: items.personFields, notes: items.notes, attachments: items.attachments, organisationFields: 'organisationFields' in items ? items.organisationFields : [] };
  const none = others.personFields.length + others.notes.length + others.attachments.length === 0;
  if (none && !concern) {
    throw invalidInput('Name each item the referral shares: nothing is selected.', [{ path, message: "choose the concern's account, a person field, a note or a document" }]);
  }
  const resolved: ResolvedItems = none
    ? { items: { personFields: [], notes: [], attachments: [] }, count: 0, categories: ['general'], mask: classBit('general'), sessionItems: false }
    : await resolveItems(ctx, person, others, path);
  if (!concern) return resolved;
  const mask = resolved.mask | classBit('safeguarding');
  return { ...resolved, items: { ...resolved.items, concern: true }, count: resolved.count + 1, mask, categories: classesOf(mask) };
}

/** A short reference a recipient can quote: the day and six random characters (like every disclosure's). */
/** The agencies a referral goes to, in words. */
const AGENCY_WORDS: Record<ReferralInput['to'], string> = { local_authority: "the local authority's safeguarding team", police: 'the police' };

const newReference = (nowIso: string) => `D-${nowIso.slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex').slice(0, 6).toUpperCase()}`;

/** The person a referral shares about: the concern's person, as the referrer may see them (need to know, 3.4). */
async function referredPerson(ctx: Ctx, concern: ConcernRow): Promise<Visible> {
  if (!concern.person_id) {
    throw invalidInput('This concern names no person record, so nothing can be shared from the records: write what you share in your own words instead.', [
      { path: 'body.share', message: 'the concern names no person record' },
    ]);
  }
  try {
    return await findVisible(ctx, 'person', concern.person_id, 'disclosure.request', { resourceType: 'concern', resourceId: concern.id });
  } catch (error) {
    if (!(error instanceof DomainError) || error.kind !== 'not-found') throw error;
    // Need to know still holds for the records (3.4): a lead off the person's team breaks the glass first (practice
    // 4.2, reviewed by a manager) or asks a manager, who sees every record but session details.
    throw new DomainError('not-found', "You may not see this person's record, so you cannot share from it: use emergency (break-glass) access, or ask a manager to make the referral.", {
      errors: [{ path: 'body.share', message: "you may not see this person's record" }],
    });
  }
}

/**
 * Creates the disclosure a referral makes, under the legal-duty exception (1.3: "when, by law, we must share
 * information, for example with the Police or Safeguarding Teams"), linked to the concern (practice 4.3). Consent is
 * never asked for: the basis is the legal duty, decided here, never taken from the body. The hard rules still hold
 * (one person, no organisation data, session details only at the client's request, recorded in `share.clientRequest`
 * — practice 2), the items are checked by need to know, and the purpose must be active (3.1). A refusal over session
 * details or an item the referrer may not read names each item at fault (body.share.items.notes.0). Nothing is
 * written on refusal.
 *
 * `atOnce` (a manager's urgent referral, rule safeguarding/urgent-release-by-manager) approves it as its own release;
 * otherwise it awaits a manager who did not make it. The caller releases it.
 */
export async function createReferralDisclosure(ctx: Ctx, concern: ConcernRow, referralId: string, input: ReferralInput, share: Share, atOnce: boolean) {
  const person = await referredPerson(ctx, concern);
  const draft = factsFor(ctx.actor, 'disclosure', { person_id: person.row.id, _team: person.row._team, requested_by: ctx.actor.id, concern_id: concern.id });
  const target = { resourceType: 'concern', resourceId: concern.id, subjectPersonId: person.subjectPersonId };
  const facts: DisclosureFacts = { people: 1, sessionItems: false, clientRequested: share.clientRequest !== undefined, organisationItems: share.items.organisationFields.length > 0 };
  decideDisclosure(ctx, 'disclosure.request', draft, facts, target);
  const resolved = await resolveReferralItems(ctx, person, share.items, 'body.share.items');
  facts.sessionItems = resolved.sessionItems;
  const allowed = decide(ctx.actor, 'disclosure.request', { ...draft, classification: 'general', disclosure: facts });
  if (!allowed.allowed) refuseAll(ctx, [hardRuleRefusal(allowed, facts, resolved, target, 'body.share.clientRequest.detail')]);
  const purpose = await purposeInForceFor(ctx, share.purposeId, 'body.share.purposeId', 'disclosure.request', target);
  const org = await ctx.db.selectFrom('organisations').select(['id', 'kind']).where('id', '=', share.recipient.organisationId).where('archived_at', 'is', null).executeTakeFirst();
  if (!org) throw invalidInput('The recipient must be an organisation in the register.', [{ path: 'body.share.recipient.organisationId', message: 'no organisation with that id in the register' }]);
  // The agency is the one the referral goes to: a referral "to the police" released to a youth service would say one
  // thing in the concern's record and another in the disclosure register.
  if (org.kind !== input.to) {
    throw invalidInput(`A referral to ${AGENCY_WORDS[input.to]} shares with ${AGENCY_WORDS[input.to]}: choose an organisation of that kind in the register, or add it there.`, [
      { path: 'body.share.recipient.organisationId', message: `not of kind ${input.to} in the register` },
    ]);
  }

  const id = referralId; // one referral, one disclosure: they share the id, so each names the other without a lookup
  const row: DisclosureRow = {
    id, reference: newReference(ctx.nowIso), person_id: person.row.id, recipient_org_id: org.id, recipient_name: share.recipient.name, recipient_role: share.recipient.role,
    recipient_email: share.recipient.email ?? null, purpose_id: purpose.id, reason: input.riskOfHarmReason, items: JSON.stringify(resolved.items), item_count: resolved.count,
    data_categories: JSON.stringify(resolved.categories), categories_mask: resolved.mask, pseudonymise: 0, mode: 'written', oral_channel: null, occurred_at: null,
    client_requested: share.clientRequest ? 1 : 0, client_request_detail: share.clientRequest?.detail ?? null,
    client_request_recorded_by: share.clientRequest ? ctx.actor.id : null, client_request_recorded_at: share.clientRequest ? ctx.nowIso : null,
    basis: 'exception', consent_id: null, exception_ground: 'legal_duty', exception_reference: input.reference ?? `Safeguarding referral ${referralId}`,
    // 1.3: released at once under the legal duty is not an approval — nobody approved their own. The register says who
    // released it at once and who reviewed it afterwards (src/disclosure/queries.ts atOnceReleases).
    approved_by: null, approved_at: null,
    justification: atOnce ? 'Urgent safeguarding referral released at once by a manager (practice 4.1); a second manager reviews it.' : null,
    tell_person: input.personTold === null ? null : input.personTold ? 1 : 0, not_told_reason: input.notToldReason ?? null, person_told_at: null,
    status: atOnce ? 'acknowledged' : 'awaiting_approval', ack_token_hash: null, ack_expires_at: null, ack_method: null, ack_name: null, ack_date: null, ack_at: null, ack_attested_by: null,
    pack_sha256: null, pack_json_sha256: null, released_at: null, released_by: null, requested_by: ctx.actor.id, requested_at: ctx.nowIso,
    created_at: ctx.nowIso, updated_at: ctx.nowIso, version: 1, concern_id: concern.id,
  };
  await ctx.db.insertInto('disclosures').values(row).execute();
  ctx.audit.add(fromDecision('disclosure.request', allowed, {
    resourceType: 'disclosure', resourceId: id, subjectPersonId: person.row.id,
    detail: {
      basis: 'exception', ground: 'legal_duty', concernId: concern.id, referralId, release: atOnce ? 'at-once' : 'awaiting-approval', recipientOrganisationId: org.id,
      purposeId: purpose.id, categories: resolved.categories, items: { personFields: resolved.items.personFields, notes: resolved.items.notes.length, attachments: resolved.items.attachments.length, concern: resolved.items.concern === true },
      clientRequested: facts.clientRequested,
    },
  }));
  return { row, person, purpose };
}

/**
 * Whether the legal duty holds as a basis for releasing a referral now (1.3): the ground and its reference, and
 * either a manager other than the referrer approved it (disclosure/manager-decides-exception) or a manager released
 * an urgent referral at once (safeguarding/urgent-release-by-manager, practice 4.1).
 */
export function legalDutyBasis(ctx: Ctx, row: DisclosureRow, atOnce: boolean): BasisOutcome {
  const policy = ctx.actor.policy;
  const grounded = row.exception_ground === 'legal_duty' && !!row.exception_reference;
  if (grounded && atOnce) {
    // Decided by the caller under safeguarding/urgent-release-by-manager; nobody approved it beforehand.
    return { holds: true, ruleId: AT_ONCE_RULE.id, clause: policy.clauseFor(AT_ONCE_RULE.clauseKey), reason: 'A manager released an urgent safeguarding referral at once under the legal duty; a second manager reviews it.', detail: { basis: 'exception', ground: 'legal_duty', releasedAtOnceBy: ctx.actor.id, atOnce: true } };
  }
  if (row.approved_by === null) return { holds: false, ruleId: 'disclosure/exception-not-approved', clause: policy.clauseFor('disclosure-exception'), reason: 'A referral that is not an urgent one made by a manager needs the approval of a manager other than the referrer.', detail: { basis: 'exception', ground: 'legal_duty' } };
  if (grounded && row.approved_by !== row.requested_by) {
    return { holds: true, ruleId: 'disclosure/manager-decides-exception', clause: policy.clauseFor('disclosure-exception'), reason: 'A manager other than the referrer approved sharing under the legal duty.', detail: { basis: 'exception', ground: 'legal_duty', approvedBy: row.approved_by } };
  }
  return { holds: false, ruleId: 'disclosure/exception-not-approved', clause: policy.clauseFor('disclosure-exception'), reason: 'A referral that is not an urgent one made by a manager needs the approval of a manager other than the referrer.', detail: { basis: 'exception', ground: 'legal_duty' } };
}

/**
 * Releases a referral's disclosure (4.3): everything is checked again now as whoever releases it — the items (need
 * to know), the hard rules, the purpose active, the legal duty holding — then the pack is made from the chosen
 * items, marked CONFIDENTIAL on every page (4.3: "we will state that the information provided is CONFIDENTIAL"),
 * stored with its SHA-256. The recipient is a statutory agency acting under its own duty: no acknowledgement link is
 * waited for, so a referral is never held up (practice 4.1). Audited with the rule that allowed the release and the
 * basis's own rule and clause. `consentSought` is the referral's answer whether seeking consent was possible and safe
 * (null: not yet answered): the pack's terms say whether the person was asked (1.3, 4.3), the basis stays the legal duty.
 */
export async function releaseReferralDisclosure(ctx: Ctx, row: DisclosureRow, decision: Decision, atOnce: boolean, consentSought: boolean | null): Promise<void> {
  if (row.status !== 'acknowledged') throw conflict(`This referral's disclosure is ${row.status.replace(/_/g, ' ')}.`, [{ path: 'params.id', message: row.status }]);
  const target = { resourceType: 'disclosure', resourceId: row.id, subjectPersonId: row.person_id };
  const person = await findVisible(ctx, 'person', row.person_id, 'disclosure.release', { resourceType: 'disclosure', resourceId: row.id });
  const resolved = await resolveReferralItems(ctx, person, JSON.parse(row.items) as StoredItems, 'items');
  decideDisclosure(ctx, 'disclosure.release', factsFor(ctx.actor, 'disclosure', { ...row, _team: person.row._team }), {
    people: 1, sessionItems: resolved.sessionItems, clientRequested: row.client_requested === 1, organisationItems: false,
  }, target);
  const purpose: PurposeRow = await purposeInForceFor(ctx, row.purpose_id, 'params.id', 'disclosure.release', target);
  const outcome = legalDutyBasis(ctx, row, atOnce);
  if (!outcome.holds) {
    ctx.audit.add(basisEntry('disclosure.release', outcome, target));
    throw new DomainError('forbidden', `Nothing was released: ${outcome.reason}`, { rule: outcome.ruleId, clause: outcome.clause });
  }
  const model = await buildPackModel(ctx, row, purpose, ctx.nowIso, { consentSought });
  const pdf = await releasePackPdf(model);
  const json = releasePackJson(model);
  const packSha256 = sha256(pdf);
  const packJsonSha256 = sha256(json);
  await ctx.db.insertInto('disclosure_packs').values({ disclosure_id: row.id, pdf_base64: pdf.toString('base64'), json }).execute();
  const done = await ctx.db.updateTable('disclosures').set((eb) => ({
    status: 'released', released_at: ctx.nowIso, released_by: ctx.actor.id, pack_sha256: packSha256, pack_json_sha256: packJsonSha256, updated_at: ctx.nowIso, version: eb('version', '+', 1),
  })).where('id', '=', row.id).where('status', '=', 'acknowledged').executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw conflict('This referral was released meanwhile.', [{ path: 'params.id', message: 'already released' }]);
  ctx.audit.add(basisEntry('disclosure.release', outcome, target));
  ctx.audit.add(fromDecision('disclosure.release', decision, {
    ...target, detail: { packSha256, packJsonSha256, basis: 'exception', ground: 'legal_duty', concernId: row.concern_id, atOnce, categories: resolved.categories, items: resolved.count, recipientOrganisationId: row.recipient_org_id },
  }));
}
