import { ACK_LINK_DAYS, findByLink, linkGone, linkTokenHash, linkUrl, newLink, publicLinkUnit, type LinkLookup } from '../acknowledgement/link';
import { sameName } from '../acknowledgement/typed-name';
import { fromDecision } from '../audit/append';
import { purposeInForceFor } from '../purposes/in-force';
import type { Ctx, PublicCtx } from '../context';
import type { DisclosureRow } from '../db/schema';
import { packTerms, releasePackJson, releasePackPdf } from '../documents/release-pack-pdf';
import { conflict, DomainError, invalidInput } from '../lib/errors';
import { factsFor } from '../policy/relations';
import { findVisible, requireAllowed } from '../records/guard';
import { checkAcknowledgementDate } from '../acknowledgement/date';
import { basisEntry, basisOf, type BasisOutcome } from './basis';
import { decideDisclosure, loadForChange } from './commands';
import { resolveItems, type StoredItems } from './items';
import { buildPackModel, sha256 } from './pack';
import { getDisclosure } from './queries';
import { packReadDetail, readersCopy, readPackItems } from './pack-read';
import { agreementEndedReason, agreementStates, type DisclosureLike } from './readiness';
import { recipientOutsidePurposeRefusal, refuseAll } from './refusals';
import type { AcknowledgeInput, AttestationInput, ReleaseInput } from './schema';

/** How a disclosure is found from its acknowledgement link: written, awaiting acknowledgement, not expired. */
const DISCLOSURE_LINK: LinkLookup<DisclosureRow> = {
  action: 'disclosure.acknowledge', ruleId: 'disclosure/acknowledgement-link', clauseKey: 'third-party-disclosure',
  find: (ctx, hash) => ctx.db.selectFrom('disclosures').selectAll().where('ack_token_hash', '=', hash).executeTakeFirst(),
  usable: (row, nowIso) => row.status === 'awaiting_acknowledgement' && !!row.ack_expires_at && row.ack_expires_at > nowIso,
};

/**
 * Issues the one-time link through which the recipient acknowledges the confidentiality terms (4.3; see
 * src/acknowledgement/link.ts) — the web app's page /acknowledge/<token>, which shows the terms and asks for a typed
 * name and the date, and reads and answers through /api/disclosure-acknowledgements/:token. A new link replaces the
 * previous one. Written disclosures awaiting acknowledgement only.
 */
export async function issueAcknowledgementLink(ctx: Ctx, id: string) {
  const { v, row, decision } = await loadForChange(ctx, id, 'disclosure.release');
  if (row.mode !== 'written') throw conflict('An oral disclosure is acknowledged by a member of staff\'s attestation.', [{ path: 'params.id', message: 'oral disclosure' }]);
  if (row.status !== 'awaiting_acknowledgement') throw conflict(`This disclosure is ${row.status.replace(/_/g, ' ')}, not awaiting acknowledgement.`, [{ path: 'params.id', message: row.status }]);
  const link = newLink(ctx.now);
  await ctx.db.updateTable('disclosures').set((eb) => ({ ack_token_hash: link.tokenHash, ack_expires_at: link.expiresAt, updated_at: ctx.nowIso, version: eb('version', '+', 1) })).where('id', '=', id).execute();
  ctx.audit.add(fromDecision('disclosure.acknowledgement-link', decision, { resourceType: 'disclosure', resourceId: id, subjectPersonId: v.subjectPersonId, detail: { expiresAt: link.expiresAt } }));
  // No log line carries the token (requests are logged by route pattern).
  return { url: linkUrl(ctx, 'acknowledge', link.token), expiresAt: link.expiresAt };
}

/** What the link shows before acknowledgement: the terms, the organisation, the reference and who it is for — nothing confidential. */
export function showAcknowledgement(pctx: PublicCtx, token: string, address: string) {
  return publicLinkUnit(pctx, async (ctx) => {
    const row = await findByLink(ctx, token, address, DISCLOSURE_LINK);
    const purpose = await ctx.db.selectFrom('purposes').select('name').where('id', '=', row.purpose_id).executeTakeFirstOrThrow();
    const org = await ctx.db.selectFrom('organisations').select('name').where('id', '=', row.recipient_org_id).executeTakeFirstOrThrow();
    const from = ctx.services.config.organisation.name;
    return { reference: row.reference, from, recipient: { organisation: org.name, name: row.recipient_name, role: row.recipient_role }, terms: packTerms(from, purpose.name, row).terms, expiresAt: row.ack_expires_at };
  });
}

