import type { Kysely } from 'kysely';
import type { AgreementRow, AgreementSignatoryRow, Database } from '../db/schema';
import { agreementUsable, type AgreementFact } from '../policy/agreement-relation';

/**
 * The sharing agreement's record type (practice 5.1): one descriptor. An agreement is about organisations — its
 * partner parties are organisations of the register — not about a person, and it is not confidential that it
 * exists, with whom and for what; so like the purpose register it has no team or grants and is not one of the
 * need-to-know descriptors of src/records/registry.ts. Its actions are `agreement.<verb>` (src/policy/actions.ts):
 * read (everyone), manage (management and the guardian), document (the signed copy), check (the relation), review
 * (management or the guardian record a review: src/agreements/reviews.ts).
 */
export const AGREEMENT_RECORD = {
  type: 'agreement',
  noun: 'sharing agreement',
  table: 'agreements',
  actions: ['read', 'manage', 'document', 'check', 'review'],
  editable: ['title', 'partnerIds', 'purposeIds', 'dataCategories', 'conditions', 'requiresConsent', 'startsOn', 'endsOn', 'reviewOn'],
  /** The party key of our own organisation among the signatories. */
  ours: 'ours',
} as const;

/** What belongs to an agreement besides its row: partners, purposes and signatories. */
export interface AgreementParts {
  partners: { organisationId: string; name: string }[];
  purposeIds: string[];
  signatories: AgreementSignatoryRow[];
}

