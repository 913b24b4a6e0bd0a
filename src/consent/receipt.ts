import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import type { ConsentRow } from '../db/schema';
import { conflict } from '../lib/errors';
import { findVisible, requireAllowed } from '../records/guard';
import type { StoredRecipient } from './recipients';
import { terminationText, type ReceiptModel } from '../documents/consent-receipt-pdf';
import { periodWords } from '../information-use/plain';

export type { ReceiptModel } from '../documents/consent-receipt-pdf';

/** Kantara Consent Receipt specification version the JSON follows. */
export const KANTARA_VERSION = 'KI-CR-v1.1.0';

const PII_CATEGORY: Record<string, string> = {
  general: 'Biographical (name, dates, status)',
  personal: 'Contact details and personal circumstances',
  special: 'Health and other special-category information',
  safeguarding: 'Safeguarding information',
  session: 'What happened in sessions and conversations',
  commercial: 'Business information',
};
const SPI_CATEGORY: Record<string, string> = { special: 'Special category data (UK GDPR Art 9)', safeguarding: 'Safeguarding information about a child or vulnerable adult' };
const METHOD: Record<string, string> = { signed_form: 'Written: signed consent form', e_signature: 'Written: electronic signature (typed name)', oral: 'Oral: attested by a member of staff' };
const GIVEN_BY: Record<string, string> = {
  person: 'The person themselves', competent_child: 'The child, assessed as competent to decide',
  parental_responsibility: 'A person with parental responsibility', representative: 'An authorised representative',
};
const WITHDRAWAL: Record<string, string> = { in_writing: 'in writing', orally: 'orally', other: 'another way' };

/**
 * Loads a consent receipt's content (Caldicott 8: no surprises): the person's case team and management, who may
 * read what the person was told (personal), may print it for them. Audited as `consent.receipt`, naming the version.
 * A receipt of a withdrawn consent says so, and when and how; of a replaced one, which version replaced it.
 */
export async function receiptModel(ctx: Ctx, consentId: string, format: 'json' | 'pdf'): Promise<ReceiptModel> {
  const v = await findVisible(ctx, 'consent', consentId, 'consent.read');
  const d = requireAllowed(ctx, 'consent.read', v, 'personal', { receipt: format });
  const row = v.row as unknown as ConsentRow;
  if (row.decision === 'withdrawn') {
    throw conflict('A withdrawal has no receipt of its own: the receipt of the consent it withdrew says it was withdrawn.', [{ path: 'params.id', message: `print the receipt of ${row.supersedes}` }]);
  }
  const db = ctx.db;
  const [purpose, person, recorder, next] = await Promise.all([
    db.selectFrom('purposes').selectAll().where('id', '=', row.purpose_id).executeTakeFirstOrThrow(),
    db.selectFrom('people').select(['id', 'given_name', 'family_name']).where('id', '=', row.person_id).executeTakeFirstOrThrow(),
    db.selectFrom('users').select('display_name').where('id', '=', row.recorded_by).executeTakeFirstOrThrow(),
    row.superseded_by ? db.selectFrom('consents').innerJoin('users', 'users.id', 'consents.recorded_by').select(['consents.id', 'consents.decision', 'consents.withdrawn_at', 'consents.withdrawal_method', 'consents.recorded_at', 'users.display_name']).where('consents.id', '=', row.superseded_by).executeTakeFirst() : undefined,
  ]);
  const stored = JSON.parse(row.recipients) as Omit<StoredRecipient, 'key'>[];
  const orgIds = stored.flatMap((r) => (r.organisationId ? [r.organisationId] : []));
  const orgs = new Map(orgIds.length ? (await db.selectFrom('organisations').select(['id', 'name']).where('id', 'in', orgIds).execute()).map((o) => [o.id, o.name]) : []);
  ctx.audit.add(fromDecision('consent.receipt', d, { resourceType: 'consent', resourceId: consentId, subjectPersonId: row.person_id, detail: { format } }));

  const withdrawn = row.decision === 'withdrawn' ? null : next?.decision === 'withdrawn' ? next : null;
  const expired = row.decision === 'given' && row.expires_at !== null && row.expires_at <= ctx.nowIso;
  const status: ReceiptModel['status'] = withdrawn ? 'withdrawn' : next ? 'superseded' : expired ? 'expired' : (row.decision as 'given' | 'refused');
  return {
    consentId: row.id, status, decision: row.decision, recordedAt: row.recorded_at, recordedBy: recorder.display_name,
    person: { id: person.id, name: `${person.given_name} ${person.family_name}` },
    controller: ctx.services.config.organisation, policyUrl: ctx.services.config.privacyPolicyUrl, jurisdiction: ctx.services.config.jurisdiction,
    purpose: {
      id: purpose.id, name: purpose.name, description: purpose.description, lawfulBasis: purpose.lawful_basis, art9Condition: purpose.art9_condition,
      retentionPeriod: purpose.retention_period, keptFor: periodWords(purpose.retention_period), needsIdentity: Number(purpose.needs_identity) === 1,
    },
    recipients: stored.map((r) => ({
      kind: r.kind,
      name: r.kind === 'internal' ? `${ctx.services.config.organisation.name} (internal service only)` : r.kind === 'organisation' ? (orgs.get(r.organisationId!) ?? 'an organisation') : r.category!,
    })),
    dataCategories: JSON.parse(row.data_categories) as string[],
    told: { why: row.told_why ?? '', withWhom: row.told_with_whom ?? '', consequences: row.told_consequences ?? '', serviceImpact: row.told_service_impact ?? '' },
    method: { kind: row.method ?? '', label: METHOD[row.method ?? ''] ?? '', detail: JSON.parse(row.method_detail ?? '{}') },
    givenBy: { kind: row.given_by ?? '', label: GIVEN_BY[row.given_by ?? ''] ?? '', detail: JSON.parse(row.given_by_detail ?? '{}') },
    expiresAt: row.expires_at,
    withdrawal: withdrawn ? { at: withdrawn.withdrawn_at!, method: WITHDRAWAL[withdrawn.withdrawal_method!] ?? withdrawn.withdrawal_method!, recordedAt: withdrawn.recorded_at, recordedBy: withdrawn.display_name, versionId: withdrawn.id } : null,
    supersededBy: row.superseded_by,
  };
}