/** When a usable link was issued: it works for ACK_LINK_DAYS from then (src/acknowledgement/link.ts). */
const linkIssuedAt = (row: DisclosureRow) => new Date(Date.parse(row.ack_expires_at!) - ACK_LINK_DAYS * 86_400_000).toISOString();

/**
 * The recipient acknowledges the terms with their typed name and the date — a date from the day the link was issued
 * to today, on their own calendar (src/acknowledgement/date.ts; 400 otherwise, the link still works) — and
 * the link then stops working (one-time).
 */
export function acknowledgeTerms(pctx: PublicCtx, token: string, address: string, input: AcknowledgeInput) {
  return publicLinkUnit(pctx, async (ctx) => {
    const row = await findByLink(ctx, token, address, DISCLOSURE_LINK);
    checkAcknowledgementDate(input.date, linkIssuedAt(row), ctx.now);
    const done = await ctx.db.updateTable('disclosures').set((eb) => ({
      status: 'acknowledged', ack_method: 'link', ack_name: input.typedName, ack_date: input.date, ack_at: ctx.nowIso, ack_token_hash: null, ack_expires_at: null,
      updated_at: ctx.nowIso, version: eb('version', '+', 1),
    })).where('id', '=', row.id).where('ack_token_hash', '=', linkTokenHash(token)).executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) throw linkGone();
    ctx.audit.add({ action: 'disclosure.acknowledge', decision: 'allow', ruleId: 'disclosure/acknowledgement-link', clause: ctx.actor.policy.clauseFor('third-party-disclosure'), resourceType: 'disclosure', resourceId: row.id, subjectPersonId: row.person_id, detail: { method: 'link', date: input.date } });
    return { reference: row.reference, acknowledged: true };
  });
}

/**
 * Staff attest that the recipient of an oral disclosure was told the information is CONFIDENTIAL and accepted the
 * terms (4.3), on a date from the day the disclosure was made to today (src/acknowledgement/date.ts).
 */
export async function attestAcknowledgement(ctx: Ctx, id: string, input: AttestationInput) {
  const { v, row, decision } = await loadForChange(ctx, id, 'disclosure.release');
  if (row.mode !== 'oral') throw conflict('A written disclosure is acknowledged by the recipient through the link.', [{ path: 'params.id', message: 'written disclosure' }]);
  if (row.status !== 'awaiting_acknowledgement') throw conflict(`This disclosure is ${row.status.replace(/_/g, ' ')}, not awaiting acknowledgement.`, [{ path: 'params.id', message: row.status }]);
  checkAcknowledgementDate(input.date, row.occurred_at ?? row.requested_at, ctx.now);
  await ctx.db.updateTable('disclosures').set((eb) => ({
    status: 'acknowledged', ack_method: 'staff_attestation', ack_name: input.recipientName, ack_date: input.date, ack_at: ctx.nowIso, ack_attested_by: ctx.actor.id,
    updated_at: ctx.nowIso, version: eb('version', '+', 1),
  })).where('id', '=', id).execute();
  ctx.audit.add(fromDecision('disclosure.acknowledge', decision, { resourceType: 'disclosure', resourceId: id, subjectPersonId: v.subjectPersonId, detail: { method: 'staff_attestation', date: input.date } }));
  return getDisclosure(ctx, id);
}

/**
 * The refusal of a release whose basis no longer holds (1.3, practice 5.1), audited with the basis's rule and clause:
 * nothing is released. When the sharing agreement it rests on has ended and no other covers it, the refusal says
 * which agreement and when it ended (as the disclosure's view does), and the audit names that agreement (ids only).
 */