/** Loads the parts of several agreements in three queries. */
export async function loadParts(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, AgreementParts>> {
  const out = new Map<string, AgreementParts>(ids.map((id) => [id, { partners: [], purposeIds: [], signatories: [] }]));
  if (ids.length === 0) return out;
  const [parties, purposes, signatories] = await Promise.all([
    db.selectFrom('agreement_parties').innerJoin('organisations', 'organisations.id', 'agreement_parties.organisation_id')
      .select(['agreement_parties.agreement_id', 'agreement_parties.organisation_id', 'organisations.name'])
      .where('agreement_parties.agreement_id', 'in', ids).orderBy('organisations.sort_key').execute(),
    db.selectFrom('agreement_purposes').selectAll().where('agreement_id', 'in', ids).orderBy('purpose_id').execute(),
    db.selectFrom('agreement_signatories').selectAll().where('agreement_id', 'in', ids).orderBy('recorded_at').orderBy('id').execute(),
  ]);
  for (const p of parties) out.get(p.agreement_id)!.partners.push({ organisationId: p.organisation_id, name: p.name });
  for (const p of purposes) out.get(p.agreement_id)!.purposeIds.push(p.purpose_id);
  for (const s of signatories) out.get(s.agreement_id)!.signatories.push(s);
  return out;
}

/** The agreement as the relation sees it (src/policy/agreement-relation.ts). */
export function agreementFact(row: AgreementRow, parts: AgreementParts): AgreementFact {
  return {
    id: row.id, status: row.status, startsOn: row.starts_on, endsOn: row.ends_on, supersededBy: row.superseded_by,
    hasDocument: row.document_sha256 !== null, parties: [AGREEMENT_RECORD.ours, ...parts.partners.map((p) => p.organisationId)],
    signed: parts.signatories.map((s) => s.party), signedFrom: parts.signatories.reduce<string | null>((last, s) => (last === null || s.signed_on > last ? s.signed_on : last), null),
    terminatedAt: row.terminated_at, purposeIds: parts.purposeIds, mask: Number(row.categories_mask),
    requiresConsent: Number(row.requires_consent) === 1,
  };
}

/** The status shown: signed agreements are in force between their start and end days, then ended. */
export function agreementStatus(row: Pick<AgreementRow, 'status' | 'starts_on' | 'ends_on' | 'superseded_by'>, nowIso: string): string {
  if (row.status === 'terminated') return 'terminated';
  if (row.superseded_by) return 'superseded';
  if (row.status !== 'signed') return row.status;
  const today = nowIso.slice(0, 10);
  if (today < row.starts_on) return 'signed';
  return today > row.ends_on ? 'ended' : 'in_force';
}

/** The steps taken only on a signed agreement that is current (signed and yet to start, or in force). */
export type CurrentStep = 'review' | 'vary' | 'end';

const DONE: Record<CurrentStep, string> = { review: 'reviewed', vary: 'varied', end: 'ended early' };

/**
 * Why the agreement cannot be reviewed, varied or ended early now, or null when it can: only a signed agreement that
 * is not superseded, terminated or past its last day (5.1). A draft is not in force yet (it is edited instead); one
 * that has ended, or was ended early, is over; a superseded version was replaced by the version in force.
 */
export function currentBlocker(row: Pick<AgreementRow, 'status' | 'starts_on' | 'ends_on' | 'superseded_by' | 'terminated_at'>, nowIso: string, step: CurrentStep): string | null {
  switch (agreementStatus(row, nowIso)) {
    case 'signed': case 'in_force': return null;
    case 'draft': return `A draft is not ${DONE[step]}: it is not in force until every party has signed${step === 'review' ? '' : ', and until then it is edited'}.`;
    case 'terminated': return `This agreement was ended early${row.terminated_at ? ` on ${row.terminated_at.slice(0, 10)}` : ''}: there is nothing left to ${step}.`;
    case 'superseded': return `This version was replaced by its variation: ${step} the version in force instead.`;
    default: return `This agreement ended on ${row.ends_on}: there is nothing left to ${step}. Draft a new one to carry on sharing.`;
  }
}

/**
 * Why a draft variation of `source` can no longer be signed, or null while it can (practice 5.1). A variation
 * replaces the version it varies when every party has signed it, so it completes only while that version is current
 * (the same test as varying it: {@link currentBlocker}). One ended early covers nothing from then on, and one past
 * its last day is over: a variation signed afterwards would bring them back. One already replaced by another
 * variation is not replaced twice.
 */
export function variationBlocker(source: Pick<AgreementRow, 'status' | 'starts_on' | 'ends_on' | 'superseded_by' | 'terminated_at'>, nowIso: string): string | null {
  if (currentBlocker(source, nowIso, 'vary') === null) return null;
  const cannot = 'this variation of it can no longer be signed';
  switch (agreementStatus(source, nowIso)) {
    case 'terminated': return `The agreement this varies was ended early${source.terminated_at ? ` on ${source.terminated_at.slice(0, 10)}` : ''}, so it covers nothing from then on: ${cannot}. Draft a new agreement to carry on sharing.`;
    case 'superseded': return `The agreement this varies was already replaced by another variation: ${cannot}. Vary the version in force instead.`;
    case 'ended': return `The agreement this varies ended on ${source.ends_on}: ${cannot}. Draft a new agreement to carry on sharing.`;
    default: return `The agreement this varies is not signed: ${cannot}.`;
  }
}

/**
 * An agreement as the API answers it. Everyone working here sees that it exists, with whom, for what and on which
 * conditions; the signed copy's details (filename, size, hash) only those who may read the document.
 */
export function presentAgreement(row: AgreementRow, parts: AgreementParts, nowIso: string, mayReadDocument: boolean) {
  const fact = agreementFact(row, parts);
  const signedBy = new Set(fact.signed);
  return {
    data: {
      id: row.id, title: row.title, status: agreementStatus(row, nowIso), usable: agreementUsable(fact, nowIso),
      partners: parts.partners, purposeIds: parts.purposeIds, dataCategories: JSON.parse(row.data_categories) as string[],
      conditions: { security: row.security, onwardSharing: row.onward_sharing, retention: row.retention, breachNotification: row.breach_notification },
      requiresConsent: fact.requiresConsent, startsOn: row.starts_on, endsOn: row.ends_on, reviewOn: row.review_on,
      signatories: parts.signatories.map((s) => ({ party: s.party === AGREEMENT_RECORD.ours ? 'ours' : 'partner', organisationId: s.party === AGREEMENT_RECORD.ours ? null : s.party, userId: s.user_id, name: s.name, role: s.role, signedOn: s.signed_on })),
      awaitingSignatures: fact.parties.filter((p) => !signedBy.has(p)).map((p) => (p === AGREEMENT_RECORD.ours ? 'ours' : p)),
      document: {
        attached: row.document_sha256 !== null,
        ...(mayReadDocument && row.document_sha256 !== null
          ? { filename: row.document_filename, contentType: row.document_content_type, sizeBytes: Number(row.document_size), sha256: row.document_sha256, uploadedAt: row.document_uploaded_at }
          : {}),
      },
      signedAt: row.signed_at, terminatedAt: row.terminated_at, terminationReason: row.termination_reason,
      supersedes: row.supersedes, supersededBy: row.superseded_by, createdBy: row.created_by,
      createdAt: row.created_at, updatedAt: row.updated_at, version: Number(row.version),
    },
    version: Number(row.version),
  };
}