/** The Kantara Consent Receipt v1.1 JSON of a consent, with Confide's own details under `confide` (lossless mappings). */
export function kantaraReceipt(m: ReceiptModel) {
  const thirdParties = m.recipients.filter((r) => r.kind !== 'internal');
  const sensitive = m.dataCategories.some((c) => c in SPI_CATEGORY);
  return {
    version: KANTARA_VERSION,
    jurisdiction: m.jurisdiction,
    consentTimestamp: Math.floor(Date.parse(m.recordedAt) / 1000),
    collectionMethod: m.method.label,
    consentReceiptID: m.consentId,
    language: 'en',
    piiPrincipalId: m.person.id,
    piiControllers: [{
      piiController: m.controller.name, onBehalf: false, contact: m.controller.contact, address: m.controller.address,
      email: m.controller.email, phone: m.controller.phone, piiControllerUrl: m.policyUrl,
    }],
    policyUrl: m.policyUrl,
    services: [{
      service: m.controller.name,
      purposes: [{
        purpose: `${m.purpose.name}: ${m.purpose.description}`,
        purposeCategory: [thirdParties.length ? '3rd Party Sharing for Core Function' : 'Core Function'],
        consentType: 'EXPLICIT',
        piiCategory: m.dataCategories.map((c) => PII_CATEGORY[c] ?? c),
        primaryPurpose: true,
        termination: terminationText(m),
        thirdPartyDisclosure: thirdParties.length > 0,
        thirdPartyName: thirdParties.map((r) => r.name).join('; '),
      }],
    }],
    sensitive,
    spiCat: m.dataCategories.filter((c) => c in SPI_CATEGORY).map((c) => SPI_CATEGORY[c]),
    confide: {
      status: m.status, decision: m.decision, recordedAt: m.recordedAt, recordedBy: m.recordedBy, personName: m.person.name,
      purpose: m.purpose, recipients: m.recipients, dataCategories: m.dataCategories, told: m.told,
      method: m.method, givenBy: m.givenBy, expiresAt: m.expiresAt, withdrawal: m.withdrawal, supersededBy: m.supersededBy,
    },
  };
}