async function basisNoLongerHolds(ctx: Ctx, row: DisclosureRow, outcome: BasisOutcome, target: { resourceType: string; resourceId: string; subjectPersonId: string | null }) {
  let reason = outcome.reason;
  let detail = outcome.detail;
  if (row.basis === 'agreement' && !outcome.detail.agreementId && row.agreement_id) {
    detail = { ...detail, agreementId: row.agreement_id };
    const state = (await agreementStates(ctx, [row as unknown as DisclosureLike])).get(row.id);
    if (state?.endedAt) {
      reason = agreementEndedReason(state.agreement.title, state.endedAt);
      detail = { ...detail, agreementEndedAt: state.endedAt };
    }
  }
  ctx.audit.add(basisEntry('disclosure.release', { ...outcome, reason, detail }, target));
  return new DomainError('forbidden', `Nothing was released: ${reason}`, { rule: outcome.ruleId, clause: outcome.clause });
}

/**
 * Releases an acknowledged disclosure (4.3): everything is checked again now — the items are still the person's and
 * readable by whoever releases, the hard rules, the purpose still active (3.1), the basis still holding (consent not
 * withdrawn, a sharing agreement still in force, the exception approved) — and any refusal sends nothing and is
 * audited with its clause. Then the pack is built from the chosen items only (when the terms were accepted under another name than the recipient's, only
 * once the worker confirms `recipientChecked`: src/acknowledgement/typed-name.ts), as a PDF marked CONFIDENTIAL on every page and as JSON; both are stored and
 * their SHA-256 go into the register and the audit chain.
 */
export async function releaseDisclosure(ctx: Ctx, id: string, input: ReleaseInput = {}) {
  const { v, row, decision } = await loadForChange(ctx, id, 'disclosure.release');
  if (row.status === 'awaiting_approval') {
    // An exception not yet approved: refused with the basis's own rule and clause (1.3), nothing released.
    const person = await findVisible(ctx, 'person', row.person_id, 'disclosure.release');
    const outcome = await basisOf(row.basis).check(ctx, { row, person });
    ctx.audit.add(basisEntry('disclosure.release', outcome, { resourceType: 'disclosure', resourceId: id, subjectPersonId: row.person_id }));
    throw new DomainError('forbidden', `Nothing was released: ${outcome.reason}`, { rule: outcome.ruleId, clause: outcome.clause });
  }
  if (row.status !== 'acknowledged') throw conflict(`Only an acknowledged disclosure is released; this one is ${row.status.replace(/_/g, ' ')}.`, [{ path: 'params.id', message: row.status }]);
  // 4.3: accepted under another name than the named recipient's — released only once the worker checked who it was.
  const acceptedAsNamed = sameName(row.recipient_name, row.ack_name ?? '');
  if (!acceptedAsNamed && input?.recipientChecked !== true) {
    throw invalidInput('The terms were accepted under a different name from the named recipient\'s: check who accepted them before releasing, then confirm it.', [
      { path: 'body.recipientChecked', message: 'confirm you checked that the person who accepted the terms may receive this' },
    ]);
  }
  const target = { resourceType: 'disclosure', resourceId: id, subjectPersonId: row.person_id };
  const person = await findVisible(ctx, 'person', row.person_id, 'disclosure.release');
  const items = JSON.parse(row.items) as StoredItems;
  const resolved = await resolveItems(ctx, person, { ...items, organisationFields: [] }, 'items');
  decideDisclosure(ctx, 'disclosure.release', factsFor(ctx.actor, 'disclosure', v.row), {
    people: 1, sessionItems: resolved.sessionItems, clientRequested: row.client_requested === 1, organisationItems: false,
  }, target);
  const purpose = await purposeInForceFor(ctx, row.purpose_id, 'params.id', 'disclosure.release', target);
  // 3.1: the recipient still among those the purpose names (its kind in the register may have changed since).
  const recipient = await ctx.db.selectFrom('organisations').select(['id', 'kind']).where('id', '=', row.recipient_org_id).executeTakeFirstOrThrow();
  const unnamed = recipientOutsidePurposeRefusal(ctx, purpose, recipient, target, { action: 'disclosure.release', path: 'params.id' });
  if (unnamed) refuseAll(ctx, [unnamed]);
  const outcome = await basisOf(row.basis).check(ctx, { row: { ...row, data_categories: JSON.stringify(resolved.categories) }, person });
  if (!outcome.holds) throw await basisNoLongerHolds(ctx, row, outcome, target);
  const model = await buildPackModel(ctx, row, purpose, ctx.nowIso);
  const pdf = await releasePackPdf(model);
  const json = releasePackJson(model);
  const packSha256 = sha256(pdf);
  const packJsonSha256 = sha256(json);
  await ctx.db.insertInto('disclosure_packs').values({ disclosure_id: id, pdf_base64: pdf.toString('base64'), json }).execute();
  // Practice 5.1: the agreement the release rests on — the one that covers it now (a signed variation of the one
  // recorded at request, say) — is what the register and the audit name.
  const agreementId = row.basis === 'agreement' ? ((outcome.detail.agreementId as string | null | undefined) ?? row.agreement_id ?? null) : null;
  const done = await ctx.db.updateTable('disclosures').set((eb) => ({
    status: 'released', released_at: ctx.nowIso, released_by: ctx.actor.id, pack_sha256: packSha256, pack_json_sha256: packJsonSha256,
    consent_id: row.basis === 'consent' ? ((outcome.detail.consentId as string | null) ?? row.consent_id) : row.consent_id,
    agreement_id: agreementId, updated_at: ctx.nowIso, version: eb('version', '+', 1),
  })).where('id', '=', id).where('status', '=', 'acknowledged').executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw conflict('This disclosure was released meanwhile.', [{ path: 'params.id', message: 'already released' }]);
  ctx.audit.add(basisEntry('disclosure.release', outcome, target));
  ctx.audit.add(fromDecision('disclosure.release', decision, {
    ...target, detail: { packSha256, packJsonSha256, basis: row.basis, ...(agreementId ? { agreementId } : {}), categories: resolved.categories, items: resolved.count, recipientOrganisationId: row.recipient_org_id, pseudonymise: row.pseudonymise === 1,
      ...(acceptedAsNamed ? {} : { acceptedAsNamed: false, recipientChecked: true }) },
  }));
  return getDisclosure(ctx, id);
}

