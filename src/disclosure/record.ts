import type { DisclosureRow } from '../db/schema';
import { defineRecord, field as f, VERSIONED_META } from '../records/descriptor';

/** When the information left: an oral disclosure when it was said, a written one when its pack was released. */
export const leftAt = (row: Pick<DisclosureRow, 'mode' | 'occurred_at' | 'released_at'>) => (row.mode === 'oral' && row.occurred_at ? row.occurred_at : row.released_at);

/**
 * A disclosure to a third party (1.2, 1.3, 4.3): one person's chosen items, to one named recipient at an
 * organisation in the register, for one active purpose, on a basis decided by the server (the person's consent, a
 * signed sharing agreement in force — recorded in `agreementId` — or an exception approved by a manager who did not
 * ask for it). Whose record it is: the person's; need to know reaches
 * it through their case teams (3.4). The requester owns it (the `self` relation: no self-approval).
 *
 * What the register shows — to whom, when, for which purpose, on which basis (and agreement), which categories and how many items,
 * whether the person was asked for their consent first (an exception's structured answer), the pack's hash, whether the person
 * was told — is general. The written reasons (why, the manager's justification,
 * why the person is not told, the exception's reference) and the recipient's contact details are personal.
 */
export const DISCLOSURE_RECORD = defineRecord({
  type: 'disclosure',
  noun: 'disclosure',
  table: 'disclosures',
  fields: [
    f('id', 'id', 'general'),
    f('reference', 'reference', 'general'),
    f('personId', 'person_id', 'general'),
    f('recipientOrganisationId', 'recipient_org_id', 'general'),
    f('recipientName', 'recipient_name', 'general'),
    f('recipientRole', 'recipient_role', 'general'),
    f('recipientEmail', 'recipient_email', 'personal'),
    f('purposeId', 'purpose_id', 'general'),
    f('reason', 'reason', 'personal'),
    f('items', 'items', 'general'),
    f('itemCount', 'item_count', 'general'),
    f('dataCategories', 'data_categories', 'general'),
    f('pseudonymise', 'pseudonymise', 'general'),
    f('mode', 'mode', 'general'),
    f('oralChannel', 'oral_channel', 'general'),
    f('occurredAt', 'occurred_at', 'general'),
    f('clientRequested', 'client_requested', 'general'),
    f('clientRequestDetail', 'client_request_detail', 'personal'),
    f('clientRequestRecordedBy', 'client_request_recorded_by', 'general'),
    f('clientRequestRecordedAt', 'client_request_recorded_at', 'general'),
    f('basis', 'basis', 'general'),
    f('consentId', 'consent_id', 'general'),
    // The sharing agreement an agreement-based disclosure rests on (practice 5.1): that an agreement exists, with whom
    // and for what, is not confidential.
    f('agreementId', 'agreement_id', 'general'),
    f('exceptionGround', 'exception_ground', 'general'),
    f('exceptionReference', 'exception_reference', 'personal'),
    // Whether the person was asked for their consent first, for an exception (1.3, 4.1; src/lib/consent-sought.ts):
    // structured answers, never what they said — general like the ground, so the register shows them.
    f('consentSought', 'consent_sought', 'general'),
    f('consentAnswer', 'consent_answer', 'general'),
    f('notSoughtBecause', 'not_sought_because', 'general'),
    f('approvedBy', 'approved_by', 'general'),
    f('approvedAt', 'approved_at', 'general'),
    f('justification', 'justification', 'personal'),
    f('tellPerson', 'tell_person', 'general'),
    f('notToldReason', 'not_told_reason', 'personal'),
    f('personToldAt', 'person_told_at', 'general'),
    f('status', 'status', 'general'),
    f('acknowledgementMethod', 'ack_method', 'general'),
    f('acknowledgedBy', 'ack_name', 'general'),
    f('acknowledgedOn', 'ack_date', 'general'),
    f('acknowledgedAt', 'ack_at', 'general'),
    f('acknowledgementAttestedBy', 'ack_attested_by', 'general'),
    f('packSha256', 'pack_sha256', 'general'),
    f('packJsonSha256', 'pack_json_sha256', 'general'),
    f('releasedAt', 'released_at', 'general'),
    f('releasedBy', 'released_by', 'general'),
    f('requestedBy', 'requested_by', 'general'),
    f('requestedAt', 'requested_at', 'general'),
    // The concern a safeguarding referral was made for (practice 4.3): only the leads and management reach such a
    // disclosure at all (relation `referral`).
    f('concernId', 'concern_id', 'general'),
    ...VERSIONED_META,
  ],
  // request: ask for a disclosure (or record an oral one); approve: a manager decides an exception (1.3); release:
  // acknowledgement link, staff attestation and the release of the pack; pack: read the released pack as it went
  // out (those who may release it); told: record that the person was told.
  actions: ['read', 'request', 'approve', 'release', 'pack', 'told'],
  subjectPerson: 'disclosures.person_id',
  access: { compartment: 'person', column: 'person_id' },
  owner: 'requested_by',
  // What the web app may offer on a disclosure, decided as the actions themselves are (where it is up to in its
  // workflow is the status, which the app reads): decide an exception (1.3: never the requester's own), issue the
  // acknowledgement link, attest, release and download the pack (4.3), record that the person was told.
  offers: [
    { can: 'approve', action: 'disclosure.approve', on: 'record' },
    { can: 'release', action: 'disclosure.release', on: 'record' },
    { can: 'recordTold', action: 'disclosure.told', on: 'record' },
  ],
});