/**
 * The released pack (PDF or JSON); reading it is audited like any opening of confidential detail. Whoever may open it
 * (`disclosure.pack`: 403, audited with the rule and clause, nothing else written, otherwise) reads each item it
 * carries only as they may read that item where it lives (3.4 need to know, 4.2; src/disclosure/pack-read.ts): the
 * pack as it went out when they may read every item — management, the case team of an ordinary disclosure, the user
 * who released it — or else their own copy, each withheld item listed with the reason and never its value. The audit
 * entry names each item and its classes, shown or withheld, with the rule and clause that decided.
 */
export async function releasedPack(ctx: Ctx, id: string, format: 'pdf' | 'json') {
  const v = await findVisible(ctx, 'disclosure', id, 'disclosure.pack');
  const row = v.row as unknown as DisclosureRow;
  const decision = requireAllowed(ctx, 'disclosure.pack', v, 'general', { format, categories: JSON.parse(row.data_categories) as string[] });
  const pack = await ctx.db.selectFrom('disclosure_packs').selectAll().where('disclosure_id', '=', id).executeTakeFirst();
  if (!pack) throw conflict('This disclosure has not been released.', [{ path: 'params.id', message: row.status }]);
  const reading = await readPackItems(ctx, row, decision);
  ctx.audit.add(fromDecision('disclosure.pack', decision, { resourceType: 'disclosure', resourceId: id, subjectPersonId: v.subjectPersonId, detail: packReadDetail(reading, format) }));
  if (reading.copy === 'reader') return { reference: row.reference, copy: reading.copy, body: await readersCopy(row, pack.json, reading, format) };
  return { reference: row.reference, copy: reading.copy, body: format === 'pdf' ? Buffer.from(pack.pdf_base64, 'base64') : pack.json };
}
